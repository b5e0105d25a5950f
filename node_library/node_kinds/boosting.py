"""What the boosting model nodes share: XGBoost and LightGBM hyperparameters (the libraries'
defaults), and fitting with progress reported once per boosting round (throttled to at most about
a hundred reports), through each library's own callback hook. Callbacks only observe: the fitted
model is the one a plain `fit` gives, and the callback is removed before the model is returned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext
from node_library.node_kinds.models import SupervisedParams


class XGBoostParams(SupervisedParams):
    n_estimators: int = Field(100, ge=1, le=100_000, description="Boosting rounds (trees).")
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
    random_state: int = Field(0, ge=0, description="Seed for row and column sampling.")


class LightGBMParams(SupervisedParams):
    n_estimators: int = Field(100, ge=1, le=100_000, description="Boosting rounds (trees).")
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


def fit_xgboost(ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
    from xgboost.callback import TrainingCallback

    report = round_reporter(ctx, estimator.n_estimators)

    class Progress(TrainingCallback):
        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            report(epoch + 1)
            return False

    estimator.set_params(callbacks=[Progress()])
    try:
        estimator.fit(X, y, verbose=False)
    finally:
        estimator.set_params(callbacks=None)


def fit_lightgbm(ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
    report = round_reporter(ctx, estimator.n_estimators)

    def progress(env: Any) -> None:
        report(env.iteration + 1)

    estimator.fit(X, y, callbacks=[progress])
