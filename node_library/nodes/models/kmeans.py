"""K-Means clustering (scikit-learn KMeans): outputs the model (Predict assigns new rows to the
nearest centre) and the training rows with their `cluster`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from node_library.node_kinds.models import ClusterNode, ClusterParams


class KMeansParams(ClusterParams):
    n_clusters: int = Field(8, ge=1, le=10_000, description="Number of clusters.")
    init: Literal["k-means++", "random"] = Field(
        "k-means++", description="How the first centres are chosen."
    )
    n_init: int = Field(
        1,
        ge=1,
        le=1000,
        description="Runs with different first centres; the best is kept (scikit-learn's"
        " 'auto' means 1 for k-means++).",
    )
    max_iter: int = Field(300, ge=1, le=100_000, description="Maximum iterations per run.")
    random_state: int = Field(0, ge=0, description="Seed for the first centres.")


class KMeansNode(ClusterNode[KMeansParams]):
    type_id = "models.kmeans"
    display_name = "K-Means clustering"
    description = "Group rows into k clusters around centres (scikit-learn KMeans)."
    tags = ("clustering", "kmeans", "unsupervised", "sklearn")
    Params = KMeansParams
    algorithm = "sklearn.cluster.KMeans"
