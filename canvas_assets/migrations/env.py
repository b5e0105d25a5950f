"""Alembic's entry point: runs the migrations on the connection canvas_assets.migrations gives."""

from alembic import context

from canvas_assets.migrations import run_environment

run_environment(context)
