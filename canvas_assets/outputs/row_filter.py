"""Filtering a stored table's rows by a condition (`where`) in the safe expression language
(node_library.expressions, the filter node's language; never `eval`).

A filter reads only the columns its expression names into pandas and evaluates it vectorized (a
missing condition counts as False, as in the filter node). The matching row numbers stay in a
small in-process LRU keyed by artifact and expression (artifacts are immutable), so scrolling a
filtered table does not evaluate it again per page.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from canvas_assets.outputs.errors import PreviewError
from canvas_assets.storage.artifacts import ArtifactRef, ArtifactStore
from node_library.expressions import CompiledExpression, ExpressionError, compile_expression
from node_library.schema import Dtype, TableSchema

FILTER_CACHE_ENTRIES = 8

_filter_cache: OrderedDict[tuple[str, str, str], np.ndarray] = OrderedDict()
_filter_cache_lock = threading.Lock()


def rows_where(
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
