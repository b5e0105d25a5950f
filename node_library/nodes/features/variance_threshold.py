"""Remove numeric columns whose training variance is not above a threshold (scikit-learn
VarianceThreshold; the default 0 removes constant columns).

Kept columns keep their names and places. Which columns survive is decided by the data, so the
output schema is unknown before a run.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext
from node_library.node_kinds.features import FeatureParams, FittedFeatureNode
from node_library.schema import Dtype, TableSchema


class VarianceThresholdParams(FeatureParams):
    threshold: float = Field(
        0.0, ge=0.0, description="Columns with a training variance at or below this are removed."
    )


class VarianceThresholdNode(FittedFeatureNode[VarianceThresholdParams]):
    type_id = "features.variance_threshold"
    display_name = "Variance threshold"
    description = "Remove numeric columns whose training variance is at or below a threshold."
    tags = ("select", "variance", "constant", "VarianceThreshold")
    Params = VarianceThresholdParams

    def planned_outputs(
        self, params: VarianceThresholdParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        return None

    def fit(
        self,
        ctx: ExecutionContext,
        params: VarianceThresholdParams,
        x: pd.DataFrame,
        y: pd.Series | None,
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.feature_selection import VarianceThreshold

        selector = VarianceThreshold(threshold=params.threshold)
        values = selector.fit_transform(x)
        return selector, values, [str(c) for c in selector.get_feature_names_out()]
