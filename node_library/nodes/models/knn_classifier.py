"""k-nearest neighbours classifier (scikit-learn KNeighborsClassifier)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from node_library.node_kinds.models import ClassifierNode, NJobs, SupervisedParams, n_jobs_field


class KNNClassifierParams(SupervisedParams):
    n_neighbors: int = Field(5, ge=1, le=10_000, description="Neighbours that vote.")
    weights: Literal["uniform", "distance"] = Field(
        "uniform", description="distance: closer neighbours count more."
    )
    p: float = Field(2.0, ge=1, description="Minkowski power: 1 Manhattan, 2 Euclidean.")
    algorithm: Literal["auto", "ball_tree", "kd_tree", "brute"] = Field(
        "auto", description="Neighbour search structure (same result, different speed)."
    )
    n_jobs: NJobs = n_jobs_field("1 (scikit-learn's default)")


class KNNClassifierNode(ClassifierNode[KNNClassifierParams]):
    type_id = "models.knn_classifier"
    display_name = "k-NN classifier"
    description = "Classify by the majority of the nearest training rows (scikit-learn)."
    tags = ("classification", "knn", "neighbors", "sklearn")
    Params = KNNClassifierParams
    version = 2
    migrations = {1: dict}  # 1 -> 2 added n_jobs (empty: as before)
    algorithm = "sklearn.neighbors.KNeighborsClassifier"
