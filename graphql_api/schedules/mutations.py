from __future__ import annotations

import strawberry

from canvas_assets import NotFound, ScheduleError
from graphql_api.auth import IsEditor
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, NotFoundError
from graphql_api.schedules.types import (
    DeleteScheduleResult,
    Schedule,
    ScheduleDeleted,
    ScheduleInput,
    ScheduleResult,
    ScheduleUpdate,
)


def _invalid(exc: ScheduleError) -> InvalidInputError:
    return InvalidInputError(message=str(exc), field=exc.field, hint=exc.hint)


@strawberry.type
class ScheduleMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Schedule a workflow, or one node with its upstream; each tick runs what is"
        " stale and skips when everything is fresh.",
    )
    def create_schedule(self, info: Info, input: ScheduleInput) -> ScheduleResult:
        services = info.context.services
        try:
            workflow = services.store.get(str(input.workflow_id)).workflow
            created = services.schedules.create(
                workflow, input.cron, input.timezone, input.node, input.enabled
            )
        except NotFound as exc:
            return NotFoundError(message=str(exc))
        except ScheduleError as exc:
            return _invalid(exc)
        return Schedule.of(created)

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Change a schedule's cron, time zone or enabled flag (toggle: {enabled:"
        " false}).",
    )
    def update_schedule(
        self, info: Info, id: strawberry.ID, input: ScheduleUpdate
    ) -> ScheduleResult:
        store = info.context.services.schedules
        try:
            updated = store.update(str(id), input.cron, input.timezone, input.enabled)
        except NotFound as exc:
            return NotFoundError(message=str(exc))
        except ScheduleError as exc:
            return _invalid(exc)
        return Schedule.of(updated)

    @strawberry.mutation(permission_classes=[IsEditor], description="Delete a schedule.")
    def delete_schedule(self, info: Info, id: strawberry.ID) -> DeleteScheduleResult:
        if not info.context.services.schedules.delete(str(id)):
            return NotFoundError(message=f"no schedule {id}")
        return ScheduleDeleted(id=id)
