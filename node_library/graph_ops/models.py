"""The graph operations themselves: one pydantic model per op and `GraphOp`, their union.

The union is discriminated by the field `op`. These models are the wire format: `wire` reads and
writes them, `schema` exports their JSON Schema for the canvas, and the rest of the package says
what they mean.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from node_library.graph import Edge, Group, Node, Position

GROUP_TITLE_MAX = 200
GROUP_ID_MAX = 100


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GroupSlot(BaseModel):
    """A place in a group's member list: `index` None appends."""

    model_config = ConfigDict(extra="forbid")

    group_id: str
    index: int | None = Field(None, ge=0)


class AddNodeOp(_Op):
    op: Literal["add_node"] = "add_node"
    node: Node
    # Where in `workflow.nodes` (z-order on the canvas); None appends. Used by undo of remove_node.
    index: int | None = Field(None, ge=0)
    # Groups the node joins; every group must exist.
    groups: list[GroupSlot] = Field(default_factory=list)


class RemoveNodeOp(_Op):
    op: Literal["remove_node"] = "remove_node"
    node_id: str


class UpdateParamsOp(_Op):
    op: Literal["update_params"] = "update_params"
    node_id: str
    # The complete new params (replaces the old dict; keys left out go back to their defaults).
    params: dict[str, Any]


class MoveNodesOp(_Op):
    op: Literal["move_nodes"] = "move_nodes"
    positions: dict[str, Position]


class AddEdgeOp(_Op):
    op: Literal["add_edge"] = "add_edge"
    edge: Edge
    index: int | None = Field(None, ge=0)


class RemoveEdgeOp(_Op):
    op: Literal["remove_edge"] = "remove_edge"
    edge_id: str


class SetLabelOp(_Op):
    op: Literal["set_label"] = "set_label"
    node_id: str
    label: str = Field(max_length=500)


class RenameWorkflowOp(_Op):
    op: Literal["rename_workflow"] = "rename_workflow"
    # 200: the store's name column. The slug never changes (it is the Dagster asset group).
    name: str = Field(max_length=200)


class SetDescriptionOp(_Op):
    op: Literal["set_description"] = "set_description"
    description: str = Field(max_length=20_000)


class SetExecutorOp(_Op):
    """Where the workflow's runs execute (WorkflowSettings.executor)."""

    op: Literal["set_executor"] = "set_executor"
    executor: Literal["local", "celery"]


class AddGroupOp(_Op):
    op: Literal["add_group"] = "add_group"
    group: Group
    # Where in `workflow.groups` (drawing order); None appends. Used by undo of remove_group.
    index: int | None = Field(None, ge=0)


class UpdateGroupOp(_Op):
    op: Literal["update_group"] = "update_group"
    group_id: str
    # Each field left out (None) stays as it is; at least one must be given.
    title: str | None = Field(None, max_length=GROUP_TITLE_MAX)
    collapsed: bool | None = None
    node_ids: list[str] | None = None


class RemoveGroupOp(_Op):
    op: Literal["remove_group"] = "remove_group"
    group_id: str


GraphOp = Annotated[
    AddNodeOp
    | RemoveNodeOp
    | UpdateParamsOp
    | MoveNodesOp
    | AddEdgeOp
    | RemoveEdgeOp
    | SetLabelOp
    | RenameWorkflowOp
    | SetDescriptionOp
    | SetExecutorOp
    | AddGroupOp
    | UpdateGroupOp
    | RemoveGroupOp,
    Field(discriminator="op"),
]

OP_NAMES = (
    "add_node",
    "remove_node",
    "update_params",
    "move_nodes",
    "add_edge",
    "remove_edge",
    "set_label",
    "rename_workflow",
    "set_description",
    "set_executor",
    "add_group",
    "update_group",
    "remove_group",
)
