"""Principal component analysis of numeric columns (scikit-learn PCA, fitted on train).

The chosen columns are replaced, where the first of them stood, by `n_components` float columns
named `pc1`, `pc2`, ... (largest variance first). The train output is PCA's own `fit_transform`.
Missing values are refused (impute first). `random_state` seeds the randomized solver that
scikit-learn picks for large inputs.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext, Issue, error
from node_library.node_kinds.features import FeatureParams, FittedFeatureNode
from node_library.schema import Dtype, TableSchema


class PcaParams(FeatureParams):
    n_components: int = Field(2, ge=1, le=10_000, description="Number of components to keep.")
    whiten: bool = Field(False, description="Scale the components to unit variance.")
    random_state: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the randomized solver.")


class PcaNode(FittedFeatureNode[PcaParams]):
    type_id = "features.pca"
    display_name = "PCA"
    description = "Project numeric columns onto their first principal components pc1, pc2, ..."
    tags = ("pca", "dimensionality reduction", "components", "decomposition")
    Params = PcaParams
    allows_missing = False

    def planned_outputs(
        self, params: PcaParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        return [(f"pc{i}", Dtype.FLOAT) for i in range(1, params.n_components + 1)]

    def extra_issues(
        self, params: PcaParams, features: list[str], schema: TableSchema
    ) -> list[Issue]:
        if params.n_components > len(features):
            return [
                error(
                    "too_many_components",
                    f"n_components is {params.n_components} but only {len(features)} "
                    "column(s) are transformed",
                    f"use at most {len(features)} components, or add columns",
                    param="n_components",
                )
            ]
        return []

    def fit(
        self, ctx: ExecutionContext, params: PcaParams, x: pd.DataFrame, y: pd.Series | None
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.decomposition import PCA

        pca = PCA(
            n_components=params.n_components,
            whiten=params.whiten,
            random_state=params.random_state,
        )
        values = pca.fit_transform(x)
        return pca, values, [f"pc{i}" for i in range(1, params.n_components + 1)]
