"""Graph operations: the small edits the canvas sends, applied all-or-nothing to a Workflow.

Clients never send whole documents while editing; they send batches of operations (`GraphOp`, a
union discriminated by the field `op`). This module owns what those operations mean:

- `apply_ops` applies a batch to a workflow and returns a new Workflow, or raises `OpError` naming
  the first op (by index) that cannot apply: a node id already taken, a missing node or edge, an
  edge whose end is not a node, a duplicate edge id, a second edge into one input. Port names,
  types, cycles and params are not checked here (they need the registry): the caller validates.
- `apply_ops_checked` also refuses ops that introduce an unknown node type (or type version), a
  missing port, a port type mismatch or a cycle, found by `validate_workflow` on the result and
  traced back to the op that caused it. Problems that already existed before the batch are not
  blamed on it, and param/column issues never refuse a batch: a half-finished node can be saved,
  and the returned ValidationResult carries those issues for the canvas to show. One param issue
  does refuse a batch: a literal secret that an add_node or update_params brings in
  (`secret_in_params`), since the operation log would keep it forever; a secret the node already
  had (a migrated old workflow) is left to validation to report.
- `invert_ops` gives the ops that undo a batch (for per-user undo). Inverses restore list order
  too (a re-added node goes back to its index, so its z-order on the canvas is unchanged), hence
  the optional `index` fields of add_node / add_edge and the group slots of add_node.
- `parse_ops` reads ops from JSON data (OpError names the first bad one); `dump_ops` /
  `load_ops` are the compact JSON form kept in the store's operation log.
- `touched_keys` names the parts of a document a batch reads or changes, and `overlapping_keys`
  says whether two batches touch a common part: the store rebases a batch with a stale base
  revision onto the current one only when it does not overlap the batches since (auto_rebase).

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
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from node_library.graph import Edge, Group, Node, Position, Workflow
from node_library.registry import NodeRegistry
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult, secret_issues, validate_workflow

__all__ = [
    "STRUCTURAL_ISSUE_CODES",
    "AddEdgeOp",
    "AddGroupOp",
    "AddNodeOp",
    "GraphOp",
    "GroupSlot",
    "MoveNodesOp",
    "OpError",
    "RemoveEdgeOp",
    "RemoveGroupOp",
    "RemoveNodeOp",
    "RenameWorkflowOp",
    "SetDescriptionOp",
    "SetExecutorOp",
    "SetLabelOp",
    "UpdateGroupOp",
    "UpdateParamsOp",
    "apply_ops",
    "apply_ops_checked",
    "dump_ops",
    "invert_ops",
    "load_ops",
    "overlapping_keys",
    "parse_ops",
    "touched_keys",
]


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


GROUP_TITLE_MAX = 200
GROUP_ID_MAX = 100


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

_OP_ADAPTER: TypeAdapter[GraphOp] = TypeAdapter(GraphOp)
_OPS_ADAPTER: TypeAdapter[list[GraphOp]] = TypeAdapter(list[GraphOp])

# Issue codes of validate_workflow that apply_ops_checked refuses when a batch introduces them.
STRUCTURAL_ISSUE_CODES = frozenset(
    {"unknown_node_type", "node_version_mismatch", "missing_port", "port_type_mismatch", "cycle"}
)


class OpError(ValueError):
    """An op of a batch that cannot apply; the whole batch is refused and nothing changes.

    `index` is the op's position in the batch; `op` is None only when the op could not even be
    parsed (see `parse_ops`). `node_id` locates the problem on the canvas when there is a node.
    """

    def __init__(
        self,
        index: int,
        op: GraphOp | None,
        code: str,
        message: str,
        hint: str = "",
        node_id: str | None = None,
    ) -> None:
        kind = f" ({op.op})" if op is not None else ""
        text = f"op {index}{kind}: {message}"
        super().__init__(f"{text} (fix: {hint})" if hint else text)
        self.index = index
        self.op = op
        self.code = code
        self.message = message
        self.hint = hint
        self.node_id = node_id


# -- serialisation -----------------------------------------------------------------------------


def parse_ops(raw: Iterable[Any]) -> list[GraphOp]:
    """Ops from JSON-like data (objects with an `op` field); OpError names the first bad one."""
    ops: list[GraphOp] = []
    for index, item in enumerate(raw):
        try:
            ops.append(_OP_ADAPTER.validate_python(item))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'op'}: {err['msg']}"
                for err in exc.errors()[:5]
            )
            raise OpError(
                index,
                None,
                "invalid_op",
                f"not a valid graph operation: {problems}",
                "known ops: " + ", ".join(_OP_NAMES),
            ) from exc
    return ops


def dump_ops(ops: Sequence[GraphOp]) -> str:
    """A batch as compact JSON (the form stored in the operation log)."""
    return _OPS_ADAPTER.dump_json(list(ops)).decode()


def load_ops(text: str | bytes) -> list[GraphOp]:
    """The inverse of `dump_ops`, for trusted (already validated) JSON."""
    return _OPS_ADAPTER.validate_json(text)


_OP_NAMES = (
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


# -- applying ----------------------------------------------------------------------------------


class _Draft:
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


def _add_node(draft: _Draft, index: int, op: AddNodeOp) -> list[GraphOp]:
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


def _remove_node(draft: _Draft, index: int, op: RemoveNodeOp) -> list[GraphOp]:
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


def _update_params(draft: _Draft, index: int, op: UpdateParamsOp) -> list[GraphOp]:
    pos = draft.require_node(index, op, op.node_id)
    node = draft.nodes[pos]
    draft.nodes[pos] = node.model_copy(update={"params": copy.deepcopy(op.params)})
    if not draft.record:
        return []
    return [UpdateParamsOp(node_id=op.node_id, params=copy.deepcopy(node.params))]


def _move_nodes(draft: _Draft, index: int, op: MoveNodesOp) -> list[GraphOp]:
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


def _add_edge(draft: _Draft, index: int, op: AddEdgeOp) -> list[GraphOp]:
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


def _remove_edge(draft: _Draft, index: int, op: RemoveEdgeOp) -> list[GraphOp]:
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


def _set_label(draft: _Draft, index: int, op: SetLabelOp) -> list[GraphOp]:
    pos = draft.require_node(index, op, op.node_id)
    node = draft.nodes[pos]
    draft.nodes[pos] = node.model_copy(update={"label": op.label})
    return [SetLabelOp(node_id=op.node_id, label=node.label)] if draft.record else []


def _rename_workflow(draft: _Draft, index: int, op: RenameWorkflowOp) -> list[GraphOp]:
    old, draft.name = draft.name, op.name
    return [RenameWorkflowOp(name=old)] if draft.record else []


def _set_description(draft: _Draft, index: int, op: SetDescriptionOp) -> list[GraphOp]:
    old, draft.description = draft.description, op.description
    return [SetDescriptionOp(description=old)] if draft.record else []


def _set_executor(draft: _Draft, index: int, op: SetExecutorOp) -> list[GraphOp]:
    old, draft.executor = draft.executor, op.executor
    return [SetExecutorOp(executor=old)] if draft.record else []


def _group_pos(draft: _Draft, group_id: str) -> int | None:
    return next((i for i, g in enumerate(draft.groups) if g.id == group_id), None)


def _require_group(draft: _Draft, index: int, op: GraphOp, group_id: str) -> int:
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


def _check_members(draft: _Draft, index: int, op: GraphOp, node_ids: Sequence[str]) -> None:
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


def _add_group(draft: _Draft, index: int, op: AddGroupOp) -> list[GraphOp]:
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


def _update_group(draft: _Draft, index: int, op: UpdateGroupOp) -> list[GraphOp]:
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


def _remove_group(draft: _Draft, index: int, op: RemoveGroupOp) -> list[GraphOp]:
    pos = _require_group(draft, index, op, op.group_id)
    group = draft.groups.pop(pos)
    return [AddGroupOp(group=group, index=pos)] if draft.record else []


def _dispatch(draft: _Draft, index: int, op: GraphOp) -> list[GraphOp]:
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


def _free_id(draft: _Draft, node_id: str) -> str:
    stem = node_id[:58]
    n = 2
    while draft.node_pos(f"{stem}_{n}") is not None:
        n += 1
    return f"{stem}_{n}"


def _run(workflow: Workflow, ops: Sequence[GraphOp], record: bool) -> _Draft:
    draft = _Draft(workflow, record)
    for index, op in enumerate(ops):
        draft.apply(index, op)
    return draft


def apply_ops(workflow: Workflow, ops: Sequence[GraphOp]) -> Workflow:
    """Apply a batch all-or-nothing; a new Workflow, or OpError for the first op that cannot."""
    return _run(workflow, ops, record=False).build()


def invert_ops(workflow_before: Workflow, ops: Sequence[GraphOp]) -> list[GraphOp]:
    """The ops that undo `ops` when applied to `apply_ops(workflow_before, ops)`.

    Raises OpError, like apply_ops, when `ops` do not apply to `workflow_before`.
    """
    draft = _run(workflow_before, ops, record=True)
    return [op for inverse in reversed(draft.inverses) for op in inverse]


def apply_ops_checked(
    workflow: Workflow,
    ops: Sequence[GraphOp],
    registry: NodeRegistry,
    settings: NodeSettings | None = None,
) -> tuple[Workflow, ValidationResult]:
    """apply_ops, then also refuse ops that introduce a structural error (see the module doc).

    Returns the new workflow and its validation (param and column issues are left there for the
    canvas to show; they never refuse a batch).
    """
    _refuse_literal_secrets(workflow, ops, registry)
    draft = _run(workflow, ops, record=False)
    result = draft.build()
    validation = validate_workflow(result, registry, settings)
    offences: list[tuple[int, str, str, str, str | None]] = []
    for issue in validation.errors:
        if issue.code not in STRUCTURAL_ISSUE_CODES:
            continue
        if issue.code == "cycle":
            found = _first_cycle_closer(draft, result)
            if found is not None:
                offences.append(found)
            continue
        culprit = _culprit(draft, result, issue.code, issue.message, issue.node_id, issue.port)
        if culprit is not None:
            offences.append((culprit, issue.code, issue.message, issue.hint, issue.node_id))
    if offences:
        index, code, message, hint, node_id = min(offences, key=lambda o: o[0])
        raise OpError(index, ops[index], code, message, hint, node_id=node_id)
    return result, validation


def _refuse_literal_secrets(
    workflow: Workflow, ops: Sequence[GraphOp], registry: NodeRegistry
) -> None:
    nodes: dict[str, Node] | None = None
    for index, op in enumerate(ops):
        if not isinstance(op, (AddNodeOp, UpdateParamsOp)):
            continue
        if nodes is None:  # built on the first params op only: most batches are moves
            nodes = {n.id: n for n in reversed(workflow.nodes)}
        node_id = op.node.id if isinstance(op, AddNodeOp) else op.node_id
        before = nodes.get(node_id)
        type_id = op.node.type if isinstance(op, AddNodeOp) else before.type if before else None
        node_type = registry.get(type_id) if type_id else None
        if node_type is None:
            continue  # a missing node or an unknown type is refused by the checks that follow
        params = op.node.params if isinstance(op, AddNodeOp) else op.params
        issues = secret_issues(node_type, params, before.params if before else None)
        if issues:
            first = issues[0]
            raise OpError(index, op, first.code, first.message, first.hint, node_id=node_id)


def _culprit(
    draft: _Draft,
    result: Workflow,
    code: str,
    message: str,
    node_id: str | None,
    port: str | None,
) -> int | None:
    """The index of the op that introduced a node or edge issue; None if it predates the batch."""
    if code in ("unknown_node_type", "node_version_mismatch"):
        return draft.added_nodes.get(node_id or "")
    # missing_port / port_type_mismatch: validation names the edge first in its message.
    edges = [e for e in result.edges if message.startswith(f"edge {e.id!r}:")]
    if not edges:  # message format changed: fall back to the issue's location
        edges = [
            e
            for e in result.edges
            if (e.source == node_id and e.source_port == port)
            or (e.target == node_id and e.target_port == port)
        ]
    candidates: list[int] = []
    for edge in edges:
        if edge.id in draft.added_edges:  # added after both its ends existed
            candidates.append(draft.added_edges[edge.id])
            continue
        # an older edge left dangling in a broken document, completed by a node the batch added
        ends = [draft.added_nodes[n] for n in (edge.source, edge.target) if n in draft.added_nodes]
        if ends:
            candidates.append(max(ends))
    return min(candidates) if candidates else None


def _first_cycle_closer(
    draft: _Draft, result: Workflow
) -> tuple[int, str, str, str, str | None] | None:
    """The first op (in batch order) whose new edge closes a cycle, with the cycle's path.

    Starts from the result's edges that predate the batch and adds the batch's surviving edges in
    op order; the first edge whose target already reaches its source is the culprit. A cycle made
    only of older edges is not blamed on this batch.
    """
    node_ids = {n.id for n in result.nodes}
    adjacency: dict[str, list[str]] = {n: [] for n in node_ids}
    added: list[tuple[int, Edge]] = []
    for edge in result.edges:
        if edge.source not in node_ids or edge.target not in node_ids:
            continue
        if edge.id in draft.added_edges:
            added.append((draft.added_edges[edge.id], edge))
        else:
            adjacency[edge.source].append(edge.target)
    for index, edge in sorted(added, key=lambda a: a[0]):
        path = _path(adjacency, edge.target, edge.source)
        if path is not None:
            cycle = [edge.source, *path]
            return (
                index,
                "cycle",
                f"edge {edge.id!r} would close a cycle: " + " -> ".join(cycle),
                "remove one of the edges in the cycle, or connect to a node that is not"
                f" downstream of {edge.target!r}",
                edge.target,
            )
        adjacency[edge.source].append(edge.target)
    return None


def _path(adjacency: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """Nodes from start to goal (both included) along edges, or None (breadth-first)."""
    if start == goal:
        return [start]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for nxt in adjacency.get(current, ()):
            if nxt in came_from or nxt == start:
                continue
            came_from[nxt] = current
            if nxt == goal:
                path = [goal]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            queue.append(nxt)
    return None


# -- what a batch touches (for rebasing) --------------------------------------------------------
#
# A key names one part of a document. Keys form a small tree: "node:<id>" is the whole node and
# contains "node:<id>/position", "/params", "/label", "/input:<port>" (the input slot) and
# "/edge:<edge id>" (an edge attached to the node). Two batches overlap when one touches a part
# that equals, contains or lies inside a part the other touched, so a move of node a
# ("node:a/position") overlaps a removal of a ("node:a") but not a move of node b, nor an edit of
# a's params. Each op touches what it changes and what it refers to (an edge touches its id, its
# input slot and both its ends, so removing either end overlaps it; removing a node touches all
# its edges and the input slots they fed).
#
# Groups: "group:<id>" is the whole group and contains "/title", "/collapsed" and "/members".
# add_group and remove_group touch the whole group; update_group touches the fields it sets. A
# group op that names members also touches "node:<id>/group" of each (so removing that node
# overlaps it), and add_node with group slots touches those groups' "/members" (so removing the
# group, or setting its member list, overlaps it).
#
# Not keys: remove_node dropping the node from its groups (covered by its "node:<id>" key), the
# list position of a node, edge or group (z-order; an index that shifts by a concurrent insert is
# harmless), and what a node's params mean for its inputs' columns: params edited while someone
# rewires the node both apply, and a column that no longer exists is a validation issue on the
# result, as it would be for one editor.

_NODE = "node:"
_GROUP = "group:"


def _part(text: str) -> str:
    """An id or port name as one key segment ("/" separates segments; edge ids may contain it)."""
    return text.replace("%", "%25").replace("/", "%2F")


def _node_key(node_id: str, part: str = "") -> str:
    return f"{_NODE}{_part(node_id)}/{part}" if part else f"{_NODE}{_part(node_id)}"


def _group_key(group_id: str, part: str = "") -> str:
    return f"{_GROUP}{_part(group_id)}/{part}" if part else f"{_GROUP}{_part(group_id)}"


def _member_keys(node_ids: Iterable[str]) -> set[str]:
    return {_node_key(node_id, "group") for node_id in node_ids}


def _edge_keys(edge: Edge) -> set[str]:
    return {
        f"edge:{_part(edge.id)}",
        _node_key(edge.source, f"edge:{_part(edge.id)}"),
        _node_key(edge.target, f"input:{_part(edge.target_port)}"),
    }


def touched_keys(ops: Sequence[GraphOp], workflow_before: Workflow) -> set[str]:
    """The parts of the document (keys, see above) that `ops` read or change.

    `workflow_before` is the document the batch applies to: removing a node touches every edge
    attached to it then (including edges added earlier in the batch), removing an edge touches
    its input slot. Never raises: an op that would not apply still names what it refers to.
    The keys of several consecutive batches are the keys of their ops concatenated.
    """
    edges: dict[str, Edge] = {}
    for edge in workflow_before.edges:
        edges.setdefault(edge.id, edge)
    keys: set[str] = set()
    for op in ops:
        match op:
            case AddNodeOp():
                keys.add(_node_key(op.node.id))
                keys.update(_group_key(slot.group_id, "members") for slot in op.groups)
            case RemoveNodeOp():
                keys.add(_node_key(op.node_id))
                attached = [e for e in edges.values() if op.node_id in (e.source, e.target)]
                for edge in attached:
                    keys |= _edge_keys(edge)
                    del edges[edge.id]
            case UpdateParamsOp():
                keys.add(_node_key(op.node_id, "params"))
            case SetLabelOp():
                keys.add(_node_key(op.node_id, "label"))
            case MoveNodesOp():
                keys.update(_node_key(node_id, "position") for node_id in op.positions)
            case AddEdgeOp():
                keys |= _edge_keys(op.edge)
                edges.setdefault(op.edge.id, op.edge)
            case RemoveEdgeOp():
                keys.add(f"edge:{_part(op.edge_id)}")
                removed = edges.pop(op.edge_id, None)
                if removed is not None:
                    keys |= _edge_keys(removed)
            case RenameWorkflowOp():
                keys.add("workflow/name")
            case SetDescriptionOp():
                keys.add("workflow/description")
            case SetExecutorOp():
                keys.add("workflow/executor")
            case AddGroupOp():
                keys.add(_group_key(op.group.id))
                keys |= _member_keys(op.group.node_ids)
            case UpdateGroupOp():
                if op.title is not None:
                    keys.add(_group_key(op.group_id, "title"))
                if op.collapsed is not None:
                    keys.add(_group_key(op.group_id, "collapsed"))
                if op.node_ids is not None:
                    keys.add(_group_key(op.group_id, "members"))
                    keys |= _member_keys(op.node_ids)
            case RemoveGroupOp():
                keys.add(_group_key(op.group_id))
    return keys


def overlapping_keys(mine: Iterable[str], theirs: Iterable[str]) -> set[str]:
    """The keys of `mine` that equal, contain or lie inside a key of `theirs` (empty: none)."""
    other = set(theirs)
    other_and_parents = other | {_parent(k) for k in other}
    return {key for key in mine if key in other_and_parents or _parent(key) in other}


def _parent(key: str) -> str:
    """The key that contains `key` ("node:a" for "node:a/position"), or `key` itself."""
    return key.split("/", 1)[0] if key.startswith((_NODE, _GROUP)) else key
