"""Scale numeric columns: standard (zero mean, unit variance), min-max (0..1) or robust (median,
IQR), with scikit-learn's StandardScaler / MinMaxScaler / RobustScaler fitted on the training rows.

Columns keep their names and places and become float. Missing values pass through unchanged (the
scalers ignore them when fitting).
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext
from node_library.node_kinds.features import FeatureParams, FittedFeatureNode


class ScaleParams(FeatureParams):
    method: Literal["standard", "min-max", "robust"] = Field(
        "standard",
        description="standard: (x - mean) / std; min-max: to 0..1; robust: (x - median) / IQR.",
    )


def make_scaler(method: str) -> Any:
    from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

    if method == "min-max":
        return MinMaxScaler()
    if method == "robust":
        return RobustScaler()
    return StandardScaler()


class ScaleNode(FittedFeatureNode[ScaleParams]):
    type_id = "features.scale"
    display_name = "Scaling"
    description = "Standardise, min-max or robust-scale numeric columns, fitted on the train rows."
    tags = ("scale", "standardize", "normalize", "minmax", "robust", "StandardScaler")
    Params = ScaleParams

    def fit(
        self, ctx: ExecutionContext, params: ScaleParams, x: pd.DataFrame, y: pd.Series | None
    ) -> tuple[Any, Any, list[str]]:
        scaler = make_scaler(params.method)
        return scaler, scaler.fit_transform(x), list(x.columns)
