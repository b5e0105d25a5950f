"""JSON file source: a JSON document (an array of records, or records nested under a path) or a
JSON Lines file (one value per line), read into a dataframe.

Records become rows with `pandas.json_normalize`, so nested objects turn into dotted columns
(`address.city`); lists stay as values. Dates stay strings (JSON has no date type; convert them
with a type conversion node). An object where records were expected becomes one row, unless it
holds lists of objects, in which case the error names them as candidates for `record_path`.

The schema before a run comes from the same code on the first SAMPLE_ROWS records (all of them for
files up to WHOLE_FILE_BYTES). A JSON document must be parsed whole to reach any record, so for
documents above MAX_SCHEMA_DOCUMENT_BYTES the schema is left unknown until a run; JSON Lines files
are always sampled. Keys that first appear after the sample are missing from the inferred schema.

`dig` and `records_frame` are shared with the REST API source.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.nodes.sources.csv_file import unreadable_file
from node_library.safety.paths import (
    data_file_fingerprint,
    data_path_issues,
    file_stamp,
    require_data_path,
)
from node_library.schema import TableSchema, schema_of_frame
from node_library.settings import NodeSettings

SAMPLE_ROWS = 1000
WHOLE_FILE_BYTES = 2 * 1024 * 1024
MAX_SCHEMA_DOCUMENT_BYTES = 64 * 1024 * 1024


class JsonFileParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        "", max_length=1024, description="JSON or JSON Lines file, relative to a data root."
    )
    lines: bool = Field(False, description="JSON Lines: one JSON value (a record) per line.")
    record_path: str = Field(
        "",
        max_length=500,
        description="Dotted path to the list of records inside each "
        "document, e.g. 'data.items'; empty when the document is the list.",
    )


# -- records to a frame (shared with the REST source) ---------------------------------------


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
    for name in _object_columns(frame):
        if pd.api.types.infer_dtype(frame[name], skipna=True) == "boolean":
            frame[name] = frame[name].astype("boolean")
    return frame


# -- reading files ----------------------------------------------------------------------------


def _malformed(
    label: str, exc: json.JSONDecodeError, lines: bool, line_no: int | None
) -> NodeError:
    if lines and line_no is not None:
        message = f"line {line_no} of {label} is not valid JSON: {exc.msg} (column {exc.colno})"
        hint = (
            "fix that line; if the file is one JSON document rather than one per line, "
            "turn lines off"
        )
    else:
        message = f"{label} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        hint = (
            "it looks like JSON Lines (one value per line): turn lines on"
            if exc.msg == "Extra data"
            else "fix the file, e.g. a missing comma or quote"
        )
    return NodeError(error("malformed_json", message, hint, param="path"))


def _line_documents(path: Path, label: str, limit: int | None) -> Iterator[Any]:
    with path.open("rb") as handle:
        count = 0
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            if limit is not None and count >= limit:
                return
            try:
                yield json.loads(raw)
            except json.JSONDecodeError as exc:
                raise _malformed(label, exc, True, line_no) from None
            except UnicodeDecodeError as exc:
                raise NodeError(
                    error(
                        "bad_encoding",
                        f"line {line_no} of {label} is not UTF-8 text: {exc.reason}",
                        "save the file as UTF-8",
                        param="path",
                    )
                ) from None
            count += 1


def _document(path: Path, label: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except json.JSONDecodeError as exc:
        raise _malformed(label, exc, False, None) from None
    except UnicodeDecodeError as exc:
        raise NodeError(
            error(
                "bad_encoding",
                f"{label} is not UTF-8 text: {exc.reason}",
                "save the file as UTF-8",
                param="path",
            )
        ) from None


def read_json_records(path: Path, params: JsonFileParams, limit: int | None = None) -> list[Any]:
    label = repr(params.path)
    records: list[Any] = []
    dotted = params.record_path
    try:
        documents = (
            _line_documents(path, label, limit) if params.lines else iter([_document(path, label)])
        )
        for document in documents:
            value = dig(document, dotted, label=label, param="record_path")
            if params.lines and not dotted and not isinstance(value, list):
                records.append(value)
            else:
                records.extend(as_records(value, label=label, param="record_path", dotted=dotted))
            if limit is not None and len(records) >= limit:
                return records[:limit]
    except OSError as exc:
        raise unreadable_file(label, exc) from None
    return records


@lru_cache(maxsize=256)
def _cached_schema(stamp: tuple[str, int, int], options_json: str) -> TableSchema | None:
    params = JsonFileParams.model_validate_json(options_json)
    size = stamp[1]
    if not params.lines and size > MAX_SCHEMA_DOCUMENT_BYTES:
        return None
    limit = None if size <= WHOLE_FILE_BYTES else SAMPLE_ROWS
    return schema_of_frame(records_frame(read_json_records(Path(stamp[0]), params, limit)))


def json_schema(path: Path, params: JsonFileParams) -> TableSchema | None:
    return _cached_schema(file_stamp(path), params.model_dump_json())


class JsonFileNode(NodeType[JsonFileParams]):
    type_id = "sources.json"
    display_name = "JSON file"
    category = "sources"
    description = "Read records from a JSON array, nested JSON or JSON Lines file in a data folder."
    tags = ("file", "json", "jsonl", "ndjson")
    Params = JsonFileParams
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)

    def validate(
        self, params: JsonFileParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        if not params.path:
            return [
                error(
                    "missing_param",
                    "no file chosen",
                    "choose a JSON file under a data root",
                    param="path",
                )
            ]
        path, issues = data_path_issues(params.path, settings)
        if path is not None:
            try:
                json_schema(path, params)
            except NodeError as exc:
                issues.append(exc.issue)
        return issues

    def infer_schema(
        self, params: JsonFileParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": json_schema(require_data_path(params.path, settings), params)}

    def execute(
        self, ctx: ExecutionContext, params: JsonFileParams, **inputs: Any
    ) -> dict[str, Any]:
        path = require_data_path(params.path, ctx.settings)
        frame = records_frame(read_json_records(path, params))
        ctx.log(f"read {len(frame)} records with {frame.shape[1]} columns from {params.path}")
        return {"data": frame}

    def fingerprint(self, params: JsonFileParams, settings: NodeSettings) -> str | None:
        return data_file_fingerprint(params.path, settings)


def _object_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of plain Python objects (not the string dtype), which need a closer look."""
    return [str(n) for n, dtype in frame.dtypes.items() if pd.api.types.is_object_dtype(dtype)]
