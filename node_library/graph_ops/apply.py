"""Applying a batch of ops to a workflow, and the inverse each op records as it applies.

`apply_ops` applies a batch all-or-nothing and returns a new Workflow, or raises `OpError` naming
the first op (by index) that cannot apply: a node id already taken, a missing node or edge, an
edge whose end is not a node, a duplicate edge id, a second edge into one input. Port names,
types, cycles and params are not checked here (they need the registry; see `checked`).

`invert_ops` gives the ops that undo a batch (for per-user undo). Each op's inverse is computed
by the same code that applies it, from the state it replaces, so applying and inverting cannot
drift apart. Inverses restore list order too (a re-added node goes back to its index, so its
z-order on the canvas is unchanged), hence the optional `index` fields of add_node / add_edge and
the group slots of add_node.

Semantics chosen:
- `update_params.params` is the complete new params dict (a replacement, not a merge): the
  properties form always has the whole params object, and replacement makes the inverse exact.
- `remove_node` also removes every edge touching the node and its group memberships. Groups
  themselves are never removed by node ops (an emptied group stays until `remove_group`; the
  canvas removes a group in the same batch as its last members).
- Groups (a titled frame around nodes on the canvas; no effect on runs): `add_group` adds one
  (its members must be nodes, each listed once), `update_group` changes any of its title,
  collapsed flag and member list (fields left out or null stay as they are; the inverse sets
  back exactly the fields it changed), `remove_group` removes the frame and never its nodes.
- `move_nodes` refuses non-finite coordinates (NaN would break equality and JSON).

The input workflow and the op objects are never mutated. The result shares unchanged Node/Edge
objects with the input (structural sharing keeps a 500-node batch cheap): treat documents as
immutable values, as the store and compiler do.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

from node_library.graph import Edge, Group, Node, Position, Workflow
from node_library.graph_ops.errors import OpError
from node_library.graph_ops.models import (
    GROUP_ID_MAX,
    GROUP_TITLE_MAX,
    AddEdgeOp,
    AddGroupOp,
    AddNodeOp,
    GraphOp,
    GroupSlot,
    MoveNodesOp,
    RemoveEdgeOp,
    RemoveGroupOp,
    RemoveNodeOp,
    RenameWorkflowOp,
    SetDescriptionOp,
    SetExecutorOp,
    SetLabelOp,
    UpdateGroupOp,
    UpdateParamsOp,
)


class Draft:
    """Mutable working copy of a workflow's lists; the input's lists are never touched."""

    def __init__(self, workflow: Workflow, record: bool) -> None:
        self.workflow = workflow
        self.nodes: list[Node] = list(workflow.nodes)
        self.edges: list[Edge] = list(workflow.edges)
        self.groups: list[Group] = list(workflow.groups)
        self.name = workflow.name
        self.description = workflow.description
        self.executor = workflow.settings.executor
        self.record = record
        self.inverses: list[list[GraphOp]] = []
        # id -> op index of the op that (last) added it, to trace validation issues back to ops
        self.added_nodes: dict[str, int] = {}
        self.added_edges: dict[str, int] = {}
        self._node_at: dict[str, int] | None = None
        self._edge_at: dict[str, int] | None = None

    # lookups: first occurrence wins (a broken document may repeat an id; nothing is dropped)

    def node_pos(self, node_id: str) -> int | None:
        if self._node_at is None:
            self._node_at = {}
            for i, node in enumerate(self.nodes):
                self._node_at.setdefault(node.id, i)
        return self._node_at.get(node_id)

    def edge_pos(self, edge_id: str) -> int | None:
        if self._edge_at is None:
            self._edge_at = {}
            for i, edge in enumerate(self.edges):
                self._edge_at.setdefault(edge.id, i)
        return self._edge_at.get(edge_id)

    def build(self) -> Workflow:
        return self.workflow.model_copy(
            update={
                "nodes": self.nodes,
                "edges": self.edges,
                "groups": self.groups,
                "name": self.name,
                "settings": self.workflow.settings.model_copy(update={"executor": self.executor}),
                "description": self.description,
            }
        )

    def apply(self, index: int, op: GraphOp) -> None:
        inverse = _dispatch(self, index, op)
        if self.record:
            self.inverses.append(inverse)

    def require_node(self, index: int, op: GraphOp, node_id: str) -> int:
        pos = self.node_pos(node_id)
        if pos is None:
            raise OpError(
                index,
                op,
                "missing_node",
                f"there is no node {node_id!r}",
                "it may have been removed meanwhile; reload the workflow",
                node_id=node_id,
            )
        return pos


def _add_node(draft: Draft, index: int, op: AddNodeOp) -> list[GraphOp]:
    node_id = op.node.id
    if draft.node_pos(node_id) is not None:
        raise OpError(
            index,
            op,
            "duplicate_node_id",
            f"a node with the id {node_id!r} already exists",
            f"choose another id, e.g. {_free_id(draft, node_id)!r}",
            node_id=node_id,
        )
    group_at: dict[str, int] = {}
    for i, group in enumerate(draft.groups):
        group_at.setdefault(group.id, i)
    for slot in op.groups:
        if slot.group_id not in group_at:
            raise OpError(
                index,
                op,
                "missing_group",
                f"there is no group {slot.group_id!r}",
                "create the group first or leave it out",
                node_id=node_id,
            )
    node = op.node.model_copy(deep=True)
    pos = len(draft.nodes) if op.index is None else min(op.index, len(draft.nodes))
    draft.nodes.insert(pos, node)
    draft._node_at = None
    for slot in op.groups:
        gi = group_at[slot.group_id]
        members = list(draft.groups[gi].node_ids)
        members.insert(len(members) if slot.index is None else slot.index, node_id)
        draft.groups[gi] = draft.groups[gi].model_copy(update={"node_ids": members})
    draft.added_nodes[node_id] = index
    return [RemoveNodeOp(node_id=node_id)] if draft.record else []


def _remove_node(draft: Draft, index: int, op: RemoveNodeOp) -> list[GraphOp]:
    node_id = op.node_id
    pos = draft.require_node(index, op, node_id)
    node = draft.nodes.pop(pos)
    draft._node_at = None
    slots: list[GroupSlot] = []
    for gi, group in enumerate(draft.groups):
        if node_id in group.node_ids:
            slots.extend(
                GroupSlot(group_id=group.id, index=j)
                for j, member in enumerate(group.node_ids)
                if member == node_id
            )
            members = [m for m in group.node_ids if m != node_id]
            draft.groups[gi] = group.model_copy(update={"node_ids": members})
    removed = [
        (j, e) for j, e in enumerate(draft.edges) if e.source == node_id or e.target == node_id
    ]
    if removed:
        draft.edges = [e for e in draft.edges if e.source != node_id and e.target != node_id]
        draft._edge_at = None
    if not draft.record:
        return []
    # Applied in this order, each insert lands on its original index (ascending edge indices).
    return [
        AddNodeOp(node=node, index=pos, groups=slots),
        *(AddEdgeOp(edge=e, index=j) for j, e in removed),
    ]


def _update_params(draft: Draft, index: int, op: UpdateParamsOp) -> list[GraphOp]:
    pos = draft.require_node(index, op, op.node_id)
    node = draft.nodes[pos]
    draft.nodes[pos] = node.model_copy(update={"params": copy.deepcopy(op.params)})
    if not draft.record:
        return []
    return [UpdateParamsOp(node_id=op.node_id, params=copy.deepcopy(node.params))]


def _move_nodes(draft: Draft, index: int, op: MoveNodesOp) -> list[GraphOp]:
    old: dict[str, Position] = {}
    for node_id, position in op.positions.items():
        pos = draft.require_node(index, op, node_id)
        if not (math.isfinite(position.x) and math.isfinite(position.y)):
            raise OpError(
                index,
                op,
                "invalid_position",
                f"node {node_id!r} cannot move to ({position.x}, {position.y})",
                "send finite coordinates",
                node_id=node_id,
            )
        node = draft.nodes[pos]
        old.setdefault(node_id, node.position)
        draft.nodes[pos] = node.model_copy(update={"position": position.model_copy()})
    if not draft.record:
        return []
    return [MoveNodesOp(positions={k: v.model_copy() for k, v in old.items()})]


def _add_edge(draft: Draft, index: int, op: AddEdgeOp) -> list[GraphOp]:
    edge = op.edge
    if draft.edge_pos(edge.id) is not None:
        raise OpError(
            index,
            op,
            "duplicate_edge_id",
            f"an edge with the id {edge.id!r} already exists",
            "give every edge a unique id",
            node_id=edge.target,
        )
    for end, node_id in (("source", edge.source), ("target", edge.target)):
        if draft.node_pos(node_id) is None:
            raise OpError(
                index,
                op,
                "edge_to_missing_node",
                f"edge {edge.id!r}: its {end} {node_id!r} is not a node of this workflow",
                "add the node first, or reload: it may have been removed meanwhile",
                node_id=node_id,
            )
    taken = next(
        (e for e in draft.edges if e.target == edge.target and e.target_port == edge.target_port),
        None,
    )
    if taken is not None:
        raise OpError(
            index,
            op,
            "input_already_connected",
            f"input {edge.target_port!r} of {edge.target!r} is already connected"
            f" (edge {taken.id!r} from {taken.source}.{taken.source_port})",
            f"remove edge {taken.id!r} in the same batch first",
            node_id=edge.target,
        )
    pos = len(draft.edges) if op.index is None else min(op.index, len(draft.edges))
    draft.edges.insert(pos, edge.model_copy())
    draft._edge_at = None
    draft.added_edges[edge.id] = index
    return [RemoveEdgeOp(edge_id=edge.id)] if draft.record else []


def _remove_edge(draft: Draft, index: int, op: RemoveEdgeOp) -> list[GraphOp]:
    pos = draft.edge_pos(op.edge_id)
    if pos is None:
        raise OpError(
            index,
            op,
            "missing_edge",
            f"there is no edge {op.edge_id!r}",
            "it may have been removed meanwhile; reload the workflow",
        )
    edge = draft.edges.pop(pos)
    draft._edge_at = None
    return [AddEdgeOp(edge=edge, index=pos)] if draft.record else []


def _set_label(draft: Draft, index: int, op: SetLabelOp) -> list[GraphOp]:
    pos = draft.require_node(index, op, op.node_id)
    node = draft.nodes[pos]
    draft.nodes[pos] = node.model_copy(update={"label": op.label})
    return [SetLabelOp(node_id=op.node_id, label=node.label)] if draft.record else []


def _rename_workflow(draft: Draft, index: int, op: RenameWorkflowOp) -> list[GraphOp]:
    old, draft.name = draft.name, op.name
    return [RenameWorkflowOp(name=old)] if draft.record else []


def _set_description(draft: Draft, index: int, op: SetDescriptionOp) -> list[GraphOp]:
    old, draft.description = draft.description, op.description
    return [SetDescriptionOp(description=old)] if draft.record else []


def _set_executor(draft: Draft, index: int, op: SetExecutorOp) -> list[GraphOp]:
    old, draft.executor = draft.executor, op.executor
    return [SetExecutorOp(executor=old)] if draft.record else []


def _group_pos(draft: Draft, group_id: str) -> int | None:
    return next((i for i, g in enumerate(draft.groups) if g.id == group_id), None)


def _require_group(draft: Draft, index: int, op: GraphOp, group_id: str) -> int:
    pos = _group_pos(draft, group_id)
    if pos is None:
        raise OpError(
            index,
            op,
            "missing_group",
            f"there is no group {group_id!r}",
            "it may have been removed meanwhile; reload the workflow",
        )
    return pos


def _check_members(draft: Draft, index: int, op: GraphOp, node_ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for node_id in node_ids:
        if node_id in seen:
            raise OpError(
                index,
                op,
                "duplicate_group_member",
                f"node {node_id!r} is listed twice in the group",
                "list every member once",
                node_id=node_id,
            )
        seen.add(node_id)
        draft.require_node(index, op, node_id)


def _check_title(index: int, op: GraphOp, title: str) -> None:
    if len(title) > GROUP_TITLE_MAX:
        raise OpError(
            index,
            op,
            "group_title_too_long",
            f"a group title has {len(title)} characters",
            f"use at most {GROUP_TITLE_MAX}",
        )


def _add_group(draft: Draft, index: int, op: AddGroupOp) -> list[GraphOp]:
    group = op.group
    if not group.id or len(group.id) > GROUP_ID_MAX:
        raise OpError(
            index,
            op,
            "invalid_group_id",
            f"group id {group.id!r} must have 1 to {GROUP_ID_MAX} characters",
            "choose another id",
        )
    if _group_pos(draft, group.id) is not None:
        raise OpError(
            index,
            op,
            "duplicate_group_id",
            f"a group with the id {group.id!r} already exists",
            "choose another id",
        )
    _check_title(index, op, group.title)
    _check_members(draft, index, op, group.node_ids)
    pos = len(draft.groups) if op.index is None else min(op.index, len(draft.groups))
    draft.groups.insert(pos, group.model_copy(deep=True))
    return [RemoveGroupOp(group_id=group.id)] if draft.record else []


def _update_group(draft: Draft, index: int, op: UpdateGroupOp) -> list[GraphOp]:
    pos = _require_group(draft, index, op, op.group_id)
    if op.title is None and op.collapsed is None and op.node_ids is None:
        raise OpError(
            index,
            op,
            "empty_update",
            f"update_group {op.group_id!r} changes nothing",
            "give a title, collapsed or node_ids",
        )
    if op.node_ids is not None:
        _check_members(draft, index, op, op.node_ids)
    group = draft.groups[pos]
    update: dict[str, Any] = {}
    if op.title is not None:
        update["title"] = op.title
    if op.collapsed is not None:
        update["collapsed"] = op.collapsed
    if op.node_ids is not None:
        update["node_ids"] = list(op.node_ids)
    draft.groups[pos] = group.model_copy(update=update)
    if not draft.record:
        return []
    return [
        UpdateGroupOp(
            group_id=op.group_id,
            title=group.title if op.title is not None else None,
            collapsed=group.collapsed if op.collapsed is not None else None,
            node_ids=list(group.node_ids) if op.node_ids is not None else None,
        )
    ]


def _remove_group(draft: Draft, index: int, op: RemoveGroupOp) -> list[GraphOp]:
    pos = _require_group(draft, index, op, op.group_id)
    group = draft.groups.pop(pos)
    return [AddGroupOp(group=group, index=pos)] if draft.record else []


def _dispatch(draft: Draft, index: int, op: GraphOp) -> list[GraphOp]:
    match op:
        case AddNodeOp():
            return _add_node(draft, index, op)
        case RemoveNodeOp():
            return _remove_node(draft, index, op)
        case UpdateParamsOp():
            return _update_params(draft, index, op)
        case MoveNodesOp():
            return _move_nodes(draft, index, op)
        case AddEdgeOp():
            return _add_edge(draft, index, op)
        case RemoveEdgeOp():
            return _remove_edge(draft, index, op)
        case SetLabelOp():
            return _set_label(draft, index, op)
        case RenameWorkflowOp():
            return _rename_workflow(draft, index, op)
        case SetDescriptionOp():
            return _set_description(draft, index, op)
        case SetExecutorOp():
            return _set_executor(draft, index, op)
        case AddGroupOp():
            return _add_group(draft, index, op)
        case UpdateGroupOp():
            return _update_group(draft, index, op)
        case RemoveGroupOp():
            return _remove_group(draft, index, op)
    raise TypeError(f"op {index}: not a graph operation: {op!r}")


def _free_id(draft: Draft, node_id: str) -> str:
    stem = node_id[:58]
    n = 2
    while draft.node_pos(f"{stem}_{n}") is not None:
        n += 1
    return f"{stem}_{n}"


def run_batch(workflow: Workflow, ops: Sequence[GraphOp], record: bool) -> Draft:
    """The draft after `ops`, with each op's inverse when `record` (OpError if one cannot apply)."""
    draft = Draft(workflow, record)
    for index, op in enumerate(ops):
        draft.apply(index, op)
    return draft


def apply_ops(workflow: Workflow, ops: Sequence[GraphOp]) -> Workflow:
    """Apply a batch all-or-nothing; a new Workflow, or OpError for the first op that cannot."""
    return run_batch(workflow, ops, record=False).build()


def invert_ops(workflow_before: Workflow, ops: Sequence[GraphOp]) -> list[GraphOp]:
    """The ops that undo `ops` when applied to `apply_ops(workflow_before, ops)`.

    Raises OpError, like apply_ops, when `ops` do not apply to `workflow_before`.
    """
    draft = run_batch(workflow_before, ops, record=True)
    return [op for inverse in reversed(draft.inverses) for op in inverse]
