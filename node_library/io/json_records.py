"""JSON records to a dataframe, shared by the JSON file and REST API sources.

`dig` walks a dotted path ("data.items", "results.0.rows") into a parsed document, `as_records`
takes the value found there as a list of records (an object counts as one record, unless it holds
lists of objects, which the error then names as candidates for the path), and `records_frame`
flattens the records with `pandas.json_normalize`: nested objects become dotted columns
(`address.city`) and lists stay as values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from node_library.contract import NodeError, error
from node_library.io.object_columns import object_columns


def dig(document: Any, dotted: str, *, label: str, param: str) -> Any:
    """The value at `dotted` ("data.items", "results.0.rows") inside a parsed JSON document."""
    value = document
    walked: list[str] = []
    for part in [p for p in dotted.split(".") if p] if dotted else []:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            where = ".".join(walked) or "the top level"
            if isinstance(value, dict):
                keys = ", ".join(repr(k) for k in list(value)[:20]) or "none"
                hint = f"keys at {where}: {keys}"
            elif isinstance(value, list):
                hint = f"{where} is a list of {len(value)} items; use an index from 0"
            else:
                hint = f"{where} is a {type(value).__name__}, not an object"
            raise NodeError(
                error(
                    "path_not_found",
                    f"{label} has nothing at {part!r} of {dotted!r}",
                    hint,
                    param=param,
                )
            )
        walked.append(part)
    return value


def as_records(value: Any, *, label: str, param: str, dotted: str) -> list[Any]:
    """`value` as a list of records; an object counts as one record (see the module docstring)."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        nested = list(_record_lists(value, dotted, depth=3))
        if nested:
            where = f" at {dotted!r}" if dotted else ""
            raise NodeError(
                error(
                    "records_not_found",
                    f"{label} holds an object{where}, not a list of records",
                    f"set {param} to " + " or ".join(repr(k) for k in nested[:5]),
                    param=param,
                )
            )
        return [value]
    raise NodeError(
        error(
            "records_not_found",
            f"{label} holds a {type(value).__name__} where a list of records was expected",
            f"point {param} at a list",
            param=param,
        )
    )


def _record_lists(value: dict[str, Any], prefix: str, depth: int) -> Iterator[str]:
    """Dotted paths under `value` that lead to non-empty lists of objects."""
    for key, item in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, list) and item and all(isinstance(x, dict) for x in item[:10]):
            yield path
        elif isinstance(item, dict) and depth > 1:
            yield from _record_lists(item, path, depth - 1)


def records_frame(records: list[Any]) -> pd.DataFrame:
    """Rows from JSON records: objects are flattened to dotted columns, scalars go to 'value'."""
    if not records:
        return pd.DataFrame()
    if all(isinstance(r, dict) for r in records):
        frame = pd.json_normalize(records, sep=".")
    else:
        frame = pd.DataFrame({"value": pd.Series(records, dtype=object)})
        frame["value"] = frame["value"].infer_objects()
    frame.columns = [str(c) for c in frame.columns]
    for name in object_columns(frame):
        if pd.api.types.infer_dtype(frame[name], skipna=True) == "boolean":
            frame[name] = frame[name].astype("boolean")
    return frame
