"""baseline: the tables as the first released schema created them with `create_all`

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written out by hand (not generated at run time) so that this revision never changes when the
sa.Table definitions move on: a later change to a table is a later revision. Each table has its
own function so canvas_assets.storage.migrations can create the ones an older database lacks (the
first release created canvas_api_tokens and canvas_schedules only when they were first used).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _workflows() -> None:
    op.create_table(
        "canvas_workflows",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("slug", sa.String(63), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def _workflow_versions() -> None:
    op.create_table(
        "canvas_workflow_versions",
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


def _workflow_ops() -> None:
    op.create_table(
        "canvas_workflow_ops",
        sa.Column(
            "workflow_id",
            sa.String(36),
            sa.ForeignKey("canvas_workflows.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ops", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("client_batch_id", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workflow_id", "client_batch_id", name="uq_canvas_workflow_ops_batch"),
    )


def _api_tokens() -> None:
    op.create_table(
        "canvas_api_tokens",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_canvas_api_tokens_prefix", "canvas_api_tokens", ["prefix"])


def _schedules() -> None:
    op.create_table(
        "canvas_schedules",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("workflow_id", sa.String(64), nullable=False),
        sa.Column("node", sa.String(200), nullable=True),
        sa.Column("cron", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_canvas_schedules_workflow_id", "canvas_schedules", ["workflow_id"])


# creation order: a table comes after the tables its foreign keys point to
TABLES: dict[str, Callable[[], None]] = {
    "canvas_workflows": _workflows,
    "canvas_workflow_versions": _workflow_versions,
    "canvas_workflow_ops": _workflow_ops,
    "canvas_api_tokens": _api_tokens,
    "canvas_schedules": _schedules,
}


def upgrade() -> None:
    for create in TABLES.values():
        create()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
