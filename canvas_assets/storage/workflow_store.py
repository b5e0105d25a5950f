"""The workflow store: every workflow document with its revision history (SQLAlchemy Core).

SQLite by default, PostgreSQL through CANVAS_DATABASE_URL; the tables (workflow_tables.py) are made
and changed by the Alembic revisions of canvas_assets.storage.migrations, never by `create_all`.
Each save writes a new immutable row in `workflow_versions` and bumps `workflows.revision` only if
the caller's base revision is still the current one (optimistic concurrency), so two writers never
overwrite each other silently. Runs pin the revision they were launched with and read that exact
version back.

Editing goes through `apply_ops`: a batch of graph operations (node_library.graph_ops) against a
base revision. The ops are applied to the (immutable) version row of the base revision, outside
any lock; then one write transaction locks the workflow row (SELECT ... FOR UPDATE on PostgreSQL;
BEGIN IMMEDIATE on SQLite, where every write transaction takes the write lock up front), checks
that the base is still the current revision and writes the document, the version row and the log
row (operation_log.py). So the lock is held for the writes only, never for parsing or validation.
A stale base is a Conflict that carries the batches applied since, so the client can rebase, or,
when the client asks for it, the store rebases the batch itself (rebase.py); a batch id already
applied returns that batch's stored result (a client's retry never duplicates an edit). A rebased
batch that keeps losing the race for the write lock is, after a few tries, rebased while holding
the lock, so it cannot starve.
"""

from __future__ import annotations

import builtins  # WorkflowStore.list shadows the builtin inside the class
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from canvas_assets.storage.database import create_engine
from canvas_assets.storage.document_cache import DocumentCache
from canvas_assets.storage.errors import Conflict, NotFound, StoreError
from canvas_assets.storage.migrations import ensure_schema
from canvas_assets.storage.operation_log import (
    KIND_CREATE,
    KIND_OPS,
    KIND_REPLACE,
    OpsBatch,
    batches_since,
    document_text,
    log_batch,
)
from canvas_assets.storage.rebase import Rebase, conflict
from canvas_assets.storage.workflow_tables import workflow_ops, workflow_versions, workflows
from node_library.graph import Workflow, load_workflow
from node_library.graph_ops import (
    GraphOp,
    apply_ops,
    apply_ops_checked,
    dump_ops,
    load_ops,
)
from node_library.registry import NodeRegistry
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult

_MAX_KEY = 200  # author and batch id column width
# auto_rebase: how often a batch is prepared outside the lock before, having lost the race for
# the write lock that often, it is rebased while holding the lock (each loss means another batch
# landed, so the workflow moves on; the locked attempt cannot lose, so a batch never starves)
_LOCK_FREE_ATTEMPTS = 3


@dataclass(frozen=True)
class StoredWorkflow:
    workflow: Workflow
    revision: int
    updated_at: datetime

    @property
    def id(self) -> str:
        return self.workflow.id


@dataclass(frozen=True)
class OpsResult:
    stored: StoredWorkflow
    applied: list[GraphOp]
    # validation of the new document when a registry was given (param and column issues the
    # canvas shows; structural errors were refused); None without a registry or on a replay
    validation: ValidationResult | None = None
    # True when the batch id had been applied before and this is that batch's stored result
    replayed: bool = False
    # the batches between the base revision and this one when the batch was rebased onto them
    # (auto_rebase), oldest first: what the client must apply locally to catch up; else empty
    rebased_over: list[OpsBatch] = field(default_factory=list)


class WorkflowStore:
    def __init__(self, url: str, registry: NodeRegistry | None = None) -> None:
        self.engine: Engine = create_engine(url)
        # the tables come from the migrations: an empty database is created at head, any
        # other state but the newest refuses with the command to run (storage/migrations)
        ensure_schema(self.engine)
        # with a registry, documents are read with their nodes migrated to the registry's
        # versions (a node type bumped since they were saved); the next edit stores them so
        self._registry = registry
        self._documents = DocumentCache(registry)

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """A transaction; `write` ones take SQLite's write lock at BEGIN (database.py)."""
        with self.engine.connect() as conn:
            if write:
                conn.execution_options(canvas_write=True)
            with conn.begin():
                yield conn

    def create(self, workflow: Workflow, author: str = "") -> StoredWorkflow:
        """Store a new workflow; a missing id is generated, a taken slug is refused."""
        _check_key("author", author)
        workflow = workflow.model_copy(update={"id": workflow.id or str(uuid.uuid4())})
        now = datetime.now(UTC)
        document = workflow.model_dump_json()
        with self._tx(write=True) as conn:
            taken = conn.execute(
                sa.select(workflows.c.id).where(
                    (workflows.c.slug == workflow.slug) | (workflows.c.id == workflow.id)
                )
            ).first()
            if taken:
                raise StoreError(
                    f"a workflow with slug {workflow.slug!r} or id {workflow.id!r}"
                    " already exists; choose another slug"
                )
            conn.execute(
                workflows.insert().values(
                    id=workflow.id,
                    slug=workflow.slug,
                    name=workflow.name,
                    revision=1,
                    document=document,
                    created_at=now,
                    updated_at=now,
                )
            )
            conn.execute(
                workflow_versions.insert().values(
                    workflow_id=workflow.id, revision=1, document=document, created_at=now
                )
            )
            log_batch(conn, workflow.id, 1, KIND_CREATE, "[]", author, None, now)
        return StoredWorkflow(workflow, 1, now)

    def get(self, ref: str) -> StoredWorkflow:
        """A workflow by id or slug."""
        with self._tx() as conn:
            row = conn.execute(
                sa.select(workflows).where((workflows.c.id == ref) | (workflows.c.slug == ref))
            ).first()
        if row is None:
            raise NotFound(f"no workflow with id or slug {ref!r}; `mlcanvas list` shows them")
        return StoredWorkflow(self._load(row.document), row.revision, row.updated_at)

    def version(self, workflow_id: str, revision: int) -> Workflow:
        with self._tx() as conn:
            row = conn.execute(
                sa.select(workflow_versions.c.document).where(
                    (workflow_versions.c.workflow_id == workflow_id)
                    & (workflow_versions.c.revision == revision)
                )
            ).first()
        if row is None:
            raise NotFound(f"workflow {workflow_id!r} has no revision {revision}")
        return self._load(row.document)

    def _load(self, text: str) -> Workflow:
        return load_workflow(text, self._registry)

    def list(self, search: str = "", limit: int = 100, offset: int = 0) -> list[StoredWorkflow]:
        query = sa.select(workflows).order_by(workflows.c.name, workflows.c.slug)
        if search:
            like = f"%{search.lower()}%"
            query = query.where(
                sa.func.lower(workflows.c.name).like(like) | workflows.c.slug.like(like)
            )
        with self._tx() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).all()
        return [StoredWorkflow(self._load(r.document), r.revision, r.updated_at) for r in rows]

    def save(self, workflow: Workflow, base_revision: int, author: str = "") -> StoredWorkflow:
        """Store a new revision if `base_revision` is still current; else raise Conflict.

        The whole-document path (import, CLI): logged as a "replace_document" batch.
        """
        _check_key("author", author)
        now = datetime.now(UTC)
        document = workflow.model_dump_json()
        with self._tx(write=True) as conn:
            current = conn.execute(
                sa.select(workflows.c.revision, workflows.c.slug).where(
                    workflows.c.id == workflow.id
                )
            ).first()
            if current is None:
                raise NotFound(f"no workflow with id {workflow.id!r}")
            if current.slug != workflow.slug:
                raise StoreError(
                    "a workflow's slug is its Dagster asset group and never changes;"
                    " duplicate the workflow to get a new slug"
                )
            updated = conn.execute(
                workflows.update()
                .where((workflows.c.id == workflow.id) & (workflows.c.revision == base_revision))
                .values(
                    revision=base_revision + 1,
                    name=workflow.name,
                    document=document,
                    updated_at=now,
                )
            )
            if updated.rowcount != 1:
                raise Conflict(
                    f"workflow {workflow.slug!r} is at revision {current.revision},"
                    f" not {base_revision}; reload it and apply your change again",
                    current.revision,
                )
            conn.execute(
                workflow_versions.insert().values(
                    workflow_id=workflow.id,
                    revision=base_revision + 1,
                    document=document,
                    created_at=now,
                )
            )
            log_batch(conn, workflow.id, base_revision + 1, KIND_REPLACE, "[]", author, None, now)
        return StoredWorkflow(workflow, base_revision + 1, now)

    def apply_ops(
        self,
        ref: str,
        base_revision: int,
        ops: Sequence[GraphOp],
        author: str,
        batch_id: str | None = None,
        registry: NodeRegistry | None = None,
        auto_rebase: bool = False,
        settings: NodeSettings | None = None,
    ) -> OpsResult:
        """Apply a batch of graph operations as the next revision, atomically.

        Raises Conflict (with `ops_since`) when `base_revision` is not the current revision,
        OpError (unchanged, nothing written) when an op cannot apply, NotFound for an unknown
        workflow. With a registry, ops that introduce structural errors are refused too
        (apply_ops_checked). A `batch_id` applied before returns that batch's stored result,
        whatever the base revision, so a client may retry a batch safely.

        With `auto_rebase`, a stale base is no conflict when every batch since is an ops batch
        and none touches a part of the document the batch touches (graph_ops.touched_keys): the
        batch is applied on top of the current revision instead, checked there again (so a
        cycle or a doubly connected input made together with a batch since is an OpError), and
        `rebased_over` lists the batches since, for the client to apply locally.
        """
        _check_key("author", author)
        if batch_id is not None:
            _check_key("batch id", batch_id)
        ops = list(ops)
        ops_json = dump_ops(ops)
        rebase = Rebase(ops, base_revision) if auto_rebase else None
        # Everything slow (parse, apply, validate, serialize) happens before the write lock is
        # taken, on the document of the revision the batch goes on top of; under the lock the
        # store only re-checks the revision and writes. A stale base or a retry never takes the
        # lock at all.
        for _ in range(_LOCK_FREE_ATTEMPTS if rebase is not None else 1):
            with self._tx() as conn:
                head = _head(conn, ref, lock=False)
                replayed = _find_batch(conn, head.id, batch_id, ops_json, base_revision)
                if replayed is not None:
                    return replayed
                since, document_text = _target(conn, head, base_revision, rebase)
            edit = self._edit(head.id, document_text, ops, registry, settings, since, base_revision)
            with self._tx(write=True) as conn:
                locked = _head(conn, ref, lock=True)
                replayed = _find_batch(conn, locked.id, batch_id, ops_json, base_revision)
                if replayed is not None:
                    return replayed
                current = locked.id == head.id and locked.revision == edit.revision - 1
                if current:
                    _write(conn, head.id, edit, ops_json, author, batch_id)
            if current:
                return self._written(head.id, edit, ops)
            # Lost the race to another writer: without auto_rebase that is the client's
            # conflict (the batches since are read after the lock is released).
            if rebase is None:
                with self._tx() as conn:
                    raise conflict(conn, locked, base_revision)
        # Lost every race (a busy workflow): rebase once more holding the lock, which cannot lose.
        with self._tx(write=True) as conn:
            head = _head(conn, ref, lock=True)
            replayed = _find_batch(conn, head.id, batch_id, ops_json, base_revision)
            if replayed is not None:
                return replayed
            since, document_text = _target(conn, head, base_revision, rebase)
            edit = self._edit(head.id, document_text, ops, registry, settings, since, base_revision)
            _write(conn, head.id, edit, ops_json, author, batch_id)
        return self._written(head.id, edit, ops)

    def _edit(
        self,
        workflow_id: str,
        document_text: str,
        ops: builtins.list[GraphOp],
        registry: NodeRegistry | None,
        settings: NodeSettings | None,
        since: builtins.list[OpsBatch],
        base_revision: int,
    ) -> _Edit:
        """The batch applied to the document it goes on top of (OpError when it cannot)."""
        before = self._documents.parse(workflow_id, document_text)
        validation: ValidationResult | None = None
        if registry is not None:
            after, validation = apply_ops_checked(before, ops, registry, settings)
        else:
            after = apply_ops(before, ops)
        onto = since[-1].revision if since else base_revision
        return _Edit(onto + 1, after, after.model_dump_json(), validation, since)

    def _written(self, workflow_id: str, edit: _Edit, ops: builtins.list[GraphOp]) -> OpsResult:
        # Cached after the commit, matched by exact text: never a document that was not stored.
        self._documents.put(workflow_id, edit.document, edit.after)
        return OpsResult(
            StoredWorkflow(edit.after, edit.revision, edit.at),
            ops,
            edit.validation,
            rebased_over=edit.since,
        )

    def ops_since(self, ref: str, revision: int) -> builtins.list[OpsBatch]:
        """The logged batches after `revision`, oldest first (revision 0 gives the whole log)."""
        with self._tx() as conn:
            workflow_id = conn.execute(
                sa.select(workflows.c.id).where((workflows.c.id == ref) | (workflows.c.slug == ref))
            ).scalar()
            if workflow_id is None:
                raise NotFound(f"no workflow with id or slug {ref!r}; `mlcanvas list` shows them")
            return batches_since(conn, workflow_id, revision)

    def delete(self, ref: str) -> None:
        stored = self.get(ref)
        with self._tx(write=True) as conn:
            conn.execute(workflow_ops.delete().where(workflow_ops.c.workflow_id == stored.id))
            conn.execute(
                workflow_versions.delete().where(workflow_versions.c.workflow_id == stored.id)
            )
            conn.execute(workflows.delete().where(workflows.c.id == stored.id))

    def dispose(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class _Edit:
    """A batch applied to the document of revision - 1, ready to be written."""

    revision: int
    after: Workflow
    document: str
    validation: ValidationResult | None
    since: list[OpsBatch]  # the batches it was rebased over (empty: applied to its base)
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _target(
    conn: Connection, head: Row[Any], base_revision: int, rebase: Rebase | None
) -> tuple[list[OpsBatch], str]:
    """The batches to rebase over (empty when the base is current) and the document the batch
    goes on top of; Conflict when the base is stale and the batch cannot be rebased."""
    since: list[OpsBatch] = []
    if head.revision != base_revision:
        if rebase is None:
            raise conflict(conn, head, base_revision)
        since = batches_since(conn, head.id, base_revision)
        rebase.check(conn, head, since)
    return since, document_text(conn, head.id, since[-1].revision if since else base_revision)


def _write(
    conn: Connection,
    workflow_id: str,
    edit: _Edit,
    ops_json: str,
    author: str,
    batch_id: str | None,
) -> None:
    """The new revision: the workflow row (checked to be at revision - 1), its version, its log."""
    updated = conn.execute(
        workflows.update()
        .where((workflows.c.id == workflow_id) & (workflows.c.revision == edit.revision - 1))
        .values(
            revision=edit.revision,
            name=edit.after.name,
            document=edit.document,
            updated_at=edit.at,
        )
    )
    if updated.rowcount != 1:  # the callers hold the row lock at revision - 1: never happens
        raise StoreError(f"workflow {workflow_id!r} moved on while locked; send the batch again")
    conn.execute(
        workflow_versions.insert().values(
            workflow_id=workflow_id,
            revision=edit.revision,
            document=edit.document,
            created_at=edit.at,
        )
    )
    log_batch(conn, workflow_id, edit.revision, KIND_OPS, ops_json, author, batch_id, edit.at)


def _check_key(what: str, value: str) -> None:
    if len(value) > _MAX_KEY:
        raise StoreError(f"{what} is {len(value)} characters long; use at most {_MAX_KEY}")


def _head(conn: Connection, ref: str, lock: bool) -> Row[Any]:
    """The workflow's id, slug and revision; `lock` holds the row until the transaction ends."""
    query = sa.select(workflows.c.id, workflows.c.slug, workflows.c.revision).where(
        (workflows.c.id == ref) | (workflows.c.slug == ref)
    )
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"no workflow with id or slug {ref!r}; `mlcanvas list` shows them")
    return row


def _find_batch(
    conn: Connection, workflow_id: str, batch_id: str | None, ops_json: str, base_revision: int
) -> OpsResult | None:
    if batch_id is None:
        return None
    done = conn.execute(
        sa.select(workflow_ops).where(
            (workflow_ops.c.workflow_id == workflow_id)
            & (workflow_ops.c.client_batch_id == batch_id)
        )
    ).first()
    return None if done is None else _replay(conn, done, ops_json, base_revision)


def _replay(conn: Connection, done: Row[Any], ops_json: str, base_revision: int) -> OpsResult:
    """The stored result of a batch id applied before (a client's retry)."""
    if done.ops != ops_json:
        raise StoreError(
            f"batch id {done.client_batch_id!r} was already used for other ops (revision"
            f" {done.revision}); use a new batch id for every batch"
        )
    document = document_text(conn, done.workflow_id, done.revision)
    stored = StoredWorkflow(load_workflow(document), done.revision, done.created_at)
    # rebased when it was applied (auto_rebase): the batches it went on top of, once more
    rebased_over = (
        batches_since(conn, done.workflow_id, base_revision, until=done.revision)
        if 0 < base_revision < done.revision - 1
        else []
    )
    return OpsResult(stored, load_ops(done.ops), replayed=True, rebased_over=rebased_over)
