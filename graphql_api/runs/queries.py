from __future__ import annotations

import strawberry

from canvas_assets import NotFound, run_details, workflow_runs
from graphql_api.auth import IsViewer, principal_of
from graphql_api.context import Info
from graphql_api.errors import NotFoundError
from graphql_api.runs.types import Run, RunResult
from graphql_api.runs.visibility import can_see


@strawberry.type
class RunQueries:
    @strawberry.field(permission_classes=[IsViewer], description="A workflow's runs, newest first.")
    def runs(self, info: Info, workflow_id: strawberry.ID, first: int = 20) -> list[Run]:
        first = info.context.page_size(first)
        services = info.context.services
        try:
            slug = services.store.get(str(workflow_id)).workflow.slug
        except NotFound:
            return []
        principal = principal_of(info)
        return [
            Run.of(d)
            for d in workflow_runs(services.instance, slug, first)
            if can_see(principal, d.tags)
        ]

    @strawberry.field(permission_classes=[IsViewer], description="One run with per-node steps.")
    def run(self, info: Info, id: strawberry.ID) -> RunResult:
        details = run_details(info.context.services.instance, str(id))
        if details is None or not can_see(principal_of(info), details.tags):
            return NotFoundError(message=f"no run {id}")
        return Run.of(details)
