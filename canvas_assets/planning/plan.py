"""The plan of a workflow: which result every node's current params and inputs imply.

For every node: code_version = hash(type id, type version, canonical params); cache_key =
hash(code_version, the cache keys of the upstream outputs it reads, the source fingerprint). Keys
are transitive, so editing one node changes the key of everything downstream at once, and setting a
param back restores the old keys (and so finds the old, immutable results). Pure: no Dagster
import.

A partial plan (`build_plan(..., partial=True)`, what the canvas, the API and runs use) plans every
node whose own params and wiring validate and whose whole upstream does, exactly as a full plan
would (same cache keys: a key depends on the node and its upstream only), and lists every other
node as blocked, with its own errors or an `upstream_invalid` issue naming the upstream node that
has them. One broken chart then blocks only itself and what reads from it; the rest of the
workflow can still be run and inspected. The default (a full plan) refuses the whole workflow on
any error, as the Dagster code location and retention expect.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel

from node_library.contract import Issue, NodeType, error
from node_library.graph import Workflow
from node_library.registry import NodeRegistry
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult, validate_workflow

# the code of the issue that says a node cannot be planned because an upstream node has errors
UPSTREAM_INVALID = "upstream_invalid"


class NodeName(NamedTuple):
    """A node as a person knows it: its id and the title the canvas shows (its label, else its
    type's display name, else its id)."""

    node_id: str
    label: str


class PlanError(Exception):
    """The workflow, or the part of it something needs, does not validate; `issues` say what to
    fix. `blocked_by`: when the error is about one node that cannot be planned, the upstream nodes
    whose errors keep it from being planned (empty when only its own errors do)."""

    def __init__(self, issues: Sequence[Issue], blocked_by: Sequence[NodeName] = ()) -> None:
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = list(issues)
        self.blocked_by = tuple(blocked_by)


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
    nodes: Mapping[str, NodePlan]  # the planned nodes, in topological order
    revision: int | None = None
    # Partial plans only: the nodes that cannot be planned, in topological order, each with why:
    # its own errors first, then one upstream_invalid issue per upstream node whose errors block
    # it. Every blocked node is also a key of `blocked_by`.
    blocked: Mapping[str, tuple[Issue, ...]] = field(default_factory=dict)
    # for each blocked node, the upstream nodes with errors of their own that block it
    blocked_by: Mapping[str, tuple[NodeName, ...]] = field(default_factory=dict)
    # every node id, planned and blocked, in topological order (empty: the planned ones)
    all_nodes: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.workflow.slug

    @property
    def order(self) -> list[str]:
        """The planned nodes, in topological order."""
        return list(self.nodes)

    @property
    def node_ids(self) -> list[str]:
        """Every node of the workflow, planned or blocked, in topological order."""
        return list(self.all_nodes) if self.all_nodes else self.order

    def own_issues(self, node_id: str) -> tuple[Issue, ...]:
        """The errors of a blocked node itself (not those it inherits from upstream)."""
        return tuple(i for i in self.blocked.get(node_id, ()) if i.code != UPSTREAM_INVALID)

    def refusal(self, node_ids: Iterable[str]) -> PlanError | None:
        """Why `node_ids` cannot run, or None when every one of them is planned (and so is its
        whole upstream). The error lists only the errors to fix: those of the blocked nodes among
        `node_ids` and of the upstream nodes that block them, each once, in topological order."""
        wanted = set(node_ids)
        stuck = [n for n in self.blocked if n in wanted]
        if not stuck:
            return None
        causes: set[str] = set()
        for node_id in stuck:
            if self.own_issues(node_id):
                causes.add(node_id)
            causes.update(name.node_id for name in self.blocked_by[node_id])
        issues = [i for n in self.blocked if n in causes for i in self.own_issues(n)]
        return PlanError(list(dict.fromkeys(issues)) or [i for n in stuck for i in self.blocked[n]])

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
    partial: bool = False,
) -> Plan:
    """Validate, then compute every node's cache key. Raises PlanError on validation errors,
    unless `partial`: then the nodes that have errors, whose source cannot be fingerprinted, or
    that are downstream of such a node are left out as `Plan.blocked` (see the module doc).
    `fingerprints` pins source fingerprints taken when a run was planned, so a worker that
    rebuilds the plan in another process computes the same keys even if a source changed."""
    result = validate_workflow(workflow, registry, settings)
    if not partial:
        if not result.ok:
            raise PlanError(result.errors)
        return _plan(workflow, registry, settings, result, revision, fingerprints, {}, False)
    ids = list(dict.fromkeys(n.id for n in workflow.nodes))
    own: dict[str, list[Issue]] = {}
    _add_errors(own, result.errors, ids)
    if ids and not result.order:
        # A cycle: validation stops before checking any node. Validate again without the nodes
        # in or downstream of the cycle, which are blocked (behind the node the cycle is on).
        acyclic = _acyclic(workflow, ids)
        sub = workflow.model_copy(
            update={
                "nodes": [n for n in workflow.nodes if n.id in acyclic],
                "edges": [e for e in workflow.edges if e.source in acyclic and e.target in acyclic],
                "groups": [],  # groups enter neither validation nor cache keys
            }
        )
        result = validate_workflow(sub, registry, settings)
        _add_errors(own, result.errors, ids)
        cyclic = [n for n in ids if n not in acyclic]
        result.order = [*result.order, *cyclic]
        for node_id in cyclic:
            own.setdefault(node_id, [])  # blocked even without an error of its own
    return _plan(workflow, registry, settings, result, revision, fingerprints, own, True)


def _plan(
    workflow: Workflow,
    registry: NodeRegistry,
    settings: NodeSettings,
    result: ValidationResult,
    revision: int | None,
    fingerprints: Mapping[str, str | None] | None,
    own: Mapping[str, list[Issue]],
    partial: bool,
) -> Plan:
    wiring: dict[str, dict[str, tuple[str, str]]] = {}
    for edge in workflow.edges:
        wiring.setdefault(edge.target, {})[edge.target_port] = (edge.source, edge.source_port)
    position = {node_id: i for i, node_id in enumerate(result.order)}
    names = _names(workflow, registry)
    # blocked node -> the nodes with errors of their own that block it (itself included)
    causes: dict[str, set[str]] = {}
    blocked: dict[str, tuple[Issue, ...]] = {}
    blocked_by: dict[str, tuple[NodeName, ...]] = {}

    def block(node_id: str, issues: list[Issue], upstream: set[str]) -> None:
        causes[node_id] = upstream | ({node_id} if issues else set())
        ordered = sorted(upstream - {node_id}, key=lambda n: position.get(n, len(position)))
        blocked_by[node_id] = tuple(names[n] for n in ordered)
        blocked[node_id] = (*issues, *(_upstream_issue(node_id, names[n]) for n in ordered))

    nodes: dict[str, NodePlan] = {}
    for node_id in result.order:
        sources = {src for src, _ in wiring.get(node_id, {}).values() if src in names}
        if partial and (node_id in own or any(s in causes for s in sources)):
            upstream = set().union(*(causes.get(s, set()) for s in sources))
            if node_id in own and not own[node_id] and not upstream:
                # in a cycle: blocked by the nodes the cycle is reported on
                upstream = {n for n, found in own.items() if any(i.code == "cycle" for i in found)}
            block(node_id, list(own.get(node_id, [])), upstream)
            continue
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
            issue = error(
                "fingerprint_failed",
                f"could not read the source to fingerprint it: {exc}",
                "check that the source exists and is reachable",
            ).located(node_id)
            if not partial:
                raise PlanError([issue]) from exc
            block(node_id, [issue], set())
            continue
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
    return Plan(
        workflow=workflow,
        nodes=nodes,
        revision=revision,
        blocked=blocked,
        blocked_by=blocked_by,
        all_nodes=tuple(result.order),
    )


def _add_errors(own: dict[str, list[Issue]], errors: list[Issue], ids: list[str]) -> None:
    """File each error under its node; an error that names no node of the workflow concerns all
    of it. An error already filed is not filed twice."""
    known = set(ids)
    for issue in errors:
        for node_id in [issue.node_id] if issue.node_id and issue.node_id in known else ids:
            found = own.setdefault(node_id, [])
            if issue not in found:
                found.append(issue)


def _names(workflow: Workflow, registry: NodeRegistry) -> dict[str, NodeName]:
    names: dict[str, NodeName] = {}
    for node in workflow.nodes:
        node_type = registry.get(node.type)
        title = node.label.strip() or (node_type.display_name if node_type else "") or node.id
        names.setdefault(node.id, NodeName(node.id, title))
    return names


def _upstream_issue(node_id: str, upstream: NodeName) -> Issue:
    shown = (
        repr(upstream.node_id)
        if upstream.label == upstream.node_id
        else f'"{upstream.label}" ({upstream.node_id})'
    )
    return error(
        UPSTREAM_INVALID,
        f"upstream node {shown} has errors, so this node cannot run",
        f"fix {shown} first",
    ).located(node_id)


def _acyclic(workflow: Workflow, ids: list[str]) -> set[str]:
    """The nodes that are neither in a cycle nor downstream of one (Kahn's algorithm)."""
    targets: dict[str, list[str]] = {n: [] for n in ids}
    waiting = dict.fromkeys(ids, 0)
    for edge in workflow.edges:
        # a self-loop is reported on its node and left out of the order, as validation does
        if edge.source in targets and edge.target in targets and edge.source != edge.target:
            targets[edge.source].append(edge.target)
            waiting[edge.target] += 1
    ready = [n for n, count in waiting.items() if count == 0]
    done: set[str] = set()
    while ready:
        node_id = ready.pop()
        done.add(node_id)
        for target in targets[node_id]:
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return done
