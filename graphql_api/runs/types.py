"""GraphQL types of runs: launches, per-node steps, live events."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated

import strawberry

from canvas_assets import NodeRunState, RunDetails, RunEvent
from graphql_api.errors import InvalidInputError, InvalidWorkflowError, NotFoundError
from graphql_api.workflows.types import NodeStatus


@strawberry.enum(description="Which nodes a run executes.")
class RunSelection(Enum):
    ALL = "all"  # every node, recomputed
    STALE = "stale"  # the stale and missing nodes
    UPSTREAM = "upstream"  # a node and its upstream, stale and missing ones only
    ONLY = "only"  # just one node (its inputs must have results)
    NODES = "nodes"  # exactly the given nodes, recomputed


@strawberry.input
class LaunchRunInput:
    workflow_id: strawberry.ID
    selection: RunSelection = RunSelection.STALE
    node: str | None = None
    nodes: list[str] | None = None
    private: bool = strawberry.field(
        default=False, description="only you (and admins) can see a private run"
    )


@strawberry.type
class RunLaunched:
    run_id: strawberry.ID | None = strawberry.field(description="null when nothing was to do")
    nothing_to_do: bool
    nodes: list[str] = strawberry.field(description="the nodes this run executes, in order")
    statuses: list[NodeStatus]


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
        )


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
        )


LaunchRunResult = Annotated[
    RunLaunched | InvalidWorkflowError | NotFoundError | InvalidInputError,
    strawberry.union("LaunchRunResult"),
]
RunResult = Annotated[Run | NotFoundError, strawberry.union("RunResult")]
CancelRunResult = Annotated[
    RunCanceling | NotFoundError | InvalidInputError, strawberry.union("CancelRunResult")
]
