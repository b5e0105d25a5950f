"""Keep the numeric columns a random forest finds important (scikit-learn SelectFromModel).

A RandomForestClassifier (class target) or RandomForestRegressor (numeric target) with
`n_estimators` trees and `random_state` is fitted on the training rows; columns whose impurity
importance is at or above the threshold (the mean importance, the median, or a number) are kept,
in their places. `task` "auto" picks regression for a float target and classification otherwise.
Which columns survive is decided by the data, so the output schema is unknown before a run.
Missing values are refused (impute first).
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import ExecutionContext
from node_library.node_kinds.features import FittedFeatureNode, SupervisedFeatureParams
from node_library.schema import Dtype, TableSchema


class SelectFromModelParams(SupervisedFeatureParams):
    task: Literal["auto", "classification", "regression"] = Field(
        "auto", description="Forest kind; auto: regression for a float target, else classification."
    )
    n_estimators: int = Field(100, ge=1, le=5000, description="Number of trees in the forest.")
    threshold: Literal["mean", "median", "value"] = Field(
        "mean", description="Keep columns with importance >= the mean, the median, or a value."
    )
    threshold_value: float = Field(
        0.0,
        ge=0.0,
        description="The importance threshold when threshold is 'value'.",
        json_schema_extra=widgets.visible_when(threshold=["value"]),
    )
    random_state: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the forest.")


def make_selector(params: SelectFromModelParams, y: pd.Series) -> Any:
    from pandas.api import types as pdt
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.feature_selection import SelectFromModel

    regression = params.task == "regression" or (
        params.task == "auto" and pdt.is_float_dtype(y.dtype)
    )
    forest_class = RandomForestRegressor if regression else RandomForestClassifier
    forest = forest_class(n_estimators=params.n_estimators, random_state=params.random_state)
    threshold = params.threshold_value if params.threshold == "value" else params.threshold
    return SelectFromModel(forest, threshold=threshold)


class SelectFromModelNode(FittedFeatureNode[SelectFromModelParams]):
    type_id = "features.select_from_model"
    display_name = "Select by importance"
    description = "Keep the numeric columns a seeded random forest finds important."
    tags = ("select", "importance", "random forest", "SelectFromModel")
    Params = SelectFromModelParams
    supervised = True
    allows_missing = False

    def planned_outputs(
        self, params: SelectFromModelParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        return None

    def fit(
        self,
        ctx: ExecutionContext,
        params: SelectFromModelParams,
        x: pd.DataFrame,
        y: pd.Series | None,
    ) -> tuple[Any, Any, list[str]]:
        assert y is not None  # supervised: the base class passes the target
        selector = make_selector(params, y)
        values = selector.fit_transform(x, y)
        kept = [str(c) for c in selector.get_feature_names_out()]
        if not kept:
            raise ValueError("no column reaches the importance threshold; lower it")
        return selector, values, kept
