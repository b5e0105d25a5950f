"""Column roles as nodes use them: declaring them, choosing defaults from them, and naming the
node that changed a target.

A role lives on a schema's column (node_library.schema.Role). Three things here:
- declaring roles (a source's `roles` param, the Set roles node): every named column must exist,
  and a frame has at most one target column, because every model here learns one target;
- defaults drawn from roles (`NodeType.resolve_params`): the target column of a model or a metrics
  node whose `target` param is empty, the columns a transformer leaves alone;
- naming the upstream node that changed a model's target (`blame_upstream`), at validation from
  the workflow's schemas and at run time from the run's lineage, so "the target holds continuous
  numbers" also says which node to fix.

docs/decisions/0008-column-roles.md explains why roles reach the run as resolved params.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from node_library.checks import require_columns
from node_library.contract import ExecutionContext, Issue, Severity, error
from node_library.schema import Role, TableSchema

if TYPE_CHECKING:
    from node_library.contract import NodeType

# input port -> column -> role, for the columns whose role is not `feature`
PortRoles = Mapping[str, Mapping[str, Role]]

# the name a target had before roles existed: the default of a model's `target` param
LEGACY_TARGET = "target"


def role_issues(
    schema: TableSchema | None, roles: Mapping[str, Role], *, param: str, port: str = ""
) -> list[Issue]:
    """Problems of roles declared on `schema`: a column it does not have (with did-you-mean), or a
    second target column (the input's own target counts unless `roles` gives it another role)."""
    issues = require_columns(schema, list(roles), param=param, port=port)
    if issues:
        return issues
    if schema is None:  # the input's own roles are not known yet: the declared ones only
        targets = targets_of(roles)
    else:
        targets = [c.name for c in schema.with_roles(roles).columns if c.role is Role.TARGET]
    if len(targets) > 1:
        declared = [n for n in targets if roles.get(n) is Role.TARGET]
        inherited = [n for n in targets if n not in declared]
        fix = (
            f"set {', '.join(map(repr, inherited))} to feature (or ignore) here as well"
            if inherited
            else "keep one target and set the others to feature"
        )
        issues.append(
            error(
                "several_targets",
                f"{len(targets)} columns would have the target role: "
                f"{', '.join(map(repr, targets))}; a frame has one target (the models here "
                "learn one column)",
                fix,
                param=param,
            )
        )
    return issues


def targets_of(roles: Mapping[str, Role]) -> list[str]:
    return [name for name, role in roles.items() if role is Role.TARGET]


def left_alone(roles: Mapping[str, Role]) -> list[str]:
    """The columns a transformer or a model leaves out by default: target, id and ignore."""
    return [name for name, role in roles.items() if role is not Role.FEATURE]


def role_target(roles: Mapping[str, Role]) -> str | None:
    """The one column with the target role; None when there is none or there are several."""
    found = targets_of(roles)
    return found[0] if len(found) == 1 else None


def default_target(roles: Mapping[str, Role], schema: TableSchema | None) -> str:
    """What an empty `target` param of a model or a metrics node means: the input's target-role
    column. Without one, the column named "target" (the default before roles existed, so saved
    workflows that relied on it keep their meaning) when it is there or the columns are unknown;
    else "" (the node then asks for a target)."""
    if targets_of(roles):
        return role_target(roles) or ""
    if schema is None or LEGACY_TARGET in schema:
        return LEGACY_TARGET
    return ""


def missing_target_hint(roles: Mapping[str, Role]) -> str:
    """The hint of a "no target column" issue, by what the input's roles say."""
    found = targets_of(roles)
    if len(found) > 1:
        return (
            f"several columns have the target role ({', '.join(map(repr, found))}): pick one "
            "here, or keep one target with a Set roles node"
        )
    return "pick the column to predict, or give it the target role with a Set roles node"


def port_roles(inputs: Mapping[str, TableSchema | None]) -> dict[str, dict[str, Role]]:
    """The non-feature roles of each known input schema."""
    return {port: schema.roles for port, schema in inputs.items() if schema is not None}


def merged_roles(ports: Iterable[Mapping[str, Role]]) -> dict[str, Role]:
    merged: dict[str, Role] = {}
    for roles in ports:
        merged.update(roles)
    return merged


# -- the node that changed a target ------------------------------------------------------------


def target_in_question(issue: Issue, params: Any) -> str | None:
    """The target column an error is about: the node's own target when the issue names the
    `target` param; None for any other issue."""
    if issue.severity is not Severity.ERROR or issue.param != "target":
        return None
    target = getattr(params, "target", None)
    return target if isinstance(target, str) and target else None


def node_title(node_id: str, label: str, type_name: str) -> str:
    """A node as the canvas shows it: its label (else its type's name) and its id."""
    return f'"{label.strip() or type_name}" ({node_id})'


def blamed(issue: Issue, column: str, title: str, fix: str) -> Issue:
    """`issue` completed with the upstream node that changed the target column, and the fix."""
    return Issue.model_validate(
        {
            **issue.model_dump(),
            "message": f"{issue.message}; the target {column!r} was changed by {title}",
            "hint": f"exclude it there: {fix}",
        }
    )


def blame_at_run_time(
    issue: Issue,
    params: Any,
    ctx: ExecutionContext,
    inputs: Mapping[str, Any],
) -> Issue:
    """A run-time target error completed with the nearest upstream node (in the run's lineage)
    whose params make it change the target column; the issue itself when there is none. Only
    for a target column that reached the node (a missing one was reported at validation)."""
    column = target_in_question(issue, params)
    if column is None or not any(column in getattr(v, "columns", ()) for v in inputs.values()):
        return issue
    from node_library.registry import default_registry  # the registry imports every node

    registry = default_registry()
    for node in ctx.workflow.upstream(ctx.node_id)[1:]:
        node_type = registry.get(node.type_id)
        if node_type is None:
            continue
        try:
            upstream_params = node_type.Params.model_validate(node.params)
        except ValueError:
            continue
        fix = node_type.changes_column(upstream_params, column, None)
        if fix:
            return blamed(issue, column, node_title(node.node_id, node.label, node.type_name), fix)
    return issue


def blame_in_workflow(
    issue: Issue,
    params: Any,
    sources: list[str],
    upstream_of: Mapping[str, list[str]],
    node_facts: Mapping[str, tuple[NodeType[Any], Any, Mapping[str, TableSchema | None], str]],
) -> Issue:
    """A validation-time target error completed with the nearest upstream node that changes the
    target column (breadth first from `sources`, the node's direct upstream). `node_facts` holds,
    per validated node: its type, resolved params, input schemas and title."""
    column = target_in_question(issue, params)
    if column is None:
        return issue
    queue, seen = list(sources), set()
    while queue:
        node_id = queue.pop(0)
        if node_id in seen or node_id not in node_facts:
            continue
        seen.add(node_id)
        node_type, upstream_params, inputs, title = node_facts[node_id]
        fix = node_type.changes_column(upstream_params, column, inputs)
        if fix:
            return blamed(issue, column, title, fix)
        queue.extend(upstream_of.get(node_id, []))
    return issue
