"""Select, drop, reorder and rename columns in one node.

- mode "select": keep the listed columns in the listed order (the list is the output order); with
  `keep_other_columns` the listed columns move to the front and the others follow in their input
  order, which is how a reorder is written. An empty list keeps every column (rename only).
- mode "drop": remove the listed columns, keep the others in their input order.
- `rename` (old name -> new name) applies after selecting, to columns still present. Swapping two
  names is allowed; renaming onto a name that is still in the output is an issue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, NodeParams, PortSchema, error
from node_library.node_kinds.transforms import TransformNode
from node_library.settings import NodeSettings


class SelectColumnsParams(NodeParams):
    mode: Literal["select", "drop"] = Field(
        "select",
        description="select: keep the listed columns in the listed order; drop: remove them.",
    )
    columns: list[str] = Field(
        default_factory=list,
        description="Columns to keep (in output order) or to drop. Empty keeps every column.",
        json_schema_extra=widgets.columns(),
    )
    keep_other_columns: bool = Field(
        False,
        description="In select mode, keep the unlisted columns after the listed ones (reorder).",
    )
    rename: dict[str, str] = Field(
        default_factory=dict,
        description="New names for columns, as old name -> new name.",
        json_schema_extra=widgets.column_map(),
    )


def kept_names(names: list[str], params: SelectColumnsParams) -> list[str]:
    """The input column names the node keeps, in output order (before renaming)."""
    if params.mode == "drop":
        dropped = set(params.columns)
        return [n for n in names if n not in dropped]
    if not params.columns:
        return list(names)
    listed = [n for n in dict.fromkeys(params.columns) if n in names]
    if params.keep_other_columns:
        chosen = set(listed)
        return listed + [n for n in names if n not in chosen]
    return listed


class SelectColumnsNode(TransformNode[SelectColumnsParams]):
    type_id = "transforms.select_columns"
    display_name = "Select columns"
    description = "Select, drop, reorder or rename columns."
    tags = ("select", "drop", "rename", "reorder", "columns", "project")
    Params = SelectColumnsParams

    def validate(
        self, params: SelectColumnsParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        repeated = sorted(n for n, count in Counter(params.columns).items() if count > 1)
        if repeated:
            issues.append(
                error(
                    "duplicate_column",
                    f"columns listed more than once: {', '.join(map(repr, repeated))}",
                    "list each column once",
                    param="columns",
                )
            )
        for old, new in params.rename.items():
            if not new.strip():
                issues.append(
                    error(
                        "empty_name",
                        f"the new name for {old!r} is empty",
                        "type a name, or remove the entry",
                        param="rename",
                    )
                )
        targets = Counter(params.rename.values())
        for new, count in targets.items():
            if count > 1 and new.strip():
                issues.append(
                    error(
                        "rename_collision",
                        f"{count} columns are renamed to {new!r}",
                        "give each renamed column a different name",
                        param="rename",
                    )
                )
        schema = inputs.get("data")
        if schema is None:
            return issues
        issues += require_columns(schema, list(dict.fromkeys(params.columns)), param="columns")
        kept = kept_names(schema.names, params)
        issues += require_columns(schema, list(params.rename), param="rename")
        for old in params.rename:
            if old in schema and old not in kept:
                issues.append(
                    error(
                        "rename_dropped_column",
                        f"column {old!r} is renamed but not kept",
                        f"keep {old!r} or remove it from the renames",
                        param="rename",
                    )
                )
        unchanged = {n for n in kept if n not in params.rename}
        for old, new in params.rename.items():
            if old in kept and new in unchanged:
                issues.append(
                    error(
                        "rename_collision",
                        f"cannot rename {old!r} to {new!r}: a column named {new!r} is kept",
                        f"pick another name, or drop or rename the existing {new!r}",
                        param="rename",
                    )
                )
        return issues

    def infer_schema(
        self, params: SelectColumnsParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("data")
        if schema is None:
            return {"data": None}
        kept = schema.select(kept_names(schema.names, params))
        return {"data": kept.renamed(params.rename)}

    def compute(
        self, ctx: ExecutionContext, params: SelectColumnsParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"data": select_columns(frame, params)}


def select_columns(frame: pd.DataFrame, params: SelectColumnsParams) -> pd.DataFrame:
    names = [str(c) for c in frame.columns]
    result = frame[kept_names(names, params)]
    if params.rename:
        result = result.rename(columns=params.rename)
    return result
