"""Reusable validation checks for node types: column presence with did-you-mean, dtypes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from node_library.contract import Issue, error
from node_library.schema import Dtype, TableSchema


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    candidates = list(candidates)  # read twice below: a generator would be empty the second time
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in candidates}
        return lowered.get(name.lower())
    return matches[0]


def missing_column(name: str, schema: TableSchema, *, param: str, port: str = "") -> Issue:
    where = f" of input {port!r}" if port else ""
    if not name.strip():  # an empty picker (or an empty entry of a list): nothing to quote
        choices = ", ".join(schema.names[:20])
        return error(
            "missing_column",
            f"Pick a column{where}: the column name is empty",
            f"the columns are: {choices}" if choices else "the input has no columns",
            param=param,
            port=port or None,
        )
    suggestion = did_you_mean(name, schema.names)
    hint = (
        f"did you mean {suggestion!r}?"
        if suggestion
        else "pick one of: " + ", ".join(schema.names[:20])
        if schema.names
        else "the input has no columns"
    )
    return error(
        "missing_column",
        f"column {name!r} is not in the columns{where}",
        hint,
        param=param,
        port=port or None,
    )


def require_columns(
    schema: TableSchema | None, names: Iterable[str], *, param: str, port: str = ""
) -> list[Issue]:
    """Issues for each name absent from `schema`; nothing when the schema is not known yet."""
    if schema is None:
        return []
    return [missing_column(n, schema, param=param, port=port) for n in names if n not in schema]


def require_numeric(schema: TableSchema | None, names: Iterable[str], *, param: str) -> list[Issue]:
    if schema is None:
        return []
    issues = []
    for name in names:
        dtype = schema.dtype_of(name)
        if dtype is not None and dtype is not Dtype.UNKNOWN and not dtype.is_numeric:
            issues.append(
                error(
                    "wrong_dtype",
                    f"column {name!r} is {dtype.value}, not numeric",
                    "convert it with a type conversion node, or pick a numeric column",
                    param=param,
                )
            )
    return issues
