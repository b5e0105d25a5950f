"""Alembic revisions of the workflow store, oldest first (see canvas_assets.storage.migrations)."""
