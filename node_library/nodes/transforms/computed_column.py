"""Add a column computed from an expression, or replace an existing column in place.

The expression uses the safe expression language of node_library.expressions; its logical dtype
is known before a run, so the new column shows up in downstream column pickers with its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import ExecutionContext, Issue, NodeParams, PortSchema, error
from node_library.expressions import compile_expression
from node_library.node_kinds.expression_param import compile_for_frame, expression_param_issues
from node_library.node_kinds.transforms import TransformNode
from node_library.settings import NodeSettings


class ComputedColumnParams(NodeParams):
    name: str = Field(
        "new_column",
        max_length=200,
        json_schema_extra=widgets.text(),
        description="Name of the new column; an existing column of that name is replaced.",
    )
    expression: str = Field(
        "",
        max_length=2_000,
        json_schema_extra=widgets.expression(),
        description="How to compute each row, e.g. `units * price` or `upper(region)`.",
    )


class ComputedColumnNode(TransformNode[ComputedColumnParams]):
    type_id = "transforms.computed_column"
    display_name = "Computed column"
    description = "Add or replace a column computed from an expression over the other columns."
    tags = ("formula", "derive", "mutate", "expression", "feature")
    Params = ComputedColumnParams

    def validate(
        self, params: ComputedColumnParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not params.name.strip():
            issues.append(
                error("empty_name", "the new column has no name", "type a name", param="name")
            )
        return issues + expression_param_issues(
            params.expression,
            inputs.get("data"),
            missing=("the column has no expression", "write an expression such as `units * price`"),
        )

    def infer_schema(
        self, params: ComputedColumnParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("data")
        if schema is None:
            return {"data": None}
        compiled = compile_expression(params.expression, schema)
        return {"data": schema.with_column(params.name, compiled.dtype)}

    def compute(
        self, ctx: ExecutionContext, params: ComputedColumnParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"data": add_computed_column(frame, params.name, params.expression)}


def add_computed_column(frame: pd.DataFrame, name: str, expression: str) -> pd.DataFrame:
    values = compile_for_frame(expression, frame, hint="fix the expression").evaluate(frame)
    if not values.index.equals(frame.index):
        values = pd.Series(values.array, index=frame.index, name=name)
    result = frame.copy(deep=False)
    result[name] = values
    return result
