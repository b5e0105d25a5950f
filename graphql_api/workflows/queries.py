"""Workflow queries. Validation and status read the sources' schemas and fingerprints, whose cost
the caller controls (a large file, a slow database), so they run in a worker thread: one slow
validation never stalls the event loop that serves everyone else."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.scalars import JSON

from canvas_assets import NotFound, StoreError
from graphql_api.auth import IsViewer
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, NotFoundError
from graphql_api.workflows.types import (
    NodeStatus,
    NodeStatuses,
    NodeStatusesResult,
    Template,
    ValidationReport,
    ValidationResult_,
    Workflow,
    WorkflowPage,
    WorkflowResult,
)
from node_library.graph import DocumentError, load_workflow
from node_library.secrets import redact_workflow


@strawberry.type
class WorkflowQueries:
    @strawberry.field(permission_classes=[IsViewer], description="Workflows, by name.")
    def workflows(
        self, info: Info, search: str = "", first: int = 50, offset: int = 0
    ) -> WorkflowPage:
        first = info.context.page_size(first)
        rows = info.context.services.store.list(search=search, limit=first + 1, offset=offset)
        return WorkflowPage(
            items=[Workflow.of(s) for s in rows[:first]], offset=offset, has_more=len(rows) > first
        )

    @strawberry.field(permission_classes=[IsViewer], description="A workflow by id or slug.")
    def workflow(self, info: Info, id: strawberry.ID) -> WorkflowResult:
        try:
            return Workflow.of(info.context.services.store.get(str(id)))
        except NotFound as exc:
            return NotFoundError(message=str(exc))

    @strawberry.field(
        permission_classes=[IsViewer],
        description="Issues and the inferred schema of every port, for a stored workflow (id) or"
        " a document sent inline.",
    )
    async def validate_workflow(
        self, info: Info, id: strawberry.ID | None = None, document: JSON | None = None
    ) -> ValidationResult_:
        if (id is None) == (document is None):
            return InvalidInputError(
                message="give either id or document", hint="send exactly one of them"
            )
        return await asyncio.to_thread(_validate, info, id, document)

    @strawberry.field(
        permission_classes=[IsViewer],
        description="Fresh, stale, missing or invalid for every node, with the reason. Errors in"
        " some nodes make those nodes (and the ones downstream) invalid, not the query fail.",
    )
    async def node_statuses(self, info: Info, workflow_id: strawberry.ID) -> NodeStatusesResult:
        return await asyncio.to_thread(_node_statuses, info, workflow_id)

    @strawberry.field(
        permission_classes=[IsViewer],
        description="The example workflows to start from (createFromTemplate copies one).",
    )
    def templates(self, info: Info) -> list[Template]:
        return [Template.of(t) for t in info.context.services.templates()]

    @strawberry.field(permission_classes=[IsViewer], description="The workflow's JSON document.")
    def export_workflow(self, info: Info, id: strawberry.ID) -> JSON | None:
        try:
            services = info.context.services
            workflow = redact_workflow(services.store.get(str(id)).workflow, services.registry)
            return JSON(workflow.model_dump(mode="json"))
        except NotFound:
            return None


def _validate(info: Info, id: strawberry.ID | None, document: JSON | None) -> ValidationResult_:
    services = info.context.services
    try:
        workflow = (
            services.store.get(str(id)).workflow
            if id is not None
            else load_workflow(document, services.registry)  # type: ignore[arg-type]  # JSON scalar is typed object; load_workflow checks it
        )
    except NotFound as exc:
        return NotFoundError(message=str(exc))
    except DocumentError as exc:
        return InvalidInputError(message=str(exc), field="document")
    return ValidationReport.of(services.validate(workflow))


def _node_statuses(info: Info, workflow_id: strawberry.ID) -> NodeStatusesResult:
    services = info.context.services
    try:
        stored = services.store.get(str(workflow_id))
        # a partial plan: nodes with errors (and downstream of them) are invalid, the rest as usual
        statuses = services.statuses(services.plan(stored))
    except NotFound as exc:
        return NotFoundError(message=str(exc))
    except StoreError as exc:
        return InvalidInputError(message=f"cannot read the workflow: {exc}", field="workflowId")
    return NodeStatuses(
        workflow_id=strawberry.ID(stored.id),
        revision=stored.revision,
        nodes=[NodeStatus.of(s) for s in statuses.values()],
    )
