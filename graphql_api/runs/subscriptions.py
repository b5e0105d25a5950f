from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator

import strawberry
from anyio import to_thread
from strawberry.exceptions import StrawberryGraphQLError

from canvas_assets import RunEventKind, RunEventTail, run_nodes
from graphql_api.auth import IsViewer, principal_of
from graphql_api.context import Info
from graphql_api.runs.types import RunEventMessage
from graphql_api.runs.visibility import can_see

POLL_SECONDS = 0.1
START_WAIT_SECONDS = 15.0


@strawberry.type
class RunSubscriptions:
    @strawberry.subscription(
        permission_classes=[IsViewer],
        description="A run's events in order, ending with run_finished and its status.",
    )
    async def run_events(
        self, info: Info, run_id: strawberry.ID
    ) -> AsyncGenerator[RunEventMessage, None]:
        services, launcher = info.context.services, info.context.launcher
        instance = services.instance
        deadline = time.monotonic() + START_WAIT_SECONDS
        run = await to_thread.run_sync(instance.get_run_by_id, str(run_id))
        # a run launched a moment ago may not be recorded yet
        while run is None and launcher.is_active(str(run_id)) and time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            run = await to_thread.run_sync(instance.get_run_by_id, str(run_id))
        if run is None or not can_see(principal_of(info), dict(run.tags)):
            raise StrawberryGraphQLError(f"no run {run_id}", extensions={"code": "NOT_FOUND"})
        tail = RunEventTail(
            instance, str(run_id), run.tags.get("canvas/workflow", ""), run_nodes(run)
        )
        while True:
            for event in await to_thread.run_sync(tail.poll):
                if event.kind is RunEventKind.RUN_FINISHED:
                    # Dagster records the run's end before this process has flushed the
                    # background artifact writes; say "finished" only once results are stored.
                    while launcher.is_active(str(run_id)):
                        await asyncio.sleep(POLL_SECONDS)
                yield RunEventMessage.of(event)
            if tail.finished:
                return
            await asyncio.sleep(POLL_SECONDS)
