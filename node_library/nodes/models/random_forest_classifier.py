"""Random forest classifier (scikit-learn RandomForestClassifier); accepts missing values."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from node_library.node_kinds.models import (
    ClassifierNode,
    ClassWeight,
    NJobs,
    SupervisedParams,
    n_jobs_field,
)


class RandomForestClassifierParams(SupervisedParams):
    n_estimators: int = Field(100, ge=1, le=10_000, description="Number of trees.")
    criterion: Literal["gini", "entropy", "log_loss"] = Field(
        "gini", description="Split quality measure."
    )
    max_depth: int | None = Field(
        None, ge=1, description="Maximum tree depth; empty grows trees until leaves are pure."
    )
    min_samples_split: int = Field(2, ge=2, description="Rows needed to split a node.")
    min_samples_leaf: int = Field(1, ge=1, description="Rows needed in each leaf.")
    max_features: Literal["sqrt", "log2"] | None = Field(
        "sqrt", description="Features tried per split; empty means all."
    )
    bootstrap: bool = Field(True, description="Train each tree on a bootstrap sample.")
    class_weight: ClassWeight = Field(
        None, description="'balanced' weights classes inversely to their frequency."
    )
    random_state: int = Field(0, ge=0, description="Seed for bootstrap samples and feature draws.")
    n_jobs: NJobs = n_jobs_field("1 (scikit-learn's default)")


class RandomForestClassifierNode(ClassifierNode[RandomForestClassifierParams]):
    type_id = "models.random_forest_classifier"
    display_name = "Random forest classifier"
    description = "Ensemble of decision trees voting on the class (scikit-learn)."
    tags = ("classification", "trees", "ensemble", "sklearn", "rf")
    Params = RandomForestClassifierParams
    version = 2
    migrations = {1: dict}  # 1 -> 2 added n_jobs (empty: as before)
    algorithm = "sklearn.ensemble.RandomForestClassifier"
    allows_nan = True
