"""Table schemas known before a run: column names with logical dtypes.

Logical dtypes are coarser than pandas dtypes on purpose: the canvas and the expression checker
reason about "a number", "a string", "a date", not about int32 versus Int64.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    import pandas as pd


class Dtype(StrEnum):
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    STRING = "string"
    DATETIME = "datetime"
    CATEGORY = "category"
    UNKNOWN = "unknown"

    @property
    def is_numeric(self) -> bool:
        return self in (Dtype.INTEGER, Dtype.FLOAT, Dtype.BOOLEAN)


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    dtype: Dtype


class TableSchema(BaseModel):
    """The columns of a dataframe (or the single column of a series), in order."""

    model_config = ConfigDict(frozen=True)

    columns: tuple[Column, ...] = ()

    @classmethod
    def of(cls, **columns: Dtype | str) -> TableSchema:
        return cls(columns=tuple(Column(name=n, dtype=Dtype(d)) for n, d in columns.items()))

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def dtype_of(self, name: str) -> Dtype | None:
        for column in self.columns:
            if column.name == name:
                return column.dtype
        return None

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.columns)

    def select(self, names: list[str]) -> TableSchema:
        by_name = {c.name: c for c in self.columns}
        return TableSchema(columns=tuple(by_name[n] for n in names if n in by_name))

    def drop(self, names: list[str]) -> TableSchema:
        return TableSchema(columns=tuple(c for c in self.columns if c.name not in set(names)))

    def with_column(self, name: str, dtype: Dtype) -> TableSchema:
        """Add a column at the end, or replace the dtype of an existing one in place."""
        if name in self:
            return TableSchema(
                columns=tuple(
                    Column(name=name, dtype=dtype) if c.name == name else c for c in self.columns
                )
            )
        return TableSchema(columns=(*self.columns, Column(name=name, dtype=dtype)))


def dtype_of_pandas(dtype: Any) -> Dtype:
    """Map a pandas/numpy dtype to its logical dtype."""
    import pandas as pd
    from pandas.api import types as pdt

    if isinstance(dtype, pd.CategoricalDtype):
        return Dtype.CATEGORY
    if pdt.is_bool_dtype(dtype):
        return Dtype.BOOLEAN
    if pdt.is_integer_dtype(dtype):
        return Dtype.INTEGER
    if pdt.is_float_dtype(dtype):
        return Dtype.FLOAT
    if pdt.is_datetime64_any_dtype(dtype):
        return Dtype.DATETIME
    if pdt.is_string_dtype(dtype) or pdt.is_object_dtype(dtype):
        return Dtype.STRING
    return Dtype.UNKNOWN


def schema_of_frame(frame: pd.DataFrame) -> TableSchema:
    """The logical schema of a real dataframe; the contract test compares it to infer_schema."""
    return TableSchema(
        columns=tuple(
            Column(name=str(name), dtype=dtype_of_pandas(dtype))
            for name, dtype in frame.dtypes.items()
        )
    )
