"""Runtime values of expressions and their conversions.

A runtime value is a pandas Series aligned with the frame, or a Python/pandas scalar (a constant).
This module owns the conversions between them and the pandas dtype of each logical dtype, the
runners that read a column or give a constant, and the 64-bit integer range.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from node_library.expressions.errors import ExpressionError
from node_library.schema import Dtype, dtype_of_pandas

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# A runtime value: a pandas Series aligned with the frame, or a Python/pandas scalar (constants).
Value: TypeAlias = Any
Runner: TypeAlias = Callable[[pd.DataFrame], Value]


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def python_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def broadcast(value: Any, dtype: Dtype, index: pd.Index[Any]) -> pd.Series[Any]:
    """A constant as a Series over `index`, with the pandas dtype of its logical dtype."""
    missing = is_missing(value)
    if dtype is Dtype.INTEGER:
        return pd.Series(
            pd.NA if missing else value, index=index, dtype="Int64" if missing else "int64"
        )
    if dtype is Dtype.FLOAT:
        return pd.Series(np.nan if missing else value, index=index, dtype="float64")
    if dtype is Dtype.BOOLEAN:
        return pd.Series(
            pd.NA if missing else value, index=index, dtype="boolean" if missing else "bool"
        )
    if dtype is Dtype.STRING:
        return pd.Series(None if missing else value, index=index, dtype="str")
    if dtype is Dtype.DATETIME:
        stamp = pd.NaT if missing else pd.Timestamp(value)
        series = pd.Series(stamp, index=index)
        return (
            series if pdt.is_datetime64_any_dtype(series.dtype) else series.astype("datetime64[ns]")
        )
    return pd.Series(value, index=index)


def as_bool(value: Value) -> Value:
    """A condition with missing values counted as False, as a numpy-bool Series (or a bool)."""
    if isinstance(value, pd.Series):
        if value.dtype == bool:
            return value
        return pd.Series(value.to_numpy(dtype=bool, na_value=False), index=value.index)
    return False if is_missing(value) else bool(value)


def as_integer(series: pd.Series[Any]) -> pd.Series[Any]:
    """Integer-valued floats (NaN/inf for missing) as nullable Int64."""
    if pdt.is_integer_dtype(series.dtype):
        return series
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    missing = ~np.isfinite(values)
    data = np.where(missing, 0, values).astype("int64")
    return pd.Series(pd.arrays.IntegerArray(data, missing), index=series.index, name=series.name)


def as_float(value: Value) -> Value:
    if isinstance(value, pd.Series):
        if pdt.is_float_dtype(value.dtype):
            return value
        extension = isinstance(value.dtype, pd.api.extensions.ExtensionDtype)
        return value.astype("Float64" if extension else "float64")
    return value if is_missing(value) else float(value)


def align_tz(value: Value, other: Value) -> Value:
    """A naive date constant next to a time-zone-aware date column, read in that time zone."""
    if (
        isinstance(value, pd.Timestamp)
        and value.tzinfo is None
        and isinstance(other, pd.Series)
        and isinstance(other.dtype, pd.DatetimeTZDtype)
    ):
        return value.tz_localize(other.dtype.tz)
    return value


def conform(value: Value, dtype: Dtype) -> Value:
    """Make a Series' pandas dtype agree with the logical dtype the checker inferred."""
    if not isinstance(value, pd.Series) or dtype is Dtype.UNKNOWN:
        return value
    actual = dtype_of_pandas(value.dtype)
    if actual is dtype:
        return value
    if dtype is Dtype.INTEGER and actual is Dtype.FLOAT:
        return as_integer(value)
    if dtype is Dtype.FLOAT and actual is Dtype.INTEGER:
        return as_float(value)
    if dtype is Dtype.BOOLEAN:
        return value.astype("boolean")
    if dtype is Dtype.STRING:
        return value.astype("str")
    if dtype is Dtype.DATETIME:
        return pd.to_datetime(value)
    return value


def finish(value: Value, dtype: Dtype, index: pd.Index[Any]) -> pd.Series[Any]:
    if isinstance(value, pd.Series):
        return conform(value, dtype)  # type: ignore[no-any-return]  # Value is Any
    return broadcast(value, dtype, index)


def read_column(name: str) -> Runner:
    def read(frame: pd.DataFrame) -> Value:
        column = frame[name]
        if isinstance(column, pd.DataFrame):
            raise ExpressionError(
                f"the input has more than one column called {name!r}",
                None,
                f"column {name!r}",
                "rename the duplicate columns before this node",
            )
        if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object:
            return column.astype("str")  # categories and Python objects are read as text
        return column

    return read


def constant_runner(value: Any) -> Runner:
    return lambda frame: value
