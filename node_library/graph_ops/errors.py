"""`OpError`: how every part of the package refuses a batch (naming the op that cannot apply)."""

from __future__ import annotations

from node_library.graph_ops.models import GraphOp


class OpError(ValueError):
    """An op of a batch that cannot apply; the whole batch is refused and nothing changes.

    `index` is the op's position in the batch; `op` is None only when the op could not even be
    parsed (see `parse_ops`). `node_id` locates the problem on the canvas when there is a node.
    """

    def __init__(
        self,
        index: int,
        op: GraphOp | None,
        code: str,
        message: str,
        hint: str = "",
        node_id: str | None = None,
    ) -> None:
        kind = f" ({op.op})" if op is not None else ""
        text = f"op {index}{kind}: {message}"
        super().__init__(f"{text} (fix: {hint})" if hint else text)
        self.index = index
        self.op = op
        self.code = code
        self.message = message
        self.hint = hint
        self.node_id = node_id
