"""Convert columns to another type: integer, float, boolean, string, datetime or category.

Every target maps to one pandas dtype, whatever the data, so the type known before a run is the
type the run produces:

- integer -> nullable `Int64` (missing values stay missing; a float column converts only when every
  value is whole, so 2.5 is a bad value rather than silently becoming 2).
- float -> `float64` (missing values become NaN).
- boolean -> nullable `boolean`; numbers 1/0 and the texts true/false, yes/no, y/n, t/f, 1/0
  (any case) convert, other values are bad.
- string -> pandas `str`; datetimes become ISO text, missing values stay missing.
- datetime -> `datetime64`; text is parsed with `datetime_format` (empty: inferred from the first
  value, "ISO8601", "mixed", or a strftime format such as "%d/%m/%Y"); numbers are Unix seconds.
- category -> `category`.

Text that is empty or only spaces counts as missing, not as a bad value. With errors="raise" the
first bad value stops the run with a NodeError naming the column and an example; with "coerce" bad
values become missing. Datetime <-> number/boolean conversions are refused (use a computed column
with year(), month(), ... instead), so a surprising epoch never slips in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as pdt
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, NodeError, NodeParams, PortSchema, error
from node_library.node_kinds.transforms import TransformNode
from node_library.schema import Dtype, TableSchema
from node_library.settings import NodeSettings

TargetType = Literal["integer", "float", "boolean", "string", "datetime", "category"]

# (source, target) pairs refused before a run: the result would be a guess, not a conversion.
REFUSED: frozenset[tuple[Dtype, Dtype]] = frozenset(
    {
        (Dtype.DATETIME, Dtype.INTEGER),
        (Dtype.DATETIME, Dtype.FLOAT),
        (Dtype.DATETIME, Dtype.BOOLEAN),
        (Dtype.BOOLEAN, Dtype.DATETIME),
    }
)

_BOOLEAN_TEXT = {
    "true": True, "false": False, "yes": True, "no": False, "y": True, "n": False,
    "t": True, "f": False, "1": True, "0": False, "1.0": True, "0.0": False,
}  # fmt: skip


class ConvertTypesParams(NodeParams):
    columns: dict[str, TargetType] = Field(
        default_factory=dict,
        description="The type to convert each column to, as column -> target type.",
        json_schema_extra=widgets.column_map(),
    )
    errors: Literal["raise", "coerce"] = Field(
        "raise",
        description="What a value that cannot be converted does: stop the run, or become missing.",
    )
    datetime_format: str = Field(
        "",
        max_length=100,
        description='How to read dates from text: empty infers it, "ISO8601", "mixed", or a '
        'strftime format such as "%d/%m/%Y".',
    )
    to_utc: bool = Field(
        False,
        description="Convert parsed datetimes to UTC (needed when the text mixes time zones).",
    )


class ConvertTypesNode(TransformNode[ConvertTypesParams]):
    type_id = "transforms.convert_types"
    display_name = "Convert types"
    description = "Convert columns to integer, float, boolean, string, datetime or category."
    tags = ("cast", "dtype", "parse", "types", "datetime")
    Params = ConvertTypesParams

    def validate(
        self, params: ConvertTypesParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("data")
        issues = require_columns(schema, list(params.columns), param="columns")
        if schema is None:
            return issues
        for name, target in params.columns.items():
            source = schema.dtype_of(name)
            if source is not None and (source, Dtype(target)) in REFUSED:
                issues.append(
                    error(
                        "unsupported_conversion",
                        f"column {name!r} is {source.value}; it cannot become {target}",
                        "use a computed column with year(), month(), day() ... for date parts"
                        if source is Dtype.DATETIME
                        else "convert it to integer or string first",
                        param="columns",
                    )
                )
        return issues

    def infer_schema(
        self, params: ConvertTypesParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("data")
        if schema is None:
            return {"data": None}
        result: TableSchema = schema
        for name, target in params.columns.items():
            if name in result:
                result = result.with_column(name, Dtype(target))
        return {"data": result}

    def compute(
        self, ctx: ExecutionContext, params: ConvertTypesParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"data": convert_types(frame, params)}


def convert_types(frame: pd.DataFrame, params: ConvertTypesParams) -> pd.DataFrame:
    result = frame.copy(deep=False)
    for name, target in params.columns.items():
        source = frame[name]
        converted = convert_series(source, target, params.datetime_format, params.to_utc)
        bad = _missing_text_is_not_bad(source, source.notna() & converted.isna())
        if params.errors == "raise" and bool(bad.any()):
            example = source[bad].iloc[0]
            if isinstance(example, np.generic):  # show 1e+30, not np.float64(1e+30)
                example = example.item()
            count = int(bad.sum())
            raise NodeError(
                error(
                    "conversion_failed",
                    f"column {name!r}: {count} value{'s' if count > 1 else ''} cannot be "
                    f"converted to {target}, for example {example!r}",
                    "fix those values upstream, or set errors to coerce to make them missing",
                    param="columns",
                )
            )
        result[name] = converted
    return result


def convert_series(
    series: pd.Series, target: str, datetime_format: str = "", to_utc: bool = False
) -> pd.Series:
    """`series` converted to `target`; values that do not convert become missing."""
    if target == "category":
        return series.astype("category")
    if target == "string":
        return series.astype("str")
    if target == "float":
        return _to_number(series).astype("float64")
    if target == "integer":
        return _to_integer(series)
    if target == "boolean":
        return _to_boolean(series)
    if target == "datetime":
        return _to_datetime(series, datetime_format, to_utc)
    raise ValueError(f"unknown target type {target!r}")


def _is_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.CategoricalDtype) or pdt.is_string_dtype(series.dtype)


def _as_text(series: pd.Series) -> pd.Series:
    return series.astype("str").str.strip()


def _missing_text_is_not_bad(source: pd.Series, bad: pd.Series) -> pd.Series:
    """Blank text is read as a missing value, not as a value that failed to convert."""
    if not bool(bad.any()) or not _is_text(source):
        return bad
    blank = _as_text(source).fillna("").eq("")
    return bad & ~blank


def _to_number(series: pd.Series) -> pd.Series:
    if pdt.is_bool_dtype(series.dtype):
        return series.astype("float64")
    if pdt.is_numeric_dtype(series.dtype):
        return series
    if pdt.is_datetime64_any_dtype(series.dtype):
        raise NodeError(
            error(
                "unsupported_conversion",
                f"column {series.name!r} holds datetimes, which are not numbers",
                "use a computed column with year(), month(), day() ... for date parts",
                param="columns",
            )
        )
    text = _as_text(series) if _is_text(series) else series
    return pd.to_numeric(text, errors="coerce")


def _to_integer(series: pd.Series) -> pd.Series:
    if pdt.is_integer_dtype(series.dtype) or pdt.is_bool_dtype(series.dtype):
        return series.astype("Int64")
    number = _to_number(series)
    if pdt.is_integer_dtype(number.dtype):
        return number.astype("Int64")
    values = number.astype("float64")
    whole = values.notna() & (values % 1 == 0) & (values.abs() < 2.0**63)
    return values.where(whole).astype("Int64")


def _to_boolean(series: pd.Series) -> pd.Series:
    if pdt.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    if pdt.is_numeric_dtype(series.dtype):
        return series.astype("float64").map({1.0: True, 0.0: False}).astype("boolean")
    if pdt.is_datetime64_any_dtype(series.dtype):
        return _to_number(series)  # raises the NodeError that explains why
    return _as_text(series).str.lower().map(_BOOLEAN_TEXT).astype("boolean")


def _to_datetime(series: pd.Series, datetime_format: str, to_utc: bool) -> pd.Series:
    if pdt.is_datetime64_any_dtype(series.dtype):
        return series.dt.tz_convert("UTC") if to_utc and series.dt.tz is not None else series
    if pdt.is_bool_dtype(series.dtype):
        raise NodeError(
            error(
                "unsupported_conversion",
                f"column {series.name!r} holds booleans, which are not dates",
                "convert it to integer or string first",
                param="columns",
            )
        )
    try:
        if pdt.is_numeric_dtype(series.dtype):
            return pd.to_datetime(series, unit="s", errors="coerce", utc=to_utc)
        return pd.to_datetime(
            _as_text(series), errors="coerce", format=datetime_format or None, utc=to_utc
        )
    except (ValueError, TypeError) as exc:
        raise NodeError(
            error(
                "conversion_failed",
                f"column {series.name!r} cannot be read as datetimes: {exc}",
                "set to_utc when the text mixes time zones, or set datetime_format",
                param="columns",
            )
        ) from exc
