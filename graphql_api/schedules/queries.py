from __future__ import annotations

import strawberry

from graphql_api.auth import IsViewer
from graphql_api.context import Info
from graphql_api.schedules.types import Schedule


@strawberry.type
class ScheduleQueries:
    @strawberry.field(
        permission_classes=[IsViewer], description="A workflow's schedules, oldest first."
    )
    def schedules(self, info: Info, workflow_id: strawberry.ID) -> list[Schedule]:
        store = info.context.services.schedules
        return [Schedule.of(s) for s in store.list(str(workflow_id))]
