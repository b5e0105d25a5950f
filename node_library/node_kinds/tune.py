"""What the tuning nodes share: the `model` and `train` inputs, the CV scheme and scoring params,
the candidate loop with progress, the refit of the best candidate and the outputs.

The model input is a model spec (a model node's `spec` output, nothing fitted to make it) or a
fitted model; either gives the estimator and its hyperparameters, the starting point
(node_library.node_kinds.model_data): each candidate fits
`clone(estimator).set_params(**candidate)` on every training fold and scores the test fold,
exactly as `GridSearchCV` / `RandomizedSearchCV` do with the same splitter, scorer and space
(tests check equal mean and std scores, ranks, best params and refit predictions). The loop runs
here rather than inside scikit-learn so that every fold reports progress ("candidate 40/100").

Rules shared with scikit-learn (`error_score=nan`, `refit=True`):
- mean and std of a candidate's fold scores as `np.average` over the folds (std with ddof 0);
- a candidate the estimator refuses (its declared parameter constraints) or whose fit fails
  scores NaN and ranks last, with the reason in the log; when every candidate is refused or
  fails, the node stops with an error naming the `space` param (or the data problem behind it);
- rank 1 is the best mean score (ties share a rank, `rankdata(method="min")`); the best candidate
  is the first of rank 1; it is re-fitted on all the train rows and output as the `model`, with
  the facts of a model node's model (features, target, classes; its params are the model
  node's with the best candidate's values).

Scores use the metric names of the evaluation nodes (`rmse` is a positive error: lower ranks
better, as scikit-learn's `neg_root_mean_squared_error` ranks higher). `fit_time` (mean seconds
per fold fit) is the one results column that differs from run to run.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Generic, TypeVar

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
    error,
    raise_first_error,
)
from node_library.datatypes import DataType
from node_library.ml.cv import CVScheme, fold_issues, iter_folds, scheme_issues
from node_library.ml.fitted import FittedModel, ModelMeta, frame_fingerprint, library_versions
from node_library.ml.search_space import (
    Entry,
    as_warning,
    candidates,
    column_dtype,
    grid_size,
    name_issue,
    param_column,
    refusal,
    shown,
    space_issues,
)
from node_library.node_kinds.model_data import (
    SCORERS,
    ModelData,
    Scoring,
    chosen_scores,
    data_issues,
    fit_failure,
    fold_failure,
    model_data,
    resolve_spec_target,
    scorer,
    spec_issues,
)
from node_library.schema import Dtype, Role, TableSchema, schema_of_frame
from node_library.settings import NodeSettings
from node_library.values import Metrics

RESULT_COLUMNS = {
    "mean_score": Dtype.FLOAT,
    "std_score": Dtype.FLOAT,
    "rank": Dtype.INTEGER,
    "fit_time": Dtype.FLOAT,
}
DEFAULT_SCORING = {"classifier": "accuracy", "regressor": "rmse"}
# more fits than this gets a warning before the run
LARGE_SEARCH_FITS = 2_000


class TuneParams(CVScheme):
    target: str | None = Field(
        None,
        description="Column of true values; empty means the model's target (for a spec that "
        "names none, the data's target-role column).",
        json_schema_extra=widgets.column("train"),
    )
    scoring: Scoring | None = Field(
        None,
        description=(
            "Metric the candidates are ranked by; empty means accuracy for classifiers and rmse "
            "(lower is better) for regressors."
        ),
    )


P = TypeVar("P", bound=TuneParams)


class TuneNode(NodeType[P], Generic[P]):
    """Base of the search nodes; subclasses set the ClassVars, `space_of` and `n_iter_of`."""

    category = "tune"
    search_name: ClassVar[str]  # "Grid search"
    inputs = (
        Port(
            "model",
            DataType.MODEL_SPEC,
            "Model",
            description="A classifier's or regressor's spec (or fitted model): its "
            "hyperparameters are the starting point.",
        ),
        Port("train", DataType.DATAFRAME, "Training data", description="Features and target."),
    )
    outputs = (
        Port("results", DataType.DATAFRAME, "Candidates", description="One row per candidate."),
        Port("model", DataType.MODEL, "Best model", description="Re-fitted on all train rows."),
        Port("metrics", DataType.METRICS, "Best score and params"),
        Port("plot", DataType.PLOT, "Scores"),
    )

    def space_of(self, params: P) -> Sequence[Entry]:
        raise NotImplementedError

    def n_iter_of(self, params: P) -> int | None:
        """None for an exhaustive grid; the number of draws for a random search."""
        return None

    def seed_of(self, params: P) -> int:
        return 0

    def resolve_params(
        self, params: P, inputs: Mapping[str, PortSchema], roles: Mapping[str, Mapping[str, Role]]
    ) -> P:
        target = resolve_spec_target(
            params.target, [inputs.get("model")], inputs.get("train"), roles.get("train", {})
        )
        return params if target == params.target else params.model_copy(update={"target": target})

    def validate(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("train")
        space = self.space_of(params)
        issues = space_issues(space)
        size, n_iter = grid_size(space), self.n_iter_of(params)
        draws = [n for n in (size, n_iter) if n is not None]  # a random search runs at most both
        count = min(draws) if draws else 0
        if not issues and count * params.n_splits > LARGE_SEARCH_FITS:
            issues.append(
                as_warning(
                    error(
                        "large_search",
                        f"{count} candidates x {params.n_splits} folds = "
                        f"{count * params.n_splits} fits; this can take a long time",
                        "use fewer values, a random search with a smaller n_iter, or fewer folds",
                        param="space",
                    )
                )
            )
        return (
            issues
            + data_issues(schema, params.target)
            + scheme_issues(params, schema, port="train")
            + spec_issues(
                inputs.get("model"), schema, params.target, port="model", data_port="train"
            )
        )

    def infer_schema(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {
            "results": results_schema(self.space_of(params)),
            "model": None,
            "metrics": None,
            "plot": None,
        }

    def compute(self, ctx: ExecutionContext, params: P, **inputs: Any) -> dict[str, Any]:
        train: pd.DataFrame = inputs["train"]
        checked = _port_model_data(inputs["model"], train, params.target)
        space = self.space_of(params)
        estimator = checked.model.estimator
        valid = list(estimator.get_params(deep=False))
        unknown = name_issue(space, valid, type(estimator).__name__)
        if unknown is not None:
            raise NodeError(unknown)
        metric = params.scoring or DEFAULT_SCORING[checked.kind]
        chosen_scores([metric], checked.kind)  # a regression metric for a classifier is refused
        groups = train[params.group_column] if params.kind == "group_kfold" else None
        raise_first_error(fold_issues(params, checked.target, groups))

        found = candidates(space, n_iter=self.n_iter_of(params), seed=self.seed_of(params))
        refused = {i: why for i, c in enumerate(found) if (why := refusal(estimator, c))}
        for index, why in refused.items():
            ctx.log(f"candidate {index + 1} refused: {why}")
        if len(refused) == len(found):
            first = next(iter(refused.values()))
            raise NodeError(
                error(
                    "no_valid_candidate",
                    f"{type(estimator).__name__} refuses every candidate of the space "
                    f"({len(found)}); for example: {first}",
                    "change the values in space to ones the model accepts",
                    param="space",
                )
            )
        folds = list(iter_folds(params, checked.features, checked.target, groups))
        search = _search(
            ctx, estimator, checked.features, checked.target, folds, found, refused, metric
        )
        if np.isnan(search.scores).all():
            first_error = next(e for e in search.errors if e is not None)
            raise fit_failure(
                f"every candidate ({len(found)})", first_error, checked.features, param="space"
            )
        sign = SCORERS[metric][1]
        mean, std, rank = _summary(search.scores)
        best = int(np.argmin(rank))
        ctx.progress(len(found) * len(folds), len(found) * len(folds) + 1, "refitting the best")
        refit = _refit(checked, found[best], train)
        ctx.progress(len(found) * len(folds) + 1, len(found) * len(folds) + 1, "done")

        results = pd.DataFrame(
            {e.param: param_column(e, [c[e.param] for c in found]) for e in space}
        )
        results["mean_score"] = sign * mean
        results["std_score"] = std
        results["rank"] = rank.astype(np.int64)
        results["fit_time"] = search.fit_times
        metrics: Metrics = {
            "scoring": metric,
            "best_score": float(sign * mean[best]),
            "best_std": float(std[best]),
            "candidates": len(found),
            "failed_candidates": int(np.isnan(search.scores).any(axis=1).sum()),
            "folds": len(folds),
        }
        for key, value in found[best].items():
            metrics[f"best_{key}"] = shown(value)
        title = f"{self.search_name}: {metric} over {len(folds)} {params.kind} folds"
        figure = search_figure(space, found, sign * mean, std, best, metric, title)
        return {"results": results, "model": refit, "metrics": metrics, "plot": figure}


def results_schema(space: Sequence[Entry]) -> TableSchema:
    columns: dict[str, Dtype] = {e.param: column_dtype(e) for e in space}
    return TableSchema.of(**columns, **RESULT_COLUMNS)


def _port_model_data(model: Any, train: pd.DataFrame, target: str | None) -> ModelData:
    """model_data with the data port named `train` (it says `data` for the evaluation nodes)."""
    try:
        return model_data(model, train, target)
    except NodeError as exc:
        issue = exc.issue
        if issue.port == "data":
            issue = issue.model_copy(
                update={"port": "train", "message": issue.message.replace("'data'", "'train'")}
            )
        raise NodeError(issue) from exc


class _Search:
    def __init__(self, n_candidates: int, n_folds: int) -> None:
        self.scores = np.full((n_candidates, n_folds), np.nan)
        self.fit_times = np.full(n_candidates, np.nan)
        self.errors: list[Exception | None] = [None] * n_candidates


def _search(
    ctx: ExecutionContext,
    estimator: Any,
    X: pd.DataFrame,
    y: pd.Series,
    folds: list[tuple[np.ndarray, np.ndarray]],
    found: list[dict[str, Any]],
    refused: Mapping[int, str],
    metric: str,
) -> _Search:
    """Fold scores (named-metric sign undone: scikit-learn's scorer values) of every candidate."""
    from sklearn.base import clone

    score, _ = scorer(metric)
    search = _Search(len(found), len(folds))
    total = len(found) * len(folds) + 1
    ctx.progress(0, total, f"candidate 1/{len(found)}")
    messages: dict[str, None] = {}
    for index, candidate in enumerate(found):
        done = index * len(folds)
        label = f"candidate {index + 1}/{len(found)}"
        if index in refused:
            search.errors[index] = ValueError(refused[index])
            ctx.progress(done + len(folds), total, label)
            continue
        seconds: list[float] = []
        for number, (train, test) in enumerate(folds, start=1):
            fitted = clone(estimator).set_params(**clone(candidate, safe=False))
            started = time.perf_counter()
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    fitted.fit(X.iloc[train], y.iloc[train])
                for warning in caught:
                    messages.setdefault(str(warning.message).strip().splitlines()[0], None)
            except Exception as exc:  # a failing candidate scores NaN, as in scikit-learn
                seconds.append(time.perf_counter() - started)
                search.errors[index] = exc
                search.scores[index, :] = np.nan
                ctx.log(f"{label} ({_described(candidate)}) failed on fold {number}: {exc}")
                break
            seconds.append(time.perf_counter() - started)
            try:
                search.scores[index, number - 1] = score(fitted, X.iloc[test], y.iloc[test])
            except (ValueError, TypeError) as exc:
                what = f"{metric} of {label}, fold {number}"
                raise fold_failure(what, exc, param="scoring") from exc
            ctx.progress(done + number, total, label)
        search.fit_times[index] = float(np.mean(seconds))
    for message in messages:
        ctx.log(message)
    return search


def _summary(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, std and rank per candidate, computed as scikit-learn's `_format_results` does on
    the scorer's values (greater is better); NaN means rank with the worst."""
    from scipy.stats import rankdata

    mean = np.average(scores, axis=1)
    std = np.sqrt(np.average((scores - mean[:, np.newaxis]) ** 2, axis=1))
    if np.isnan(mean).all():
        return mean, std, np.ones_like(mean, dtype=np.int64)
    filled = np.nan_to_num(mean, nan=np.nanmin(mean) - 1)
    rank = rankdata(-filled, method="min").astype(np.int64)
    return mean, std, rank


def _refit(checked: ModelData, best: dict[str, Any], train: pd.DataFrame) -> FittedModel:
    from sklearn.base import clone

    X, y, model = checked.features, checked.target, checked.model
    fitted = clone(model.estimator).set_params(**clone(best, safe=False))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the same warnings were logged during the search
            fitted.fit(X, y)
    except (ValueError, TypeError) as exc:
        raise fit_failure("refitting the best candidate", exc, X, param="space") from exc
    classes = checked.classes if model.encoded_labels else model.classes
    if model.kind == "classifier" and not model.encoded_labels and hasattr(fitted, "classes_"):
        classes = [c.item() if hasattr(c, "item") else c for c in fitted.classes_]
    schema = schema_of_frame(X)
    params = {**model.params, **{k: _json_value(v) for k, v in best.items()}}
    facts: dict[str, Any] = {
        "target": str(y.name) if y.name is not None else model.target,
        "classes": classes,
        "params": params,
        "feature_dtypes": {c.name: c.dtype.value for c in schema.columns},
        "training_rows": len(train),
        "training_fingerprint": frame_fingerprint(train),
    }
    if model.fitted is not None:
        return FittedModel(fitted, replace(model.fitted.meta, **facts))
    assert model.spec is not None  # a ModelInput is a fitted model or a spec
    node = model.spec.node_type()
    if "target" in params:
        params["target"] = facts["target"]
    if "features" in params:
        params["features"] = list(X.columns)
    facts["params"] = params
    meta = ModelMeta(
        kind=model.spec.kind,
        algorithm=model.algorithm,
        features=list(X.columns),
        library_versions=library_versions(*node.libraries),
        encoded_labels=model.encoded_labels,
        **facts,
    )
    return FittedModel(fitted, meta)


def _json_value(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _described(candidate: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={shown(v)}" for k, v in candidate.items())


def search_figure(
    space: Sequence[Entry],
    found: list[dict[str, Any]],
    mean: np.ndarray,
    std: np.ndarray,
    best: int,
    metric: str,
    title: str,
) -> dict[str, Any]:
    """Mean score against the value of a single numeric hyperparameter, or per candidate."""
    import json

    import plotly.graph_objects as go

    figure = go.Figure()
    entry = space[0] if len(space) == 1 else None
    numeric = entry is not None and column_dtype(entry) in (Dtype.INTEGER, Dtype.FLOAT)
    labels = [_described(c) for c in found]
    if entry is not None and numeric:
        x = np.array([np.nan if c[entry.param] is None else float(c[entry.param]) for c in found])
        order = np.argsort(x, kind="stable")
        figure.add_trace(
            go.Scatter(
                x=x[order],
                y=mean[order],
                error_y={"type": "data", "array": np.nan_to_num(std[order])},
                mode="lines+markers",
                name=metric,
            )
        )
        positive = x[np.isfinite(x)]
        logged = bool(getattr(entry, "log", False)) or (
            len(positive) > 1 and positive.min() > 0 and positive.max() / positive.min() >= 100
        )
        figure.update_xaxes(title=entry.param, type="log" if logged else "linear")
        best_x: Any = x[best]
    else:
        x = np.arange(1, len(found) + 1)
        figure.add_trace(
            go.Scatter(
                x=x,
                y=mean,
                error_y={"type": "data", "array": np.nan_to_num(std)},
                mode="markers",
                text=labels,
                hovertemplate="candidate %{x}<br>%{text}<br>score %{y}<extra></extra>",
                name=metric,
            )
        )
        figure.update_xaxes(title="Candidate")
        best_x = int(x[best])
    figure.add_trace(
        go.Scatter(
            x=[best_x],
            y=[mean[best]],
            mode="markers",
            marker={"size": 14, "symbol": "star"},
            name=f"best: {labels[best]}",
        )
    )
    figure.update_layout(title=title, yaxis={"title": f"{metric} (mean over folds)"})
    result: dict[str, Any] = json.loads(figure.to_json())
    return result
