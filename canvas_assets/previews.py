"""Previews and downloads of stored node results: what the canvas shows under a node.

`preview(artifacts, ref, ...)` reads one artifact (`<slug>/<node>/<cache key>/<port>`) by the data
type its meta file records:
- dataframe / series: one page of rows (at most MAX_LIMIT), optionally sorted by a column, with
  every column's logical dtype, null count and stats (numeric: min, max, mean, std over the finite
  values; string, category and boolean: distinct count and the TOP_VALUES most frequent values;
  datetime: earliest and latest) and the total row count. Rows are lists in column order, made
  JSON-safe: NaN, NaT and infinities become null, timestamps ISO 8601 strings (with their offset
  when they have a time zone), durations seconds, numpy and Arrow scalars plain Python values;
  strings longer than MAX_CELL_CHARS are cut (the download has them whole).
- metrics, plot, json: the stored value (refused above MAX_JSON_PREVIEW_BYTES: download it).
- file: name, media type and size; model: its class, format and size (never loaded).

Reading is cheap where Parquet allows: without sorting only the row groups (and, inside the first
one, the batches) that overlap the page are decoded, straight from the file on the local backend.
Sorting reads the whole table as Arrow (not pandas) and converts only the page. Column stats are
computed once per artifact and cached next to it as `<port>.stats.json` through the same backend;
artifacts are immutable, so that cache never goes stale (STATS_VERSION invalidates old layouts).

`node_output` finds which result to show: the one the current graph implies for the node (its
cache key from the plan; when it is not stored, `NoCurrentResult` says whether the node is stale
or missing and why), or an earlier one named by its cache key. Every part of an artifact address
that comes from a caller is checked against a strict pattern before it becomes a storage key, so
no request can name a path outside the artifact root. `download_output` streams a result as a file:
files as stored, tables as CSV, JSON values as JSON.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from canvas_assets.artifacts import ArtifactError, ArtifactRef, ArtifactStore, LocalBackend
from canvas_assets.planner import NodeStatus
from node_library.graph import SLUG_PATTERN

if TYPE_CHECKING:
    from canvas_assets.services import CanvasServices

MAX_LIMIT = 1000
TOP_VALUES = 5
MAX_CELL_CHARS = 2000
MAX_TOP_VALUE_CHARS = 200
MAX_JSON_PREVIEW_BYTES = 20 * 1024 * 1024
STATS_VERSION = 1
READ_BATCH_ROWS = 8192
CSV_BATCH_ROWS = 65_536
FILE_CHUNK_BYTES = 1 << 20

_NAME_RE = re.compile(SLUG_PATTERN)  # workflow slugs, node ids and port names alike
CACHE_KEY_RE = re.compile(r"^[0-9a-f]{32}$")
TABLE_TYPES = ("dataframe", "series")
VALUE_TYPES = ("metrics", "plot", "json")


# -- errors -----------------------------------------------------------------------------------


class PreviewError(ValueError):
    """A request the caller can fix (bad cache key, unknown column, limit out of range)."""

    def __init__(self, message: str, field: str | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.hint = hint


class OutputNotFound(LookupError):
    """No such node or port, or no stored result under the cache key asked for."""


class NoCurrentResult(Exception):
    """The node has no stored result for its current params and inputs (stale or missing)."""

    def __init__(self, status: NodeStatus) -> None:
        super().__init__(
            f"node {status.node_id!r} has no result for its current params and inputs"
            f" ({status.state.value}: {status.reason}); run it, or ask for an earlier result by"
            " its cache key"
        )
        self.state = status.state.value
        self.reason = status.reason


# -- what a preview returns -------------------------------------------------------------------


@dataclass(frozen=True)
class ValueCount:
    value: str
    count: int


@dataclass(frozen=True)
class ColumnSummary:
    name: str
    dtype: str  # the logical dtype (node_library.schema.Dtype)
    null_count: int
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    distinct_count: int | None = None
    top_values: tuple[ValueCount, ...] = ()
    earliest: str | None = None
    latest: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ColumnSummary:
        top = tuple(ValueCount(**v) for v in data.get("top_values") or ())
        return cls(**{**data, "top_values": top})


@dataclass(frozen=True)
class TablePreview:
    data_type: str  # dataframe or series
    total_rows: int
    offset: int
    limit: int
    sort_by: str | None
    descending: bool
    columns: tuple[ColumnSummary, ...]
    rows: list[list[Any]]  # the page, JSON-safe, values in column order
    row_numbers: list[int]  # position of each row of the page in the stored table (from 0)


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


@dataclass(frozen=True)
class NodeOutput:
    ref: ArtifactRef
    current: bool  # True when this is the result the current graph implies
    preview: Preview


@dataclass
class Download:
    filename: str
    media_type: str
    chunks: Iterator[bytes]
    size_bytes: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


# -- addresses --------------------------------------------------------------------------------


def output_ref(workflow: str, node_id: str, cache_key: str, port: str) -> ArtifactRef:
    """An artifact address from caller-supplied parts, each checked against a strict pattern."""
    for what, value in (("workflow slug", workflow), ("node id", node_id), ("port", port)):
        if not _NAME_RE.fullmatch(value):
            raise PreviewError(
                f"{what} {value[:80]!r} is not valid",
                field=what.split()[-1],
                hint="lowercase letters, digits and '_', starting with a letter",
            )
    check_cache_key(cache_key)
    return ArtifactRef(workflow, node_id, cache_key, port)


def check_cache_key(cache_key: str) -> str:
    if not CACHE_KEY_RE.fullmatch(cache_key):
        raise PreviewError(
            f"cache key {cache_key[:80]!r} is not valid",
            field="cacheKey",
            hint="a cache key is 32 lowercase hex characters, as nodeStatuses reports it",
        )
    return cache_key


def node_output(
    services: CanvasServices,
    workflow_ref: str,
    node_id: str,
    *,
    port: str | None = None,
    cache_key: str | None = None,
    offset: int = 0,
    limit: int = 100,
    sort_by: str | None = None,
    descending: bool = False,
) -> NodeOutput:
    """A preview of the node's current result, or of an earlier one named by `cache_key`.

    Raises NotFound (no such workflow), OutputNotFound, PreviewError, NoCurrentResult and
    PlanError (the workflow has errors, so no current result is defined).
    """
    check_page(offset, limit)
    if cache_key is not None:
        check_cache_key(cache_key)
    stored = services.store.get(workflow_ref)
    workflow = stored.workflow
    node = workflow.node(node_id)
    if node is None:
        known = ", ".join(n.id for n in workflow.nodes) or "none"
        raise OutputNotFound(
            f"workflow {workflow.slug!r} has no node {node_id!r}; its nodes: {known}"
        )
    node_type = services.registry.get(node.type)
    ports = [p.name for p in node_type.outputs] if node_type else []
    if port is None:
        if not ports:
            raise OutputNotFound(f"node {node_id!r} ({node.type}) has no output ports")
        port = ports[0]
    elif port not in ports:
        raise PreviewError(
            f"node {node_id!r} ({node.type}) has no output port {port[:80]!r}",
            field="port",
            hint="its output ports: " + (", ".join(ports) or "none"),
        )

    current = cache_key is None
    if cache_key is None:
        plan = services.plan(stored)
        cache_key = plan.nodes[node_id].cache_key
        ref = output_ref(workflow.slug, node_id, cache_key, port)
        if not services.artifacts.exists(ref):
            # Only now ask the Dagster history, which the reason (stale or missing) needs.
            raise NoCurrentResult(services.statuses(plan)[node_id])
    else:
        ref = output_ref(workflow.slug, node_id, cache_key, port)
        if not services.artifacts.exists(ref):
            raise OutputNotFound(
                f"node {node_id!r} has no stored result on port {port!r} with cache key"
                f" {cache_key}; results are kept by cache key until the retention policy removes"
                " them"
            )
    page = preview(services.artifacts, ref, offset, limit, sort_by, descending)
    return NodeOutput(ref=ref, current=current, preview=page)


def check_page(offset: int, limit: int) -> None:
    if offset < 0:
        raise PreviewError(f"offset must be 0 or more, got {offset}", field="offset")
    if not 0 <= limit <= MAX_LIMIT:
        raise PreviewError(
            f"limit must be between 0 and {MAX_LIMIT}, got {limit}",
            field="limit",
            hint="page through larger tables with offset",
        )


# -- previews ---------------------------------------------------------------------------------


def preview(
    artifacts: ArtifactStore,
    ref: ArtifactRef,
    offset: int = 0,
    limit: int = 100,
    sort_by: str | None = None,
    descending: bool = False,
) -> Preview:
    """The preview of one stored result (see the module docstring)."""
    check_page(offset, limit)
    meta = _meta(artifacts, ref)
    data_type = meta.get("data_type")
    if data_type in TABLE_TYPES:
        return _table_preview(artifacts, ref, meta, offset, limit, sort_by, descending)
    if sort_by is not None:
        raise PreviewError(f"a {data_type} result has no columns to sort by", field="sortBy")
    if data_type in VALUE_TYPES:
        size = int(meta.get("bytes") or 0)
        if size > MAX_JSON_PREVIEW_BYTES:
            raise PreviewError(
                f"the {data_type} result is {size:,} bytes, too large to preview",
                hint="download it instead",
            )
        value = json.loads(artifacts.backend.get(_data_key(ref, meta)))
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
        }
        return ValuePreview("model", summary)
    raise ArtifactError(f"artifact {ref.base} has an unknown data type {data_type!r}")


def _meta(artifacts: ArtifactStore, ref: ArtifactRef) -> dict[str, Any]:
    if not artifacts.exists(ref):
        raise OutputNotFound(f"no stored result at {ref.base}")
    return artifacts.read_meta(ref)


def _data_key(ref: ArtifactRef, meta: dict[str, Any]) -> str:
    return f"{ref.base}.{meta['ext']}"


def _table_preview(
    artifacts: ArtifactStore,
    ref: ArtifactRef,
    meta: dict[str, Any],
    offset: int,
    limit: int,
    sort_by: str | None,
    descending: bool,
) -> TablePreview:
    with _open_parquet(artifacts, _data_key(ref, meta)) as parquet:
        total = parquet.metadata.num_rows
        names = parquet.schema_arrow.names
        if sort_by is not None and sort_by not in names:
            raise PreviewError(
                f"there is no column {sort_by[:80]!r} to sort by",
                field="sortBy",
                hint="columns: " + ", ".join(names[:30]),
            )
        if sort_by is None:
            stats = _cached_stats(artifacts, ref, meta, parquet.read)
            page = _read_slice(parquet, offset, limit)
            row_numbers = list(range(offset, offset + page.num_rows))
        else:
            table = parquet.read()
            stats = _cached_stats(artifacts, ref, meta, lambda: table)
            indices = _sort_indices(table, sort_by, descending).slice(offset, limit)
            page = table.take(indices)
            row_numbers = [int(i) for i in indices.to_pylist()]
    rows = [[_cell(v) for v in row.values()] for row in page.to_pylist()]
    return TablePreview(
        data_type=str(meta["data_type"]),
        total_rows=total,
        offset=offset,
        limit=limit,
        sort_by=sort_by,
        descending=descending,
        columns=stats,
        rows=rows,
        row_numbers=row_numbers,
    )


@contextlib.contextmanager
def _open_parquet(artifacts: ArtifactStore, key: str) -> Iterator[pq.ParquetFile]:
    """A ParquetFile reading the local file in place, or the object's bytes from S3."""
    backend = artifacts.backend
    source: Any
    if isinstance(backend, LocalBackend):
        path = (backend.root / key).resolve()
        if not path.is_relative_to(backend.root):  # the same confinement as the backend's own
            raise ArtifactError(f"artifact key {key!r} escapes the artifact root")
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


def _read_slice(parquet: pq.ParquetFile, offset: int, limit: int) -> pa.Table:
    """Rows [offset, offset + limit) decoding only the row groups and batches that hold them."""
    schema = parquet.schema_arrow
    end = min(offset + limit, parquet.metadata.num_rows)
    if offset >= end:
        return schema.empty_table()
    groups: list[int] = []
    first_row = 0
    start = 0
    for index in range(parquet.metadata.num_row_groups):
        rows = parquet.metadata.row_group(index).num_rows
        if start + rows > offset and start < end:
            if not groups:
                first_row = start
            groups.append(index)
        start += rows
    batches: list[pa.RecordBatch] = []
    position = first_row
    for batch in parquet.iter_batches(batch_size=READ_BATCH_ROWS, row_groups=groups):
        batch_end = position + batch.num_rows
        if batch_end > offset:
            skip = max(0, offset - position)
            batches.append(batch.slice(skip, min(batch.num_rows, end - position) - skip))
        position = batch_end
        if position >= end:
            break
    return pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()


def _decoded(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dictionary (category) columns as plain values: many kernels have no dictionary variant."""
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column


def _sort_indices(table: pa.Table, column: str, descending: bool) -> pa.Array:
    values = _decoded(table.column(column))
    try:
        return pc.array_sort_indices(
            values, order="descending" if descending else "ascending", null_placement="at_end"
        )
    except pa.ArrowNotImplementedError:
        raise PreviewError(
            f"column {column!r} holds {values.type} values, which cannot be sorted",
            field="sortBy",
            hint="sort by a number, text, boolean or date column",
        ) from None


# -- column stats -----------------------------------------------------------------------------


def _stats_key(ref: ArtifactRef) -> str:
    return f"{ref.base}.stats.json"


def _cached_stats(
    artifacts: ArtifactStore,
    ref: ArtifactRef,
    meta: dict[str, Any],
    load: Callable[[], pa.Table],
) -> tuple[ColumnSummary, ...]:
    backend, key = artifacts.backend, _stats_key(ref)
    if backend.exists(key):
        with contextlib.suppress(ArtifactError, ValueError, TypeError, KeyError):
            cached = json.loads(backend.get(key))
            if cached.get("version") == STATS_VERSION:
                return tuple(ColumnSummary.from_json(c) for c in cached["columns"])
    columns = column_stats(load(), _logical_dtypes(meta))
    payload = {"version": STATS_VERSION, "columns": [asdict(c) for c in columns]}
    # Derived data: a failed write only means computing the stats again next time.
    with contextlib.suppress(ArtifactError, OSError):
        backend.put(key, json.dumps(payload).encode())
    return columns


def _logical_dtypes(meta: dict[str, Any]) -> dict[str, str]:
    schema = meta.get("schema") or {}
    return {str(c["name"]): str(c["dtype"]) for c in schema.get("columns") or ()}


def column_stats(
    table: pa.Table, dtypes: dict[str, str] | None = None
) -> tuple[ColumnSummary, ...]:
    """Null count and the stats that fit each column's type (see the module docstring)."""
    dtypes = dtypes or {}
    return tuple(
        _summarize(name, _decoded(table.column(i)), dtypes.get(name))
        for i, name in enumerate(table.column_names)
    )


def _summarize(name: str, column: pa.ChunkedArray, dtype: str | None) -> ColumnSummary:
    kind = column.type
    nulls = column.null_count
    logical = dtype or _logical_of_arrow(kind)
    try:
        if pa.types.is_floating(kind):
            nulls += int(pc.sum(pc.is_nan(column)).as_py() or 0)
            finite = pc.filter(column, pc.is_finite(column))
            return _numeric(name, logical, nulls, finite)
        if pa.types.is_integer(kind) or pa.types.is_decimal(kind):
            return _numeric(name, logical, nulls, column.cast(pa.float64()))
        if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
            bounds = pc.min_max(column)
            return ColumnSummary(
                name,
                logical,
                nulls,
                earliest=_iso(bounds["min"].as_py()),
                latest=_iso(bounds["max"].as_py()),
            )
        if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_boolean(kind):
            return _categorical(name, logical, nulls, column)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        pass  # an exotic column keeps its null count; the preview must not fail on stats
    return ColumnSummary(name, logical, nulls)


def _numeric(name: str, dtype: str, nulls: int, values: pa.ChunkedArray) -> ColumnSummary:
    if len(values) - values.null_count == 0:
        return ColumnSummary(name, dtype, nulls)
    bounds = pc.min_max(values)
    return ColumnSummary(
        name,
        dtype,
        nulls,
        min=_finite(bounds["min"].as_py()),
        max=_finite(bounds["max"].as_py()),
        mean=_finite(pc.mean(values).as_py()),
        std=_finite(pc.stddev(values, ddof=1).as_py()),
    )


def _categorical(name: str, dtype: str, nulls: int, values: pa.ChunkedArray) -> ColumnSummary:
    present = values.drop_null()
    counts = pc.value_counts(present)
    table = pa.table({"value": counts.field("values"), "count": counts.field("counts")})
    top = table.sort_by([("count", "descending"), ("value", "ascending")]).slice(0, TOP_VALUES)
    return ColumnSummary(
        name,
        dtype,
        nulls,
        distinct_count=len(counts),
        top_values=tuple(
            ValueCount(_label(row["value"]), int(row["count"])) for row in top.to_pylist()
        ),
    )


def _logical_of_arrow(kind: pa.DataType) -> str:
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "float"
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return "datetime"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    return "unknown"


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if len(text) <= MAX_TOP_VALUE_CHARS else text[:MAX_TOP_VALUE_CHARS] + "…"


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else None


# -- JSON-safe cells --------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    safe = json_safe(value)
    if isinstance(safe, str) and len(safe) > MAX_CELL_CHARS:
        return safe[:MAX_CELL_CHARS] + "…"
    return safe


def json_safe(value: Any) -> Any:
    """A value that JSON (and GraphQL's JSON scalar) can carry, by the rules in the docstring."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return None if _is_nat(value) else value.isoformat()
    if isinstance(value, dt.timedelta):
        return None if _is_nat(value) else value.total_seconds()
    if isinstance(value, Decimal):
        return json_safe(float(value))
    if isinstance(value, bytes):
        return "base64:" + base64.b64encode(value[:MAX_CELL_CHARS]).decode()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return json_safe(value.tolist())
    return str(value)


def _is_nat(value: Any) -> bool:
    return str(value) == "NaT"


# -- downloads --------------------------------------------------------------------------------

_MEDIA_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")


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
    meta = _meta(artifacts, ref)
    data_type = meta.get("data_type")
    key = _data_key(ref, meta)
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
        path = (backend.root / key).resolve()
        if not path.is_relative_to(backend.root):
            raise ArtifactError(f"artifact key {key!r} escapes the artifact root")
        return _file_chunks(path)
    return iter([backend.get(key)])


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(FILE_CHUNK_BYTES):
            yield chunk


def _csv_chunks(artifacts: ArtifactStore, key: str) -> Iterator[bytes]:
    with _open_parquet(artifacts, key) as parquet:
        header = True
        for batch in parquet.iter_batches(batch_size=CSV_BATCH_ROWS):
            text = io.StringIO()
            batch.to_pandas().to_csv(text, index=False, header=header, lineterminator="\n")
            header = False
            yield text.getvalue().encode("utf-8")
        if header:  # no rows: still send the header line
            empty = parquet.schema_arrow.empty_table().to_pandas()
            yield empty.to_csv(index=False, lineterminator="\n").encode("utf-8")
