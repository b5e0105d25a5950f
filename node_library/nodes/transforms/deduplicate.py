"""Remove duplicate rows, comparing all columns or only some.

keep="first"/"last" keeps one row of each group of duplicates; keep="none" removes every row that
has a duplicate (useful to isolate unique records). Missing values compare equal to each other.
The output has a fresh 0..n-1 index.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, NodeParams, PortSchema
from node_library.node_kinds.transforms import TransformNode
from node_library.settings import NodeSettings


class DeduplicateParams(NodeParams):
    subset: list[str] = Field(
        default_factory=list,
        description="Columns that define a duplicate. Empty compares all columns.",
        json_schema_extra=widgets.columns(),
    )
    keep: Literal["first", "last", "none"] = Field(
        "first",
        description="Which row of each duplicate group to keep; none drops them all.",
    )


class DeduplicateNode(TransformNode[DeduplicateParams]):
    type_id = "transforms.deduplicate"
    display_name = "Remove duplicates"
    description = "Remove duplicate rows, comparing all columns or a chosen subset."
    tags = ("distinct", "unique", "duplicates", "dedupe")
    Params = DeduplicateParams
    passes_through = "data"

    def validate(
        self, params: DeduplicateParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return require_columns(inputs.get("data"), dict.fromkeys(params.subset), param="subset")

    def compute(
        self, ctx: ExecutionContext, params: DeduplicateParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"data": deduplicate(frame, params)}


def deduplicate(frame: pd.DataFrame, params: DeduplicateParams) -> pd.DataFrame:
    return frame.drop_duplicates(
        subset=list(dict.fromkeys(params.subset)) or None,
        keep=False if params.keep == "none" else params.keep,
        ignore_index=True,
    )
