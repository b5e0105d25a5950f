"""The plan of a workflow: which result every node's current params and inputs imply.

For every node: code_version = hash(type id, type version, canonical params); cache_key =
hash(code_version, the cache keys of the upstream outputs it reads, the source fingerprint). Keys
are transitive, so editing one node changes the key of everything downstream at once, and setting a
param back restores the old keys (and so finds the old, immutable results). Pure: no Dagster
import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

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
