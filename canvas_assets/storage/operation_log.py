"""The operation log `canvas_workflow_ops` and the documents its batches produced.

The log has exactly one row per revision, so it is the complete history and audit trail: kind
"create" (revision 1, ops []), "ops" (a batch, with its ops), and "replace_document" (ops [],
written by `save`, the whole-document path of import and the CLI; a client rebasing over one must
reload the document, as its ops do not describe the change). A batch is logged at the revision it
was applied to (after a rebase too), so replaying the log still gives every stored document;
`canvas_workflow_versions` keeps each revision's document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from canvas_assets.storage.workflow_tables import workflow_ops, workflow_versions
from node_library.graph_ops import GraphOp, load_ops

KIND_CREATE = "create"
KIND_OPS = "ops"
KIND_REPLACE = "replace_document"


@dataclass(frozen=True)
class OpsBatch:
    """One row of the operation log: the batch that produced `revision`."""

    revision: int
    author: str
    ops: list[GraphOp]
    kind: str = KIND_OPS
    batch_id: str | None = None
    created_at: datetime | None = None


def log_batch(
    conn: Connection,
    workflow_id: str,
    revision: int,
    kind: str,
    ops_json: str,
    author: str,
    batch_id: str | None,
    now: datetime,
) -> None:
    conn.execute(
        workflow_ops.insert().values(
            workflow_id=workflow_id,
            revision=revision,
            kind=kind,
            ops=ops_json,
            author=author,
            client_batch_id=batch_id,
            created_at=now,
        )
    )


def _batch(row: Row[Any]) -> OpsBatch:
    return OpsBatch(
        revision=row.revision,
        author=row.author,
        ops=load_ops(row.ops),
        kind=row.kind,
        batch_id=row.client_batch_id,
        created_at=row.created_at,
    )


def batches_since(
    conn: Connection, workflow_id: str, revision: int, until: int | None = None
) -> list[OpsBatch]:
    """The logged batches after `revision` (and before `until`), oldest first."""
    where = (workflow_ops.c.workflow_id == workflow_id) & (workflow_ops.c.revision > revision)
    if until is not None:
        where &= workflow_ops.c.revision < until
    rows = conn.execute(sa.select(workflow_ops).where(where).order_by(workflow_ops.c.revision))
    return [_batch(r) for r in rows.all()]


def document_text(conn: Connection, workflow_id: str, revision: int) -> str:
    """The document stored for `revision`, as JSON text."""
    text: str = conn.execute(
        sa.select(workflow_versions.c.document).where(
            (workflow_versions.c.workflow_id == workflow_id)
            & (workflow_versions.c.revision == revision)
        )
    ).scalar_one()
    return text
