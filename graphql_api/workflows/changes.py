"""Fan-out of workflow changes to `workflowChanged` subscribers.

The operation log in the store is the source of truth; subscribers read the batches after the
last revision they saw. In this process, a successful applyGraphOps wakes them at once; changes
made by other processes (other API workers, the CLI) are picked up by a short poll of the log, so
no change is ever missed, only delayed by at most POLL_SECONDS. (PostgreSQL LISTEN/NOTIFY can
replace the poll without changing the contract.)
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

POLL_SECONDS = 1.0


class ChangeHub:
    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._loop: asyncio.AbstractEventLoop | None = None

    def subscribe(self, workflow_id: str) -> asyncio.Event:
        self._loop = asyncio.get_running_loop()
        event = asyncio.Event()
        self._waiters[workflow_id].add(event)
        return event

    def unsubscribe(self, workflow_id: str, event: asyncio.Event) -> None:
        waiters = self._waiters.get(workflow_id)
        if waiters is None:
            return
        waiters.discard(event)
        if not waiters:  # a workflow nobody follows any more keeps no entry
            del self._waiters[workflow_id]

    def notify(self, workflow_id: str) -> None:
        """Safe to call from resolver threads: wakes the waiters on the event loop."""
        if self._loop is None:
            return
        for event in list(self._waiters.get(workflow_id, ())):
            self._loop.call_soon_threadsafe(event.set)
