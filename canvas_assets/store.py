"""The workflow store: every workflow document with its revision history (SQLAlchemy Core).

SQLite by default, PostgreSQL through CANVAS_DATABASE_URL; the tables are made and changed by
the Alembic revisions of canvas_assets.migrations, never by `create_all`. Each save writes a new
immutable row in `workflow_versions` and bumps `workflows.revision` only if the caller's base
revision is still the current one (optimistic concurrency), so two writers never overwrite each
other silently. Runs pin the revision they were launched with and read that exact version back.

Editing goes through `apply_ops`: a batch of graph operations (node_library.graph_ops) against a
base revision. The ops are applied to the (immutable) version row of the base revision, outside
any lock; then one write transaction locks the workflow row (SELECT ... FOR UPDATE on PostgreSQL;
BEGIN IMMEDIATE on SQLite, where every write transaction takes the write lock up front), checks
that the base is still the current revision and writes the document, the version row and the log
row. So the lock is held for the writes only, never for parsing or validation. A stale base is a
Conflict that carries the batches applied since, so the client can rebase; a batch id already
applied returns that batch's stored result (a client's retry never duplicates an edit).

A client may ask the store to rebase for it (`auto_rebase`, opt-in): a batch with a stale base
that touches nothing the batches since touched (node_library.graph_ops.touched_keys: a move of
node a and a move of node b are independent; a move and a removal of a are not) goes on top of
the current revision, re-checked there, and the result lists the batches it was rebased over.
A rebased batch that keeps losing the race for the write lock is, after a few tries, rebased
while holding the lock, so it cannot starve. The log holds the batch at the revision it was
applied to, so replaying the log still gives every stored document.

The operation log `canvas_workflow_ops` has exactly one row per revision, so it is the complete
history and audit trail: kind "create" (revision 1, ops []), "ops" (a batch, with its ops), and
"replace_document" (ops [], written by `save`, the whole-document path of import and the CLI; a
client rebasing over one must reload the document, as its ops do not describe the change).
"""

from __future__ import annotations

import builtins  # WorkflowStore.list shadows the builtin inside the class
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from node_library.graph import Workflow, load_workflow
from node_library.graph_ops import (
    GraphOp,
    apply_ops,
    apply_ops_checked,
    dump_ops,
    load_ops,
    overlapping_keys,
    touched_keys,
)
from node_library.registry import NodeRegistry
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult

metadata = sa.MetaData()

workflows = sa.Table(
    "canvas_workflows",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("slug", sa.String(63), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

workflow_versions = sa.Table(
    "canvas_workflow_versions",
    metadata,
    sa.Column(
        "workflow_id",
        sa.String(36),
        sa.ForeignKey("canvas_workflows.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


# One row per revision (see the module docstring for the kinds).
workflow_ops = sa.Table(
    "canvas_workflow_ops",
    metadata,
    sa.Column(
        "workflow_id",
        sa.String(36),
        sa.ForeignKey("canvas_workflows.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("ops", sa.Text, nullable=False),  # JSON list of graph operations
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("client_batch_id", sa.String(200), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # the idempotency key: a batch id is applied at most once per workflow (NULLs are distinct)
    sa.UniqueConstraint("workflow_id", "client_batch_id", name="uq_canvas_workflow_ops_batch"),
)

KIND_CREATE = "create"
KIND_OPS = "ops"
KIND_REPLACE = "replace_document"
_MAX_KEY = 200  # author and batch id column width
# auto_rebase: how often a batch is prepared outside the lock before, having lost the race for
# the write lock that often, it is rebased while holding the lock (each loss means another batch
# landed, so the workflow moves on; the locked attempt cannot lose, so a batch never starves)
_LOCK_FREE_ATTEMPTS = 3


class StoreError(Exception):
    """A request the store refuses; the message says what and how to fix it."""


class NotFound(StoreError):
    pass


@dataclass(frozen=True)
class OpsBatch:
    """One row of the operation log: the batch that produced `revision`."""

    revision: int
    author: str
    ops: list[GraphOp]
    kind: str = KIND_OPS
    batch_id: str | None = None
    created_at: datetime | None = None


class Conflict(StoreError):
    """The base revision is stale. `ops_since` (filled by apply_ops) lists the batches after it."""

    def __init__(
        self, message: str, current_revision: int, ops_since: list[OpsBatch] | None = None
    ) -> None:
        super().__init__(message)
        self.current_revision = current_revision
        self.ops_since: list[OpsBatch] = ops_since or []


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


def create_engine(url: str) -> Engine:
    """The engine of the workflow store's database, with the SQLite settings below; the token
    and schedule stores share it, the migrations and backups use one too."""
    # pool_pre_ping: a connection the database dropped (a restart) is replaced, not handed out
    kwargs: dict[str, object] = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    engine = sa.create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


class WorkflowStore:
    def __init__(self, url: str, registry: NodeRegistry | None = None) -> None:
        # imported here: the migrations import this module's tables
        from canvas_assets.migrations import ensure_schema

        self.engine: Engine = create_engine(url)
        # the tables come from the migrations: an empty database is created at head, any
        # other state but the newest refuses with the command to run (canvas_assets.migrations)
        ensure_schema(self.engine)
        # with a registry, documents are read with their nodes migrated to the registry's
        # versions (a node type bumped since they were saved); the next edit stores them so
        self._registry = registry
        self._documents = _DocumentCache(registry)

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """A transaction; `write` ones take SQLite's write lock at BEGIN (see _sqlite_begin)."""
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
            _log(conn, workflow.id, 1, KIND_CREATE, "[]", author, None, now)
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
            _log(conn, workflow.id, base_revision + 1, KIND_REPLACE, "[]", author, None, now)
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
        rebase = _Rebase(ops, base_revision) if auto_rebase else None
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
                    raise _conflict(conn, locked, base_revision)
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
            return _batches_since(conn, workflow_id, revision)

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
    conn: Connection, head: Row[Any], base_revision: int, rebase: _Rebase | None
) -> tuple[list[OpsBatch], str]:
    """The batches to rebase over (empty when the base is current) and the document the batch
    goes on top of; Conflict when the base is stale and the batch cannot be rebased."""
    since: list[OpsBatch] = []
    if head.revision != base_revision:
        if rebase is None:
            raise _conflict(conn, head, base_revision)
        since = _batches_since(conn, head.id, base_revision)
        rebase.check(conn, head, since)
    return since, _document_text(conn, head.id, since[-1].revision if since else base_revision)


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
    _log(conn, workflow_id, edit.revision, KIND_OPS, ops_json, author, batch_id, edit.at)


class _DocumentCache:
    """The last parsed document of recently edited workflows, to keep parsing out of the lock.

    Parsing a 500-node document costs more than applying a batch and writing it, and it happens
    while the workflow row is locked, so it bounds the edit rate of one workflow. An entry is used
    only when the stored text is byte-identical to the cached text and the cached object still
    serializes to it (the object was handed to a caller, who might have changed it).
    """

    def __init__(self, registry: NodeRegistry | None = None, size: int = 32) -> None:
        self._registry = registry
        self._size = size
        self._entries: OrderedDict[str, tuple[str, Workflow]] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, workflow_id: str, text: str) -> Workflow:
        with self._lock:
            entry = self._entries.get(workflow_id)
        if entry is not None and entry[0] == text and entry[1].model_dump_json() == text:
            return entry[1]
        workflow = load_workflow(text, self._registry)
        self.put(workflow_id, text, workflow)
        return workflow

    def put(self, workflow_id: str, text: str, workflow: Workflow) -> None:
        with self._lock:
            self._entries[workflow_id] = (text, workflow)
            self._entries.move_to_end(workflow_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


def _check_key(what: str, value: str) -> None:
    if len(value) > _MAX_KEY:
        raise StoreError(f"{what} is {len(value)} characters long; use at most {_MAX_KEY}")


def _log(
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


def _batches_since(
    conn: Connection, workflow_id: str, revision: int, until: int | None = None
) -> list[OpsBatch]:
    """The logged batches after `revision` (and before `until`), oldest first."""
    where = (workflow_ops.c.workflow_id == workflow_id) & (workflow_ops.c.revision > revision)
    if until is not None:
        where &= workflow_ops.c.revision < until
    rows = conn.execute(sa.select(workflow_ops).where(where).order_by(workflow_ops.c.revision))
    return [_batch(r) for r in rows.all()]


def _document_text(conn: Connection, workflow_id: str, revision: int) -> str:
    text: str = conn.execute(
        sa.select(workflow_versions.c.document).where(
            (workflow_versions.c.workflow_id == workflow_id)
            & (workflow_versions.c.revision == revision)
        )
    ).scalar_one()
    return text


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


def _conflict(conn: Connection, head: Row[Any], base_revision: int) -> Conflict:
    return _conflict_over(head, base_revision, _batches_since(conn, head.id, base_revision))


def _conflict_over(
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


class _Rebase:
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
            raise _conflict_over(head, self.base_revision, since)
        replaced = next((b for b in since if b.kind != KIND_OPS), None)
        if replaced is not None:  # its ops do not say what changed
            raise _conflict_over(
                head,
                self.base_revision,
                since,
                f" revision {replaced.revision} replaced the whole document ({replaced.kind}),"
                " so reload the workflow and",
            )
        if self._base is None:
            self._base = load_workflow(_document_text(conn, head.id, self.base_revision))
            self._mine = touched_keys(self.ops, self._base)
        theirs = touched_keys([op for batch in since for op in batch.ops], self._base)
        overlap = overlapping_keys(self._mine, theirs)
        if overlap:
            shown = ", ".join(sorted(overlap)[:5]) + (", ..." if len(overlap) > 5 else "")
            raise _conflict_over(
                head,
                self.base_revision,
                since,
                f" your batch touches what the batch(es) since touched ({shown}), so",
            )


def _replay(conn: Connection, done: Row[Any], ops_json: str, base_revision: int) -> OpsResult:
    """The stored result of a batch id applied before (a client's retry)."""
    if done.ops != ops_json:
        raise StoreError(
            f"batch id {done.client_batch_id!r} was already used for other ops (revision"
            f" {done.revision}); use a new batch id for every batch"
        )
    document = conn.execute(
        sa.select(workflow_versions.c.document).where(
            (workflow_versions.c.workflow_id == done.workflow_id)
            & (workflow_versions.c.revision == done.revision)
        )
    ).scalar_one()
    stored = StoredWorkflow(load_workflow(document), done.revision, done.created_at)
    # rebased when it was applied (auto_rebase): the batches it went on top of, once more
    rebased_over = (
        _batches_since(conn, done.workflow_id, base_revision, until=done.revision)
        if 0 < base_revision < done.revision - 1
        else []
    )
    return OpsResult(stored, load_ops(done.ops), replayed=True, rebased_over=rebased_over)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # SQLAlchemy emits BEGIN itself (_sqlite_begin): the driver's implicit transactions, which
    # start only at the first write, would let a read-then-write transaction fail with
    # "database is locked" instead of waiting for the other writer.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]  # sqlite3.Connection
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]  # DB-API connection
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Write transactions take the write lock at BEGIN, so they queue on the busy timeout and
    # read the current revision only once no other writer can change it.
    immediate = conn.get_execution_options().get("canvas_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
