from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

import strawberry
from anyio import to_thread
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.scalars import JSON

from canvas_assets import NotFound
from graphql_api.auth import IsViewer
from graphql_api.context import Info
from graphql_api.workflows.changes import POLL_SECONDS
from graphql_api.workflows.types import WorkflowChange


@strawberry.type
class WorkflowSubscriptions:
    @strawberry.subscription(
        permission_classes=[IsViewer],
        description="Every batch applied to the workflow after `sinceRevision` (default: now).",
    )
    async def workflow_changed(
        self, info: Info, workflow_id: strawberry.ID, since_revision: int | None = None
    ) -> AsyncGenerator[WorkflowChange, None]:
        store, hub = info.context.services.store, info.context.changes
        try:
            stored = await to_thread.run_sync(store.get, str(workflow_id))
        except NotFound as exc:
            raise StrawberryGraphQLError(str(exc), extensions={"code": "NOT_FOUND"}) from exc
        revision = stored.revision if since_revision is None else since_revision
        wake = hub.subscribe(stored.id)
        try:
            while True:
                batches = await to_thread.run_sync(store.ops_since, stored.id, revision)
                for batch in batches:
                    revision = batch.revision
                    yield WorkflowChange(
                        workflow_id=strawberry.ID(stored.id),
                        revision=batch.revision,
                        author=batch.author,
                        kind=batch.kind,
                        ops=[JSON(op.model_dump(mode="json")) for op in batch.ops],
                        batch_id=batch.batch_id,
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), POLL_SECONDS)
                wake.clear()
        finally:
            hub.unsubscribe(stored.id, wake)
