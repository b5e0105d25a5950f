"""Downloads of stored results: `download_output` streams a result as a file: files as stored,
tables as CSV, JSON values as JSON. Table downloads neutralize text cells (and column names) that a
spreadsheet would run as formulas, with a leading single quote (`node_library.safety.formulas`);
CANVAS_CSV_RAW=1, read at each download, keeps raw values.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from canvas_assets.outputs.errors import OutputNotFound, PreviewError
from canvas_assets.outputs.lookup import output_ref
from canvas_assets.outputs.stored_results import (
    TABLE_TYPES,
    VALUE_TYPES,
    data_key,
    open_parquet,
    read_meta,
)
from canvas_assets.storage.artifacts import ArtifactRef, ArtifactStore, LocalBackend
from node_library.safety.formulas import neutralize_frame

if TYPE_CHECKING:
    from canvas_assets.services import CanvasServices

CSV_BATCH_ROWS = 65_536
ENV_CSV_RAW = "CANVAS_CSV_RAW"
# CRLF (RFC 4180): the csv writer then quotes a cell holding a lone carriage return, which would
# otherwise start a new row in a spreadsheet (and that row's first cell could be a formula).
CSV_LINE_END = "\r\n"
FILE_CHUNK_BYTES = 1 << 20

_MEDIA_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")


@dataclass
class Download:
    filename: str
    media_type: str
    chunks: Iterator[bytes]
    size_bytes: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def download_output(
    services: CanvasServices, workflow: str, node_id: str, cache_key: str, port: str
) -> Download:
    """A stored result as a file to download. Raises PreviewError, NotFound, OutputNotFound."""
    ref = output_ref(workflow, node_id, cache_key, port)
    stored = services.store.get(workflow)
    if stored.workflow.slug != workflow:  # the store also finds workflows by id
        raise OutputNotFound(f"no workflow with the slug {workflow!r}")
    return open_download(services.artifacts, ref)


def open_download(artifacts: ArtifactStore, ref: ArtifactRef) -> Download:
    meta = read_meta(artifacts, ref)
    data_type = meta.get("data_type")
    key = data_key(ref, meta)
    stem = f"{ref.workflow}_{ref.node_id}_{ref.port}"
    if data_type == "file":
        media_type = str(meta.get("media_type") or "").lower()
        return Download(
            filename=str(meta.get("name") or stem),
            media_type=media_type
            if _MEDIA_TYPE_RE.fullmatch(media_type)
            else "application/octet-stream",
            chunks=_raw_chunks(artifacts, key),
            size_bytes=int(meta["bytes"]) if "bytes" in meta else None,
        )
    if data_type in TABLE_TYPES:
        return Download(
            filename=f"{stem}.csv",
            media_type="text/csv; charset=utf-8",
            chunks=_csv_chunks(artifacts, key),
        )
    if data_type in VALUE_TYPES:
        return Download(
            filename=f"{stem}.json",
            media_type="application/json",
            chunks=_raw_chunks(artifacts, key),
            size_bytes=int(meta["bytes"]) if "bytes" in meta else None,
        )
    raise PreviewError(
        f"a {data_type} result cannot be downloaded here",
        hint="models are used by downstream nodes; export predictions or metrics instead",
    )


def _raw_chunks(artifacts: ArtifactStore, key: str) -> Iterator[bytes]:
    backend = artifacts.backend
    if isinstance(backend, LocalBackend):
        return _file_chunks(backend.path(key))
    return iter([backend.get(key)])


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(FILE_CHUNK_BYTES):
            yield chunk


def _csv_chunks(artifacts: ArtifactStore, key: str) -> Iterator[bytes]:
    raw = os.environ.get(ENV_CSV_RAW, "").strip().lower() in ("1", "true", "yes")
    cells: Callable[[pd.DataFrame], pd.DataFrame] = (
        (lambda frame: frame) if raw else neutralize_frame
    )
    with open_parquet(artifacts, key) as parquet:
        header = True
        for batch in parquet.iter_batches(batch_size=CSV_BATCH_ROWS):
            text = io.StringIO()
            cells(batch.to_pandas()).to_csv(
                text, index=False, header=header, lineterminator=CSV_LINE_END
            )
            header = False
            yield text.getvalue().encode("utf-8")
        if header:  # no rows: still send the header line
            empty = cells(parquet.schema_arrow.empty_table().to_pandas())
            yield empty.to_csv(index=False, lineterminator=CSV_LINE_END).encode("utf-8")
