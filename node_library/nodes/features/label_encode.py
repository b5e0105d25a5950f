"""Label-encode a target (or any) column: its sorted training values become 0, 1, 2, ... as
integers, with scikit-learn's OrdinalEncoder (dtype int64) fitted on train.

A label not seen in training becomes -1. The column keeps its name and place. Missing values are
refused (drop the rows without a label first). With one column, the model's `classes` are its
labels in code order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import ExecutionContext, Issue, PortSchema, error
from node_library.node_kinds.features import NUMERIC, TEXT, FeatureParams, FittedFeatureNode
from node_library.schema import Dtype, TableSchema
from node_library.settings import NodeSettings


class LabelEncodeParams(FeatureParams):
    columns: list[str] = Field(
        default_factory=list,
        description="The column(s) to encode, usually the target. Required.",
        json_schema_extra=widgets.columns("train"),
    )


class LabelEncodeNode(FittedFeatureNode[LabelEncodeParams]):
    type_id = "features.label_encode"
    display_name = "Label encoding"
    description = "Turn the labels of a column (usually the target) into integer codes 0..k-1."
    tags = ("label", "encode", "target", "classes", "LabelEncoder")
    Params = LabelEncodeParams
    accepted = (*TEXT, *NUMERIC)
    accepted_words = "text, category or number"
    allows_missing = False

    def validate(
        self, params: LabelEncodeParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        if not params.columns:
            return [
                error(
                    "missing_column_param",
                    "label encoding needs the column(s) to encode",
                    "pick the target column",
                    param="columns",
                )
            ]
        return super().validate(params, inputs, settings)

    def planned_outputs(
        self, params: LabelEncodeParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        return [(name, Dtype.INTEGER) for name in features]

    def fit(
        self, ctx: ExecutionContext, params: LabelEncodeParams, x: pd.DataFrame, y: pd.Series | None
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.preprocessing import OrdinalEncoder

        encoder = OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=-1, dtype=np.int64
        )
        return encoder, encoder.fit_transform(x), list(x.columns)

    def classes_of(self, estimator: Any) -> list[Any] | None:
        categories = list(estimator.categories_)
        return list(categories[0]) if len(categories) == 1 else None
