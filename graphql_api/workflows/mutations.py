from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import strawberry
from strawberry.scalars import JSON

from canvas_assets import Conflict, NotFound, OpsBatch, StoredWorkflow, StoreError
from graphql_api.auth import IsEditor, principal_of
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, NotFoundError
from graphql_api.workflows.types import (
    ApplyGraphOpsResult,
    Deleted,
    DeleteWorkflowResult,
    InvalidOpError,
    OpsApplied,
    OpsBatchInfo,
    RevisionConflict,
    ValidationReport,
    Workflow,
    WorkflowResult,
)
from node_library.graph import DocumentError
from node_library.graph_ops import OpError


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


@strawberry.input
class ApplyGraphOpsInput:
    workflow_id: strawberry.ID
    base_revision: int
    ops: list[JSON] = strawberry.field(
        description="add_node, remove_node, update_params, move_nodes, add_edge, remove_edge,"
        " set_label, rename_workflow, set_description, set_executor, add_group, update_group,"
        " remove_group"
        " (objects with an `op` field)"
    )
    batch_id: str | None = strawberry.field(
        default=None, description="a client-chosen id: a retried batch is never applied twice"
    )
    auto_rebase: bool = strawberry.field(
        default=False,
        description="when baseRevision is stale, apply the batch on top of the current revision"
        " if it touches nothing the batches since touched (else RevisionConflict as usual);"
        " OpsApplied.rebasedOver then lists those batches",
    )


def batch_info(batch: OpsBatch) -> OpsBatchInfo:
    return OpsBatchInfo(
        revision=batch.revision,
        author=batch.author,
        kind=batch.kind,
        ops=[JSON(op.model_dump(mode="json")) for op in batch.ops],
        batch_id=batch.batch_id,
    )


# Edits are applied off the event loop (checking a batch infers the sources' schemas, whose cost
# the caller controls: a large file), one at a time per API process as they were on the loop:
# concurrent writers in one process only contend for the store's write lock (on SQLite, busy
# waits took 100 editors from 330 to 950 ms p50 in bench/bench_api.py).
_EDITS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graph-edits")


@strawberry.type
class WorkflowMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Apply a batch of graph operations atomically on top of baseRevision.",
    )
    async def apply_graph_ops(self, info: Info, input: ApplyGraphOpsInput) -> ApplyGraphOpsResult:
        services = info.context.services
        try:
            result = await asyncio.get_running_loop().run_in_executor(
                _EDITS,
                functools.partial(
                    services.apply_graph_ops,
                    str(input.workflow_id),
                    input.base_revision,
                    list(input.ops),
                    author=principal_of(info).token_id,
                    batch_id=input.batch_id,
                    auto_rebase=input.auto_rebase,
                ),
            )
        except NotFound as exc:
            return NotFoundError(message=str(exc))
        except Conflict as exc:
            return RevisionConflict(
                message=str(exc),
                current_revision=exc.current_revision,
                ops_since=[batch_info(b) for b in exc.ops_since],
            )
        except OpError as exc:
            return InvalidOpError(
                message=str(exc),
                index=exc.index,
                code=exc.code,
                hint=exc.hint,
                node_id=exc.node_id,
            )
        except StoreError as exc:
            return InvalidOpError(message=str(exc), index=-1, code="refused", hint="", node_id=None)
        info.context.changes.notify(result.stored.id)
        assert result.validation is not None
        return OpsApplied(
            workflow=Workflow.of(result.stored),
            revision=result.stored.revision,
            validation=ValidationReport.of(result.validation),
            replayed=result.replayed,
            rebased_over=[batch_info(b) for b in result.rebased_over],
        )

    @strawberry.mutation(permission_classes=[IsEditor])
    def create_workflow(self, info: Info, input: CreateWorkflowInput) -> WorkflowResult:
        services = info.context.services
        return _mapped(lambda: services.create_workflow(input.name, input.slug, input.description))

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="A new workflow copied from a template (see `templates`); `name` defaults to"
        " the template's.",
    )
    def create_from_template(
        self, info: Info, template_id: strawberry.ID, name: str | None = None
    ) -> WorkflowResult:
        services = info.context.services
        return _mapped(lambda: services.create_from_template(str(template_id), name))

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
        return _mapped(lambda: info.context.services.import_workflow(document))  # type: ignore[arg-type]  # JSON scalar is typed object; load_workflow checks it

    @strawberry.mutation(permission_classes=[IsEditor])
    def delete_workflow(self, info: Info, id: strawberry.ID) -> DeleteWorkflowResult:
        try:
            stored = info.context.services.store.get(str(id))
            info.context.services.store.delete(stored.id)
            info.context.services.schedules.delete_for_workflow(stored.id)
        except NotFound as exc:
            return NotFoundError(message=str(exc))
        return Deleted(id=strawberry.ID(stored.id))
