"""Sort rows by one or more columns, each ascending or descending.

The sort is stable (rows that tie keep their input order) and the output has a fresh 0..n-1 index.
Unordered category columns sort by the order of their categories, as pandas does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, NodeError, NodeParams, PortSchema, error
from node_library.node_kinds.transforms import TransformNode
from node_library.settings import NodeSettings


class SortKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    column: str = Field(description="Column to sort by.", json_schema_extra=widgets.column())
    descending: bool = Field(False, description="Largest (or latest, or last) values first.")


class SortParams(NodeParams):
    by: list[SortKey] = Field(
        default_factory=list, description="Sort keys, most significant first."
    )
    na_position: Literal["first", "last"] = Field(
        "last", description="Where rows with a missing sort value go."
    )


class SortNode(TransformNode[SortParams]):
    type_id = "transforms.sort"
    display_name = "Sort"
    description = "Sort rows by one or more columns."
    tags = ("order by", "sort", "rank")
    Params = SortParams
    passes_through = "data"

    def validate(
        self, params: SortParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not params.by:
            issues.append(
                error("missing_sort_key", "no column to sort by", "add a sort key", param="by")
            )
        names = [k.column for k in params.by]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            issues.append(
                error(
                    "duplicate_column",
                    f"sorting by the same column twice: {', '.join(map(repr, repeated))}",
                    "keep one sort key per column",
                    param="by",
                )
            )
        return issues + require_columns(inputs.get("data"), names, param="by")

    def compute(self, ctx: ExecutionContext, params: SortParams, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"data": sort_rows(frame, params)}


def sort_rows(frame: pd.DataFrame, params: SortParams) -> pd.DataFrame:
    try:
        return frame.sort_values(
            by=[k.column for k in params.by],
            ascending=[not k.descending for k in params.by],
            na_position=params.na_position,
            kind="stable",
            ignore_index=True,
        )
    except TypeError as exc:  # a column that mixes types, e.g. numbers and text
        raise NodeError(
            error(
                "unsortable_column",
                f"the rows cannot be sorted: {exc}",
                "convert the column to one type (string or number) with a Convert types node",
                param="by",
            )
        ) from exc
