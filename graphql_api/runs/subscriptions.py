from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from anyio import to_thread
from strawberry.exceptions import StrawberryGraphQLError

from canvas_assets import RunEventTail, run_nodes
from graphql_api.auth import IsViewer, principal_of
from graphql_api.context import Info
from graphql_api.runs.types import RunEventMessage
from graphql_api.runs.visibility import can_see

POLL_SECONDS = 0.1


@strawberry.type
class RunSubscriptions:
    @strawberry.subscription(
        permission_classes=[IsViewer],
        description="A run's events in order, ending with run_finished and its status.",
    )
    async def run_events(
        self, info: Info, run_id: strawberry.ID
    ) -> AsyncGenerator[RunEventMessage, None]:
        instance = info.context.services.instance
        run = await to_thread.run_sync(instance.get_run_by_id, str(run_id))
        if run is None or not can_see(principal_of(info), dict(run.tags)):
            raise StrawberryGraphQLError(f"no run {run_id}", extensions={"code": "NOT_FOUND"})
        tail = RunEventTail(
            instance, str(run_id), run.tags.get("canvas/workflow", ""), run_nodes(run)
        )
        while True:
            for event in await to_thread.run_sync(tail.poll):
                yield RunEventMessage.of(event)
            if tail.finished:
                return
            await asyncio.sleep(POLL_SECONDS)
