"""Random forest regressor (scikit-learn RandomForestRegressor); accepts missing values."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from node_library.node_kinds.models import NJobs, RegressorNode, SupervisedParams, n_jobs_field


class RandomForestRegressorParams(SupervisedParams):
    n_estimators: int = Field(100, ge=1, le=10_000, description="Number of trees.")
    criterion: Literal["squared_error", "absolute_error", "friedman_mse", "poisson"] = Field(
        "squared_error", description="Split quality measure."
    )
    max_depth: int | None = Field(
        None, ge=1, description="Maximum tree depth; empty grows trees until leaves are pure."
    )
    min_samples_split: int = Field(2, ge=2, description="Rows needed to split a node.")
    min_samples_leaf: int = Field(1, ge=1, description="Rows needed in each leaf.")
    max_features: float = Field(
        1.0, gt=0, le=1, description="Share of the features tried per split (1.0 = all)."
    )
    bootstrap: bool = Field(True, description="Train each tree on a bootstrap sample.")
    random_state: int = Field(0, ge=0, description="Seed for bootstrap samples and feature draws.")
    n_jobs: NJobs = n_jobs_field("1 (scikit-learn's default)")


class RandomForestRegressorNode(RegressorNode[RandomForestRegressorParams]):
    type_id = "models.random_forest_regressor"
    display_name = "Random forest regressor"
    description = "Ensemble of decision trees averaging their predictions (scikit-learn)."
    tags = ("regression", "trees", "ensemble", "sklearn", "rf")
    Params = RandomForestRegressorParams
    version = 2
    migrations = {1: dict}  # 1 -> 2 added n_jobs (empty: as before)
    algorithm = "sklearn.ensemble.RandomForestRegressor"
    allows_nan = True
