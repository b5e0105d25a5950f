"""Remove numeric columns that are highly correlated with an earlier column (fitted on train).

The absolute correlation (Pearson or Spearman, pandas' pairwise-complete `corr`) of every pair of
chosen columns is computed on the training rows. Of each pair above `threshold`, the later column
in input order is removed: the usual upper-triangle recipe, so the result does not depend on
anything but the column order. A column whose correlation is undefined (constant) is kept.

The fitted model is a ColumnTransformer that passes the kept columns through. Kept columns keep
their names, places and dtypes. Which columns survive is decided by the data, so the output schema
is unknown before a run.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext
from node_library.node_kinds.features import FeatureParams, FittedFeatureNode
from node_library.schema import Dtype, TableSchema


class SelectCorrelatedParams(FeatureParams):
    threshold: float = Field(
        0.9, gt=0.0, le=1.0, description="Remove the later column of pairs with |corr| above this."
    )
    method: Literal["pearson", "spearman"] = Field(
        "pearson", description="Correlation measure: linear (pearson) or rank (spearman)."
    )


def correlated_to_drop(x: pd.DataFrame, threshold: float, method: str) -> list[str]:
    """The columns removed: those correlated above `threshold` with any earlier column."""
    corr = x.corr(method=method).abs()  # type: ignore[arg-type]  # Params allow only valid methods
    upper = corr.where(np.triu(np.ones(corr.shape, dtype=bool), k=1))
    return [str(c) for c in upper.columns if bool((upper[c] > threshold).any())]


class SelectCorrelatedNode(FittedFeatureNode[SelectCorrelatedParams]):
    type_id = "features.select_correlated"
    display_name = "Drop correlated columns"
    description = "Remove the later column of each pair of highly correlated numeric columns."
    tags = ("select", "correlation", "collinear", "redundant")
    Params = SelectCorrelatedParams

    def planned_outputs(
        self, params: SelectCorrelatedParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        return None

    def fit(
        self,
        ctx: ExecutionContext,
        params: SelectCorrelatedParams,
        x: pd.DataFrame,
        y: pd.Series | None,
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.compose import ColumnTransformer

        dropped = set(correlated_to_drop(x, params.threshold, params.method))
        kept = [str(c) for c in x.columns if str(c) not in dropped]
        if dropped:
            ctx.log(f"dropped {len(dropped)} correlated column(s): {', '.join(sorted(dropped))}")
        keep = ColumnTransformer([("keep", "passthrough", kept)], remainder="drop")
        return keep, keep.fit_transform(x), kept
