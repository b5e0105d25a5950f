"""`apply_ops_checked`: apply a batch and refuse the ops that would break the graph's structure.

Beyond what `apply_ops` refuses, it refuses ops that introduce an unknown node type (or type
version), a missing port, a port type mismatch or a cycle, found by `validate_workflow` on the
result and traced back to the op that caused it. Problems that already existed before the batch
are not blamed on it, and param/column issues never refuse a batch: a half-finished node can be
saved, and the returned ValidationResult carries those issues for the canvas to show. One param
issue does refuse a batch: a literal secret that an add_node or update_params brings in
(`secret_in_params`), since the operation log would keep it forever; a secret the node already
had (a migrated old workflow) is left to validation to report.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from node_library.graph import Edge, Node, Workflow
from node_library.graph_ops.apply import Draft, run_batch
from node_library.graph_ops.errors import OpError
from node_library.graph_ops.models import AddNodeOp, GraphOp, UpdateParamsOp
from node_library.registry import NodeRegistry
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult, secret_issues, validate_workflow

# Issue codes of validate_workflow that apply_ops_checked refuses when a batch introduces them.
STRUCTURAL_ISSUE_CODES = frozenset(
    {"unknown_node_type", "node_version_mismatch", "missing_port", "port_type_mismatch", "cycle"}
)


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
    draft = run_batch(workflow, ops, record=False)
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
    draft: Draft,
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
    draft: Draft, result: Workflow
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
