"""Handle missing values: drop the rows that have them, or fill them.

Strategies: drop_rows, fill_value (a constant), fill_mean, fill_median, fill_mode (most frequent
value; the smallest one on ties), forward_fill and backward_fill (the previous or next row's value;
leading or trailing gaps stay missing).

Every strategy keeps each column's type, so the output schema is the input schema:
- integer columns filled with a mean or median get it rounded to the nearest whole number (half to
  even) so that they stay integers; convert them to float first to fill with the exact value.
- a constant is only used on the columns it fits: a number on number columns, text on text and
  category columns (a new category is added), true/false on boolean columns, and on datetime
  columns text that reads as a date.

With `columns` empty the strategy applies to every column it fits (every column for drop_rows,
fill_mode and the two fills); naming a column it does not fit is an issue.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, NodeParams, PortSchema, error
from node_library.node_kinds.transforms import TransformNode
from node_library.schema import Dtype, TableSchema, schema_of_frame
from node_library.settings import NodeSettings

Strategy = Literal[
    "drop_rows",
    "fill_value",
    "fill_mean",
    "fill_median",
    "fill_mode",
    "forward_fill",
    "backward_fill",
]
FillValue = bool | int | float | str


class MissingValuesParams(NodeParams):
    strategy: Strategy = Field("drop_rows", description="How to handle missing values.")
    columns: list[str] = Field(
        default_factory=list,
        description="Columns to handle. Empty means every column the strategy applies to.",
        json_schema_extra=widgets.columns(),
    )
    value: FillValue | None = Field(
        None,
        description="The constant that fill_value writes into the gaps.",
        json_schema_extra=widgets.visible_when(strategy=["fill_value"]),
    )
    drop_when: Literal["any", "all"] = Field(
        "any",
        description="drop_rows: drop a row when any, or only when all, of the columns are missing.",
        json_schema_extra=widgets.visible_when(strategy=["drop_rows"]),
    )


def _value_fits(value: FillValue, dtype: Dtype) -> bool:
    if isinstance(value, bool):
        return dtype is Dtype.BOOLEAN
    if isinstance(value, int | float):
        if dtype is Dtype.INTEGER:
            return math.isfinite(value) and float(value).is_integer()
        return dtype is Dtype.FLOAT
    if dtype in (Dtype.STRING, Dtype.CATEGORY):
        return True
    if dtype is Dtype.DATETIME:
        try:
            pd.Timestamp(value)
        except ValueError:
            return False
        return True
    return False


def _applies(params: MissingValuesParams, dtype: Dtype, *, explicit: bool) -> bool:
    if params.strategy in ("fill_mean", "fill_median"):
        return dtype in (Dtype.INTEGER, Dtype.FLOAT)
    if params.strategy == "fill_value":
        if params.value is None:
            return False
        if not explicit and dtype is Dtype.DATETIME:
            return False  # text that happens to parse as a date only fills columns named for it
        return _value_fits(params.value, dtype)
    return True


def target_columns(schema: TableSchema, params: MissingValuesParams) -> list[str]:
    """The columns the strategy works on, in input order."""
    if params.columns:
        wanted = set(params.columns)
        return [c.name for c in schema.columns if c.name in wanted]
    return [c.name for c in schema.columns if _applies(params, c.dtype, explicit=False)]


class MissingValuesNode(TransformNode[MissingValuesParams]):
    type_id = "transforms.missing_values"
    display_name = "Missing values"
    description = "Drop rows with missing values, or fill the gaps with a value or a statistic."
    tags = ("nan", "null", "impute", "fillna", "dropna", "clean")
    Params = MissingValuesParams
    passes_through = "data"

    def validate(
        self, params: MissingValuesParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        if params.strategy == "fill_value" and params.value is None:
            issues.append(
                error(
                    "missing_value",
                    "fill_value needs the value to fill with",
                    "type a number, a text, true or false",
                    param="value",
                )
            )
            return issues
        schema = inputs.get("data")
        if schema is None:
            return issues
        issues += require_columns(schema, dict.fromkeys(params.columns), param="columns")
        for name in dict.fromkeys(params.columns):
            dtype = schema.dtype_of(name)
            if dtype is None or _applies(params, dtype, explicit=True):
                continue
            if params.strategy == "fill_value":
                issues.append(
                    error(
                        "wrong_dtype",
                        f"the value {params.value!r} does not fit column {name!r} ({dtype.value})",
                        "pick a value of the column's type, or fill that column in another node",
                        param="value",
                    )
                )
            else:
                issues.append(
                    error(
                        "wrong_dtype",
                        f"{params.strategy} needs a numeric column; {name!r} is {dtype.value}",
                        "use fill_mode or fill_value for it, or remove it from the columns",
                        param="columns",
                    )
                )
        return issues

    def compute(
        self, ctx: ExecutionContext, params: MissingValuesParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"data": handle_missing(frame, params, schema_of_frame(frame))}


def handle_missing(
    frame: pd.DataFrame, params: MissingValuesParams, schema: TableSchema | None = None
) -> pd.DataFrame:
    schema = schema or schema_of_frame(frame)
    columns = target_columns(schema, params)
    if params.strategy == "drop_rows":
        if not columns:
            return frame.reset_index(drop=True)
        return frame.dropna(subset=columns, how=params.drop_when, ignore_index=True)
    result = frame.copy(deep=False)
    if params.strategy in ("forward_fill", "backward_fill"):
        if columns:
            part = frame[columns]
            result[columns] = part.ffill() if params.strategy == "forward_fill" else part.bfill()
        return result
    for name in columns:
        series = frame[name]
        if not bool(series.isna().any()):
            continue
        fill = _fill_for(series, params, schema.dtype_of(name) or Dtype.UNKNOWN)
        if fill is None:
            continue
        if isinstance(series.dtype, pd.CategoricalDtype) and fill not in series.cat.categories:
            series = series.cat.add_categories([fill])
        result[name] = series.fillna(fill)
    return result


def _fill_for(series: pd.Series, params: MissingValuesParams, dtype: Dtype) -> Any:
    """The value that fills the gaps of `series`, converted to fit its dtype; None to skip."""
    if params.strategy == "fill_value":
        value = params.value
        if value is None:
            return None
        if dtype is Dtype.DATETIME:
            stamp = pd.Timestamp(value)
            tz = getattr(series.dtype, "tz", None)
            if tz is not None and stamp.tzinfo is None:
                stamp = stamp.tz_localize(tz)
            return stamp
        if dtype is Dtype.INTEGER and not isinstance(value, bool | str):
            return int(value)
        return value
    if params.strategy == "fill_mode":
        modes = series.mode(dropna=True)
        return None if modes.empty else modes.iloc[0]
    statistic = series.mean() if params.strategy == "fill_mean" else series.median()
    if pd.isna(statistic):
        return None
    return round(float(statistic)) if dtype is Dtype.INTEGER else float(statistic)
