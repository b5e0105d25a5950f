"""Table schemas known before a run: column names with logical dtypes and roles.

Logical dtypes are coarser than pandas dtypes on purpose: the canvas and the expression checker
reason about "a number", "a string", "a date", not about int32 versus Int64.

A column's role says what it is for, as in Orange's domain: the `target` a model learns to
predict, a `feature` it learns from (the default), an `id` that names a row, or a column to
`ignore`. Roles live in the schema only (a dataframe carries none): sources and the Set roles
node declare them, and the helpers below keep a column's role wherever the column is kept, so
nodes that derive their output schema with them carry roles without knowing about them.
docs/decisions/0008-column-roles.md says how roles reach a run.
"""

from __future__ import annotations

from collections.abc import Mapping
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


class Role(StrEnum):
    TARGET = "target"
    FEATURE = "feature"
    ID = "id"
    IGNORE = "ignore"


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    dtype: Dtype
    # a schema saved before roles existed has none: every column is then a feature
    role: Role = Role.FEATURE


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

    def role_of(self, name: str) -> Role | None:
        for column in self.columns:
            if column.name == name:
                return column.role
        return None

    @property
    def roles(self) -> dict[str, Role]:
        """The columns whose role is not `feature`, by name, in column order."""
        return {c.name: c.role for c in self.columns if c.role is not Role.FEATURE}

    def with_roles(self, roles: Mapping[str, Role]) -> TableSchema:
        """The same columns with the roles given by name (columns not named keep theirs)."""
        if not roles:
            return self
        return TableSchema(
            columns=tuple(
                c.model_copy(update={"role": Role(roles[c.name])}) if c.name in roles else c
                for c in self.columns
            )
        )

    def without_roles(self) -> TableSchema:
        """The same names and dtypes, every column a feature (what a real frame shows)."""
        return TableSchema(columns=tuple(Column(name=c.name, dtype=c.dtype) for c in self.columns))

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.columns)

    def select(self, names: list[str]) -> TableSchema:
        by_name = {c.name: c for c in self.columns}
        return TableSchema(columns=tuple(by_name[n] for n in names if n in by_name))

    def drop(self, names: list[str]) -> TableSchema:
        return TableSchema(columns=tuple(c for c in self.columns if c.name not in set(names)))

    def with_column(self, name: str, dtype: Dtype) -> TableSchema:
        """Add a column at the end (a feature), or replace the dtype of an existing one in place
        (it keeps its role: a converted or recomputed target is still the target)."""
        if name in self:
            return TableSchema(
                columns=tuple(
                    c.model_copy(update={"dtype": dtype}) if c.name == name else c
                    for c in self.columns
                )
            )
        return TableSchema(columns=(*self.columns, Column(name=name, dtype=dtype)))

    def renamed(self, names: Mapping[str, str]) -> TableSchema:
        """Columns renamed (old name -> new name); a renamed column keeps its dtype and role."""
        return TableSchema(
            columns=tuple(
                c.model_copy(update={"name": names[c.name]}) if c.name in names else c
                for c in self.columns
            )
        )


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
