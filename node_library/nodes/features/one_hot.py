"""One-hot encode text or category columns with scikit-learn's OneHotEncoder (fitted on train).

Each encoded column is replaced, where it stood, by one float 0/1 column per category seen in the
training rows, named `<column>=<category>` (e.g. `region=west`; a missing value is its own category,
`region=nan`), categories in sorted order. Categories not seen in training encode as all zeros
(handle_unknown="ignore"). `drop` removes one column per feature: "first" (the first category),
"if_binary" (only for two-category columns). The output columns depend on the data, so their
names are unknown before a run (the inferred schema is unknown, not guessed).
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext, NodeError, error
from node_library.node_kinds.features import NUMERIC, TEXT, FeatureParams, FittedFeatureNode
from node_library.schema import Dtype, TableSchema


class OneHotParams(FeatureParams):
    drop: Literal["none", "first", "if_binary"] = Field(
        "none",
        description="Drop one column per feature: none, the first category, or only if binary.",
    )
    max_columns: int = Field(
        1000,
        ge=1,
        le=100_000,
        description="Refuse to create more output columns than this (guards id-like columns).",
    )


def one_hot_names(features: list[str], categories: list[Any], drop_idx: Any) -> list[str]:
    names = []
    for position, (feature, cats) in enumerate(zip(features, categories, strict=True)):
        dropped = None if drop_idx is None else drop_idx[position]
        names += [f"{feature}={cat}" for i, cat in enumerate(cats) if i != dropped]
    return names


class OneHotNode(FittedFeatureNode[OneHotParams]):
    type_id = "features.one_hot"
    display_name = "One-hot encoding"
    description = "Turn text or category columns into 0/1 columns, one per training category."
    tags = ("one-hot", "dummies", "encode", "categorical", "OneHotEncoder")
    Params = OneHotParams
    accepted = (*TEXT, *NUMERIC)
    default_dtypes = TEXT
    accepted_words = "text, category or number"

    def planned_outputs(
        self, params: OneHotParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        return None  # one column per category: known only from the data

    def fit(
        self, ctx: ExecutionContext, params: OneHotParams, x: pd.DataFrame, y: pd.Series | None
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.preprocessing import OneHotEncoder

        wanted = int(sum(x[c].nunique(dropna=False) for c in x.columns))
        if wanted > params.max_columns:
            counts = ", ".join(f"{c} ({x[c].nunique(dropna=False)})" for c in x.columns)
            raise NodeError(
                error(
                    "too_many_categories",
                    f"one-hot encoding would create {wanted} columns (over max_columns "
                    f"{params.max_columns}); categories per column: {counts}",
                    "leave id-like columns out, use ordinal or target encoding for them, "
                    "or raise max_columns",
                    param="columns",
                )
            )
        encoder = OneHotEncoder(
            handle_unknown="ignore",
            drop=None if params.drop == "none" else params.drop,
            sparse_output=False,
        )
        values = encoder.fit_transform(x)
        names = one_hot_names(list(x.columns), list(encoder.categories_), encoder.drop_idx_)
        return encoder, values, names
