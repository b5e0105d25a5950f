"""Impute missing values with statistics of the training rows (scikit-learn SimpleImputer).

Numeric columns (integer, float) use `numeric_strategy` (mean, median, most_frequent, or constant
`fill_number`); text and category columns use `text_strategy` (most_frequent, or constant
`fill_text`). The fitted model is a ColumnTransformer of one SimpleImputer per group, so the test
rows are filled with the training statistics, never their own.

Columns keep their names and places. Numeric columns become float (scikit-learn's output), text
and category columns become text. A column that is entirely missing in training is kept and filled
(keep_empty_features).
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import ExecutionContext
from node_library.node_kinds.features import FeatureParams, FittedFeatureNode
from node_library.schema import Dtype, TableSchema

NUMBERS = (Dtype.INTEGER, Dtype.FLOAT)
TEXTS = (Dtype.STRING, Dtype.CATEGORY)


class ImputeParams(FeatureParams):
    numeric_strategy: Literal["mean", "median", "most_frequent", "constant"] = Field(
        "mean", description="How numeric columns are filled."
    )
    text_strategy: Literal["most_frequent", "constant"] = Field(
        "most_frequent", description="How text and category columns are filled."
    )
    fill_number: float = Field(
        0.0,
        description="The constant for numeric columns (constant).",
        json_schema_extra=widgets.visible_when(numeric_strategy=["constant"]),
    )
    fill_text: str = Field(
        "missing",
        max_length=200,
        description="The constant for text columns (constant).",
        json_schema_extra=widgets.visible_when(text_strategy=["constant"]),
    )


class ImputeNode(FittedFeatureNode[ImputeParams]):
    type_id = "features.impute"
    display_name = "Imputation"
    description = "Fill missing values with the mean, median, mode or a constant learnt on train."
    tags = ("impute", "missing", "nan", "fill", "SimpleImputer")
    Params = ImputeParams
    accepted = (*NUMBERS, *TEXTS)
    accepted_words = "numeric, text or category"
    wrong_dtype_hint = "remove it from the columns (only numbers and text are imputed)"

    def planned_outputs(
        self, params: ImputeParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        return [
            (name, Dtype.STRING if schema.dtype_of(name) in TEXTS else Dtype.FLOAT)
            for name in features
        ]

    def fit(
        self, ctx: ExecutionContext, params: ImputeParams, x: pd.DataFrame, y: pd.Series | None
    ) -> tuple[Any, Any, list[str]]:
        imputer, outputs = make_imputer(params, x)
        return imputer, imputer.fit_transform(x), outputs


def make_imputer(params: ImputeParams, x: pd.DataFrame) -> tuple[Any, list[str]]:
    """The unfitted ColumnTransformer and its output column order (numeric group first)."""
    from pandas.api import types as pdt
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer

    numeric = [
        str(c)
        for c in x.columns
        if pdt.is_numeric_dtype(x[c].dtype) and not pdt.is_bool_dtype(x[c].dtype)
    ]
    text = [str(c) for c in x.columns if str(c) not in set(numeric)]
    groups = []
    if numeric:
        groups.append(
            (
                "numeric",
                SimpleImputer(
                    strategy=params.numeric_strategy,
                    fill_value=params.fill_number,
                    keep_empty_features=True,
                ),
                numeric,
            )
        )
    if text:
        groups.append(
            (
                "text",
                SimpleImputer(
                    strategy=params.text_strategy,
                    fill_value=params.fill_text,
                    keep_empty_features=True,
                ),
                text,
            )
        )
    return ColumnTransformer(groups, remainder="drop"), numeric + text
