"""The refusals of the workflow store and of what shares its database: each is a StoreError whose
message says what went wrong and how to fix it (tokens, schedules, the schema and backups raise
subclasses of their own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from canvas_assets.storage.operation_log import OpsBatch


class StoreError(Exception):
    """A request the store refuses; the message says what and how to fix it."""


class NotFound(StoreError):
    pass


class Conflict(StoreError):
    """The base revision is stale. `ops_since` (filled by apply_ops) lists the batches after it."""

    def __init__(
        self, message: str, current_revision: int, ops_since: list[OpsBatch] | None = None
    ) -> None:
        super().__init__(message)
        self.current_revision = current_revision
        self.ops_since: list[OpsBatch] = ops_since or []
