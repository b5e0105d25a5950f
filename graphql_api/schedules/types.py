"""GraphQL types of schedules: a workflow (or one node with its upstream) on a cron schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import dagster as dg
import strawberry

from canvas_assets import Schedule as StoredSchedule
from canvas_assets import run_details
from graphql_api.auth import principal_of
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, NotFoundError
from graphql_api.runs.types import Run
from graphql_api.runs.visibility import can_see

SCHEDULE_TAG = "canvas/schedule"


@strawberry.type(description="A workflow, or one node with its upstream, run on a cron schedule.")
class Schedule:
    id: strawberry.ID
    workflow_id: strawberry.ID
    node: str | None = strawberry.field(
        description="null: the whole workflow; else this node with its upstream"
    )
    cron: str
    timezone: str = strawberry.field(description="IANA time zone the cron is read in")
    enabled: bool
    description: str = strawberry.field(
        description="human-readable cron, or the cron itself when no describer is available"
    )
    next_tick: datetime | None = strawberry.field(description="null when disabled")

    @strawberry.field(
        description="The newest run this schedule produced (runs tagged canvas/schedule=<id>)."
    )
    def last_run(self, info: Info) -> Run | None:
        instance = info.context.services.instance
        records = instance.get_run_records(
            dg.RunsFilter(tags={SCHEDULE_TAG: str(self.id)}), limit=1
        )
        if not records:
            return None
        details = run_details(instance, records[0].dagster_run.run_id)
        if details is None or not can_see(principal_of(info), details.tags):
            return None
        return Run.of(details)

    @classmethod
    def of(cls, schedule: StoredSchedule) -> Schedule:
        return cls(
            id=strawberry.ID(schedule.id),
            workflow_id=strawberry.ID(schedule.workflow_id),
            node=schedule.node,
            cron=schedule.cron,
            timezone=schedule.timezone,
            enabled=schedule.enabled,
            description=schedule.description,
            next_tick=schedule.next_tick(),
        )


@strawberry.input
class ScheduleInput:
    workflow_id: strawberry.ID
    node: str | None = strawberry.field(
        default=None, description="null: the whole workflow; else this node with its upstream"
    )
    cron: str = strawberry.field(description='five fields, e.g. "0 6 * * *"')
    timezone: str = "UTC"
    enabled: bool = True


@strawberry.input(description="What to change; omitted fields stay. Toggle: {enabled: false}.")
class ScheduleUpdate:
    cron: str | None = None
    timezone: str | None = None
    enabled: bool | None = None


@strawberry.type
class ScheduleDeleted:
    id: strawberry.ID


ScheduleResult = Annotated[
    Schedule | InvalidInputError | NotFoundError, strawberry.union("ScheduleResult")
]
DeleteScheduleResult = Annotated[
    ScheduleDeleted | NotFoundError, strawberry.union("DeleteScheduleResult")
]
