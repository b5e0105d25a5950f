"""What the boosting model nodes share: XGBoost and LightGBM hyperparameters (the libraries'
defaults), early stopping on a validation input, the thread count, and fitting with progress
reported once per boosting round (throttled to at most about a hundred reports), through each
library's own callback hook. Callbacks only observe: the fitted model is the one a plain `fit`
gives, and the callback is removed before the model is returned.

Early stopping takes an optional `validation` input (a frame with the training features and
target), not a validation fraction carved out of the training rows: it is what users of both
libraries write (`eval_set=[(X_valid, y_valid)]` with `early_stopping_rounds`), the rows are the
user's choice (a time-ordered split for time series, a group split for grouped rows), and the
training rows stay exactly the ones connected. With `early_stopping_rounds` set, the score on
the validation rows (the library's default metric for the objective: rmse, logloss, mlogloss,
l2, multi_logloss) is computed after each round and fitting stops when it has not improved for
that many rounds; the model then predicts with the best round (both libraries do this on their
own, and the stored model keeps it: XGBoost's `best_iteration` attribute, LightGBM's text model
holding the best round's trees). The rounds trained and used, the metric and the best score go
to the model's meta (`ModelMeta.training`) and the run's log.

`early_stopping_rounds` is a `fit` argument here, not an estimator param: the spec of a boosting
node builds an estimator without it, so cross-validation, learning curves, tuning and model
comparison (which have no validation rows inside their folds) fit `n_estimators` rounds.

XGBoost: `tree_method` ("hist" is the library's default since 2.0, so the default fits the
same model as before the param existed). LightGBM: `deterministic` asks for the same model on
every run on the same machine and build; as LightGBM's docs advise it also forces row-wise
histogram building (else LightGBM picks row- or column-wise by timing both). `n_jobs` is the
thread count of both; empty keeps the library's default (every core).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, Literal, TypeVar

import numpy as np
import pandas as pd
from pydantic import Field

from node_library.checks import require_columns
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    Port,
    PortSchema,
    Severity,
    error,
)
from node_library.datatypes import DataType
from node_library.ml.training import TrainingData, feature_names
from node_library.node_kinds.models import (
    TRAIN_PORT,
    NJobs,
    SupervisedNode,
    SupervisedParams,
    n_jobs_field,
)
from node_library.settings import NodeSettings

VALIDATION_PORT = Port(
    "validation",
    DataType.DATAFRAME,
    "Validation data",
    required=False,
    description="Rows scored after every round for early stopping: the training features and "
    "target (held out from train, and not the test rows).",
)


class BoostingParams(SupervisedParams):
    n_estimators: int = Field(100, ge=1, le=100_000, description="Boosting rounds (trees).")
    early_stopping_rounds: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="Stop when the score on the validation input has not improved for this "
        "many rounds; the model keeps its best round. Empty: always n_estimators rounds.",
    )


class XGBoostParams(BoostingParams):
    learning_rate: float = Field(0.3, gt=0, le=1, description="Step size shrinkage (eta).")
    max_depth: int = Field(6, ge=0, le=64, description="Maximum tree depth (0 = no limit).")
    min_child_weight: float = Field(1.0, ge=0, description="Minimum hessian sum in a leaf.")
    subsample: float = Field(1.0, gt=0, le=1, description="Share of rows sampled per tree.")
    colsample_bytree: float = Field(
        1.0, gt=0, le=1, description="Share of columns sampled per tree."
    )
    gamma: float = Field(0.0, ge=0, description="Minimum loss reduction to make a split.")
    reg_alpha: float = Field(0.0, ge=0, description="L1 regularization of leaf weights.")
    reg_lambda: float = Field(1.0, ge=0, description="L2 regularization of leaf weights.")
    tree_method: Literal["hist", "approx", "exact"] = Field(
        "hist",
        description="How splits are found: hist (binned features, fast; the default), approx "
        "(bins recomputed per round) or exact (every value; slow on large data).",
    )
    random_state: int = Field(0, ge=0, description="Seed for row and column sampling.")
    n_jobs: NJobs = n_jobs_field("XGBoost's default (every core)")


class LightGBMParams(BoostingParams):
    learning_rate: float = Field(0.1, gt=0, le=1, description="Step size shrinkage.")
    num_leaves: int = Field(31, ge=2, le=131_072, description="Maximum leaves per tree.")
    max_depth: int = Field(-1, ge=-1, description="Maximum tree depth (-1 = no limit).")
    min_child_samples: int = Field(20, ge=1, description="Minimum rows in a leaf.")
    subsample: float = Field(
        1.0, gt=0, le=1, description="Share of rows sampled (with subsample_freq > 0)."
    )
    subsample_freq: int = Field(0, ge=0, description="Resample rows every k rounds (0 = never).")
    colsample_bytree: float = Field(
        1.0, gt=0, le=1, description="Share of columns sampled per tree."
    )
    reg_alpha: float = Field(0.0, ge=0, description="L1 regularization.")
    reg_lambda: float = Field(0.0, ge=0, description="L2 regularization.")
    random_state: int = Field(0, ge=0, description="Seed for sampling.")
    deterministic: bool = Field(
        False,
        description="The same model on every run (same machine and LightGBM build); slower. "
        "Also builds histograms row-wise, as LightGBM advises.",
    )
    n_jobs: NJobs = n_jobs_field("LightGBM's default (every core)")


B = TypeVar("B", bound=BoostingParams)


class BoostingNode(SupervisedNode[B], Generic[B]):
    """Base of the XGBoost and LightGBM nodes: the validation input and early stopping."""

    allows_nan = True
    fit_params = frozenset({"early_stopping_rounds"})
    inputs = (TRAIN_PORT, VALIDATION_PORT)
    # params of version 1 are valid in version 2 (early_stopping_rounds, n_jobs and the
    # library's own new params default to what the node did before)
    version = 2
    migrations: ClassVar[Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {1: dict}

    def validate(
        self, params: B, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues = super().validate(params, inputs, settings)
        connected = "validation" in inputs
        if params.early_stopping_rounds is not None and "train" not in inputs:
            issues.append(
                error(
                    "unused_param",
                    "a node without training data outputs its spec only, and the nodes that "
                    "re-fit a spec fit n_estimators rounds: early stopping is not used",
                    "clear early_stopping_rounds, or connect train and validation to fit here",
                    param="early_stopping_rounds",
                ).model_copy(update={"severity": Severity.WARNING})
            )
        elif params.early_stopping_rounds is not None and not connected:
            issues.append(
                error(
                    "missing_validation",
                    f"early stopping after {params.early_stopping_rounds} rounds without "
                    "improvement needs rows to score: input 'validation' is not connected",
                    "connect held-out rows (e.g. a split of the training data) to validation, "
                    "or clear early_stopping_rounds",
                    param="early_stopping_rounds",
                )
            )
        elif connected and (params.early_stopping_rounds is None or "train" not in inputs):
            why = (
                "early_stopping_rounds is empty"
                if params.early_stopping_rounds is None
                else "no training data is connected"
            )
            issues.append(
                error(
                    "unused_input",
                    f"the validation rows are only used for early stopping, and {why}",
                    "set early_stopping_rounds (and connect train), or disconnect validation",
                    port="validation",
                ).model_copy(update={"severity": Severity.WARNING})
            )
        elif connected and "train" in inputs:
            issues += self._validation_columns(params, inputs)
        return issues

    def _validation_columns(self, params: B, inputs: Mapping[str, PortSchema]) -> list[Issue]:
        train, validation = inputs.get("train"), inputs.get("validation")
        target = self._target(params) or None
        if train is None or validation is None or target is None:
            return []
        wanted = [*feature_names(train.names, target, params.features), target]
        present = [c for c in wanted if c in train]
        issues = require_columns(validation, present, param="", port="validation")
        return [i.model_copy(update={"param": None}) for i in issues]

    def fit_options(
        self,
        params: B,
        inputs: Mapping[str, Any],
        data: TrainingData,
        classes: list[Any] | None,
    ) -> dict[str, Any]:
        frame: pd.DataFrame | None = inputs.get("validation")
        if frame is None or params.early_stopping_rounds is None:
            return {}
        target = self._target(params)
        X, y = validation_data(frame, data, target, classes, self.validation_label_codes())
        return {"validation": (X, y), "early_stopping_rounds": params.early_stopping_rounds}

    def validation_label_codes(self) -> bool:
        """True where the validation labels go to `fit` as codes 0..k-1 of the sorted classes."""
        return self.label_codes


def validation_data(
    frame: pd.DataFrame,
    data: TrainingData,
    target: str | None,
    classes: list[Any] | None,
    label_codes: bool,
) -> tuple[pd.DataFrame, Any]:
    """The validation rows as (X, y) shaped like the training data; NodeError naming the
    validation port for missing columns, an empty frame, gaps in the target or labels the
    training data does not have."""
    assert target is not None  # classifiers and regressors always have a target by now
    wanted = [*data.features, target]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise NodeError(
            error(
                "missing_column",
                f"input 'validation' lacks columns of the training data: {', '.join(missing)}",
                "feed validation rows with the same columns as train (split them from the same "
                "frame)",
                port="validation",
            )
        )
    if frame.empty:
        raise NodeError(
            error(
                "empty_input",
                "input 'validation' has no rows",
                "check the filters and splits upstream of validation",
                port="validation",
            )
        )
    y = frame[target]
    gaps = int(y.isna().sum())
    if gaps:
        raise NodeError(
            error(
                "missing_target_values",
                f"the target {target!r} is missing in {gaps} of {len(y)} validation rows",
                'drop those rows with a "Missing values" node before validation',
                port="validation",
            )
        )
    if classes is None:
        return frame[data.features], y
    codes = pd.Index(classes).get_indexer(y)
    unseen = pd.unique(y[codes < 0])
    if len(unseen):
        raise NodeError(
            error(
                "unseen_class",
                f"the validation target {target!r} has classes the training data does not: "
                f"{', '.join(repr(v) for v in unseen[:20])}",
                "split validation rows from the same data as train (stratified), or filter "
                "those rows out",
                port="validation",
            )
        )
    return frame[data.features], (codes.astype(np.int64) if label_codes else y)


def round_reporter(ctx: ExecutionContext, total: int) -> Callable[[int], None]:
    """A function of the finished round count that reports progress every ~1 % of the rounds."""
    step = max(1, total // 100)

    def report(done: int) -> None:
        if done % step == 0 or done == total:
            ctx.progress(done, total, "boosting rounds")

    return report


def fit_sklearn_boosting(ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
    """scikit-learn gradient boosting: `monitor` is called after each stage."""
    report = round_reporter(ctx, estimator.n_estimators)

    def monitor(stage: int, _estimator: Any, _locals: Any) -> bool:
        report(stage + 1)
        return False  # never stop early

    estimator.fit(X, y, monitor=monitor)


class XGBoostNode(BoostingNode[XGBoostParams]):
    """An XGBoost node (XGBClassifier / XGBRegressor); subclasses pick the estimator class."""

    Params = XGBoostParams
    libraries = ("xgboost", "scikit-learn")

    def fit(
        self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any, **options: Any
    ) -> None:
        fit_xgboost(ctx, estimator, X, y, **options)

    def training_facts(
        self, ctx: ExecutionContext, estimator: Any, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        trained = int(estimator.get_booster().num_boosted_rounds())
        if "validation" not in options:
            return {"rounds_trained": trained, "rounds_used": trained}
        results = estimator.evals_result().get("validation_0", {})
        metric = next(iter(results), "")
        facts = stopped_early_facts(
            trained=trained,
            used=int(estimator.best_iteration) + 1,
            metric=metric,
            best_score=float(estimator.best_score),
            options=options,
        )
        log_stopping(ctx, facts, estimator.n_estimators)
        return facts


class LightGBMNode(BoostingNode[LightGBMParams]):
    """A LightGBM node (LGBMClassifier / LGBMRegressor, quiet); subclasses pick the class."""

    Params = LightGBMParams
    libraries = ("lightgbm", "scikit-learn")
    estimator_options = {"verbose": -1}  # else LightGBM prints its info lines to stdout

    def validation_label_codes(self) -> bool:
        # LGBMClassifier codes the training labels itself (sorted, as np.unique) but, in
        # LightGBM 4.7, passes `eval_y` to the booster as it is, refusing text labels: the codes
        # of the sorted classes are what it would have made of them (its deprecated `eval_set`
        # path does exactly that; a test checks the two give the same model)
        return self.task == "classifier"

    def make_estimator(self, params: LightGBMParams) -> Any:
        estimator = super().make_estimator(params)
        if params.deterministic:
            estimator.set_params(force_row_wise=True)
        return estimator

    def fit(
        self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any, **options: Any
    ) -> None:
        fit_lightgbm(ctx, estimator, X, y, **options)

    def training_facts(
        self, ctx: ExecutionContext, estimator: Any, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        trained = int(estimator.booster_.current_iteration())
        if "validation" not in options:
            return {"rounds_trained": trained, "rounds_used": trained}
        scores: Mapping[str, float] = next(iter(estimator.best_score_.values()), {})
        metric, best = next(iter(scores.items()), ("", float("nan")))
        facts = stopped_early_facts(
            trained=trained,
            used=int(estimator.best_iteration_) or trained,
            metric=str(metric),
            best_score=float(best),
            options=options,
        )
        log_stopping(ctx, facts, estimator.n_estimators)
        return facts


def stopped_early_facts(
    *, trained: int, used: int, metric: str, best_score: float, options: Mapping[str, Any]
) -> dict[str, Any]:
    X_valid, _ = options["validation"]
    return {
        "rounds_trained": trained,
        "rounds_used": used,
        "early_stopping_rounds": int(options["early_stopping_rounds"]),
        "validation_rows": len(X_valid),
        "validation_metric": metric,
        "best_validation_score": best_score,
    }


def log_stopping(ctx: ExecutionContext, facts: Mapping[str, Any], planned: int) -> None:
    trained, used = facts["rounds_trained"], facts["rounds_used"]
    how = "stopped early" if trained < planned else "did not stop early"
    ctx.log(
        f"early stopping: {how} after {trained} of {planned} rounds; the model uses the best "
        f"round, {used} (validation {facts['validation_metric']} "
        f"{facts['best_validation_score']:.6g})"
    )
    ctx.progress(planned, planned, f"boosting rounds ({how} at {trained})")


def fit_xgboost(
    ctx: ExecutionContext,
    estimator: Any,
    X: pd.DataFrame,
    y: Any,
    validation: tuple[pd.DataFrame, Any] | None = None,
    early_stopping_rounds: int | None = None,
) -> None:
    """Fit an XGBoost sklearn wrapper with progress; with `validation`, stop early. The
    estimator keeps neither the callback nor `early_stopping_rounds`, so a clone of it (cross-
    validation of the fitted model) fits without needing a validation set."""
    from xgboost.callback import TrainingCallback

    report = round_reporter(ctx, estimator.n_estimators)

    class Progress(TrainingCallback):
        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            report(epoch + 1)
            return False

    estimator.set_params(callbacks=[Progress()], early_stopping_rounds=early_stopping_rounds)
    try:
        if validation is None:
            estimator.fit(X, y, verbose=False)
        else:
            estimator.fit(X, y, eval_set=[validation], verbose=False)
    finally:
        estimator.set_params(callbacks=None, early_stopping_rounds=None)


def fit_lightgbm(
    ctx: ExecutionContext,
    estimator: Any,
    X: pd.DataFrame,
    y: Any,
    validation: tuple[pd.DataFrame, Any] | None = None,
    early_stopping_rounds: int | None = None,
) -> None:
    """Fit a LightGBM sklearn wrapper with progress; with `validation`, stop early."""
    report = round_reporter(ctx, estimator.n_estimators)

    def progress(env: Any) -> None:
        report(env.iteration + 1)

    if validation is None:
        estimator.fit(X, y, callbacks=[progress])
        return
    import lightgbm

    stop = lightgbm.early_stopping(early_stopping_rounds or 1, verbose=False)
    X_valid, y_valid = validation
    estimator.fit(X, y, eval_X=(X_valid,), eval_y=(y_valid,), callbacks=[progress, stop])


__all__ = [
    "BoostingNode",
    "BoostingParams",
    "LightGBMNode",
    "LightGBMParams",
    "XGBoostNode",
    "XGBoostParams",
    "fit_lightgbm",
    "fit_sklearn_boosting",
    "fit_xgboost",
    "round_reporter",
]
