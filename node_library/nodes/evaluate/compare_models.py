"""Compare two to four models by cross-validating each on the SAME folds, with a significance test
and a plain-language verdict.

Every model (a model spec, or a fitted model whose hyperparameters are re-used:
node_library.node_kinds.model_data) re-fits a clone of its estimator on each training fold and
is scored on the held-out fold, as evaluate.cross_validate does; the folds are cut once (from
the data's target and group column) and shared, so the scores are paired fold by fold.
`n_repeats` > 1 repeats k-fold with a new shuffle each time (`RepeatedKFold` /
`RepeatedStratifiedKFold`, seed `random_state`).

The test is Nadeau and Bengio's corrected resampled t-test (Machine Learning 52, 2003), which
accounts for the overlap of training sets between folds that makes the plain paired t-test far
too optimistic. With d_j the difference of the two models' scores on fold j of J = k x repeats,
d̄ their mean and s² their sample variance (ddof 1):

    t = d̄ / sqrt((1/J + n_test/n_train) * s²),   p = 2 * (1 - T_{J-1}(|t|))

where n_test/n_train is the mean test rows over the mean training rows of a fold and T_{J-1} the
Student t distribution with J - 1 degrees of freedom (scipy.stats.t). When every difference is
the same, s² = 0: p is 1 for no difference and 0 otherwise. With more than two models, each is
tested against the best one (no correction for multiple tests: a p-value near alpha deserves
caution).

The verdict names the best model by mean score, says whether the difference to each other model
is significant at `alpha`, and recommends: the best model when it beats every other
significantly, otherwise the simplest of the models it does not beat significantly (linear models
are simpler than k-NN and SVMs, which are simpler than tree ensembles and boosting).

Checks: every model must be a classifier, or every one a regressor, trained on the same target;
with `same_features` (default on) on the same feature columns (turn it off to compare feature
sets on purpose). Each message names the models (by port) and what differs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeType,
    Port,
    PortSchema,
    Severity,
    error,
    raise_first_error,
)
from node_library.datatypes import DataType
from node_library.ml.charts import fold_scores_figure
from node_library.ml.cv import CVScheme, build_splitter, fold_issues, scheme_issues
from node_library.ml.fitted import FittedModel
from node_library.node_kinds.model_data import (
    SCORERS,
    ModelData,
    ModelInput,
    Scoring,
    chosen_scores,
    data_issues,
    fit_failure,
    model_data,
    model_input,
    resolve_spec_target,
    scorer,
    spec_issues,
)
from node_library.schema import Dtype, Role, TableSchema
from node_library.settings import NodeSettings
from node_library.values import Metrics

MODEL_PORTS = ("model_a", "model_b", "model_c", "model_d")
_MODEL_PORT = "A model spec, or a fitted model: its hyperparameters are re-fitted."
DEFAULT_SCORING = {"classifier": "accuracy", "regressor": "rmse"}

# class name -> (name in a sentence, simplicity: lower is simpler)
_ALGORITHMS: dict[str, tuple[str, int]] = {
    "LogisticRegression": ("logistic regression", 1),
    "LinearRegression": ("linear regression", 1),
    "Ridge": ("ridge regression", 1),
    "Lasso": ("lasso regression", 1),
    "ElasticNet": ("elastic net", 1),
    "KNeighborsClassifier": ("k-nearest neighbours", 2),
    "KNeighborsRegressor": ("k-nearest neighbours", 2),
    "SVC": ("SVM", 2),
    "SVR": ("SVM", 2),
    "DecisionTreeClassifier": ("decision tree", 2),
    "DecisionTreeRegressor": ("decision tree", 2),
    "RandomForestClassifier": ("random forest", 3),
    "RandomForestRegressor": ("random forest", 3),
    "GradientBoostingClassifier": ("gradient boosting", 3),
    "GradientBoostingRegressor": ("gradient boosting", 3),
    "XGBClassifier": ("XGBoost", 3),
    "XGBRegressor": ("XGBoost", 3),
    "LGBMClassifier": ("LightGBM", 3),
    "LGBMRegressor": ("LightGBM", 3),
}
_UNKNOWN_SIMPLICITY = 3


class CompareModelsParams(CVScheme):
    n_repeats: int = Field(
        1,
        ge=1,
        le=100,
        description=(
            "Repeat k-fold this many times with a new shuffle each time (seed random_state); "
            "more repeats give a steadier comparison. kfold and stratified_kfold only."
        ),
    )
    target: str | None = Field(
        None,
        description="Column of true values; empty means the target the models were trained on.",
        json_schema_extra=widgets.column("data"),
    )
    scoring: Scoring | None = Field(
        None,
        description="Metric compared; empty means accuracy for classifiers, rmse for regressors.",
    )
    alpha: float = Field(
        0.05, gt=0, lt=1, description="Significance level of the corrected resampled t-test."
    )
    same_features: bool = Field(
        True,
        description="Require every model to use the same feature columns (turn off to compare "
        "feature sets on purpose).",
    )


class CompareModelsNode(NodeType[CompareModelsParams]):
    type_id = "evaluate.compare_models"
    display_name = "Compare models"
    category = "evaluate"
    description = "Cross-validate 2-4 models on the same folds and test whether they differ."
    tags = ("compare", "comparison", "t-test", "significance", "cv", "benchmark", "evaluate")
    Params = CompareModelsParams
    inputs = (
        Port("model_a", DataType.MODEL_SPEC, "Model A", description=_MODEL_PORT),
        Port("model_b", DataType.MODEL_SPEC, "Model B", description=_MODEL_PORT),
        Port("model_c", DataType.MODEL_SPEC, "Model C", required=False, description=_MODEL_PORT),
        Port("model_d", DataType.MODEL_SPEC, "Model D", required=False, description=_MODEL_PORT),
        Port("data", DataType.DATAFRAME, "Data", description="Features and target."),
    )
    outputs = (
        Port("scores", DataType.DATAFRAME, "Fold scores", description="One row per fold."),
        Port("metrics", DataType.METRICS, "Summary", description="Means, p-values, verdict."),
        Port("plot", DataType.PLOT, "Plot"),
        Port("comparison", DataType.JSON, "Comparison", description="Models, tests, verdict."),
    )

    def resolve_params(
        self,
        params: CompareModelsParams,
        inputs: Mapping[str, PortSchema],
        roles: Mapping[str, Mapping[str, Role]],
    ) -> CompareModelsParams:
        models = [inputs.get(p) for p in MODEL_PORTS]
        target = resolve_spec_target(
            params.target, models, inputs.get("data"), roles.get("data", {})
        )
        return params if target == params.target else params.model_copy(update={"target": target})

    def validate(
        self, params: CompareModelsParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("data")
        issues = data_issues(schema, params.target) + scheme_issues(params, schema, port="data")
        if params.n_repeats > 1:  # repeated folds are always shuffled with the seed
            issues = [i for i in issues if i.code != "unused_seed"]
        for port in MODEL_PORTS:
            issues += spec_issues(inputs.get(port), schema, params.target, port=port)
        if params.n_repeats > 1 and params.kind in ("group_kfold", "time_series"):
            issues.append(
                error(
                    "repeats_not_supported",
                    f"{params.kind} folds cannot be repeated with a new shuffle",
                    "set n_repeats to 1, or choose kfold or stratified_kfold",
                    param="n_repeats",
                )
            )
        elif params.n_repeats > 1 and not params.shuffle:
            issues.append(
                error(
                    "ignored_param",
                    "repeated folds are always shuffled (seed random_state)",
                    "turn shuffle on to say so, or set n_repeats to 1",
                    param="shuffle",
                ).model_copy(update={"severity": Severity.WARNING})
            )
        return issues

    def infer_schema(
        self, params: CompareModelsParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        ports = [p for p in MODEL_PORTS if p in ("model_a", "model_b") or p in inputs]
        return {"scores": scores_schema(ports), "metrics": None, "plot": None, "comparison": None}

    def compute(
        self, ctx: ExecutionContext, params: CompareModelsParams, **inputs: Any
    ) -> dict[str, Any]:
        data: pd.DataFrame = inputs["data"]
        models = {p: _input(p, inputs[p]) for p in MODEL_PORTS if p in inputs}
        checked = {
            port: _checked(port, model, data, params.target) for port, model in models.items()
        }
        kind = _same_kind_and_target(models, checked)
        if params.same_features:
            _same_features(checked)
        metric = params.scoring or DEFAULT_SCORING[kind]
        chosen_scores([metric], kind)
        target_name = checked[next(iter(checked))].target.name
        groups = data[params.group_column] if params.kind == "group_kfold" else None
        raise_first_error(fold_issues(params, data[target_name], groups))
        splitter = _splitter(params)
        folds = list(splitter.split(data, data[target_name], None if groups is None else groups))

        scores = _fold_scores(ctx, models, checked, folds, metric)
        frame = _scores_frame(params, folds, scores)
        higher = SCORERS[metric][1] > 0
        names = _names(models)
        n_train = float(np.mean([len(train) for train, _ in folds]))
        n_test = float(np.mean([len(test) for _, test in folds]))
        result = compare(scores, names, models, metric, higher, n_train, n_test, params.alpha)

        best = result["best"]
        metrics: Metrics = {"scoring": metric, "folds": len(folds), "best": best}
        metrics["best_model"] = names[best]
        for port, values in scores.items():
            metrics[f"{port}_model"] = names[port]
            metrics[f"{port}_mean"] = float(np.mean(values))
            metrics[f"{port}_std"] = float(np.std(values))
        for test in result["tests"]:
            metrics[f"{test['model']}_p_value"] = test["p_value"]
        metrics["verdict"] = result["verdict"]
        figure = fold_scores_figure(
            {f"{names[p]} ({p})": v for p, v in scores.items()},
            f"{metric} on {len(folds)} shared folds",
        )
        return {"scores": frame, "metrics": metrics, "plot": figure, "comparison": result}


def scores_schema(ports: list[str]) -> TableSchema:
    columns = {
        "repeat": Dtype.INTEGER,
        "fold": Dtype.INTEGER,
        "train_rows": Dtype.INTEGER,
        "test_rows": Dtype.INTEGER,
    }
    return TableSchema.of(**columns, **dict.fromkeys(ports, Dtype.FLOAT))


def corrected_resampled_t_test(
    differences: np.ndarray, n_train: float, n_test: float
) -> tuple[float, float]:
    """Nadeau-Bengio corrected resampled t-test of paired fold score differences: (t, p)."""
    from scipy.stats import t as student_t

    folds = len(differences)
    mean = float(np.mean(differences))
    variance = float(np.var(differences, ddof=1))
    if variance == 0.0:
        return (0.0, 1.0) if mean == 0.0 else (float(np.copysign(np.inf, mean)), 0.0)
    statistic = mean / np.sqrt((1 / folds + n_test / n_train) * variance)
    p_value = 2 * float(student_t.sf(abs(statistic), folds - 1))
    return float(statistic), p_value


def compare(
    scores: Mapping[str, np.ndarray],
    names: Mapping[str, str],
    models: Mapping[str, ModelInput | FittedModel],
    metric: str,
    higher_is_better: bool,
    n_train: float,
    n_test: float,
    alpha: float,
) -> dict[str, Any]:
    """The best model, a test of each other model against it, and the verdict, as JSON."""
    means = {port: float(np.mean(values)) for port, values in scores.items()}
    pick = max if higher_is_better else min
    best = pick(means, key=lambda p: means[p])  # the first port wins a tie
    tests: list[dict[str, Any]] = []
    for port in scores:
        if port == best:
            continue
        statistic, p_value = corrected_resampled_t_test(
            scores[best] - scores[port], n_train, n_test
        )
        tests.append(
            {
                "model": port,
                "against": best,
                "mean_difference": means[best] - means[port],
                "t": statistic,
                "p_value": p_value,
                "significant": p_value < alpha,
            }
        )
    simplicity = {port: _simplicity(models[port]) for port in scores}
    alike = [
        best,
        *sorted(
            (t["model"] for t in tests if not t["significant"]),
            key=lambda p: -means[p] if higher_is_better else means[p],
        ),
    ]
    recommended = min(alike, key=lambda p: simplicity[p])  # a tie keeps the better score
    verdict = _verdict(best, tests, means, names, metric, higher_is_better, recommended, simplicity)
    return {
        "metric": metric,
        "higher_is_better": higher_is_better,
        "alpha": alpha,
        "test": "Nadeau-Bengio corrected resampled t-test",
        "models": [
            {
                "port": port,
                "name": names[port],
                "algorithm": _algorithm(models[port]),
                "mean": means[port],
                "std": float(np.std(values)),
                "scores": [float(v) for v in values],
            }
            for port, values in scores.items()
        ],
        "best": best,
        "tests": tests,
        "recommended": recommended,
        "verdict": verdict,
    }


def _verdict(
    best: str,
    tests: list[dict[str, Any]],
    means: Mapping[str, float],
    names: Mapping[str, str],
    metric: str,
    higher: bool,
    recommended: str,
    simplicity: Mapping[str, int],
) -> str:
    sentences = []
    for test in tests:
        other = test["model"]
        if means[best] == means[other]:
            head = (
                f"{names[best]} and {names[other]} score the same ({_number(means[best])} {metric})"
            )
        elif higher:
            head = (
                f"{names[best]} scores higher than {names[other]} "
                f"({_number(means[best])} vs {_number(means[other])} {metric})"
            )
        else:
            head = (
                f"{names[best]} has a lower {metric} than {names[other]} "
                f"({_number(means[best])} vs {_number(means[other])})"
            )
        p_text = f"corrected resampled t-test, {_p(test['p_value'])}"
        if test["significant"]:
            sentences.append(f"{head}, and the difference is significant ({p_text}).")
        else:
            sentences.append(f"{head}, but the difference is not significant ({p_text}).")
    if all(t["significant"] for t in tests):
        advice = f"Prefer {names[best]}."
    elif recommended != best:
        advice = f"Prefer the simpler model, {names[recommended]}."
    elif any(simplicity[t["model"]] == simplicity[best] for t in tests if not t["significant"]):
        advice = f"The models perform alike on this data; {names[best]} scores best."
    else:
        advice = f"Prefer {names[best]}, which is also the simpler model."
    return " ".join(s[:1].upper() + s[1:] for s in [*sentences, advice])


def _number(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.1f}"


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.2g}"


def _algorithm(model: ModelInput | FittedModel) -> str:
    return model.meta.algorithm if isinstance(model, FittedModel) else model.algorithm


def _class_name(model: ModelInput | FittedModel) -> str:
    return _algorithm(model).rsplit(".", 1)[-1]


def _simplicity(model: ModelInput | FittedModel) -> int:
    return _ALGORITHMS.get(_class_name(model), ("", _UNKNOWN_SIMPLICITY))[1]


def _names(models: Mapping[str, ModelInput | FittedModel]) -> dict[str, str]:
    """A readable name per model; the port is added where two models would share a name."""
    plain = {p: _ALGORITHMS.get(_class_name(m), (_class_name(m), 0))[0] for p, m in models.items()}
    counts = pd.Series(list(plain.values())).value_counts()
    return {p: (f"{n} ({p})" if counts[n] > 1 else n) for p, n in plain.items()}


def _input(port: str, value: Any) -> ModelInput:
    """model_input, with the model's port named in the error."""
    try:
        return model_input(value, port)
    except NodeError as exc:
        issue = exc.issue
        raise NodeError(issue.model_copy(update={"message": f"{port}: {issue.message}"})) from exc


def _checked(port: str, model: ModelInput, data: pd.DataFrame, target: str | None) -> ModelData:
    """model_data, with the model's port named in the error."""
    try:
        return model_data(model, data, target)
    except NodeError as exc:
        issue = exc.issue
        update: dict[str, Any] = {"message": f"{port}: {issue.message}"}
        if issue.port == "model":
            update["port"] = port
        raise NodeError(issue.model_copy(update=update)) from exc


def _same_kind_and_target(
    models: Mapping[str, ModelInput], checked: Mapping[str, ModelData]
) -> str:
    kinds = {port: c.kind for port, c in checked.items()}
    if len(set(kinds.values())) > 1:
        listed = ", ".join(f"{port} is a {kind}" for port, kind in kinds.items())
        raise NodeError(
            error(
                "mixed_model_kinds",
                f"the models must all be classifiers or all regressors: {listed}",
                "compare models of one kind, trained on the same target",
                port=next(p for p in kinds if kinds[p] != next(iter(kinds.values()))),
            )
        )
    # the models' own targets (a spec may name none: it learns the data's)
    targets = {port: m.target for port, m in models.items() if m.target is not None}
    if len(set(targets.values())) > 1:
        listed = ", ".join(f"{port} predicts {target!r}" for port, target in targets.items())
        first = next(iter(targets.values()))
        raise NodeError(
            error(
                "different_targets",
                f"the models were trained on different targets: {listed}",
                "compare models trained to predict the same column",
                port=next(p for p in targets if targets[p] != first),
            )
        )
    return next(iter(kinds.values()))


def _same_features(checked: Mapping[str, ModelData]) -> None:
    ports = list(checked)
    reference = ports[0]
    expected = list(checked[reference].features.columns)
    for port in ports[1:]:
        found = list(checked[port].features.columns)
        if set(found) == set(expected):
            continue
        lacks = [c for c in expected if c not in found]
        extra = [c for c in found if c not in expected]
        parts = []
        if extra:
            parts.append(f"uses {', '.join(map(repr, extra[:20]))} which {reference} does not")
        if lacks:
            parts.append(f"lacks {', '.join(map(repr, lacks[:20]))} which {reference} uses")
        raise NodeError(
            error(
                "different_features",
                f"{port} was trained on other feature columns than {reference}: "
                + "; ".join(parts),
                "train the models on the same columns, or turn off same_features to compare "
                "feature sets on purpose",
                port=port,
            )
        )


def _splitter(params: CompareModelsParams) -> Any:
    if params.n_repeats == 1:
        return build_splitter(params)
    from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold

    repeated = RepeatedStratifiedKFold if params.kind == "stratified_kfold" else RepeatedKFold
    return repeated(
        n_splits=params.n_splits, n_repeats=params.n_repeats, random_state=params.random_state
    )


def _fold_scores(
    ctx: ExecutionContext,
    models: Mapping[str, ModelInput],
    checked: Mapping[str, ModelData],
    folds: list[tuple[np.ndarray, np.ndarray]],
    metric: str,
) -> dict[str, np.ndarray]:
    from sklearn.base import clone

    score, sign = scorer(metric)
    total = len(models) * len(folds)
    ctx.progress(0, total, "comparing")
    result: dict[str, np.ndarray] = {}
    for position, (port, model) in enumerate(models.items()):
        X, y = checked[port].features, checked[port].target
        values = np.empty(len(folds))
        started = time.perf_counter()
        for number, (train, test) in enumerate(folds, start=1):
            fitted = clone(model.estimator)
            try:
                fitted.fit(X.iloc[train], y.iloc[train])
                values[number - 1] = sign * float(score(fitted, X.iloc[test], y.iloc[test]))
            except (ValueError, TypeError) as exc:
                failure = fit_failure(f"{port}, fold {number}", exc, X, param="scoring")
                raise failure from exc
            done = position * len(folds) + number
            ctx.progress(done, total, f"{port}: fold {number} of {len(folds)}")
        ctx.log(f"{port}: {len(folds)} folds in {time.perf_counter() - started:.2f} s")
        result[port] = values
    return result


def _scores_frame(
    params: CompareModelsParams,
    folds: list[tuple[np.ndarray, np.ndarray]],
    scores: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    k = len(folds) // params.n_repeats
    frame = pd.DataFrame(
        {
            "repeat": np.arange(len(folds), dtype=np.int64) // k + 1,
            "fold": np.arange(len(folds), dtype=np.int64) % k + 1,
            "train_rows": np.array([len(t) for t, _ in folds], dtype=np.int64),
            "test_rows": np.array([len(t) for _, t in folds], dtype=np.int64),
        }
    )
    for port in MODEL_PORTS:
        if port in scores:
            frame[port] = scores[port]
    return frame
