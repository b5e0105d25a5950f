"""Clustering metrics of a frame with a `cluster` column: silhouette and Davies-Bouldin.

Computed with sklearn.metrics over the chosen feature columns (all numeric columns except
`cluster` and the target, id and ignored columns when none are chosen). DBSCAN marks noise as
cluster -1; `drop_noise` leaves those rows out, otherwise noise counts as one more cluster, as
scikit-learn treats it. Both metrics need at least two clusters and fewer clusters than rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns, require_numeric
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.ml.prediction import CLUSTER
from node_library.node_kinds.scored import require_complete, require_rows
from node_library.roles import left_alone
from node_library.schema import Dtype, Role, TableSchema, schema_of_frame
from node_library.settings import NodeSettings
from node_library.values import Metrics


class ClusteringMetricsParams(NodeParams):
    features: list[str] = Field(
        default_factory=list,
        description="Feature columns the distances are measured on; empty means every numeric "
        "column except cluster and the target, id and ignored columns.",
        json_schema_extra=widgets.columns(),
    )
    drop_noise: bool = Field(False, description="Leave out rows in cluster -1 (DBSCAN's noise).")


def feature_names(schema: TableSchema, params: ClusteringMetricsParams) -> list[str]:
    if params.features:
        return list(dict.fromkeys(params.features))
    numbers = (Dtype.INTEGER, Dtype.FLOAT, Dtype.BOOLEAN)
    return [c.name for c in schema.columns if c.dtype in numbers and c.name != CLUSTER]


class ClusteringMetricsNode(NodeType[ClusteringMetricsParams]):
    type_id = "evaluate.clustering_metrics"
    display_name = "Clustering metrics"
    category = "evaluate"
    description = "Silhouette and Davies-Bouldin scores of cluster assignments."
    tags = ("silhouette", "davies bouldin", "clusters", "k-means", "dbscan", "evaluate")
    Params = ClusteringMetricsParams
    inputs = (Port("data", DataType.DATAFRAME, "Clustered", description="Features and `cluster`."),)
    outputs = (Port("metrics", DataType.METRICS, "Metrics"),)

    def resolve_params(
        self,
        params: ClusteringMetricsParams,
        inputs: Mapping[str, PortSchema],
        roles: Mapping[str, Mapping[str, Role]],
    ) -> ClusteringMetricsParams:
        """With no features listed, the target, id and ignored columns are left out, as the
        clustering models leave them out: the features become the other numeric columns."""
        schema = inputs.get("data")
        if params.features or schema is None:
            return params
        skip = set(left_alone(roles.get("data", {})))
        chosen = feature_names(schema, params)
        if not skip & set(chosen):
            return params
        kept = [n for n in chosen if n not in skip]
        return params.model_copy(update={"features": kept}) if kept else params

    def validate(
        self,
        params: ClusteringMetricsParams,
        inputs: Mapping[str, PortSchema],
        settings: NodeSettings,
    ) -> list[Issue]:
        schema = inputs.get("data")
        if schema is None:
            return []
        issues: list[Issue] = []
        if CLUSTER not in schema:
            issues.append(
                error(
                    "missing_cluster",
                    f"input 'data' has no {CLUSTER!r} column",
                    "connect the output of Predict applied with a clustering model",
                    port="data",
                )
            )
        names = feature_names(schema, params)
        issues += require_columns(schema, names, param="features")
        issues += require_numeric(schema, names, param="features")
        if not names:
            issues.append(
                error(
                    "no_features",
                    "there are no numeric feature columns to measure distances on",
                    "pick the feature columns the clusters were made from",
                    param="features",
                )
            )
        return issues

    def compute(
        self, ctx: ExecutionContext, params: ClusteringMetricsParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        names = feature_names(schema_of_frame(frame), params)
        if params.drop_noise:
            frame = frame[frame[CLUSTER] != -1]
        require_rows(frame, port="data")
        require_complete(frame, [CLUSTER, *names], param="features")
        features = frame[names].to_numpy(dtype=np.float64)
        return {"metrics": clustering_metrics(features, frame[CLUSTER].to_numpy())}


def clustering_metrics(features: np.ndarray, labels: np.ndarray) -> Metrics:
    from sklearn import metrics as skm

    clusters = len(np.unique(labels))
    if not 2 <= clusters < len(labels):
        raise NodeError(
            error(
                "cluster_count",
                f"the metrics need between 2 clusters and one fewer than the rows ({len(labels)}); "
                f"there are {clusters}",
                "change the clustering's number of clusters (or eps for DBSCAN)",
                port="data",
            )
        )
    return {
        "rows": len(labels),
        "clusters": clusters,
        "silhouette": float(skm.silhouette_score(features, labels)),
        "davies_bouldin": float(skm.davies_bouldin_score(features, labels)),
    }
