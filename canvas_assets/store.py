"""The workflow store: every workflow document with its revision history (SQLAlchemy Core).

SQLite by default, PostgreSQL through CANVAS_DATABASE_URL. Each save writes a new immutable row in
`workflow_versions` and bumps `workflows.revision` only if the caller's base revision is still the
current one (optimistic concurrency), so two writers never overwrite each other silently. Runs pin
the revision they were launched with and read that exact version back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from node_library.graph import Workflow, load_workflow

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


class StoreError(Exception):
    """A request the store refuses; the message says what and how to fix it."""


class NotFound(StoreError):
    pass


class Conflict(StoreError):
    def __init__(self, message: str, current_revision: int) -> None:
        super().__init__(message)
        self.current_revision = current_revision


@dataclass(frozen=True)
class StoredWorkflow:
    workflow: Workflow
    revision: int
    updated_at: datetime

    @property
    def id(self) -> str:
        return self.workflow.id


class WorkflowStore:
    def __init__(self, url: str) -> None:
        kwargs: dict[str, object] = {"future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        self.engine: Engine = sa.create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def create(self, workflow: Workflow) -> StoredWorkflow:
        """Store a new workflow; a missing id is generated, a taken slug is refused."""
        workflow = workflow.model_copy(update={"id": workflow.id or str(uuid.uuid4())})
        now = datetime.now(UTC)
        document = workflow.model_dump_json()
        with self._tx() as conn:
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
        return StoredWorkflow(workflow, 1, now)

    def get(self, ref: str) -> StoredWorkflow:
        """A workflow by id or slug."""
        with self._tx() as conn:
            row = conn.execute(
                sa.select(workflows).where((workflows.c.id == ref) | (workflows.c.slug == ref))
            ).first()
        if row is None:
            raise NotFound(f"no workflow with id or slug {ref!r}; `mlcanvas list` shows them")
        return StoredWorkflow(load_workflow(row.document), row.revision, row.updated_at)

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
        return load_workflow(row.document)

    def list(self, search: str = "", limit: int = 100, offset: int = 0) -> list[StoredWorkflow]:
        query = sa.select(workflows).order_by(workflows.c.name, workflows.c.slug)
        if search:
            like = f"%{search.lower()}%"
            query = query.where(
                sa.func.lower(workflows.c.name).like(like) | workflows.c.slug.like(like)
            )
        with self._tx() as conn:
            rows = conn.execute(query.limit(limit).offset(offset)).all()
        return [StoredWorkflow(load_workflow(r.document), r.revision, r.updated_at) for r in rows]

    def save(self, workflow: Workflow, base_revision: int) -> StoredWorkflow:
        """Store a new revision if `base_revision` is still current; else raise Conflict."""
        now = datetime.now(UTC)
        document = workflow.model_dump_json()
        with self._tx() as conn:
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
        return StoredWorkflow(workflow, base_revision + 1, now)

    def delete(self, ref: str) -> None:
        stored = self.get(ref)
        with self._tx() as conn:
            conn.execute(
                workflow_versions.delete().where(workflow_versions.c.workflow_id == stored.id)
            )
            conn.execute(workflows.delete().where(workflows.c.id == stored.id))

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]  # DB-API connection
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
