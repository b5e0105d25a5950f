from __future__ import annotations

import strawberry

from canvas_assets import NotFound, PlanError, RunRefused, Selection, run_details
from graphql_api.auth import IsEditor, principal_of
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, InvalidWorkflowError, Issue, NotFoundError
from graphql_api.runs.types import (
    CancelRunResult,
    LaunchRunInput,
    LaunchRunResult,
    RunCanceling,
    RunLaunched,
)
from graphql_api.runs.visibility import can_see
from graphql_api.workflows.types import NodeStatus


@strawberry.type
class RunMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Start a run; returns at once with its id (or nothing to do).",
    )
    def launch_run(self, info: Info, input: LaunchRunInput) -> LaunchRunResult:
        principal = principal_of(info)
        try:
            launch = info.context.launcher.launch(
                str(input.workflow_id),
                Selection(input.selection.value),
                node=input.node,
                nodes=input.nodes,
                owner=principal.token_id,
                private=input.private,
            )
        except NotFound as exc:
            return NotFoundError(message=str(exc))
        except PlanError as exc:
            return InvalidWorkflowError(
                message="the workflow has errors; fix them before running",
                issues=[Issue.of(i) for i in exc.issues],
            )
        except RunRefused as exc:
            return InvalidInputError(message=str(exc), field="selection")
        prepared = launch.prepared
        return RunLaunched(
            run_id=strawberry.ID(launch.run_id) if launch.run_id else None,
            nothing_to_do=launch.run_id is None,
            nodes=prepared.to_run,
            statuses=[NodeStatus.of(prepared.statuses[n]) for n in prepared.plan.order],
        )

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Stop a run before its next node starts.",
    )
    def cancel_run(self, info: Info, id: strawberry.ID) -> CancelRunResult:
        details = run_details(info.context.services.instance, str(id))
        active = info.context.launcher.is_active(str(id))
        if (details is None and not active) or (
            details is not None and not can_see(principal_of(info), details.tags)
        ):
            return NotFoundError(message=f"no run {id}")
        if details is not None and details.status in ("SUCCESS", "FAILURE", "CANCELED"):
            return InvalidInputError(
                message=f"run {id} already finished ({details.status}); nothing to cancel",
                field="id",
            )
        if not info.context.launcher.cancel(str(id)):
            return InvalidInputError(
                message=f"run {id} is not running in this server; cancel it in the Dagster UI",
                field="id",
            )
        return RunCanceling(run_id=id)
