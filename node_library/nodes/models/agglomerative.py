"""Agglomerative (hierarchical) clustering (scikit-learn AgglomerativeClustering). It cannot
assign new rows, so its result is the `clustered` output; Predict refuses the model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from node_library.contract import Issue, PortSchema, error
from node_library.node_kinds.models import ClusterNode, ClusterParams
from node_library.settings import NodeSettings


class AgglomerativeParams(ClusterParams):
    n_clusters: int = Field(2, ge=1, le=10_000, description="Number of clusters.")
    linkage: Literal["ward", "complete", "average", "single"] = Field(
        "ward", description="Which distance between clusters is merged first."
    )
    metric: Literal["euclidean", "manhattan", "cosine"] = Field(
        "euclidean", description="Distance between rows (ward needs euclidean)."
    )


class AgglomerativeNode(ClusterNode[AgglomerativeParams]):
    type_id = "models.agglomerative"
    display_name = "Agglomerative clustering"
    description = "Hierarchical clustering that merges the closest groups (scikit-learn)."
    tags = ("clustering", "hierarchical", "unsupervised", "sklearn")
    Params = AgglomerativeParams
    algorithm = "sklearn.cluster.AgglomerativeClustering"

    def validate(
        self, params: AgglomerativeParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues = super().validate(params, inputs, settings)
        if params.linkage == "ward" and params.metric != "euclidean":
            issues.append(
                error(
                    "ward_needs_euclidean",
                    f"ward linkage only works with the euclidean metric, not {params.metric}",
                    "set metric to euclidean, or pick another linkage",
                    param="metric",
                )
            )
        return issues
