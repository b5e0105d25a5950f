"""Which stored result of a node to show: `node_output` takes the one the current graph implies
for the node (its cache key from the plan; when it is not stored, `NoCurrentResult` says whether
the node is stale or missing and why; when the node or its upstream has errors, `PlanError` says
which), or an earlier one named by its cache key, and previews it.
Every part of an artifact address that comes from a caller is checked against a strict pattern
before it becomes a storage key, so no request can name a path outside the artifact root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from canvas_assets.outputs.errors import NoCurrentResult, OutputNotFound, PreviewError
from canvas_assets.outputs.preview import Preview, preview
from canvas_assets.outputs.table_pages import check_page
from canvas_assets.planning.plan import PlanError
from canvas_assets.planning.status import NodeStatus
from canvas_assets.storage.artifacts import ArtifactRef
from node_library.graph import SLUG_PATTERN

if TYPE_CHECKING:
    from canvas_assets.services import CanvasServices

_NAME_RE = re.compile(SLUG_PATTERN)  # workflow slugs, node ids and port names alike
CACHE_KEY_RE = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class NodeOutput:
    ref: ArtifactRef
    current: bool  # True when this is the result the current graph implies
    preview: Preview


def output_ref(workflow: str, node_id: str, cache_key: str, port: str) -> ArtifactRef:
    """An artifact address from caller-supplied parts, each checked against a strict pattern."""
    for what, value in (("workflow slug", workflow), ("node id", node_id), ("port", port)):
        if not _NAME_RE.fullmatch(value):
            raise PreviewError(
                f"{what} {value[:80]!r} is not valid",
                field=what.split()[-1],
                hint="lowercase letters, digits and '_', starting with a letter",
            )
    check_cache_key(cache_key)
    return ArtifactRef(workflow, node_id, cache_key, port)


def check_cache_key(cache_key: str) -> str:
    if not CACHE_KEY_RE.fullmatch(cache_key):
        raise PreviewError(
            f"cache key {cache_key[:80]!r} is not valid",
            field="cacheKey",
            hint="a cache key is 32 lowercase hex characters, as nodeStatuses reports it",
        )
    return cache_key


def node_output(
    services: CanvasServices,
    workflow_ref: str,
    node_id: str,
    *,
    port: str | None = None,
    cache_key: str | None = None,
    offset: int = 0,
    limit: int = 100,
    sort_by: str | None = None,
    descending: bool = False,
    where: str | None = None,
) -> NodeOutput:
    """A preview of the node's current result, or of an earlier one named by `cache_key`.

    Raises NotFound (no such workflow), OutputNotFound, PreviewError, NoCurrentResult and
    PlanError (the node, or one upstream of it, has errors, so it has no current result: its
    issues say which, `blocked_by` names the upstream nodes). Errors elsewhere in the workflow
    do not matter.
    """
    check_page(offset, limit)
    if cache_key is not None:
        check_cache_key(cache_key)
    stored = services.store.get(workflow_ref)
    workflow = stored.workflow
    node = workflow.node(node_id)
    if node is None:
        known = ", ".join(n.id for n in workflow.nodes) or "none"
        raise OutputNotFound(
            f"workflow {workflow.slug!r} has no node {node_id!r}; its nodes: {known}"
        )
    node_type = services.registry.get(node.type)
    ports = [p.name for p in node_type.outputs] if node_type else []
    if port is None:
        if not ports:
            raise OutputNotFound(f"node {node_id!r} ({node.type}) has no output ports")
        port = ports[0]
    elif port not in ports:
        raise PreviewError(
            f"node {node_id!r} ({node.type}) has no output port {port[:80]!r}",
            field="port",
            hint="its output ports: " + (", ".join(ports) or "none"),
        )

    current = cache_key is None
    if cache_key is None:
        plan = services.plan(stored)
        if node_id in plan.blocked:
            raise PlanError(plan.blocked[node_id], plan.blocked_by[node_id])
        cache_key = plan.nodes[node_id].cache_key
        ref = output_ref(workflow.slug, node_id, cache_key, port)
        if not services.artifacts.exists(ref):
            # Only now ask the Dagster history, which the reason (stale or missing) needs.
            status = services.statuses(plan)[node_id]
            raise NoCurrentResult(status, _earlier_key(services, workflow.slug, status, port))
    else:
        ref = output_ref(workflow.slug, node_id, cache_key, port)
        if not services.artifacts.exists(ref):
            raise OutputNotFound(
                f"node {node_id!r} has no stored result on port {port!r} with cache key"
                f" {cache_key}; results are kept by cache key until the retention policy removes"
                " them"
            )
    page = preview(services.artifacts, ref, offset, limit, sort_by, descending, where)
    return NodeOutput(ref=ref, current=current, preview=page)


def _earlier_key(services: CanvasServices, slug: str, status: NodeStatus, port: str) -> str | None:
    """The cache key of the node's last result when that result is still stored on `port`."""
    key = status.last.get("cache_key")
    if not isinstance(key, str) or not CACHE_KEY_RE.fullmatch(key):
        return None
    ref = output_ref(slug, status.node_id, key, port)
    return key if services.artifacts.exists(ref) else None
