"""Stale base revisions: the Conflict a batch gets, carrying the batches applied since so the client
can rebase, and the store's own rebase for clients that ask for it (`auto_rebase`, opt-in).

A batch with a stale base that touches nothing the batches since touched
(node_library.graph_ops.touched_keys: a move of node a and a move of node b are independent; a
move and a removal of a are not) goes on top of the current revision, is re-checked there, and
its result lists the batches it was rebased over. A batch since that replaced the whole document
always conflicts: its ops do not say what changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection, Row

from canvas_assets.storage.errors import Conflict
from canvas_assets.storage.operation_log import KIND_OPS, OpsBatch, batches_since, document_text
from node_library.graph import Workflow, load_workflow
from node_library.graph_ops import GraphOp, overlapping_keys, touched_keys


def conflict(conn: Connection, head: Row[Any], base_revision: int) -> Conflict:
    """The Conflict of a batch on `base_revision` of the workflow `head` (id, slug, revision)."""
    return conflict_over(head, base_revision, batches_since(conn, head.id, base_revision))


def conflict_over(
    head: Row[Any], base_revision: int, since: list[OpsBatch], why: str = ""
) -> Conflict:
    # more batches may have landed since `head` was read: report the newest one seen
    current = since[-1].revision if since else head.revision
    return Conflict(
        f"workflow {head.slug!r} is at revision {current}, not {base_revision};{why}"
        f" apply your ops on top of the {len(since)} batch(es) since and send again",
        current,
        since,
    )


class Rebase:
    """Decides whether a batch with a stale base revision may go on top of the batches since.

    The base document is parsed (and the batch's own keys computed) once per call of apply_ops,
    however often the batch loses the race for the write lock.
    """

    def __init__(self, ops: list[GraphOp], base_revision: int) -> None:
        self.ops = ops
        self.base_revision = base_revision
        self._base: Workflow | None = None
        self._mine: set[str] = set()

    def check(self, conn: Connection, head: Row[Any], since: list[OpsBatch]) -> None:
        """Raises the Conflict when the batch cannot be rebased onto `since`."""
        if not since:  # a base revision the workflow never had
            raise conflict_over(head, self.base_revision, since)
        replaced = next((b for b in since if b.kind != KIND_OPS), None)
        if replaced is not None:  # its ops do not say what changed
            raise conflict_over(
                head,
                self.base_revision,
                since,
                f" revision {replaced.revision} replaced the whole document ({replaced.kind}),"
                " so reload the workflow and",
            )
        if self._base is None:
            self._base = load_workflow(document_text(conn, head.id, self.base_revision))
            self._mine = touched_keys(self.ops, self._base)
        theirs = touched_keys([op for batch in since for op in batch.ops], self._base)
        overlap = overlapping_keys(self._mine, theirs)
        if overlap:
            shown = ", ".join(sorted(overlap)[:5]) + (", ..." if len(overlap) > 5 else "")
            raise conflict_over(
                head,
                self.base_revision,
                since,
                f" your batch touches what the batch(es) since touched ({shown}), so",
            )
