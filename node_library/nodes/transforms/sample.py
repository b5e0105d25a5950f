"""Take a subset of the rows: random, stratified, the first n, or a time window.

- random_n / random_fraction: rows drawn without replacement (fraction * rows, rounded); asking for
  more rows than there are returns them all.
- stratified: `fraction` of each group of `stratify_column` (missing values form their own group),
  at least one row per group so rare classes survive.
- first_n: the first n rows.
- time_window: rows with start <= time_column < end (either bound may be left empty).

Random modes are reproducible: the same seed and input give the same rows (numpy's PCG64 generator,
independent of pandas' sampling internals). Sampled rows keep their input order, and the output has
a fresh 0..n-1 index.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, NodeParams, PortSchema, error
from node_library.node_kinds.transforms import TransformNode
from node_library.schema import Dtype, TableSchema
from node_library.settings import NodeSettings

Mode = Literal["random_n", "random_fraction", "stratified", "first_n", "time_window"]


class SampleParams(NodeParams):
    mode: Mode = Field("random_n", description="How rows are chosen.")
    n: int = Field(
        1000,
        ge=1,
        le=1_000_000_000,
        description="Number of rows (random_n, first_n).",
        json_schema_extra=widgets.visible_when(mode=["random_n", "first_n"]),
    )
    fraction: float = Field(
        0.1,
        gt=0.0,
        le=1.0,
        description="Share of rows to keep (random_fraction, stratified).",
        json_schema_extra=widgets.visible_when(mode=["random_fraction", "stratified"]),
    )
    seed: int = Field(
        0,
        ge=0,
        le=2**32 - 1,
        description="Random seed; the same seed gives the same rows.",
        json_schema_extra=widgets.visible_when(mode=["random_n", "random_fraction", "stratified"]),
    )
    stratify_column: str = Field(
        "",
        description="stratified: column whose groups keep their proportions.",
        json_schema_extra=widgets.column() | widgets.visible_when(mode=["stratified"]),
    )
    time_column: str = Field(
        "",
        description="time_window: the datetime column to filter on.",
        json_schema_extra=widgets.column() | widgets.visible_when(mode=["time_window"]),
    )
    start: str = Field(
        "",
        max_length=64,
        description="time_window: first instant kept (ISO date/time), inclusive.",
        json_schema_extra=widgets.visible_when(mode=["time_window"]),
    )
    end: str = Field(
        "",
        max_length=64,
        description="time_window: end of the window (ISO date/time), exclusive.",
        json_schema_extra=widgets.visible_when(mode=["time_window"]),
    )


def _timestamp(text: str) -> pd.Timestamp | None:
    if not text.strip():
        return None
    stamp = pd.Timestamp(text.strip())
    return None if pd.isna(stamp) else stamp


def _time_issues(params: SampleParams, schema: TableSchema | None) -> list[Issue]:
    issues: list[Issue] = []
    if not params.time_column:
        issues.append(
            error(
                "missing_column_param",
                "time_window needs a time column",
                "pick a datetime column",
                param="time_column",
            )
        )
    else:
        issues += require_columns(schema, [params.time_column], param="time_column")
        dtype = schema.dtype_of(params.time_column) if schema else None
        if dtype is not None and dtype not in (Dtype.DATETIME, Dtype.UNKNOWN):
            issues.append(
                error(
                    "wrong_dtype",
                    f"column {params.time_column!r} is {dtype.value}, not datetime",
                    "convert it with a Convert types node (target datetime) first",
                    param="time_column",
                )
            )
    bounds: dict[str, pd.Timestamp | None] = {}
    for param in ("start", "end"):
        try:
            bounds[param] = _timestamp(getattr(params, param))
        except ValueError:
            issues.append(
                error(
                    "invalid_datetime",
                    f"{param} {getattr(params, param)!r} is not a date or time",
                    'write it as ISO, e.g. "2026-01-31" or "2026-01-31T08:00"',
                    param=param,
                )
            )
    start, end = bounds.get("start"), bounds.get("end")
    if "start" in bounds and "end" in bounds and start is None and end is None:
        issues.append(
            error(
                "missing_time_bound",
                "time_window needs a start, an end, or both",
                'set start and/or end, e.g. "2026-01-01"',
                param="start",
            )
        )
    if start is not None and end is not None:
        comparable = (start.tzinfo is None) == (end.tzinfo is None)
        if comparable and start >= end:
            issues.append(
                error(
                    "empty_time_window",
                    f"start {params.start!r} is not before end {params.end!r}",
                    "swap them or widen the window",
                    param="end",
                )
            )
    return issues


class SampleNode(TransformNode[SampleParams]):
    type_id = "transforms.sample"
    display_name = "Sample rows"
    description = "Keep a random, stratified, first-n or time-window subset of the rows."
    tags = ("sample", "subset", "head", "stratified", "time window", "limit")
    Params = SampleParams
    passes_through = "data"

    def validate(
        self, params: SampleParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("data")
        if params.mode == "stratified":
            if not params.stratify_column:
                return [
                    error(
                        "missing_column_param",
                        "stratified sampling needs a column to stratify by",
                        "pick the column whose groups should keep their proportions",
                        param="stratify_column",
                    )
                ]
            return require_columns(schema, [params.stratify_column], param="stratify_column")
        if params.mode == "time_window":
            return _time_issues(params, schema)
        return []

    def compute(self, ctx: ExecutionContext, params: SampleParams, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        result = sample_rows(frame, params)
        ctx.log(f"kept {len(result):,} of {len(frame):,} rows")
        return {"data": result}


def sample_rows(frame: pd.DataFrame, params: SampleParams) -> pd.DataFrame:
    rows = len(frame)
    rng = np.random.default_rng(params.seed)
    if params.mode == "first_n":
        return frame.head(params.n).reset_index(drop=True)
    if params.mode in ("random_n", "random_fraction"):
        count = params.n if params.mode == "random_n" else round(params.fraction * rows)
        if count >= rows:
            return frame.reset_index(drop=True)
        positions = np.sort(rng.choice(rows, size=count, replace=False))
        return frame.iloc[positions].reset_index(drop=True)
    if params.mode == "stratified":
        mask = _stratified_mask(frame[params.stratify_column], params.fraction, rng)
        return frame.loc[mask].reset_index(drop=True)
    return frame.loc[_window_mask(frame[params.time_column], params)].reset_index(drop=True)


def _stratified_mask(
    strata: pd.Series, fraction: float, rng: np.random.Generator
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    # Shuffle within each group (sort by group, then by a random key) and keep each group's head.
    codes, _ = pd.factorize(strata, use_na_sentinel=False)
    order = np.lexsort((rng.random(len(codes)), codes))
    sizes = np.bincount(codes)
    wanted = np.maximum(1, np.round(sizes * fraction))
    starts = np.cumsum(sizes) - sizes
    grouped = codes[order]
    rank = np.arange(len(codes)) - starts[grouped]
    mask = np.zeros(len(codes), dtype=bool)
    mask[order[rank < wanted[grouped]]] = True
    return mask


def _window_mask(times: pd.Series, params: SampleParams) -> np.ndarray[Any, np.dtype[np.bool_]]:
    tz = getattr(times.dtype, "tz", None)
    keep = np.ones(len(times), dtype=bool)
    for text, inclusive in ((params.start, True), (params.end, False)):
        bound = _timestamp(text)
        if bound is None:
            continue
        if tz is not None and bound.tzinfo is None:
            bound = bound.tz_localize(tz)
        elif tz is None and bound.tzinfo is not None:
            bound = bound.tz_convert(None)
        hit = times >= bound if inclusive else times < bound
        keep &= hit.to_numpy(dtype=bool, na_value=False)
    return keep
