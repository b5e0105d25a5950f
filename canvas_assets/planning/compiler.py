"""Compile a workflow into Dagster assets: one asset per node output port, one asset group per
workflow, keys [workflow slug, node id] (plus the port for nodes with several outputs).

Each node becomes a multi_asset whose outputs carry the node's code_version and typed metadata;
keys hold ids only, so each asset's description, metadata (`canvas/node_label`,
`canvas/node_type`, `canvas/port_label`) and tags (category, type id) say which node of the
canvas it is, as labelled there. The compute function runs the node's `execute` with its
inputs loaded by the typed IO manager and attaches the cache-key record that status
explanations read back later.

No `from __future__ import annotations` here: Dagster inspects the compute function's context
annotation at runtime.
"""

import json
import re
import resource
import time
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import dagster as dg
import pandas as pd

from canvas_assets.planning.plan import Plan, code_version
from canvas_assets.planning.plan_source import PlanSource
from node_library.contract import LineageNode, NodeError, NodeType, Port, WorkflowInfo
from node_library.graph import Node, Workflow
from node_library.registry import NodeRegistry
from node_library.secrets import mask_secrets
from node_library.settings import NodeSettings

# the metadata of every output asset: which workflow, node and port it is, and its data type
# (the IO manager stores its values by them)
WORKFLOW = "canvas/workflow"
NODE_ID = "canvas/node_id"
PORT = "canvas/port"
DATA_TYPE = "canvas/data_type"
RECORD = "canvas/record"
CANCELED_MESSAGE = "the run was canceled before this node started"
CANCELED_TAG = "canvas/canceled"  # runs canceled before the engine existed carry it


NODE_LABEL = "canvas/node_label"  # the label the canvas shows (the type's name when none)
NODE_TYPE_NAME = "canvas/node_type"  # the node type's display name
PORT_LABEL = "canvas/port_label"
# tag values Dagster accepts (strict: letters, digits, '_', '-', '.', at most 63 characters)
_TAG_VALUE = re.compile(r"^[A-Za-z0-9_.-]{0,63}$")


def node_label(node: Node, node_type: NodeType[Any]) -> str:
    return node.label.strip() or node_type.display_name


def asset_description(node: Node, node_type: NodeType[Any], port: Port) -> str:
    """What the Dagster UI shows for an asset, whose key holds only ids: the node as the canvas
    labels it, its type and the output port, e.g. "Standardise (Scaling), output Train: The
    transformed training rows."."""
    label = node_label(node, node_type)
    who = label if label == node_type.display_name else f"{label} ({node_type.display_name})"
    what = f", output {port.label or port.name}" if len(node_type.outputs) > 1 else ""
    detail = port.description or node_type.description
    return f"{who}{what}: {detail}" if detail else f"{who}{what}"


def asset_tags(node_type: NodeType[Any]) -> dict[str, str]:
    """Tags to filter assets by in the Dagster UI (e.g. `tag:canvas/category=models`). Labels
    are free text, which tag values cannot hold: they go in the metadata and description."""
    tags = {"canvas/category": node_type.category, "canvas/type_id": node_type.type_id}
    return {k: v for k, v in tags.items() if _TAG_VALUE.match(v)}


def asset_key(slug: str, node_id: str, port: str, single_output: bool) -> dg.AssetKey:
    return dg.AssetKey([slug, node_id] if single_output else [slug, node_id, port])


def output_keys(workflow: Workflow, registry: NodeRegistry) -> dict[tuple[str, str], dg.AssetKey]:
    keys = {}
    for node in workflow.nodes:
        node_type = registry.get(node.type)
        if node_type is None:
            continue
        single = len(node_type.outputs) == 1
        for port in node_type.outputs:
            keys[(node.id, port.name)] = asset_key(workflow.slug, node.id, port.name, single)
    return keys


class DagsterNodeContext:
    """The node ExecutionContext inside a Dagster step: progress and logs go to the run's log."""

    def __init__(
        self,
        context: dg.AssetExecutionContext,
        node_id: str,
        settings: NodeSettings,
        workflow_info: Callable[[], WorkflowInfo] = WorkflowInfo,
    ) -> None:
        self._context, self._node_id, self._settings = context, node_id, settings
        self._workflow_info = workflow_info

    @property
    def node_id(self) -> str:
        return self._node_id

    @property
    def settings(self) -> NodeSettings:
        return self._settings

    @cached_property
    def workflow(self) -> WorkflowInfo:
        # built on first use: only nodes that describe their workflow (reports) pay for it
        return self._workflow_info()

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        self._context.log.info(f"progress {done}/{total if total else '?'} {message}".strip())

    def log(self, message: str) -> None:
        self._context.log.info(mask_secrets(message))  # run logs are shown to every viewer


def workflow_info(
    plan: Plan, node_id: str, registry: NodeRegistry, started_at: datetime
) -> WorkflowInfo:
    """The run's workflow as node `node_id` sees it: name, slug and its upstream lineage."""
    labels = {node.id: node.label for node in plan.workflow.nodes}
    upstream = plan.upstream({node_id})
    lineage = {}
    for current in plan.order:
        if current not in upstream:
            continue
        node_plan = plan.nodes[current]
        node_type = registry.get(node_plan.type_id)
        lineage[current] = LineageNode(
            node_id=current,
            type_id=node_plan.type_id,
            type_name=node_type.display_name if node_type else node_plan.type_id,
            label=labels.get(current, ""),
            params=node_plan.params.model_dump(mode="json"),
            inputs={port: (ref.node_id, ref.port) for port, ref in node_plan.inputs.items()},
        )
    return WorkflowInfo(plan.workflow.name, plan.slug, started_at, lineage)


def build_workflow_assets(
    workflow: Workflow,
    registry: NodeRegistry,
    settings: NodeSettings,
    plans: PlanSource,
    only: Collection[str] | None = None,
) -> list[dg.AssetsDefinition]:
    """The assets of the workflow's nodes, or of the nodes in `only` (the planned nodes of a
    partial plan: their params parse and every node they read from is among them)."""
    keys = output_keys(workflow, registry)
    wiring = {(e.target, e.target_port): (e.source, e.source_port) for e in workflow.edges}
    assets = []
    for node in workflow.nodes:
        node_type = registry.get(node.type)
        if node_type is None or (only is not None and node.id not in only):
            continue
        ins = {
            port.name: dg.AssetIn(key=keys[wiring[(node.id, port.name)]])
            for port in node_type.inputs
            if (node.id, port.name) in wiring
        }
        assets.append(_node_asset(workflow, node, node_type, ins, keys, settings, plans, registry))
    return assets


def _node_asset(
    workflow: Workflow,
    node: Node,
    node_type: NodeType[Any],
    ins: dict[str, dg.AssetIn],
    keys: dict[tuple[str, str], dg.AssetKey],
    settings: NodeSettings,
    plans: PlanSource,
    registry: NodeRegistry,
) -> dg.AssetsDefinition:
    slug, node_id = workflow.slug, node.id

    params = node_type.Params.model_validate(node.params)
    version = code_version(node_type, params)
    outs = {
        port.name: dg.AssetOut(
            key=keys[(node_id, port.name)],
            description=asset_description(node, node_type, port),
            code_version=version,
            is_required=True,
            metadata={
                WORKFLOW: slug,
                NODE_ID: node_id,
                PORT: port.name,
                DATA_TYPE: port.data_type.value,
                "canvas/type_id": node_type.type_id,
                NODE_LABEL: node_label(node, node_type),
                NODE_TYPE_NAME: node_type.display_name,
                PORT_LABEL: port.label or port.name,
            },
            tags=asset_tags(node_type),
            kinds={_kind(port.data_type.value)},
        )
        for port in node_type.outputs
    }

    @dg.multi_asset(
        name=f"{slug}__{node_id}",
        outs=outs,
        ins=ins,
        group_name=slug,
        description=node.label or node_type.description,
        op_tags={"canvas/node_id": node_id, "canvas/type_id": node_type.type_id},
    )
    def compute(context: dg.AssetExecutionContext, **inputs: Any) -> Iterator[dg.Output[Any]]:
        plan = plans.get(context.run.run_id, slug)
        node_plan = plan.nodes[node_id]
        started = time.perf_counter()
        started_at = datetime.now(UTC)
        node_context = DagsterNodeContext(
            context, node_id, settings, lambda: workflow_info(plan, node_id, registry, started_at)
        )
        memory = PeakMemory()
        try:
            with memory:
                values = node_type.execute(node_context, node_plan.params, **inputs)
        except NodeError as exc:
            raise dg.Failure(
                description=str(exc.issue),
                metadata={"canvas/issue": exc.issue.model_dump(mode="json")},
            ) from exc
        duration = time.perf_counter() - started
        tables = [v for v in inputs.values() if isinstance(v, (pd.DataFrame, pd.Series))]
        rows_in = sum(len(v) for v in tables) if tables else None  # None: a source, no table in
        for port in node_type.outputs:
            value = values[port.name]
            metadata: dict[str, Any] = {
                RECORD: dg.MetadataValue.json(node_plan.record()),
                "canvas/cache_key": node_plan.cache_key,
                PORT: port.name,
                DATA_TYPE: port.data_type.value,
                "canvas/duration_s": round(duration, 4),
                "canvas/rows_in": rows_in,
                MEMORY_MB: memory.added_mb,
                "canvas/peak_rss_mb": memory.peak_mb,
            }
            if isinstance(value, (pd.DataFrame, pd.Series)):
                metadata["canvas/rows_out"] = len(value)
                if isinstance(value, pd.DataFrame):
                    metadata["dagster/column_schema"] = dg.TableSchema(
                        columns=[dg.TableColumn(str(c), str(t)) for c, t in value.dtypes.items()]
                    )
            yield dg.Output(value, output_name=port.name, metadata=metadata)

    return compute


MEMORY_MB = "canvas/memory_mb"


class PeakMemory:
    """Memory a node used: the process's peak resident size while it ran, minus the resident size
    when it started. Linux resets the peak on request (/proc/self/clear_refs), so in the engine's
    forked step processes and in a run's worker this is the node's own peak; where the reset is
    not allowed, the peak is the process's peak so far (an upper bound)."""

    def __enter__(self) -> "PeakMemory":
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
        except OSError:
            pass
        self._start = _status_kb("VmRSS")
        return self

    def __exit__(self, *_: object) -> None:
        peak = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.peak_mb = round(peak / 1024, 1)
        self.added_mb = round(max(0, peak - self._start) / 1024, 1)


def _status_kb(field: str) -> int:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _kind(data_type: str) -> str:
    return {
        "dataframe": "pandas",
        "series": "pandas",
        "model": "sklearn",
        "plot": "plotly",
        "metrics": "json",
        "json": "json",
        "file": "file",
    }.get(data_type, data_type)


def record_of(metadata: dict[str, Any]) -> dict[str, Any]:
    """The cache-key record from a materialization's metadata (see NodePlan.record)."""
    value = metadata.get(RECORD)
    raw = getattr(value, "value", value)
    if isinstance(raw, str):
        raw = json.loads(raw)
    return dict(raw) if isinstance(raw, dict) else {}
