"""The preview of one stored result (`<slug>/<node>/<cache key>/<port>`), by the data type its meta
file records:
- dataframe / series: one page of rows with column stats (table_pages.py);
- metrics, plot, json: the stored value (refused above MAX_JSON_PREVIEW_BYTES: download it);
- file: name, media type and size; model: its class, format and size (never loaded).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from canvas_assets.outputs.errors import PreviewError
from canvas_assets.outputs.json_cells import json_safe
from canvas_assets.outputs.stored_results import TABLE_TYPES, VALUE_TYPES, data_key, read_meta
from canvas_assets.outputs.table_pages import TablePreview, check_page, table_preview
from canvas_assets.storage.artifacts import ArtifactError, ArtifactRef, ArtifactStore

MAX_JSON_PREVIEW_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ValuePreview:
    data_type: str  # metrics, plot, json, or model (then value describes the model)
    value: Any


@dataclass(frozen=True)
class FileInfo:
    name: str
    media_type: str
    size_bytes: int


Preview = TablePreview | ValuePreview | FileInfo


def preview(
    artifacts: ArtifactStore,
    ref: ArtifactRef,
    offset: int = 0,
    limit: int = 100,
    sort_by: str | None = None,
    descending: bool = False,
    where: str | None = None,
) -> Preview:
    """The preview of one stored result (see the module docstring). A blank `where` is none."""
    check_page(offset, limit)
    meta = read_meta(artifacts, ref)
    data_type = meta.get("data_type")
    where = where if where is not None and where.strip() else None
    if data_type in TABLE_TYPES:
        return table_preview(artifacts, ref, meta, offset, limit, sort_by, descending, where)
    if sort_by is not None:
        raise PreviewError(f"a {data_type} result has no columns to sort by", field="sortBy")
    if where is not None:
        raise PreviewError(
            f"a {data_type} result has no rows to filter",
            field="where",
            hint="leave where empty for results that are not tables",
        )
    if data_type in VALUE_TYPES:
        size = int(meta.get("bytes") or 0)
        if size > MAX_JSON_PREVIEW_BYTES:
            raise PreviewError(
                f"the {data_type} result is {size:,} bytes, too large to preview",
                hint="download it instead",
            )
        value = json.loads(artifacts.backend.get(data_key(ref, meta)))
        return ValuePreview(str(data_type), json_safe(value))
    if data_type == "file":
        return FileInfo(
            name=str(meta.get("name") or f"{ref.node_id}_{ref.port}"),
            media_type=str(meta.get("media_type") or "application/octet-stream"),
            size_bytes=int(meta.get("bytes") or 0),
        )
    if data_type == "model":
        summary = {
            "class": meta.get("class"),
            "format": meta.get("format"),
            "bytes": meta.get("bytes"),
            # kind, algorithm, features, target, classes, params, versions (ModelMeta.to_json)
            "model": meta.get("model"),
        }
        return ValuePreview("model", summary)
    raise ArtifactError(f"artifact {ref.base} has an unknown data type {data_type!r}")
