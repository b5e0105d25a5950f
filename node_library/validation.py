"""Whole-workflow validation and schema propagation, before any run.

One pass in topological order: structural checks (ids, edges, ports, types, cycles), params
checked against each node's Params model (one issue per field), literal secrets refused in every
node's params (`secret_in_params`, node_library.secrets.find_secrets: one check for all node types,
so no node can take a credential in clear text), then the node's own `validate` and `infer_schema`
with the schemas of its inputs. A node with errors yields unknown output schemas, so
one mistake is reported once and not again on every node downstream. Last, the workflow-level
leakage and misuse checks (node_library.leakage: a transformer fitted before the split, test rows
reaching a fit, the target among a model's features, a stratified split on a continuous column)
add warnings, which never block a run.

Before its checks, each node's params get their role-dependent defaults made explicit
(`NodeType.resolve_params`: the target-role column for an empty `target`, the target and id
columns left out of a transformer's columns); `ValidationResult.params` holds these resolved
params, which the plan hashes and the run executes. A target error is completed with the
upstream node that changed the target column (node_library.roles).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from graphlib import CycleError, TopologicalSorter
from typing import Any

from pydantic import BaseModel, ValidationError

from node_library.checks import did_you_mean
from node_library.contract import Issue, NodeType, Port, PortSchema, Severity, error
from node_library.datatypes import DataType, can_connect, connection_refusal
from node_library.graph import Node, Workflow
from node_library.leakage import WorkflowFacts, leakage_issues
from node_library.registry import NodeRegistry
from node_library.roles import blame_in_workflow, merged_roles, node_title
from node_library.schema import Role
from node_library.secrets import introduced_secrets, key_map_fields, secret_name_fields
from node_library.settings import NodeSettings


@dataclass
class ValidationResult:
    issues: list[Issue] = field(default_factory=list)
    # node id -> output port -> schema (None where unknown before a run)
    schemas: dict[str, dict[str, PortSchema]] = field(default_factory=dict)
    # topological order of the node ids (empty when the graph has a cycle)
    order: list[str] = field(default_factory=list)
    # node id -> parsed Params with their role-dependent defaults resolved (what a run
    # executes), for nodes whose params are valid
    params: dict[str, BaseModel] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_for(self, node_id: str) -> list[Issue]:
        return [i for i in self.errors if i.node_id == node_id]


def parse_params(
    node_type: NodeType[Any], raw: dict[str, Any]
) -> tuple[BaseModel | None, list[Issue]]:
    try:
        return node_type.Params.model_validate(raw), []
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            param = ".".join(str(p) for p in err["loc"]) or None
            code = "unknown_param" if err["type"] == "extra_forbidden" else "invalid_param"
            issues.append(error(code, err["msg"], _param_hint(node_type, err), param=param))
        return None, issues
    except Exception as exc:  # a Params validator that raises something pydantic does not wrap
        return None, [
            error(
                "invalid_param",
                f"{node_type.type_id} params failed to parse: {exc}",
                "report this to the node's author",
            )
        ]


def _param_hint(node_type: NodeType[Any], err: Any) -> str:
    if err["type"] == "extra_forbidden":
        known = list(node_type.Params.model_fields)
        guess = did_you_mean(str(err["loc"][-1]), known)
        return f"did you mean {guess!r}?" if guess else "known params: " + ", ".join(known)
    ctx = err.get("ctx") or {}
    for key, text in (
        ("ge", "at least"),
        ("gt", "greater than"),
        ("le", "at most"),
        ("lt", "less than"),
    ):
        if key in ctx:
            return f"use a value {text} {ctx[key]}"
    if "expected" in ctx:
        return f"use one of {ctx['expected']}"
    return "check the value's type and range in the properties panel"


@cache
def _secret_fields(params_model: type[BaseModel]) -> tuple[frozenset[str], frozenset[str]]:
    return secret_name_fields(params_model), key_map_fields(params_model)


def secret_issues(
    node_type: NodeType[Any], raw: dict[str, Any], before: dict[str, Any] | None = None
) -> list[Issue]:
    """A `secret_in_params` error for each literal secret in a node's raw params (never quoting
    the value), with the node's own secret-name params as the way out when it has any. With
    `before` (the node's earlier params), only the secrets that `raw` brings in."""
    names, maps = _secret_fields(node_type.Params)
    if names:
        hint = (
            "remove the value from the workflow: set it on the server as the environment "
            "variable CANVAS_SECRET_<NAME> (e.g. CANVAS_SECRET_WEATHER) and put the name "
            f"(weather) in {' or '.join(sorted(names))}"
        )
    else:
        hint = "remove the value from the workflow: this node type takes no secrets"
    return [
        error(
            "secret_in_params",
            f"{finding.path} holds {finding.what}; params are stored in clear text in the "
            "workflow, its history and exports, visible to every viewer",
            hint,
            param=finding.path.split(".")[0],
        )
        for finding in introduced_secrets(raw, before, names, maps)
    ]


def validate_workflow(
    workflow: Workflow, registry: NodeRegistry, settings: NodeSettings | None = None
) -> ValidationResult:
    settings = settings or NodeSettings.from_env()
    result = ValidationResult()
    issues = result.issues

    node_types: dict[str, NodeType[Any]] = {}
    seen: set[str] = set()
    for node in workflow.nodes:
        if node.id in seen:
            issues.append(
                error(
                    "duplicate_node_id",
                    f"two nodes have the id {node.id!r}",
                    "give every node a unique id",
                ).located(node.id)
            )
            continue
        seen.add(node.id)
        node_type = registry.get(node.type)
        if node_type is None:
            guess = did_you_mean(node.type, registry.type_ids)
            issues.append(
                error(
                    "unknown_node_type",
                    f"unknown node type {node.type!r}",
                    f"did you mean {guess!r}?"
                    if guess
                    else "install the package that provides it or remove the node"
                    + (
                        "; these node plugins failed to load: " + "; ".join(registry.load_failures)
                        if registry.load_failures
                        else ""
                    ),
                ).located(node.id)
            )
            continue
        if node.type_version != node_type.version:
            # load_workflow migrates saved params; a document that skipped it must not be
            # checked against a Params model of another version.
            newer = node.type_version > node_type.version
            issues.append(
                error(
                    "node_version_mismatch",
                    f"node was saved by {node.type} version {node.type_version}; this server has"
                    f" version {node_type.version}",
                    "upgrade the node package"
                    if newer
                    else "re-import the workflow so its params are migrated",
                ).located(node.id)
            )
            continue
        node_types[node.id] = node_type

    # input wiring: node id -> input port -> (source node, source port)
    wiring: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    edge_ids: set[str] = set()
    deps: dict[str, set[str]] = {n.id: set() for n in workflow.nodes}
    # inputs whose edge was refused (wrong type, missing source): already reported on the edge,
    # so they are neither "not connected" nor a source of known columns.
    refused_inputs: set[tuple[str, str]] = set()
    for edge in workflow.edges:
        if edge.id in edge_ids:
            issues.append(
                error(
                    "duplicate_edge_id",
                    f"two edges have the id {edge.id!r}",
                    "give every edge a unique id",
                ).located(edge.target)
            )
            refused_inputs.add((edge.target, edge.target_port))
            continue
        edge_ids.add(edge.id)
        issue = _check_edge(workflow, edge, node_types, seen, wiring)
        if issue:
            issues.append(issue)
            refused_inputs.add((edge.target, edge.target_port))
            continue
        wiring[edge.target][edge.target_port] = (edge.source, edge.source_port)
        deps[edge.target].add(edge.source)

    try:
        result.order = list(TopologicalSorter(deps).static_order())
    except CycleError as exc:
        cycle = list(dict.fromkeys(exc.args[1]))
        issues.append(
            error(
                "cycle",
                "the graph has a cycle: " + " -> ".join([*cycle, cycle[0]]),
                "remove one of the edges in the cycle",
            ).located(cycle[0])
        )
        return result

    # a dict, not workflow.node(): that is a linear scan, quadratic over a 500-node graph.
    # reversed() keeps the first of duplicate ids, like the checks above.
    nodes_by_id = {n.id: n for n in reversed(workflow.nodes)}
    # (node id, output port) -> the non-feature column roles downstream nodes see there
    roles_out: dict[tuple[str, str], dict[str, Role]] = {}
    # per validated node: what naming the node that changed a target needs (node_library.roles)
    facts: dict[str, tuple[NodeType[Any], Any, Mapping[str, PortSchema], str]] = {}
    upstream_of: dict[str, list[str]] = {}
    for node_id in result.order:
        node_type = node_types.get(node_id)
        current = nodes_by_id.get(node_id)
        if node_type is None or current is None:
            continue
        node_issues: list[Issue] = []
        params, param_issues = parse_params(node_type, current.params)
        node_issues.extend(param_issues)
        node_issues.extend(secret_issues(node_type, current.params))

        inputs: dict[str, PortSchema] = {}
        input_roles: dict[str, dict[str, Role]] = {}
        upstream_broken = False
        for port in node_type.inputs:
            source = wiring[node_id].get(port.name)
            if source is None:
                if (node_id, port.name) in refused_inputs:
                    upstream_broken = True
                elif port.required:
                    node_issues.append(
                        error(
                            "missing_input",
                            f"required input {port.name!r} is not connected",
                            f"connect a {port.data_type.value} output to it",
                            port=port.name,
                        )
                    )
                continue
            source_schemas = result.schemas.get(source[0])
            if source_schemas is None:
                upstream_broken = True
            inputs[port.name] = (source_schemas or {}).get(source[1])
            input_roles[port.name] = roles_out.get(source, {})

        if params is not None:
            params, resolve_issues = _resolved(node_type, params, inputs, input_roles)
            node_issues.extend(resolve_issues)
            result.params[node_id] = params
            try:
                node_issues.extend(node_type.validate(params, inputs, settings))
            except Exception as exc:  # a node's validate must never take validation down
                node_issues.append(
                    error(
                        "validator_crashed",
                        f"{node_type.type_id} validation failed: {exc}",
                        "report this to the node's author",
                    )
                )
            sources = list(dict.fromkeys(src for src, _ in wiring[node_id].values()))
            facts[node_id] = (node_type, params, inputs, _title(current, node_type))
            node_issues = [
                blame_in_workflow(i, params, sources, upstream_of, facts) for i in node_issues
            ]
            upstream_of[node_id] = sources

        located = [i.located(node_id) for i in node_issues]
        issues.extend(located)
        if params is None or upstream_broken or any(i.severity is Severity.ERROR for i in located):
            continue  # leaves schemas[node_id] unset: downstream column checks are skipped
        try:
            outputs = node_type.infer_schema(params, inputs, settings)
        except Exception as exc:
            issues.append(
                error(
                    "schema_inference_failed",
                    f"could not infer the output columns: {exc}",
                    "check the node's params and inputs",
                ).located(node_id)
            )
            continue
        result.schemas[node_id] = outputs
        # roles seen downstream: a known schema's own; where the columns are unknown before a
        # run (Predict, Apply fitted transformer), the roles of the tables the node read
        carried = merged_roles(input_roles.get(p.name, {}) for p in node_type.inputs if _tabular(p))
        for port in node_type.outputs:
            schema = outputs.get(port.name)
            if schema is not None:
                roles_out[(node_id, port.name)] = schema.roles
            elif _tabular(port):
                roles_out[(node_id, port.name)] = carried
    issues.extend(
        leakage_issues(
            WorkflowFacts(
                order=result.order,
                nodes=nodes_by_id,
                node_types=node_types,
                wiring=wiring,
                schemas=result.schemas,
                params=result.params,
            )
        )
    )
    return result


def _tabular(port: Port) -> bool:
    return port.data_type in (DataType.DATAFRAME, DataType.SERIES)


def _title(node: Node, node_type: NodeType[Any]) -> str:
    return node_title(node.id, node.label, node_type.display_name)


def _resolved(
    node_type: NodeType[Any],
    params: BaseModel,
    inputs: dict[str, PortSchema],
    roles: dict[str, dict[str, Role]],
) -> tuple[BaseModel, list[Issue]]:
    """The node's params with their role-dependent defaults made explicit (the params as given
    when the node's resolve_params fails, with an issue)."""
    try:
        return node_type.resolve_params(params, inputs, roles), []
    except Exception as exc:  # a node's resolve_params must never take validation down
        return params, [
            error(
                "validator_crashed",
                f"{node_type.type_id} could not apply the column roles: {exc}",
                "report this to the node's author",
            )
        ]


def _check_edge(
    workflow: Workflow,
    edge: Any,
    node_types: dict[str, NodeType[Any]],
    node_ids: set[str],
    wiring: dict[str, dict[str, tuple[str, str]]],
) -> Issue | None:
    for end, node_id in (("source", edge.source), ("target", edge.target)):
        if node_id not in node_ids:
            return error(
                "edge_to_missing_node",
                f"edge {edge.id!r} {end} {node_id!r} is not a node of this workflow",
                "remove the edge or add the node",
            ).located(edge.target if end == "source" else edge.source)
    source_type, target_type = node_types.get(edge.source), node_types.get(edge.target)
    if source_type is None or target_type is None:
        return None  # unknown node types are reported once, on the node
    out_port = source_type.output_port(edge.source_port)
    if out_port is None:
        return error(
            "missing_port",
            f"edge {edge.id!r}: {edge.source!r} has no output {edge.source_port!r}",
            "outputs: " + ", ".join(p.name for p in source_type.outputs),
            port=edge.source_port,
        ).located(edge.source)
    in_port = target_type.input_port(edge.target_port)
    if in_port is None:
        names = ", ".join(p.name for p in target_type.inputs) or "none"
        return error(
            "missing_port",
            f"edge {edge.id!r}: {edge.target!r} has no input {edge.target_port!r}",
            f"inputs: {names}",
            port=edge.target_port,
        ).located(edge.target)
    if not can_connect(out_port.data_type, in_port.data_type, in_port.accepts):
        return error(
            "port_type_mismatch",
            f"edge {edge.id!r}: " + connection_refusal(out_port.data_type, in_port.data_type),
            f"{edge.source}.{edge.source_port} is {out_port.data_type.value}; "
            f"{edge.target}.{edge.target_port} needs {in_port.data_type.value}",
            port=edge.target_port,
        ).located(edge.target)
    if edge.target_port in wiring.get(edge.target, {}):
        return error(
            "input_already_connected",
            f"input {edge.target_port!r} already has a connection",
            "remove the other edge first",
            port=edge.target_port,
        ).located(edge.target)
    if edge.source == edge.target:
        return error("cycle", "a node cannot feed itself", "remove the edge").located(edge.target)
    return None
