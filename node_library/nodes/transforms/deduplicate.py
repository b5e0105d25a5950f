"""Remove duplicate rows, comparing all columns or only some.

keep="first"/"last" keeps one row of each group of duplicates; keep="none" removes every row that
has a duplicate (useful to isolate unique records). Missing values compare equal to each other.
The output has a fresh 0..n-1 index.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, NodeType, Port, PortSchema
from node_library.datatypes import DataType
from node_library.nodes import widgets
from node_library.nodes.execute_checks import raise_first_error
from node_library.schema import schema_of_frame
from node_library.settings import NodeSettings


class DeduplicateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subset: list[str] = Field(
        default_factory=list,
        description="Columns that define a duplicate. Empty compares all columns.",
        json_schema_extra=widgets.columns(),
    )
    keep: Literal["first", "last", "none"] = Field(
        "first",
        description="Which row of each duplicate group to keep; none drops them all.",
    )


class DeduplicateNode(NodeType[DeduplicateParams]):
    type_id = "transforms.deduplicate"
    display_name = "Remove duplicates"
    category = "transforms"
    description = "Remove duplicate rows, comparing all columns or a chosen subset."
    tags = ("distinct", "unique", "duplicates", "dedupe")
    Params = DeduplicateParams
    inputs = (Port("data", DataType.DATAFRAME, "Data"),)
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)

    def validate(
        self, params: DeduplicateParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return require_columns(inputs.get("data"), dict.fromkeys(params.subset), param="subset")

    def infer_schema(
        self, params: DeduplicateParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": inputs.get("data")}

    def execute(
        self, ctx: ExecutionContext, params: DeduplicateParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        raise_first_error(self.validate(params, {"data": schema_of_frame(frame)}, ctx.settings))
        return {"data": deduplicate(frame, params)}


def deduplicate(frame: pd.DataFrame, params: DeduplicateParams) -> pd.DataFrame:
    return frame.drop_duplicates(
        subset=list(dict.fromkeys(params.subset)) or None,
        keep=False if params.keep == "none" else params.keep,
        ignore_index=True,
    )
