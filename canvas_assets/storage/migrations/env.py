"""Alembic's entry point: runs the migrations on the connection that
canvas_assets.storage.migrations gives."""

from alembic import context

from canvas_assets.storage.migrations import run_environment

run_environment(context)
