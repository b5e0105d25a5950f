"""DBSCAN density clustering (scikit-learn DBSCAN). It cannot assign new rows, so its result is
the `clustered` output (noise rows get cluster -1); Predict refuses the model with that advice."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from node_library.node_kinds.models import ClusterNode, ClusterParams, NJobs, n_jobs_field


class DBSCANParams(ClusterParams):
    eps: float = Field(0.5, gt=0, description="Neighbourhood radius.")
    min_samples: int = Field(5, ge=1, description="Rows within eps that make a core point.")
    metric: Literal["euclidean", "manhattan", "chebyshev", "cosine"] = Field(
        "euclidean", description="Distance between rows."
    )
    n_jobs: NJobs = n_jobs_field("1 (scikit-learn's default)")


class DBSCANNode(ClusterNode[DBSCANParams]):
    type_id = "models.dbscan"
    display_name = "DBSCAN clustering"
    description = "Density-based clusters of any shape, with noise as cluster -1 (scikit-learn)."
    tags = ("clustering", "density", "unsupervised", "sklearn")
    Params = DBSCANParams
    version = 2
    migrations = {1: dict}  # 1 -> 2 added n_jobs (empty: as before)
    algorithm = "sklearn.cluster.DBSCAN"
