"""Show a table on the canvas: the input rows, optionally a column selection, up to `max_rows`.

The node keeps the rows as a dataframe; the API pages through them for the browser, so the limit
only bounds what is stored for viewing (the first `max_rows` rows, in input order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, NodeParams, NodeType, Port, PortSchema
from node_library.datatypes import DataType
from node_library.settings import NodeSettings


class TableParams(NodeParams):
    columns: list[str] = Field(
        default_factory=list,
        description="Columns to show, in this order. Empty shows them all.",
        json_schema_extra=widgets.columns(),
    )
    max_rows: int = Field(
        100_000, ge=1, le=10_000_000, description="Most rows kept for viewing (the first ones)."
    )


class TableNode(NodeType[TableParams]):
    type_id = "outputs.table"
    display_name = "Table"
    category = "outputs"
    description = "Show the rows of a table, with paging, on the canvas."
    tags = ("view", "preview", "grid", "rows")
    Params = TableParams
    inputs = (Port("data", DataType.DATAFRAME, "Data"),)
    outputs = (Port("table", DataType.DATAFRAME, "Table"),)

    def validate(
        self, params: TableParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return require_columns(inputs.get("data"), dict.fromkeys(params.columns), param="columns")

    def infer_schema(
        self, params: TableParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("data")
        if schema is None or not params.columns:
            return {"table": schema}
        return {"table": schema.select(list(dict.fromkeys(params.columns)))}

    def compute(self, ctx: ExecutionContext, params: TableParams, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        if len(frame) > params.max_rows:
            ctx.log(f"showing the first {params.max_rows:,} of {len(frame):,} rows")
        return {"table": table_view(frame, params)}


def table_view(frame: pd.DataFrame, params: TableParams) -> pd.DataFrame:
    if params.columns:
        frame = frame[list(dict.fromkeys(params.columns))]
    return frame.head(params.max_rows).reset_index(drop=True)
