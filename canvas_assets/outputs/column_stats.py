"""Column stats of a stored table, shown with every preview page.

Stats describe the whole stored result, not the filtered rows: every column has its null, non-null
and distinct counts; numbers also min, max, mean, std, quartiles (p25, median, p75) over the finite
values and a HISTOGRAM_BINS-bin equal-width histogram; text, category, boolean and integer columns
the TOP_VALUES most frequent values; datetimes the earliest and latest. They are computed once per
artifact and cached next to it as `<port>.stats.json` through the same backend; artifacts are
immutable, so that cache never goes stale (STATS_VERSION invalidates old layouts).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from canvas_assets.outputs.stored_results import decoded
from canvas_assets.storage.artifacts import ArtifactError, ArtifactRef, ArtifactStore

TOP_VALUES = 5
MAX_TOP_VALUE_CHARS = 200
HISTOGRAM_BINS = 20
STATS_VERSION = 2


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


def _stats_key(ref: ArtifactRef) -> str:
    return f"{ref.base}.stats.json"


def cached_stats(
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
        _summarize(name, decoded(table.column(i)), dtypes.get(name))
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
