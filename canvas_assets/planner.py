"""Cache keys and node status: which results the current graph implies, and which exist.

For every node: code_version = hash(type id, type version, canonical params); cache_key =
hash(code_version, the cache keys of the upstream outputs it reads, the source fingerprint). Keys
are transitive, so editing one node changes the key of everything downstream at once, and setting a
param back restores the old keys (and so finds the old, immutable results). Status compares the key
the graph implies with the stored artifacts (fresh / missing) and with the last materialization
recorded in Dagster (the reason a node is stale). Pure: no Dagster import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from canvas_assets.artifacts import ArtifactRef, ArtifactStore
from node_library.contract import Issue, NodeType
from node_library.graph import Workflow
from node_library.registry import NodeRegistry
from node_library.settings import NodeSettings
from node_library.validation import validate_workflow


class PlanError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class InputRef:
    node_id: str
    port: str
    cache_key: str

    def token(self) -> str:
        return f"{self.node_id}.{self.port}@{self.cache_key}"


@dataclass(frozen=True)
class NodePlan:
    node_id: str
    type_id: str
    type_version: int
    params: BaseModel
    code_version: str
    fingerprint: str | None
    inputs: Mapping[str, InputRef]
    cache_key: str
    outputs: tuple[str, ...]
    deterministic: bool

    def record(self) -> dict[str, Any]:
        """What a materialization records, so a later status can say what changed."""
        return {
            "cache_key": self.cache_key,
            "code_version": self.code_version,
            "type_version": self.type_version,
            "fingerprint": self.fingerprint,
            "inputs": {port: ref.token() for port, ref in sorted(self.inputs.items())},
        }


@dataclass(frozen=True)
class Plan:
    workflow: Workflow
    nodes: Mapping[str, NodePlan]  # in topological order
    revision: int | None = None

    @property
    def slug(self) -> str:
        return self.workflow.slug

    @property
    def order(self) -> list[str]:
        return list(self.nodes)

    def downstream(self, node_ids: set[str]) -> set[str]:
        found = set(node_ids)
        for node_id, node in self.nodes.items():  # topological order: one pass suffices
            if any(ref.node_id in found for ref in node.inputs.values()):
                found.add(node_id)
        return found

    def upstream(self, node_ids: set[str]) -> set[str]:
        found = set(node_ids)
        for node_id in reversed(self.order):
            if node_id in found:
                found.update(ref.node_id for ref in self.nodes[node_id].inputs.values())
        return found


def _digest(payload: Any, size: int = 24) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:size]


def code_version(node_type: NodeType[Any], params: BaseModel) -> str:
    return _digest(
        {
            "type": node_type.type_id,
            "version": node_type.version,
            "params": params.model_dump(mode="json"),
        },
        16,
    )


def build_plan(
    workflow: Workflow,
    registry: NodeRegistry,
    settings: NodeSettings,
    revision: int | None = None,
    fingerprints: Mapping[str, str | None] | None = None,
) -> Plan:
    """Validate, then compute every node's cache key. Raises PlanError on validation errors.
    `fingerprints` pins source fingerprints taken when a run was planned, so a worker that
    rebuilds the plan in another process computes the same keys even if a source changed."""
    result = validate_workflow(workflow, registry, settings)
    if not result.ok:
        raise PlanError(result.errors)
    wiring: dict[str, dict[str, tuple[str, str]]] = {}
    for edge in workflow.edges:
        wiring.setdefault(edge.target, {})[edge.target_port] = (edge.source, edge.source_port)

    nodes: dict[str, NodePlan] = {}
    for node_id in result.order:
        node = workflow.node(node_id)
        node_type = registry.get(node.type) if node else None
        assert node is not None and node_type is not None  # validation guarantees both
        params = result.params[node_id]
        try:
            if fingerprints is not None and node_id in fingerprints:
                fingerprint = fingerprints[node_id]
            else:
                fingerprint = node_type.fingerprint(params, settings)
        except Exception as exc:
            raise PlanError(
                [
                    Issue(
                        code="fingerprint_failed",
                        node_id=node_id,
                        message=f"could not read the source to fingerprint it: {exc}",
                        hint="check that the source exists and is reachable",
                    )
                ]
            ) from exc
        inputs = {
            port: InputRef(src, src_port, nodes[src].cache_key)
            for port, (src, src_port) in wiring.get(node_id, {}).items()
        }
        version = code_version(node_type, params)
        key = _digest(
            {
                "code": version,
                "fingerprint": fingerprint,
                "inputs": {p: r.token() for p, r in inputs.items()},
            },
            32,
        )
        nodes[node_id] = NodePlan(
            node_id=node_id,
            type_id=node_type.type_id,
            type_version=node_type.version,
            params=params,
            code_version=version,
            fingerprint=fingerprint,
            inputs=inputs,
            cache_key=key,
            outputs=tuple(p.name for p in node_type.outputs),
            deterministic=node_type.deterministic,
        )
    return Plan(workflow=workflow, nodes=nodes, revision=revision)


class State(StrEnum):
    FRESH = "fresh"
    STALE = "stale"
    MISSING = "missing"


@dataclass(frozen=True)
class NodeStatus:
    node_id: str
    state: State
    reason: str
    cache_key: str
    deterministic: bool = True
    last: Mapping[str, Any] = field(default_factory=dict)


def has_result(plan: Plan, node_id: str, artifacts: ArtifactStore) -> bool:
    node = plan.nodes[node_id]
    return all(
        artifacts.exists(ArtifactRef(plan.slug, node_id, node.cache_key, port))
        for port in node.outputs
    )


def node_statuses(
    plan: Plan, artifacts: ArtifactStore, history: Mapping[str, Mapping[str, Any]]
) -> dict[str, NodeStatus]:
    """Fresh when a result for the current cache key exists; otherwise why not."""
    statuses: dict[str, NodeStatus] = {}
    for node_id, node in plan.nodes.items():
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
