"""Ordinal-encode text or category columns with scikit-learn's OrdinalEncoder (fitted on train).

Each category becomes its position among the training categories in sorted order (0, 1, 2, ...),
as a float column with the same name and place. Missing values stay missing (NaN). Categories not
seen in training become -1 (`unknown` = "minus_one", the default) or NaN (`unknown` = "nan").
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext
from node_library.node_kinds.features import NUMERIC, TEXT, FeatureParams, FittedFeatureNode


class OrdinalParams(FeatureParams):
    unknown: Literal["minus_one", "nan"] = Field(
        "minus_one", description="Code for categories not seen in training: -1 or NaN."
    )


class OrdinalNode(FittedFeatureNode[OrdinalParams]):
    type_id = "features.ordinal"
    display_name = "Ordinal encoding"
    description = "Replace each category by its index among the sorted training categories."
    tags = ("ordinal", "encode", "categorical", "OrdinalEncoder")
    Params = OrdinalParams
    accepted = (*TEXT, *NUMERIC)
    default_dtypes = TEXT
    accepted_words = "text, category or number"

    def fit(
        self, ctx: ExecutionContext, params: OrdinalParams, x: pd.DataFrame, y: pd.Series | None
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.preprocessing import OrdinalEncoder

        encoder = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=-1 if params.unknown == "minus_one" else np.nan,
            encoded_missing_value=np.nan,
        )
        return encoder, encoder.fit_transform(x), list(x.columns)
