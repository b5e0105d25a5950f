"""Run mutations. A launch plans the run first (fingerprinting its sources: hashing files,
asking databases), so it runs in a worker thread, off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import strawberry

from canvas_assets import Launch, NotFound, PlanError, RunRefused, Selection, run_details
from graphql_api.auth import IsEditor, principal_of
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, InvalidWorkflowError, Issue, NotFoundError
from graphql_api.runs.types import (
    CancelRunResult,
    LaunchRunInput,
    LaunchRunResult,
    RunCanceling,
    RunLaunched,
    RunTrigger,
)
from graphql_api.runs.visibility import can_see


def _launched(launch: Callable[[], Launch], field: str) -> LaunchRunResult:
    """A launch's result, or the user error that refused it (`field`: the input to fix)."""
    try:
        return RunLaunched.of(launch())
    except NotFound as exc:
        return NotFoundError(message=str(exc))
    except PlanError as exc:  # lists only the errors of the nodes this run needs
        return InvalidWorkflowError(
            message="nodes this run needs have errors; fix them, or run a part of the workflow"
            " that does not need them",
            issues=[Issue.of(i) for i in exc.issues],
        )
    except RunRefused as exc:
        return InvalidInputError(message=str(exc), field=field)


@strawberry.type
class RunMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Start a run; returns at once with its id (or nothing to do).",
    )
    async def launch_run(self, info: Info, input: LaunchRunInput) -> LaunchRunResult:
        principal = principal_of(info)
        return await asyncio.to_thread(
            _launched,
            lambda: info.context.launcher.launch(
                str(input.workflow_id),
                Selection(input.selection.value),
                node=input.node,
                nodes=input.nodes,
                owner=principal.token_id,
                private=input.private,
                trigger=input.trigger.value,
            ),
            "selection",
        )

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Re-execute a failed or canceled run from its failure: a new run of the nodes"
        " it did not complete, reusing the stored results of those it did.",
    )
    async def reexecute_run(
        self,
        info: Info,
        id: strawberry.ID,
        private: bool = False,
        trigger: RunTrigger = RunTrigger.API,
    ) -> LaunchRunResult:
        principal = principal_of(info)
        details = await asyncio.to_thread(run_details, info.context.services.instance, str(id))
        if details is None or not can_see(principal, details.tags):
            return NotFoundError(message=f"no run {id}")
        return await asyncio.to_thread(
            _launched,
            lambda: info.context.launcher.reexecute_from_failure(
                str(id), owner=principal.token_id, private=private, trigger=trigger.value
            ),
            "id",
        )

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Stop a run: the engine stops its running nodes within a second; nodes that"
        " finished keep their results.",
    )
    def cancel_run(self, info: Info, id: strawberry.ID) -> CancelRunResult:
        details = run_details(info.context.services.instance, str(id))
        if details is None or not can_see(principal_of(info), details.tags):
            return NotFoundError(message=f"no run {id}")
        if details.status in ("SUCCESS", "FAILURE", "CANCELED") or not (
            info.context.launcher.cancel(str(id))
        ):
            return InvalidInputError(
                message=f"run {id} already finished ({details.status}); nothing to cancel",
                field="id",
            )
        return RunCanceling(run_id=id)
