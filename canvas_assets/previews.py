"""Previews and downloads of stored node results: what the canvas shows under a node.

`preview(artifacts, ref, ...)` reads one artifact (`<slug>/<node>/<cache key>/<port>`) by the data
type its meta file records:
- dataframe / series: one page of rows (at most MAX_LIMIT), optionally filtered by a condition
  in the safe expression language (`where`: node_library.expressions, the filter node's language,
  never `eval`) and sorted by a column, with every column's logical dtype and stats, and the row
  count (after the filter; `stored_rows` is the count before it). Stats describe the whole stored
  result, not the filtered rows: every column has its null, non-null and distinct counts; numbers
  also min, max, mean, std, quartiles (p25, median, p75) over the finite values and a
  HISTOGRAM_BINS-bin equal-width histogram; text, category, boolean and integer columns the
  TOP_VALUES most frequent values; datetimes the earliest and latest. Rows are lists in column
  order, made JSON-safe: NaN, NaT and infinities become null, timestamps ISO 8601 strings (with
  their offset when they have a time zone), durations seconds, numpy and Arrow scalars plain Python
  values; strings longer than MAX_CELL_CHARS are cut (the download has them whole).
- metrics, plot, json: the stored value (refused above MAX_JSON_PREVIEW_BYTES: download it).
- file: name, media type and size; model: its class, format and size (never loaded).

Reading is cheap where Parquet allows: without sorting only the row groups (and, inside the first
one, the batches) that overlap the page are decoded, straight from the file on the local backend.
Sorting reads the whole table as Arrow (not pandas) and converts only the page. A filter reads
only the columns its expression names into pandas and evaluates it vectorized (a missing condition
counts as False, as in the filter node); the matching row numbers stay in a small in-process LRU
keyed by artifact and expression (artifacts are immutable), so scrolling a filtered table does not
evaluate it again per page, and unsorted pages then decode only the row groups that hold their
rows. Column stats are computed once per artifact and cached next to it as `<port>.stats.json`
through the same backend; artifacts are immutable, so that cache never goes stale (STATS_VERSION
invalidates old layouts).

`node_output` finds which result to show: the one the current graph implies for the node (its
cache key from the plan; when it is not stored, `NoCurrentResult` says whether the node is stale
or missing and why), or an earlier one named by its cache key. Every part of an artifact address
that comes from a caller is checked against a strict pattern before it becomes a storage key, so
no request can name a path outside the artifact root. `download_output` streams a result as a file:
files as stored, tables as CSV, JSON values as JSON. Table downloads neutralize text cells (and
column names) that a spreadsheet would run as formulas, with a leading single quote
(`node_library.safety.formulas`); CANVAS_CSV_RAW=1, read at each download, keeps raw values.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import io
import json
import math
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from canvas_assets.artifacts import ArtifactError, ArtifactRef, ArtifactStore, LocalBackend
from canvas_assets.planner import NodeStatus
from node_library.expressions import CompiledExpression, ExpressionError, compile_expression
from node_library.graph import SLUG_PATTERN
from node_library.safety.formulas import neutralize_frame
from node_library.schema import Dtype, TableSchema

if TYPE_CHECKING:
    from canvas_assets.services import CanvasServices

MAX_LIMIT = 1000
TOP_VALUES = 5
MAX_CELL_CHARS = 2000
MAX_TOP_VALUE_CHARS = 200
MAX_JSON_PREVIEW_BYTES = 20 * 1024 * 1024
HISTOGRAM_BINS = 20
STATS_VERSION = 2
FILTER_CACHE_ENTRIES = 8
READ_BATCH_ROWS = 8192
CSV_BATCH_ROWS = 65_536
ENV_CSV_RAW = "CANVAS_CSV_RAW"
# CRLF (RFC 4180): the csv writer then quotes a cell holding a lone carriage return, which would
# otherwise start a new row in a spreadsheet (and that row's first cell could be a formula).
CSV_LINE_END = "\r\n"
FILE_CHUNK_BYTES = 1 << 20

_NAME_RE = re.compile(SLUG_PATTERN)  # workflow slugs, node ids and port names alike
CACHE_KEY_RE = re.compile(r"^[0-9a-f]{32}$")
TABLE_TYPES = ("dataframe", "series")
VALUE_TYPES = ("metrics", "plot", "json")


# -- errors -----------------------------------------------------------------------------------


class PreviewError(ValueError):
    """A request the caller can fix (bad cache key, unknown column, limit out of range).

    `position` is the 1-based character offset into the argument's text (a `where` expression)
    when the problem is at one place.
    """

    def __init__(
        self, message: str, field: str | None = None, hint: str = "", position: int | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.hint = hint
        self.position = position


class OutputNotFound(LookupError):
    """No such node or port, or no stored result under the cache key asked for."""


class NoCurrentResult(Exception):
    """The node has no stored result for its current params and inputs (stale or missing).

    `earlier_cache_key` names the node's last stored result on the port asked for, when there is
    one, so a caller can show it (marked as earlier) until the node runs again.
    """

    def __init__(self, status: NodeStatus, earlier_cache_key: str | None = None) -> None:
        super().__init__(
            f"node {status.node_id!r} has no result for its current params and inputs"
            f" ({status.state.value}: {status.reason}); run it, or ask for an earlier result by"
            " its cache key"
        )
        self.state = status.state.value
        self.reason = status.reason
        self.earlier_cache_key = earlier_cache_key


# -- what a preview returns -------------------------------------------------------------------


@dataclass(frozen=True)
class ValueCount:
    value: str
    count: int


@dataclass(frozen=True)
class HistogramBin:
    start: float
    end: float  # bins are [start, end), the last one [start, end]
    count: int


@dataclass(frozen=True)
class ColumnSummary:
    name: str
    dtype: str  # the logical dtype (node_library.schema.Dtype)
    null_count: int
    count: int | None = None  # values that are not missing (None: not computed)
    distinct_count: int | None = None  # distinct non-missing values
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    histogram: tuple[HistogramBin, ...] = ()
    top_values: tuple[ValueCount, ...] = ()
    earliest: str | None = None
    latest: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ColumnSummary:
        top = tuple(ValueCount(**v) for v in data.get("top_values") or ())
        bins = tuple(HistogramBin(**b) for b in data.get("histogram") or ())
        return cls(**{**data, "top_values": top, "histogram": bins})


@dataclass(frozen=True)
class TablePreview:
    data_type: str  # dataframe or series
    total_rows: int  # rows that meet `where` (all stored rows without it)
    offset: int
    limit: int
    sort_by: str | None
    descending: bool
    columns: tuple[ColumnSummary, ...]
    rows: list[list[Any]]  # the page, JSON-safe, values in column order
    row_numbers: list[int]  # position of each row of the page in the stored table (from 0)
    where: str | None  # the condition the rows meet, None when unfiltered
    stored_rows: int  # rows in the stored result, before `where`


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
    where: str | None = None,
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
            status = services.statuses(plan)[node_id]
            raise NoCurrentResult(status, _earlier_key(services, workflow.slug, status, port))
    else:
        ref = output_ref(workflow.slug, node_id, cache_key, port)
        if not services.artifacts.exists(ref):
            raise OutputNotFound(
                f"node {node_id!r} has no stored result on port {port!r} with cache key"
                f" {cache_key}; results are kept by cache key until the retention policy removes"
                " them"
            )
    page = preview(services.artifacts, ref, offset, limit, sort_by, descending, where)
    return NodeOutput(ref=ref, current=current, preview=page)


def _earlier_key(services: CanvasServices, slug: str, status: NodeStatus, port: str) -> str | None:
    """The cache key of the node's last result when that result is still stored on `port`."""
    key = status.last.get("cache_key")
    if not isinstance(key, str) or not CACHE_KEY_RE.fullmatch(key):
        return None
    ref = output_ref(slug, status.node_id, key, port)
    return key if services.artifacts.exists(ref) else None


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
    where: str | None = None,
) -> Preview:
    """The preview of one stored result (see the module docstring). A blank `where` is none."""
    check_page(offset, limit)
    meta = _meta(artifacts, ref)
    data_type = meta.get("data_type")
    where = where if where is not None and where.strip() else None
    if data_type in TABLE_TYPES:
        return _table_preview(artifacts, ref, meta, offset, limit, sort_by, descending, where)
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
            # kind, algorithm, features, target, classes, params, versions (ModelMeta.to_json)
            "model": meta.get("model"),
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
    where: str | None,
) -> TablePreview:
    with _open_parquet(artifacts, _data_key(ref, meta)) as parquet:
        stored_rows = parquet.metadata.num_rows
        names = parquet.schema_arrow.names
        if sort_by is not None and sort_by not in names:
            raise PreviewError(
                f"there is no column {sort_by[:80]!r} to sort by",
                field="sortBy",
                hint="columns: " + ", ".join(names[:30]),
            )
        kept = None if where is None else _rows_where(artifacts, ref, meta, parquet, where)
        total = stored_rows if kept is None else len(kept)
        if sort_by is None and kept is None:
            stats = _cached_stats(artifacts, ref, meta, parquet.read)
            page = _read_slice(parquet, offset, limit)
            row_numbers = list(range(offset, offset + page.num_rows))
        elif sort_by is None:
            assert kept is not None
            stats = _cached_stats(artifacts, ref, meta, parquet.read)
            numbers = kept[offset : offset + limit]
            page = _read_rows(parquet, numbers)
            row_numbers = [int(i) for i in numbers]
        else:
            table = parquet.read()
            stats = _cached_stats(artifacts, ref, meta, lambda: table)
            if kept is not None:
                table = table.take(pa.array(kept))
            order = _sort_indices(table, sort_by, descending).slice(offset, limit)
            page = table.take(order)
            positions = order.to_numpy(zero_copy_only=False)
            numbers = positions if kept is None else kept[positions]
            row_numbers = [int(i) for i in numbers]
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
        where=where,
        stored_rows=stored_rows,
    )


@contextlib.contextmanager
def _open_parquet(artifacts: ArtifactStore, key: str) -> Iterator[pq.ParquetFile]:
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


def _read_rows(parquet: pq.ParquetFile, numbers: np.ndarray) -> pa.Table:
    """The rows at `numbers` (ascending row numbers), decoding only the row groups holding them."""
    if len(numbers) == 0:
        return parquet.schema_arrow.empty_table()
    metadata = parquet.metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    group_of = np.searchsorted(starts, numbers, side="right") - 1
    groups = np.unique(group_of)
    table = parquet.read_row_groups([int(g) for g in groups])
    # Where each chosen group begins inside `table` (the chosen groups back to back).
    begins = np.concatenate([[0], np.cumsum(starts[groups + 1] - starts[groups])[:-1]])
    local = numbers - starts[group_of] + begins[np.searchsorted(groups, group_of)]
    return table.take(pa.array(local))


# -- filtering (where) ------------------------------------------------------------------------

_filter_cache: OrderedDict[tuple[str, str, str], np.ndarray] = OrderedDict()
_filter_cache_lock = threading.Lock()


def _rows_where(
    artifacts: ArtifactStore,
    ref: ArtifactRef,
    meta: dict[str, Any],
    parquet: pq.ParquetFile,
    where: str,
) -> np.ndarray:
    """Row numbers (ascending, int64) of the stored rows for which `where` is true."""
    key = (artifacts.backend.describe(), ref.base, where)
    with _filter_cache_lock:
        if key in _filter_cache:
            _filter_cache.move_to_end(key)
            return _filter_cache[key]
    kept = rows_meeting(where, parquet, _table_schema(meta))
    with _filter_cache_lock:
        _filter_cache[key] = kept
        while len(_filter_cache) > FILTER_CACHE_ENTRIES:
            _filter_cache.popitem(last=False)
    return kept


def rows_meeting(where: str, parquet: pq.ParquetFile, schema: TableSchema | None) -> np.ndarray:
    """Row numbers of the rows of `parquet` for which the condition `where` is true.

    Raises PreviewError (field "where", with the position and a fix) for a bad expression.
    """
    compiled = compile_where(where, schema)
    names = set(parquet.schema_arrow.names)
    for name in sorted(compiled.columns):
        if name not in names:  # a stale schema in the meta; evaluate() would say so less clearly
            raise PreviewError(
                f"where: unknown column {name!r}",
                field="where",
                hint="columns: " + ", ".join(sorted(names)[:30]),
            )
    table = parquet.read(columns=sorted(compiled.columns), use_pandas_metadata=True)
    frame = table.to_pandas()
    if frame.shape[1] == 0:  # a condition on no column (`True`, `1 > 2`): one value per row
        frame = pd.DataFrame(index=pd.RangeIndex(table.num_rows))
    try:
        mask = compiled.evaluate(frame)
    except ExpressionError as exc:
        raise _where_error(exc) from None
    if not (pd.api.types.is_bool_dtype(mask.dtype) or mask.isna().all()):
        raise _not_a_condition(str(mask.dtype))
    keep = mask.to_numpy(dtype=bool, na_value=False)
    return np.flatnonzero(keep).astype(np.int64)


def compile_where(where: str, schema: TableSchema | None) -> CompiledExpression:
    """`where` checked as a condition over `schema` (None: checked on the real columns later)."""
    try:
        compiled = compile_expression(where, schema)
    except ExpressionError as exc:
        raise _where_error(exc, schema) from None
    if compiled.dtype not in (Dtype.BOOLEAN, Dtype.UNKNOWN):
        raise _not_a_condition(compiled.dtype.value)
    return compiled


def _where_error(exc: ExpressionError, schema: TableSchema | None = None) -> PreviewError:
    hint = exc.hint
    if not hint and exc.unknown_column is not None and schema is not None:
        hint = "columns: " + ", ".join(schema.names[:30])
    return PreviewError(
        f"where: {exc.message}",
        field="where",
        hint=hint or 'write a condition such as `units > 3 and region == "west"`',
        position=exc.position,
    )


def _not_a_condition(dtype: str) -> PreviewError:
    return PreviewError(
        f"where: the expression gives {dtype} values, not a condition (True/False)",
        field="where",
        hint="compare it with something, e.g. `price > 10`, or test `not_null(price)`",
    )


def _table_schema(meta: dict[str, Any]) -> TableSchema | None:
    """The stored table's logical schema from its meta (None when the meta has none)."""
    schema = meta.get("schema")
    if not schema:
        return None
    try:
        return TableSchema.model_validate(schema)
    except ValueError:
        return None


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
            # Infinities are values (not missing) but take no part in min/max/mean/quartiles.
            present = pc.filter(column, pc.invert(pc.is_nan(column))).drop_null()
            finite = pc.filter(present, pc.is_finite(present))
            base = _counted(name, logical, nulls, present)
            return _numeric(base, finite)
        if pa.types.is_integer(kind) or pa.types.is_decimal(kind):
            present = column.drop_null()
            base = _counted(name, logical, nulls, present)
            integer = pa.types.is_integer(kind)
            numeric = _numeric(base, present.cast(pa.float64()), integer=integer)
            top = _top_values(present) if integer else ()
            # An id-like column (every value once) has no "most frequent" values worth showing.
            if top and top[0].count > 1:
                return dataclasses.replace(numeric, top_values=top)
            return numeric
        if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
            bounds = pc.min_max(column)
            return dataclasses.replace(
                _counted(name, logical, nulls, column.drop_null()),
                earliest=_iso(bounds["min"].as_py()),
                latest=_iso(bounds["max"].as_py()),
            )
        if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_boolean(kind):
            present = column.drop_null()
            return dataclasses.replace(
                _counted(name, logical, nulls, present), top_values=_top_values(present)
            )
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        pass  # an exotic column keeps its null count; the preview must not fail on stats
    return ColumnSummary(name, logical, nulls, count=len(column) - nulls)


def _counted(name: str, dtype: str, nulls: int, present: pa.ChunkedArray) -> ColumnSummary:
    """The summary every column gets: null, non-null and distinct counts."""
    distinct = int(pc.count_distinct(present).as_py() or 0) if len(present) else 0
    return ColumnSummary(name, dtype, nulls, count=len(present), distinct_count=distinct)


def _numeric(base: ColumnSummary, finite: pa.ChunkedArray, integer: bool = False) -> ColumnSummary:
    """`base` with min, max, mean, std, quartiles and a histogram of the finite values."""
    if len(finite) - finite.null_count == 0:
        return base
    bounds = pc.min_max(finite)
    low, high = _finite(bounds["min"].as_py()), _finite(bounds["max"].as_py())
    quartiles = pc.quantile(finite, q=[0.25, 0.5, 0.75], interpolation="linear").to_pylist()
    return dataclasses.replace(
        base,
        min=low,
        max=high,
        mean=_finite(pc.mean(finite).as_py()),
        std=_finite(pc.stddev(finite, ddof=1).as_py()),
        p25=_finite(quartiles[0]),
        median=_finite(quartiles[1]),
        p75=_finite(quartiles[2]),
        histogram=_histogram(finite, low, high, integer),
    )


def _histogram(
    finite: pa.ChunkedArray, low: float | None, high: float | None, integer: bool
) -> tuple[HistogramBin, ...]:
    """HISTOGRAM_BINS equal-width bins over [low, high]; integers spanning fewer values than that
    get one bin per value ([k, k + 1)), so no bin straddles two integers or holds none by design."""
    if low is None or high is None:
        return ()
    values = finite.to_numpy()
    if low == high:
        return (HistogramBin(low, high, len(values)),)
    if integer and high - low + 1 <= HISTOGRAM_BINS:
        counts, edges = np.histogram(values, bins=np.arange(low, high + 2))
    else:
        counts, edges = np.histogram(values, bins=HISTOGRAM_BINS, range=(low, high))
    return tuple(
        HistogramBin(float(edges[i]), float(edges[i + 1]), int(c)) for i, c in enumerate(counts)
    )


def _top_values(present: pa.ChunkedArray) -> tuple[ValueCount, ...]:
    counts = pc.value_counts(present)
    table = pa.table({"value": counts.field("values"), "count": counts.field("counts")})
    top = table.sort_by([("count", "descending"), ("value", "ascending")]).slice(0, TOP_VALUES)
    return tuple(ValueCount(_label(row["value"]), int(row["count"])) for row in top.to_pylist())


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
    with _open_parquet(artifacts, key) as parquet:
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
