"""What a batch touches, for rebasing: `touched_keys` names the parts of a document a batch reads
or changes, and `overlapping_keys` says whether two batches touch a common part. The store
rebases a batch with a stale base revision onto the current one only when it does not overlap
the batches since (auto_rebase).

A key names one part of a document. Keys form a small tree: "node:<id>" is the whole node and
contains "node:<id>/position", "/params", "/label", "/input:<port>" (the input slot) and
"/edge:<edge id>" (an edge attached to the node). Two batches overlap when one touches a part
that equals, contains or lies inside a part the other touched, so a move of node a
("node:a/position") overlaps a removal of a ("node:a") but not a move of node b, nor an edit of
a's params. Each op touches what it changes and what it refers to (an edge touches its id, its
input slot and both its ends, so removing either end overlaps it; removing a node touches all
its edges and the input slots they fed).

Groups: "group:<id>" is the whole group and contains "/title", "/collapsed" and "/members".
add_group and remove_group touch the whole group; update_group touches the fields it sets. A
group op that names members also touches "node:<id>/group" of each (so removing that node
overlaps it), and add_node with group slots touches those groups' "/members" (so removing the
group, or setting its member list, overlaps it).

Not keys: remove_node dropping the node from its groups (covered by its "node:<id>" key), the
list position of a node, edge or group (z-order; an index that shifts by a concurrent insert is
harmless), and what a node's params mean for its inputs' columns: params edited while someone
rewires the node both apply, and a column that no longer exists is a validation issue on the
result, as it would be for one editor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from node_library.graph import Edge, Workflow
from node_library.graph_ops.models import (
    AddEdgeOp,
    AddGroupOp,
    AddNodeOp,
    GraphOp,
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
