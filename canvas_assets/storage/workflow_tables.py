"""The workflow store's tables (SQLAlchemy Core): each workflow's current document, the immutable
document of every revision, and the operation log. The Alembic revisions of
canvas_assets.storage.migrations create and change them (never `create_all`); these definitions
are what the newest revision must match."""

from __future__ import annotations

import sqlalchemy as sa

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


# One row per revision (operation_log.py names the kinds).
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
