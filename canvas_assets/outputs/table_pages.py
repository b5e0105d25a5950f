"""One page of a stored table (a dataframe or series result): at most MAX_LIMIT rows, optionally
filtered (row_filter.py) and sorted by a column, with every column's logical dtype and stats
(column_stats.py) and the row count (after the filter; `stored_rows` is the count before it).
Rows are lists in column order, their cells JSON-safe (json_cells.py).

Reading is cheap where Parquet allows: without sorting only the row groups (and, inside the first
one, the batches) that overlap the page are decoded, straight from the file on the local backend;
a filtered page decodes only the row groups that hold its rows. Sorting reads the whole table as
Arrow (not pandas) and converts only the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from canvas_assets.outputs.column_stats import ColumnSummary, cached_stats
from canvas_assets.outputs.errors import PreviewError
from canvas_assets.outputs.json_cells import cell
from canvas_assets.outputs.row_filter import rows_where
from canvas_assets.outputs.stored_results import data_key, decoded, open_parquet
from canvas_assets.storage.artifacts import ArtifactRef, ArtifactStore

MAX_LIMIT = 1000
READ_BATCH_ROWS = 8192


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


def check_page(offset: int, limit: int) -> None:
    if offset < 0:
        raise PreviewError(f"offset must be 0 or more, got {offset}", field="offset")
    if not 0 <= limit <= MAX_LIMIT:
        raise PreviewError(
            f"limit must be between 0 and {MAX_LIMIT}, got {limit}",
            field="limit",
            hint="page through larger tables with offset",
        )


def table_preview(
    artifacts: ArtifactStore,
    ref: ArtifactRef,
    meta: dict[str, Any],
    offset: int,
    limit: int,
    sort_by: str | None,
    descending: bool,
    where: str | None,
) -> TablePreview:
    with open_parquet(artifacts, data_key(ref, meta)) as parquet:
        stored_rows = parquet.metadata.num_rows
        names = parquet.schema_arrow.names
        if sort_by is not None and sort_by not in names:
            raise PreviewError(
                f"there is no column {sort_by[:80]!r} to sort by",
                field="sortBy",
                hint="columns: " + ", ".join(names[:30]),
            )
        kept = None if where is None else rows_where(artifacts, ref, meta, parquet, where)
        total = stored_rows if kept is None else len(kept)
        if sort_by is None and kept is None:
            stats = cached_stats(artifacts, ref, meta, parquet.read)
            page = _read_slice(parquet, offset, limit)
            row_numbers = list(range(offset, offset + page.num_rows))
        elif sort_by is None:
            assert kept is not None
            stats = cached_stats(artifacts, ref, meta, parquet.read)
            numbers = kept[offset : offset + limit]
            page = _read_rows(parquet, numbers)
            row_numbers = [int(i) for i in numbers]
        else:
            table = parquet.read()
            stats = cached_stats(artifacts, ref, meta, lambda: table)
            if kept is not None:
                table = table.take(pa.array(kept))
            order = _sort_indices(table, sort_by, descending).slice(offset, limit)
            page = table.take(order)
            positions = order.to_numpy(zero_copy_only=False)
            numbers = positions if kept is None else kept[positions]
            row_numbers = [int(i) for i in numbers]
    rows = [[cell(v) for v in row.values()] for row in page.to_pylist()]
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


def _sort_indices(table: pa.Table, column: str, descending: bool) -> pa.Array:
    values = decoded(table.column(column))
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
