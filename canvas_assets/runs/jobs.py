"""The job a canvas run executes, rebuilt from plain arguments in any process.

A run launched by the API is recorded in the Dagster instance with a code origin that points at
`run_job` below and its arguments: the workflow id, the revision the run was planned on, the nodes
to execute, the source fingerprints taken at planning time and the executor. The engine's warm
worker, a forked step process and a Celery worker on another machine all rebuild the same job
(same assets, same cache keys) from those arguments; an edit made during the run never changes
it. The job holds the revision's planned nodes only (a partial plan), so a run of a valid branch
works while another node of the same revision has errors. `run_job` is cached per process, so
forked step processes inherit the built job.

Executors: "in_process" (steps one after another in the run's worker, outputs handed to the next
step from memory), "fork" (parallel steps in processes forked from the warm worker, up to
`max_concurrent` at once) and "celery" (each step a task for `mlcanvas worker`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg

from canvas_assets.orchestration.dagster_adapter import fork_executor, reconstructable_job
from canvas_assets.outputs.io_manager import CanvasIOManager
from canvas_assets.planning.compiler import build_workflow_assets, output_keys
from canvas_assets.planning.plan import Plan, build_plan
from canvas_assets.planning.plan_source import PlanSource
from canvas_assets.services import CanvasServices

RUN_JOB = "canvas_run"


@dataclass(frozen=True)
class RunSpec:
    """Everything that determines a run's job; JSON-serializable, so it can cross processes."""

    workflow_id: str
    revision: int
    nodes: tuple[str, ...]
    fingerprints: tuple[tuple[str, str | None], ...]
    executor: str  # in_process | fork | celery
    max_concurrent: int  # 0: the executing engine's CANVAS_ENGINE_CONCURRENCY (its cores)

    def kwargs(self) -> dict[str, object]:
        return {
            "workflow_id": self.workflow_id,
            "revision": self.revision,
            "nodes": list(self.nodes),
            "fingerprints": dict(self.fingerprints),
            "executor": self.executor,
            "max_concurrent": self.max_concurrent,
        }

    def reconstructable(self) -> Any:
        return reconstructable_job(__name__, run_job.__name__, self.kwargs(), RUN_JOB)


def spec_for(
    plan: Plan, workflow_id: str, revision: int, nodes: Sequence[str], executor: str
) -> RunSpec:
    """The run spec of a planned run; "local" becomes in_process for a chain (nothing could run
    at once) and fork where independent nodes can run in parallel."""
    if executor == "local":
        executor = "fork" if parallel_width(plan, nodes) > 1 else "in_process"
    return RunSpec(
        workflow_id=workflow_id,
        revision=revision,
        nodes=tuple(nodes),
        fingerprints=tuple(
            sorted((n, p.fingerprint) for n, p in plan.nodes.items() if p.fingerprint is not None)
        ),
        executor=executor,
        # decided where the run executes, not in the API process that records it (another
        # container or machine, with other cores and settings)
        max_concurrent=0,
    )


def engine_concurrency() -> int:
    """How many nodes of one run execute at once: CANVAS_ENGINE_CONCURRENCY, else the cores."""
    configured = os.environ.get("CANVAS_ENGINE_CONCURRENCY", "").strip()
    return max(1, int(configured)) if configured else max(1, os.cpu_count() or 1)


def parallel_width(plan: Plan, nodes: Sequence[str]) -> int:
    """The most selected nodes that could run at the same time (nodes at the same depth of the
    selected subgraph); 1 for a chain."""
    upstream = {n: [r.node_id for r in plan.nodes[n].inputs.values()] for n in plan.order}
    return graph_width(plan.order, upstream, set(nodes))


def graph_width(
    order: Sequence[str], upstream: Mapping[str, Sequence[str]], selected: set[str]
) -> int:
    """parallel_width over plain topology: `order` topological, `upstream` each node's inputs."""
    depth: dict[str, int] = {}
    for node_id in order:
        if node_id in selected:
            ups = [depth[u] for u in upstream.get(node_id, ()) if u in depth]
            depth[node_id] = 1 + max(ups, default=0)
    counts: dict[int, int] = {}
    for level in depth.values():
        counts[level] = counts.get(level, 0) + 1
    return max(counts.values(), default=0)


def build_run_job(services: CanvasServices, spec: RunSpec) -> dg.JobDefinition:
    """The run's job: the assets of the revision's planned nodes (a revision may have errors in
    nodes the run does not need), selecting the run's nodes. Raises PlanError when one of them
    cannot be planned here (e.g. a node package this process lacks)."""
    workflow = services.store.version(spec.workflow_id, spec.revision)
    plan = build_plan(
        workflow,
        services.registry,
        services.settings,
        spec.revision,
        dict(spec.fingerprints),
        partial=True,
    )
    refusal = plan.refusal(spec.nodes)
    if refusal is not None:
        raise refusal
    plans = PlanSource(pinned={plan.slug: plan})
    assets = build_workflow_assets(
        workflow, services.registry, services.settings, plans, only=set(plan.nodes)
    )
    keys = output_keys(workflow, services.registry)
    selected = set(spec.nodes)
    return dg.Definitions(
        assets=assets,
        jobs=[
            dg.define_asset_job(
                RUN_JOB, selection=[k for (n, _), k in keys.items() if n in selected]
            )
        ],
        resources={
            "io_manager": CanvasIOManager(
                services.artifacts, plans, handoff=spec.executor == "in_process"
            )
        },
        executor=executor_definition(spec.executor, spec.max_concurrent),
    ).resolve_job_def(RUN_JOB)


def executor_definition(executor: str, max_concurrent: int = 0) -> dg.ExecutorDefinition:
    """The Dagster executor of in_process, fork (at most `max_concurrent` steps at once; 0: this
    process's CANVAS_ENGINE_CONCURRENCY) or celery."""
    if executor == "fork":
        return fork_executor(max_concurrent or engine_concurrency())
    if executor == "celery":
        from canvas_assets.runs.scale_out.executor import celery_executor_def

        return celery_executor_def()  # broker and queue from the environment, as the workers
    return dg.in_process_executor


@functools.cache
def _services() -> CanvasServices:
    return CanvasServices.from_env()


def run_job(
    workflow_id: str,
    revision: int,
    nodes: list[str],
    fingerprints: Mapping[str, str | None],
    executor: str,
    max_concurrent: int,
) -> dg.JobDefinition:
    """The reconstruction target named in every engine run's code origin (see module doc)."""
    spec = RunSpec(
        workflow_id,
        int(revision),
        tuple(nodes),
        tuple(sorted(fingerprints.items())),
        executor,
        int(max_concurrent),
    )
    return _cached_job(spec)


@functools.lru_cache(maxsize=16)
def _cached_job(spec: RunSpec) -> dg.JobDefinition:
    return build_run_job(_services(), spec)
