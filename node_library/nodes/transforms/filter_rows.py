"""Keep the rows for which a boolean expression is true.

The expression uses the safe expression language of node_library.expressions (never `eval`).
Rows where the condition is missing (a comparison with a missing value) are dropped, as in SQL's
WHERE. The output has a fresh 0..n-1 index: row labels carry no meaning on the canvas.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import ExecutionContext, Issue, NodeParams, PortSchema
from node_library.node_kinds.expression_param import compile_for_frame, expression_param_issues
from node_library.node_kinds.transforms import TransformNode
from node_library.schema import Dtype
from node_library.settings import NodeSettings


class FilterRowsParams(NodeParams):
    expression: str = Field(
        "",
        max_length=2_000,
        json_schema_extra=widgets.expression(),
        description='Condition a row must meet to be kept, e.g. `units > 3 and region == "north"`.',
    )


class FilterRowsNode(TransformNode[FilterRowsParams]):
    type_id = "transforms.filter_rows"
    display_name = "Filter rows"
    description = "Keep the rows for which a condition is true."
    tags = ("filter", "where", "query", "rows")
    Params = FilterRowsParams
    passes_through = "data"

    def validate(
        self, params: FilterRowsParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return expression_param_issues(
            params.expression,
            inputs.get("data"),
            missing=(
                "the filter has no condition",
                'write a condition such as `price > 10` or `region == "north"`',
            ),
            expect=Dtype.BOOLEAN,
        )

    def compute(
        self, ctx: ExecutionContext, params: FilterRowsParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"data": filter_rows(frame, params.expression)}


def filter_rows(frame: pd.DataFrame, expression: str) -> pd.DataFrame:
    mask = compile_for_frame(expression, frame, hint="fix the condition").evaluate(frame)
    keep = mask.to_numpy(dtype=bool, na_value=False)
    return frame.loc[keep].reset_index(drop=True)
