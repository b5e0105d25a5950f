"""Gradient boosting classifier (scikit-learn GradientBoostingClassifier), progress per stage."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext
from node_library.node_kinds.boosting import fit_sklearn_boosting
from node_library.node_kinds.models import ClassifierNode, SupervisedParams


class GradientBoostingClassifierParams(SupervisedParams):
    loss: Literal["log_loss", "exponential"] = Field(
        "log_loss", description="Loss to optimize (exponential: AdaBoost, two classes only)."
    )
    n_estimators: int = Field(100, ge=1, le=100_000, description="Boosting stages (trees).")
    learning_rate: float = Field(0.1, gt=0, description="Shrinks each tree's contribution.")
    max_depth: int | None = Field(3, ge=1, description="Maximum depth of each tree.")
    subsample: float = Field(
        1.0, gt=0, le=1, description="Share of rows per tree (< 1: stochastic boosting)."
    )
    min_samples_split: int = Field(2, ge=2, description="Rows needed to split a node.")
    min_samples_leaf: int = Field(1, ge=1, description="Rows needed in each leaf.")
    random_state: int = Field(0, ge=0, description="Seed for subsampling and feature order.")


class GradientBoostingClassifierNode(ClassifierNode[GradientBoostingClassifierParams]):
    type_id = "models.gradient_boosting_classifier"
    display_name = "Gradient boosting classifier"
    description = "Boosted decision trees for classification (scikit-learn)."
    tags = ("classification", "boosting", "trees", "sklearn", "gbm")
    Params = GradientBoostingClassifierParams
    algorithm = "sklearn.ensemble.GradientBoostingClassifier"

    def fit(
        self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any, **options: Any
    ) -> None:
        fit_sklearn_boosting(ctx, estimator, X, y)
