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

Turning records into rows is `json_records`, shared with the REST API source.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field

from node_library.contract import NodeError, error
from node_library.io.json_records import as_records, dig, records_frame
from node_library.node_kinds.file_source import DataFileParams, DataFileSourceNode, unreadable_file
from node_library.safety.paths import file_stamp
from node_library.schema import TableSchema, schema_of_frame

SAMPLE_ROWS = 1000
WHOLE_FILE_BYTES = 2 * 1024 * 1024
MAX_SCHEMA_DOCUMENT_BYTES = 64 * 1024 * 1024


class JsonFileParams(DataFileParams):
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


# -- reading files ----------------------------------------------------------------------------


def _parse(raw: bytes, label: str, line_no: int | None) -> Any:
    """One JSON value: a whole document, or line `line_no` of a JSON Lines file."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _malformed(label, exc, line_no) from None
    except UnicodeDecodeError as exc:
        where = label if line_no is None else f"line {line_no} of {label}"
        raise NodeError(
            error(
                "bad_encoding",
                f"{where} is not UTF-8 text: {exc.reason}",
                "save the file as UTF-8",
                param="path",
            )
        ) from None


def _malformed(label: str, exc: json.JSONDecodeError, line_no: int | None) -> NodeError:
    if line_no is not None:
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
            yield _parse(raw, label, line_no)
            count += 1


def read_json_records(path: Path, params: JsonFileParams, limit: int | None = None) -> list[Any]:
    label = repr(params.path)
    records: list[Any] = []
    dotted = params.record_path
    try:
        documents = (
            _line_documents(path, label, limit)
            if params.lines
            else iter([_parse(path.read_bytes(), label, None)])
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


class JsonFileNode(DataFileSourceNode[JsonFileParams]):
    type_id = "sources.json"
    display_name = "JSON file"
    description = "Read records from a JSON array, nested JSON or JSON Lines file in a data folder."
    tags = ("file", "json", "jsonl", "ndjson")
    Params = JsonFileParams
    file_kind = "a JSON file"
    read_log = "read {rows} records with {columns} columns from {path}"

    def read_schema(self, path: Path, params: JsonFileParams) -> TableSchema | None:
        return json_schema(path, params)

    def read_frame(self, path: Path, params: JsonFileParams) -> pd.DataFrame:
        return records_frame(read_json_records(path, params))
