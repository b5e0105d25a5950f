"""Gradient boosting regressor (scikit-learn GradientBoostingRegressor), progress per stage."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext
from node_library.node_kinds.boosting import fit_sklearn_boosting
from node_library.node_kinds.models import RegressorNode, SupervisedParams


class GradientBoostingRegressorParams(SupervisedParams):
    loss: Literal["squared_error", "absolute_error", "huber", "quantile"] = Field(
        "squared_error", description="Loss to optimize."
    )
    n_estimators: int = Field(100, ge=1, le=100_000, description="Boosting stages (trees).")
    learning_rate: float = Field(0.1, gt=0, description="Shrinks each tree's contribution.")
    max_depth: int | None = Field(3, ge=1, description="Maximum depth of each tree.")
    subsample: float = Field(
        1.0, gt=0, le=1, description="Share of rows per tree (< 1: stochastic boosting)."
    )
    min_samples_split: int = Field(2, ge=2, description="Rows needed to split a node.")
    min_samples_leaf: int = Field(1, ge=1, description="Rows needed in each leaf.")
    alpha: float = Field(0.9, gt=0, lt=1, description="Quantile of the huber and quantile losses.")
    random_state: int = Field(0, ge=0, description="Seed for subsampling and feature order.")


class GradientBoostingRegressorNode(RegressorNode[GradientBoostingRegressorParams]):
    type_id = "models.gradient_boosting_regressor"
    display_name = "Gradient boosting regressor"
    description = "Boosted decision trees for regression (scikit-learn)."
    tags = ("regression", "boosting", "trees", "sklearn", "gbm")
    Params = GradientBoostingRegressorParams
    algorithm = "sklearn.ensemble.GradientBoostingRegressor"

    def fit(
        self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any, **options: Any
    ) -> None:
        fit_sklearn_boosting(ctx, estimator, X, y)
