from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.scalars import JSON

from canvas_assets import NotFound, StoredWorkflow, StoreError
from graphql_api.auth import IsEditor
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, NotFoundError
from graphql_api.workflows.types import Deleted, DeleteWorkflowResult, Workflow, WorkflowResult
from node_library.graph import DocumentError


@strawberry.input
class CreateWorkflowInput:
    name: str
    slug: str | None = None
    description: str = ""


def _mapped(call: Callable[[], StoredWorkflow]) -> WorkflowResult:
    """Run a store call and map its errors to typed results."""
    try:
        return Workflow.of(call())
    except NotFound as exc:
        return NotFoundError(message=str(exc))
    except (StoreError, DocumentError, ValueError) as exc:
        return InvalidInputError(message=str(exc))


@strawberry.type
class WorkflowMutations:
    @strawberry.mutation(permission_classes=[IsEditor])
    def create_workflow(self, info: Info, input: CreateWorkflowInput) -> WorkflowResult:
        services = info.context.services
        return _mapped(lambda: services.create_workflow(input.name, input.slug, input.description))

    @strawberry.mutation(permission_classes=[IsEditor])
    def rename_workflow(self, info: Info, id: strawberry.ID, name: str) -> WorkflowResult:
        return _mapped(lambda: info.context.services.rename_workflow(str(id), name))

    @strawberry.mutation(permission_classes=[IsEditor])
    def duplicate_workflow(
        self, info: Info, id: strawberry.ID, name: str | None = None
    ) -> WorkflowResult:
        return _mapped(lambda: info.context.services.duplicate_workflow(str(id), name))

    @strawberry.mutation(permission_classes=[IsEditor])
    def import_workflow(self, info: Info, document: JSON) -> WorkflowResult:
        return _mapped(lambda: info.context.services.import_workflow(document))  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=[IsEditor])
    def delete_workflow(self, info: Info, id: strawberry.ID) -> DeleteWorkflowResult:
        try:
            stored = info.context.services.store.get(str(id))
            info.context.services.store.delete(stored.id)
        except NotFound as exc:
            return NotFoundError(message=str(exc))
        return Deleted(id=strawberry.ID(stored.id))
