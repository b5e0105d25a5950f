"""Reading and writing ops as JSON: `parse_ops` for untrusted input, `dump_ops` / `load_ops` for
the compact form kept in the store's operation log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from node_library.graph_ops.errors import OpError
from node_library.graph_ops.models import OP_NAMES, GraphOp

_OP_ADAPTER: TypeAdapter[GraphOp] = TypeAdapter(GraphOp)
_OPS_ADAPTER: TypeAdapter[list[GraphOp]] = TypeAdapter(list[GraphOp])


def parse_ops(raw: Iterable[Any]) -> list[GraphOp]:
    """Ops from JSON-like data (objects with an `op` field); OpError names the first bad one."""
    ops: list[GraphOp] = []
    for index, item in enumerate(raw):
        try:
            ops.append(_OP_ADAPTER.validate_python(item))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'op'}: {err['msg']}"
                for err in exc.errors()[:5]
            )
            raise OpError(
                index,
                None,
                "invalid_op",
                f"not a valid graph operation: {problems}",
                "known ops: " + ", ".join(OP_NAMES),
            ) from exc
    return ops


def dump_ops(ops: Sequence[GraphOp]) -> str:
    """A batch as compact JSON (the form stored in the operation log)."""
    return _OPS_ADAPTER.dump_json(list(ops)).decode()


def load_ops(text: str | bytes) -> list[GraphOp]:
    """The inverse of `dump_ops`, for trusted (already validated) JSON."""
    return _OPS_ADAPTER.validate_json(text)
