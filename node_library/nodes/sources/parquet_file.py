"""Parquet file source: one Parquet file inside a data root, read into a dataframe.

The schema before a run comes from the file's footer alone (no row is read): the footer's Arrow
schema, with the pandas metadata it carries, is turned into an empty table and read back through
the very `pd.read_parquet` call that `execute` makes, so the dtypes agree by construction. An index
saved with the frame (a named index) comes back as ordinary columns, since the canvas has no index.
The footer's row count, column count and uncompressed size are checked against the caps of
`node_library.safety.file_limits` before the schema is used and before any page is read.

`read_parquet_frame` is the plain function behind the node; the S3 source reads Parquet objects
with it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import Field

from node_library import widgets
from node_library.contract import Issue, NodeError, error
from node_library.node_kinds.file_source import (
    DataFileParams,
    DataFileSourceNode,
    missing_file_column,
    repeated_columns_issues,
    too_large,
)
from node_library.node_kinds.sources import roles_param
from node_library.safety.file_limits import FileLimitError, check_parquet_footer
from node_library.safety.paths import file_stamp
from node_library.schema import Role, TableSchema, schema_of_frame


class ParquetFileParams(DataFileParams):
    path: str = Field(
        "",
        max_length=1024,
        description="Parquet file, relative to a data root (e.g. 'sales.parquet').",
    )
    columns: list[str] | None = Field(
        None,
        max_length=10_000,
        description="Columns to read, in this order; empty reads every column.",
        json_schema_extra=widgets.columns(),
    )
    roles: dict[str, Role] = roles_param()


def read_parquet_frame(
    source: Path | bytes, *, label: str, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Read Parquet from a file or bytes; every problem becomes a NodeError naming `label`."""
    schema = parquet_arrow_schema(source, label)
    _check_columns(schema, columns, label)
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        frame = pd.read_parquet(data, engine="pyarrow", columns=list(columns) if columns else None)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable(label, str(exc)) from None
    return _without_index(frame)


def parquet_arrow_schema(source: Path | bytes, label: str) -> pa.Schema:
    """The file's Arrow schema from its footer, after checking the footer against the caps."""
    data = pa.BufferReader(source) if isinstance(source, bytes) else source
    try:
        metadata = pq.read_metadata(data)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _unreadable(label, str(exc)) from None
    expanded = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    try:
        check_parquet_footer(label, metadata.num_rows, metadata.num_columns, expanded)
    except FileLimitError as exc:
        raise too_large(exc) from None
    try:
        return metadata.schema.to_arrow_schema()
    except (pa.ArrowException, ValueError) as exc:
        raise _unreadable(label, str(exc)) from None


def _unreadable(label: str, detail: str) -> NodeError:
    return NodeError(
        error(
            "malformed_parquet",
            f"{label} is not a readable Parquet file: {detail.strip()}",
            "check that the file is Parquet (not CSV or Excel renamed) and was written completely",
            param="path",
        )
    )


def _check_columns(schema: pa.Schema, columns: Sequence[str] | None, label: str) -> None:
    names = [n for n in schema.names if not n.startswith("__index_level_")]
    for name in columns or ():
        if name not in schema.names:
            raise missing_file_column(label, name, names, "columns")


def _without_index(frame: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    return frame


@lru_cache(maxsize=256)
def _cached_schema(
    stamp: tuple[str, int, int], columns: tuple[str, ...] | None, label: str
) -> TableSchema:
    schema = parquet_arrow_schema(Path(stamp[0]), label)
    _check_columns(schema, columns, label)
    buffer = io.BytesIO()
    pq.write_table(schema.empty_table(), buffer)
    buffer.seek(0)
    empty = pd.read_parquet(buffer, engine="pyarrow", columns=list(columns) if columns else None)
    # A RangeIndex is saved as metadata only, and an empty table does not restore it.
    index_columns = (schema.pandas_metadata or {}).get("index_columns", [])
    if (
        len(index_columns) == 1
        and isinstance(index_columns[0], dict)
        and index_columns[0].get("name") is not None
    ):
        empty.index = pd.RangeIndex(0, name=index_columns[0]["name"])
    return schema_of_frame(_without_index(empty))


def parquet_schema(path: Path, params: ParquetFileParams) -> TableSchema:
    columns = tuple(params.columns) if params.columns else None
    return _cached_schema(file_stamp(path), columns, repr(params.path))


class ParquetFileNode(DataFileSourceNode[ParquetFileParams]):
    type_id = "sources.parquet"
    display_name = "Parquet file"
    description = "Read a Parquet file from a data folder; columns are known from its metadata."
    tags = ("file", "parquet", "arrow", "columnar")
    Params = ParquetFileParams
    file_kind = "a Parquet file"

    def read_schema(self, path: Path, params: ParquetFileParams) -> TableSchema:
        return parquet_schema(path, params)

    def read_frame(self, path: Path, params: ParquetFileParams) -> pd.DataFrame:
        return read_parquet_frame(path, label=repr(params.path), columns=params.columns)

    def param_issues(self, params: ParquetFileParams) -> list[Issue]:
        return repeated_columns_issues(params.columns)
