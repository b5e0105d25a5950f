"""Node status: fresh, stale, missing or invalid, and why.

Status compares the cache key the plan implies (plan.py) with the stored artifacts (fresh /
missing) and with the last materialization recorded in Dagster (the reason a node is stale). A
node a partial plan could not plan (its own errors, or an upstream node's) is invalid: it has no
cache key, and its reason is the first of its issues.
Pure: no Dagster import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from canvas_assets.planning.plan import NodeName, NodePlan, Plan
from canvas_assets.storage.artifacts import ArtifactRef, ArtifactStore
from node_library.contract import Issue


class State(StrEnum):
    FRESH = "fresh"
    STALE = "stale"
    MISSING = "missing"
    INVALID = "invalid"  # the node or one upstream of it has errors: it cannot run


@dataclass(frozen=True)
class NodeStatus:
    node_id: str
    state: State
    reason: str
    cache_key: str  # empty for an invalid node: its params and inputs imply no result
    deterministic: bool = True
    last: Mapping[str, Any] = field(default_factory=dict)
    # an invalid node's issues (Plan.blocked) and the upstream nodes that block it
    issues: tuple[Issue, ...] = ()
    blocked_by: tuple[NodeName, ...] = ()


def has_result(plan: Plan, node_id: str, artifacts: ArtifactStore) -> bool:
    node = plan.nodes[node_id]
    return all(
        artifacts.exists(ArtifactRef(plan.slug, node_id, node.cache_key, port))
        for port in node.outputs
    )


def node_statuses(
    plan: Plan, artifacts: ArtifactStore, history: Mapping[str, Mapping[str, Any]]
) -> dict[str, NodeStatus]:
    """Fresh when a result for the current cache key exists; otherwise why not. Every node of
    the workflow, in topological order; the blocked ones of a partial plan are invalid."""
    statuses: dict[str, NodeStatus] = {}
    for node_id in plan.node_ids:
        node = plan.nodes.get(node_id)
        if node is None:
            issues = plan.blocked[node_id]
            statuses[node_id] = NodeStatus(
                node_id,
                State.INVALID,
                issues[0].message if issues else "the node cannot be planned",
                "",
                issues=issues,
                blocked_by=plan.blocked_by[node_id],
            )
            continue
        last = history.get(node_id, {})
        if has_result(plan, node_id, artifacts):
            reason = "result for the current params and inputs is stored"
            if last and last.get("cache_key") != node.cache_key:
                reason = "an earlier result for these exact params and inputs is reused"
            state = State.FRESH
        elif not last:
            state, reason = State.MISSING, "never run"
        else:
            state, reason = State.STALE, stale_reason(node, last, statuses)
        statuses[node_id] = NodeStatus(
            node_id, state, reason, node.cache_key, node.deterministic, dict(last)
        )
    return statuses


def stale_reason(
    node: NodePlan, last: Mapping[str, Any], upstream: Mapping[str, NodeStatus]
) -> str:
    reasons: list[str] = []
    if last.get("type_version") not in (None, node.type_version):
        reasons.append(f"node type upgraded to version {node.type_version}")
    elif last.get("code_version") != node.code_version:
        reasons.append("params changed")
    if last.get("fingerprint") != node.fingerprint:
        reasons.append("source data changed")
    last_inputs: Mapping[str, str] = last.get("inputs") or {}
    for port, ref in sorted(node.inputs.items()):
        before = last_inputs.get(port)
        if before is None or before.split("@")[0] != f"{ref.node_id}.{ref.port}":
            reasons.append(f"input {port!r} rewired to {ref.node_id}")
        elif before != ref.token():
            reasons.append(f"upstream {ref.node_id} changed")
    for port in sorted(set(last_inputs) - set(node.inputs)):
        reasons.append(f"input {port!r} disconnected")
    return ", ".join(reasons) or "stored result is missing from the artifact store"
