"""GraphQL types of runs: launches, per-node steps, live events."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from canvas_assets import (
    EXECUTOR_TAG,
    PARENT_RUN_TAG,
    Launch,
    NodeRunState,
    RunDetails,
    RunEvent,
    run_metrics,
)
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, InvalidWorkflowError, NotFoundError
from graphql_api.workflows.types import NodeStatus


@strawberry.enum(description="Which nodes a run executes.")
class RunSelection(Enum):
    ALL = "all"  # every node, recomputed
    STALE = "stale"  # the stale and missing nodes
    UPSTREAM = "upstream"  # a node and its upstream, stale and missing ones only
    ONLY = "only"  # just one node (its inputs must have results)
    NODES = "nodes"  # exactly the given nodes, recomputed


@strawberry.enum(description="Who started a run.")
class RunTrigger(Enum):
    MANUAL = "manual"  # a person, from the canvas
    API = "api"  # another program, over the API
    SCHEDULE = "schedule"  # a schedule's tick (set by the daemon, never by a client)


@strawberry.input
class LaunchRunInput:
    workflow_id: strawberry.ID
    selection: RunSelection = RunSelection.STALE
    node: str | None = None
    nodes: list[str] | None = None
    private: bool = strawberry.field(
        default=False, description="only you (and admins) can see a private run"
    )
    trigger: RunTrigger = strawberry.field(
        default=RunTrigger.API, description="MANUAL from the canvas; API otherwise"
    )


@strawberry.type
class RunLaunched:
    run_id: strawberry.ID | None = strawberry.field(description="null when nothing was to do")
    nothing_to_do: bool
    nodes: list[str] = strawberry.field(description="the nodes this run executes, in order")
    statuses: list[NodeStatus]
    note: str = strawberry.field(
        description="what to know about the launch, e.g. that the run waits for an engine"
    )

    @classmethod
    def of(cls, launch: Launch) -> RunLaunched:
        prepared = launch.prepared
        return cls(
            run_id=strawberry.ID(launch.run_id) if launch.run_id else None,
            nothing_to_do=launch.run_id is None,
            nodes=prepared.to_run,
            # every node, the invalid ones too: the canvas replaces its statuses with these
            statuses=[NodeStatus.of(prepared.statuses[n]) for n in prepared.plan.node_ids],
            note=launch.note,
        )


def _at(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


@strawberry.type
class RunStep:
    node_id: str
    status: str = strawberry.field(description="queued, running, succeeded, failed or skipped")
    started_at: datetime | None
    ended_at: datetime | None
    duration_s: float | None
    rows_out: int | None
    message: str
    progress_done: int | None
    progress_total: int | None
    rows_in: int | None
    memory_mb: float | None = strawberry.field(description="peak memory the node added, in MB")
    details: str = strawberry.field(description="a failure's full error with its traceback")
    logs: list[str] = strawberry.field(description="the node's last log lines")

    @classmethod
    def of(cls, state: NodeRunState) -> RunStep:
        return cls(
            node_id=state.node_id,
            status=state.status,
            started_at=_at(state.started_at),
            ended_at=_at(state.ended_at),
            duration_s=state.duration_s,
            rows_out=state.rows,
            message=state.message,
            progress_done=state.progress[0] if state.progress else None,
            progress_total=state.progress[1] if state.progress else None,
            rows_in=state.rows_in,
            memory_mb=state.memory_mb,
            details=state.details,
            logs=state.logs,
        )


@strawberry.type(description="The metrics one node produced in a run, flattened to named scalars.")
class RunNodeMetrics:
    node_id: str
    port: str
    values: JSON = strawberry.field(description='{"accuracy": 0.97, "report.setosa.f1": 0.95}')


@strawberry.type
class Run:
    id: strawberry.ID
    workflow_slug: str
    status: str = strawberry.field(
        description="QUEUED, STARTED, SUCCESS, FAILURE or CANCELED (Dagster's run status)"
    )
    trigger: str
    selection: str
    private: bool
    created_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    duration_s: float | None
    steps: list[RunStep]
    parent_run_id: strawberry.ID | None = strawberry.field(
        description="the run this one re-executes from its failure"
    )
    executor: str = strawberry.field(description="in_process, fork (parallel) or celery")
    schedule_id: str | None = strawberry.field(description="the schedule that started it")

    @strawberry.field(
        description="Metrics of the nodes this run executed, to compare runs side by side."
    )
    def metrics(self, info: Info) -> list[RunNodeMetrics]:
        services = info.context.services
        return [
            RunNodeMetrics(node_id=m.node_id, port=m.port, values=cast(JSON, m.values))
            for m in run_metrics(services.instance, services.artifacts, str(self.id))
        ]

    @classmethod
    def of(cls, details: RunDetails) -> Run:
        duration = (
            details.ended_at - details.started_at
            if details.started_at and details.ended_at
            else None
        )
        return cls(
            id=strawberry.ID(details.run_id),
            workflow_slug=details.slug,
            status=details.status,
            trigger=details.tags.get("canvas/trigger", "dagster"),
            selection=details.tags.get("canvas/selection", ""),
            private=details.tags.get("canvas/private") == "1",
            created_at=_at(details.created_at),
            started_at=_at(details.started_at),
            ended_at=_at(details.ended_at),
            duration_s=duration,
            steps=[RunStep.of(n) for n in details.nodes],
            parent_run_id=(
                strawberry.ID(details.tags[PARENT_RUN_TAG])
                if details.tags.get(PARENT_RUN_TAG)
                else None
            ),
            executor=details.tags.get(EXECUTOR_TAG, "in_process"),
            schedule_id=details.tags.get("canvas/schedule"),
        )


@strawberry.type
class RunCanceling:
    run_id: strawberry.ID


@strawberry.type(description="One thing that happened in a run.")
class RunEventMessage:
    kind: str = strawberry.field(
        description="queued, started, progress, log, succeeded, failed, skipped, run_finished"
    )
    at: datetime
    node_id: str | None
    message: str
    done: int | None
    total: int | None
    duration_s: float | None
    rows: int | None
    status: str | None
    rows_in: int | None
    memory_mb: float | None = strawberry.field(description="succeeded: peak memory added, MB")
    details: str = strawberry.field(description="failed: the full error with its traceback")

    @classmethod
    def of(cls, event: RunEvent) -> RunEventMessage:
        return cls(
            kind=event.kind.value,
            at=datetime.fromtimestamp(event.timestamp, UTC),
            node_id=event.node_id,
            message=event.message,
            done=event.done,
            total=event.total,
            duration_s=event.duration_s,
            rows=event.rows,
            status=event.status,
            rows_in=event.rows_in,
            memory_mb=event.memory_mb,
            details=event.details,
        )


LaunchRunResult = Annotated[
    RunLaunched | InvalidWorkflowError | NotFoundError | InvalidInputError,
    strawberry.union("LaunchRunResult"),
]
RunResult = Annotated[Run | NotFoundError, strawberry.union("RunResult")]
CancelRunResult = Annotated[
    RunCanceling | NotFoundError | InvalidInputError, strawberry.union("CancelRunResult")
]
