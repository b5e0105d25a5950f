"""Join two tables on one or more key column pairs (inner, left, right or outer), like SQL JOIN.

Output columns follow pandas.merge: every left column, then every right column, in input order. A
key pair whose two columns have the same name yields one column (the values of both sides merged);
other columns whose names appear on both sides get the suffixes.

Types are decided by the join type, never by the data, so the schema known before a run is the one
the run produces:
- keys are joined as a common type: integer with float as float, category with text as text
  (category keys always become text: two category columns rarely share their categories).
- the side that may have no matching row (the right side of a left join, the left side of a right
  join, both sides of an outer join) gets missing values, so its integer columns become float
  (pandas' NaN) and its boolean columns become nullable booleans, even when every row happens to
  match. Other types hold missing values as they are. Same-name key columns are never missing.
- as in pandas, missing key values match each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from pandas.api import types as pdt
from pydantic import BaseModel, ConfigDict, Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.schema import Column, Dtype, Role, TableSchema
from node_library.settings import NodeSettings

How = Literal["inner", "left", "right", "outer"]

# Logical key types that join with each other; any other mix is refused before a run.
_KEY_FAMILIES: tuple[frozenset[Dtype], ...] = (
    frozenset({Dtype.INTEGER, Dtype.FLOAT}),
    frozenset({Dtype.STRING, Dtype.CATEGORY}),
    frozenset({Dtype.DATETIME}),
    frozenset({Dtype.BOOLEAN}),
)


class JoinKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left: str = Field(
        description="Key column of the left input.", json_schema_extra=widgets.column("left")
    )
    right: str = Field(
        description="Key column of the right input that must equal the left one.",
        json_schema_extra=widgets.column("right"),
    )


class JoinParams(NodeParams):
    how: How = Field(
        "inner",
        description="inner: matching rows only; left/right: every row of that side; "
        "outer: every row of both sides.",
    )
    keys: list[JoinKey] = Field(
        default_factory=list, description="Pairs of columns whose values must be equal."
    )
    left_suffix: str = Field(
        "_left",
        max_length=50,
        description="Added to left column names that also exist on the right.",
    )
    right_suffix: str = Field(
        "_right",
        max_length=50,
        description="Added to right column names that also exist on the left.",
    )


@dataclass(frozen=True)
class OutputColumn:
    name: str
    side: Literal["left", "right"]
    source: str


def key_dtype(left: Dtype, right: Dtype) -> Dtype | None:
    """The type a key pair is joined as; None when the two types cannot be joined."""
    if Dtype.UNKNOWN in (left, right):
        return Dtype.UNKNOWN
    if left is right and left is not Dtype.CATEGORY:
        return left
    for family in _KEY_FAMILIES:
        if left in family and right in family:
            return Dtype.FLOAT if family == _KEY_FAMILIES[0] else Dtype.STRING
    return None


def output_columns(left: list[str], right: list[str], params: JoinParams) -> list[OutputColumn]:
    """The output columns in pandas.merge order, each with the input column it comes from."""
    merged_keys = {k.left for k in params.keys if k.left == k.right}
    right_kept = [n for n in right if n not in merged_keys]
    overlap = (set(left) & set(right_kept)) - merged_keys
    columns = [OutputColumn(n + params.left_suffix if n in overlap else n, "left", n) for n in left]
    columns += [
        OutputColumn(n + params.right_suffix if n in overlap else n, "right", n) for n in right_kept
    ]
    return columns


def optional_sides(how: str) -> set[str]:
    """The sides whose rows may be absent from an output row (their columns get missing values)."""
    return {"inner": set(), "left": {"right"}, "right": {"left"}, "outer": {"left", "right"}}[how]


def _nullable(dtype: Dtype) -> Dtype:
    return Dtype.FLOAT if dtype is Dtype.INTEGER else dtype


class JoinNode(NodeType[JoinParams]):
    type_id = "transforms.join"
    display_name = "Join"
    category = "transforms"
    description = "Join two tables on key columns (inner, left, right or outer)."
    tags = ("merge", "join", "lookup", "combine", "sql")
    Params = JoinParams
    inputs = (
        Port("left", DataType.DATAFRAME, "Left"),
        Port("right", DataType.DATAFRAME, "Right"),
    )
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)

    def validate(
        self, params: JoinParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not params.keys:
            issues.append(
                error(
                    "missing_join_key",
                    "the join has no key columns",
                    "add a pair of columns whose values must match",
                    param="keys",
                )
            )
        if params.left_suffix == params.right_suffix:
            issues.append(
                error(
                    "identical_suffixes",
                    f"both suffixes are {params.left_suffix!r}, so columns present on both "
                    "sides would get the same name",
                    'use two different suffixes, such as "_left" and "_right"',
                    param="right_suffix",
                )
            )
        left, right = inputs.get("left"), inputs.get("right")
        issues += require_columns(left, [k.left for k in params.keys], param="keys", port="left")
        issues += require_columns(right, [k.right for k in params.keys], param="keys", port="right")
        if left is None or right is None or issues:
            return issues
        for key in params.keys:
            left_type = left.dtype_of(key.left) or Dtype.UNKNOWN
            right_type = right.dtype_of(key.right) or Dtype.UNKNOWN
            if key_dtype(left_type, right_type) is None:
                issues.append(
                    error(
                        "key_type_mismatch",
                        f"key {key.left!r} is {left_type.value} on the left but {key.right!r} "
                        f"is {right_type.value} on the right; they can never be equal",
                        "convert one of them with a Convert types node so both have the same type",
                        param="keys",
                    )
                )
        names = [c.name for c in output_columns(left.names, right.names, params)]
        clashes = sorted(n for n, count in Counter(names).items() if count > 1)
        if clashes:
            issues.append(
                error(
                    "duplicate_output_column",
                    f"the output would have two columns named {clashes[0]!r}",
                    "change the suffixes or rename a column before the join",
                    param="left_suffix",
                )
            )
        return issues

    def infer_schema(
        self, params: JoinParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        left, right = inputs.get("left"), inputs.get("right")
        if left is None or right is None:
            return {"data": None}
        key_types: dict[tuple[str, str], Dtype] = {}
        for key in params.keys:
            common = key_dtype(
                left.dtype_of(key.left) or Dtype.UNKNOWN, right.dtype_of(key.right) or Dtype.UNKNOWN
            )
            key_types[("left", key.left)] = key_types[("right", key.right)] = (
                common or Dtype.UNKNOWN
            )
        merged_keys = {k.left for k in params.keys if k.left == k.right}
        optional = optional_sides(params.how)
        columns = []
        for out in output_columns(left.names, right.names, params):
            schema = left if out.side == "left" else right
            dtype = key_types.get((out.side, out.source)) or schema.dtype_of(out.source)
            dtype = dtype or Dtype.UNKNOWN
            if out.side in optional and not (out.side == "left" and out.source in merged_keys):
                dtype = _nullable(dtype)
            role = schema.role_of(out.source) or Role.FEATURE
            columns.append(Column(name=out.name, dtype=dtype, role=role))
        return {"data": TableSchema(columns=tuple(columns))}

    def compute(self, ctx: ExecutionContext, params: JoinParams, **inputs: Any) -> dict[str, Any]:
        left: pd.DataFrame = inputs["left"]
        right: pd.DataFrame = inputs["right"]
        return {"data": join_frames(left, right, params)}


def _align_keys(
    left: pd.DataFrame, right: pd.DataFrame, keys: list[JoinKey]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cast each key pair to its common type so that pandas matches values, not dtypes."""
    left_casts: dict[str, str] = {}
    right_casts: dict[str, str] = {}
    for key in keys:
        left_dtype, right_dtype = left[key.left].dtype, right[key.right].dtype
        text = [isinstance(d, pd.CategoricalDtype) for d in (left_dtype, right_dtype)]
        if any(text):
            left_casts[key.left] = right_casts[key.right] = "str"
        elif pdt.is_float_dtype(left_dtype) != pdt.is_float_dtype(right_dtype) and all(
            pdt.is_numeric_dtype(d) and not pdt.is_bool_dtype(d) for d in (left_dtype, right_dtype)
        ):
            left_casts[key.left] = right_casts[key.right] = "float64"
    if left_casts:
        left = left.astype(left_casts)
    if right_casts:
        right = right.astype(right_casts)
    return left, right


def join_frames(left: pd.DataFrame, right: pd.DataFrame, params: JoinParams) -> pd.DataFrame:
    left, right = _align_keys(left, right, params.keys)
    try:
        result = left.merge(
            right,
            how=params.how,
            left_on=[k.left for k in params.keys],
            right_on=[k.right for k in params.keys],
            suffixes=(params.left_suffix, params.right_suffix),
        )
    except (ValueError, TypeError) as exc:
        raise NodeError(
            error(
                "join_failed",
                f"the tables could not be joined: {exc}",
                "check that the key columns hold the same kind of values on both sides",
                param="keys",
            )
        ) from exc
    optional = optional_sides(params.how)
    if not optional:
        return result
    merged_keys = {k.left for k in params.keys if k.left == k.right}
    casts: dict[str, str] = {}
    for out in output_columns(list(map(str, left.columns)), list(map(str, right.columns)), params):
        if out.side not in optional or (out.side == "left" and out.source in merged_keys):
            continue
        dtype = result[out.name].dtype
        source_dtype = (left if out.side == "left" else right)[out.source].dtype
        if pdt.is_bool_dtype(source_dtype):
            casts[out.name] = "boolean"
        elif pdt.is_integer_dtype(source_dtype) and not pdt.is_float_dtype(dtype):
            casts[out.name] = "float64"
    return result.astype(casts) if casts else result
