"""What a preview or a download refuses, and why: each error says what the caller can fix."""

from __future__ import annotations

from canvas_assets.planning.status import NodeStatus


class PreviewError(ValueError):
    """A request the caller can fix (bad cache key, unknown column, limit out of range).

    `position` is the 1-based character offset into the argument's text (a `where` expression)
    when the problem is at one place.
    """

    def __init__(
        self, message: str, field: str | None = None, hint: str = "", position: int | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.hint = hint
        self.position = position


class OutputNotFound(LookupError):
    """No such node or port, or no stored result under the cache key asked for."""


class NoCurrentResult(Exception):
    """The node has no stored result for its current params and inputs (stale or missing).

    `earlier_cache_key` names the node's last stored result on the port asked for, when there is
    one, so a caller can show it (marked as earlier) until the node runs again.
    """

    def __init__(self, status: NodeStatus, earlier_cache_key: str | None = None) -> None:
        super().__init__(
            f"node {status.node_id!r} has no result for its current params and inputs"
            f" ({status.state.value}: {status.reason}); run it, or ask for an earlier result by"
            " its cache key"
        )
        self.state = status.state.value
        self.reason = status.reason
        self.earlier_cache_key = earlier_cache_key
