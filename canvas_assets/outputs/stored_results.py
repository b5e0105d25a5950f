"""Reading one stored result for previews and downloads: its meta file (which records its data type
and format), the key of its data, and its Parquet file, read in place from the local folder or as
bytes from S3."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from canvas_assets.outputs.errors import OutputNotFound
from canvas_assets.storage.artifacts import ArtifactError, ArtifactRef, ArtifactStore, LocalBackend

TABLE_TYPES = ("dataframe", "series")
VALUE_TYPES = ("metrics", "plot", "json", "model_spec")


def read_meta(artifacts: ArtifactStore, ref: ArtifactRef) -> dict[str, Any]:
    if not artifacts.exists(ref):
        raise OutputNotFound(f"no stored result at {ref.base}")
    return artifacts.read_meta(ref)


def data_key(ref: ArtifactRef, meta: dict[str, Any]) -> str:
    return f"{ref.base}.{meta['ext']}"


@contextlib.contextmanager
def open_parquet(artifacts: ArtifactStore, key: str) -> Iterator[pq.ParquetFile]:
    """A ParquetFile reading the local file in place, or the object's bytes from S3."""
    backend = artifacts.backend
    source: Any
    if isinstance(backend, LocalBackend):
        path = backend.path(key)
        if not path.is_file():
            raise ArtifactError(f"artifact {key!r} is missing from {backend.root}")
        source = str(path)
    else:
        source = pa.BufferReader(backend.get(key))
    parquet = pq.ParquetFile(source)
    try:
        yield parquet
    finally:
        parquet.close()


def decoded(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dictionary (category) columns as plain values: many kernels have no dictionary variant."""
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column
