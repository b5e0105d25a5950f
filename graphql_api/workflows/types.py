"""GraphQL types of workflows: the graph as drawn, validation with inferred schemas, status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from canvas_assets import NodeStatus as CoreNodeStatus
from canvas_assets import StoredWorkflow
from graphql_api.errors import InvalidInputError, Issue, NotFoundError, UserError
from node_library.graph import Workflow as CoreWorkflow
from node_library.schema import Column
from node_library.validation import ValidationResult


@strawberry.type
class Position:
    x: float
    y: float


@strawberry.type
class WorkflowNode:
    id: str
    type: str
    type_version: int
    params: JSON
    position: Position
    label: str


@strawberry.type
class WorkflowEdge:
    id: str
    source: str
    source_port: str
    target: str
    target_port: str


@strawberry.type
class WorkflowGroup:
    id: str
    title: str
    node_ids: list[str]
    collapsed: bool


@strawberry.type
class Workflow:
    id: strawberry.ID
    slug: str
    name: str
    description: str
    revision: int
    updated_at: datetime
    nodes: list[WorkflowNode]
    edges: list[WorkflowEdge]
    groups: list[WorkflowGroup]
    executor: str = strawberry.field(
        description="where runs execute: local (the engine on this machine) or celery"
    )
    node_count: int = strawberry.field(description="How many nodes the graph has.")
    document: JSON = strawberry.field(description="The whole graph document, as exported.")

    @classmethod
    def of(cls, stored: StoredWorkflow) -> Workflow:
        wf = stored.workflow
        return cls(
            id=strawberry.ID(wf.id),
            slug=wf.slug,
            name=wf.name,
            description=wf.description,
            executor=wf.settings.executor,
            revision=stored.revision,
            updated_at=stored.updated_at,
            nodes=[
                WorkflowNode(
                    id=n.id,
                    type=n.type,
                    type_version=n.type_version,
                    params=JSON(n.params),
                    position=Position(x=n.position.x, y=n.position.y),
                    label=n.label,
                )
                for n in wf.nodes
            ],
            edges=[
                WorkflowEdge(
                    id=e.id,
                    source=e.source,
                    source_port=e.source_port,
                    target=e.target,
                    target_port=e.target_port,
                )
                for e in wf.edges
            ],
            groups=[
                WorkflowGroup(id=g.id, title=g.title, node_ids=g.node_ids, collapsed=g.collapsed)
                for g in wf.groups
            ],
            node_count=len(wf.nodes),
            document=JSON(wf.model_dump(mode="json")),
        )


@strawberry.type(description="An example workflow a new workflow can start from.")
class Template:
    id: strawberry.ID = strawberry.field(description="the example's slug")
    name: str
    description: str
    node_count: int
    node_types: list[str] = strawberry.field(description="the node type ids it uses, sorted")

    @classmethod
    def of(cls, workflow: CoreWorkflow) -> Template:
        return cls(
            id=strawberry.ID(workflow.slug),
            name=workflow.name,
            description=workflow.description,
            node_count=len(workflow.nodes),
            node_types=sorted({n.type for n in workflow.nodes}),
        )


@strawberry.type
class WorkflowPage:
    items: list[Workflow]
    offset: int
    has_more: bool


@strawberry.enum(
    description="What a column is for: the target a model predicts, a feature it learns from"
    " (every column's role unless a source or a Set roles node says otherwise), an id naming a"
    " row, or a column to ignore."
)
class ColumnRole(Enum):
    TARGET = "target"
    FEATURE = "feature"
    ID = "id"
    IGNORE = "ignore"


@strawberry.type
class ColumnInfo:
    name: str
    dtype: str
    role: ColumnRole = ColumnRole.FEATURE


@strawberry.type(description="Columns of one output port, known before a run (null: unknown).")
class PortSchemaInfo:
    node_id: str
    port: str
    columns: list[ColumnInfo] | None


@strawberry.type
class ValidationReport:
    ok: bool
    issues: list[Issue]
    schemas: list[PortSchemaInfo]

    @classmethod
    def of(cls, result: ValidationResult) -> ValidationReport:
        schemas = []
        for node_id, ports in result.schemas.items():
            for port, schema in ports.items():
                columns = column_infos(schema.columns if schema is not None else None)
                schemas.append(PortSchemaInfo(node_id=node_id, port=port, columns=columns))
        return cls(ok=result.ok, issues=[Issue.of(i) for i in result.issues], schemas=schemas)


def column_infos(columns: Iterable[Column] | None) -> list[ColumnInfo] | None:
    """Columns as the API shows them, roles included (None: known only after a run)."""
    if columns is None:
        return None
    return [
        ColumnInfo(name=c.name, dtype=c.dtype.value, role=ColumnRole(c.role.value)) for c in columns
    ]


@strawberry.type(
    description="A node named by another's status or error: its id and the title the canvas"
    " shows for it (its label, else its type's name)."
)
class NodeName:
    node_id: str
    label: str


@strawberry.type(description="Whether a node's stored result matches the current graph.")
class NodeStatus:
    node_id: str
    state: str = strawberry.field(
        description="fresh, stale, missing, or invalid: the node or a node upstream of it has"
        " errors, so it cannot run (the rest of the workflow still can)"
    )
    reason: str
    cache_key: str
    deterministic: bool
    last_duration_s: float | None = strawberry.field(
        description="how long the node's latest run took (an estimate for the next one)"
    )
    last_rows_out: int | None
    last_memory_mb: float | None = strawberry.field(
        description="peak memory the node's latest run added, MB"
    )
    last_run_id: strawberry.ID | None = strawberry.field(
        description="the Dagster run that made the node's latest stored result"
    )
    last_run_at: datetime | None = strawberry.field(
        description="when the node's latest result was stored"
    )
    asset_key: list[str] | None = strawberry.field(
        description="the Dagster asset key of the node's latest result (its first output), as"
        " the Dagster UI shows it; null before the node was first run"
    )
    issues: list[Issue] = strawberry.field(
        description="why an invalid node cannot run: its own errors first, then an"
        " upstream_invalid issue per upstream node whose errors block it; empty otherwise"
    )
    blocked_by: list[NodeName] = strawberry.field(
        description="the upstream nodes whose errors keep an invalid node from running (empty"
        " when only its own errors do)"
    )

    @classmethod
    def of(cls, status: CoreNodeStatus) -> NodeStatus:
        last = status.last
        rows = last.get("rows_out")
        return cls(
            node_id=status.node_id,
            state=status.state.value,
            reason=status.reason,
            cache_key=status.cache_key,
            deterministic=status.deterministic,
            last_duration_s=last.get("duration_s"),
            last_rows_out=int(rows) if rows is not None else None,
            last_memory_mb=last.get("memory_mb"),
            last_run_id=strawberry.ID(last["run_id"]) if last.get("run_id") else None,
            last_run_at=(
                datetime.fromtimestamp(last["timestamp"], UTC) if last.get("timestamp") else None
            ),
            asset_key=[str(part) for part in last["asset_key"]] if last.get("asset_key") else None,
            issues=[Issue.of(i) for i in status.issues],
            blocked_by=[NodeName(node_id=n.node_id, label=n.label) for n in status.blocked_by],
        )


@strawberry.type
class NodeStatuses:
    workflow_id: strawberry.ID
    revision: int
    nodes: list[NodeStatus]


@strawberry.type
class Deleted:
    id: strawberry.ID


WorkflowResult = Annotated[
    Workflow | NotFoundError | InvalidInputError, strawberry.union("WorkflowResult")
]
ValidationResult_ = Annotated[
    ValidationReport | NotFoundError | InvalidInputError,
    strawberry.union("ValidateWorkflowResult"),
]
NodeStatusesResult = Annotated[
    NodeStatuses | NotFoundError | InvalidInputError, strawberry.union("NodeStatusesResult")
]
DeleteWorkflowResult = Annotated[Deleted | NotFoundError, strawberry.union("DeleteWorkflowResult")]


@strawberry.type(description="One logged batch of graph operations: what made `revision`.")
class OpsBatchInfo:
    revision: int
    author: str
    kind: str = strawberry.field(description="create, ops or replace_document")
    ops: list[JSON]
    batch_id: str | None


@strawberry.type
class OpsApplied:
    workflow: Workflow
    revision: int
    validation: ValidationReport
    replayed: bool = strawberry.field(
        description="true when this batch id was applied before: its stored result, unchanged"
    )
    rebased_over: list[OpsBatchInfo] = strawberry.field(
        description="the batches after baseRevision this batch was applied on top of (autoRebase),"
        " oldest first: apply them locally to catch up; empty when not rebased"
    )


@strawberry.type(description="The base revision is stale; nothing was applied.")
class RevisionConflict(UserError):
    current_revision: int
    ops_since: list[OpsBatchInfo]


@strawberry.type(description="An op of the batch cannot apply; nothing was applied.")
class InvalidOpError(UserError):
    index: int
    code: str
    hint: str
    node_id: str | None


@strawberry.type
class WorkflowChange:
    workflow_id: strawberry.ID
    revision: int
    author: str
    kind: str
    ops: list[JSON]
    batch_id: str | None


ApplyGraphOpsResult = Annotated[
    OpsApplied | RevisionConflict | InvalidOpError | NotFoundError,
    strawberry.union("ApplyGraphOpsResult"),
]
