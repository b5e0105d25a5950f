"""The one composition root for Dagster: every stored workflow compiled into assets,
and every stored schedule into a Dagster schedule.

The Dagster webserver and daemon load this module through workspace.yaml. The workflow set and
the schedules are read from the store once per code-location load and pinned into reconstruction
metadata, so runs launched from the Dagster UI or by a schedule execute the graph versions the
code location showed. Each asset's code_version is its node's code version; loaded in the code
server of `mlcanvas up`, the module also records in Dagster the stored results the canvas
reuses (an edit undone after a run), so the Dagster UI calls synced what the canvas calls fresh
(orchestration/dagster_versions.py).

Schedules (orchestration/schedules.py holds the records): each becomes `canvas_<workflow
slug>_<first 8 characters of its id>`, targeting the workflow's asset group or the node with its
upstream, RUNNING when enabled and STOPPED otherwise, in the schedule's time zone. Its
evaluation is cache-aware like "Run stale": it plans with our planner and returns
SkipReason("nothing to do: every node is fresh") when nothing is stale, else a RunRequest for
exactly the stale and missing nodes' assets, tagged canvas/trigger=schedule and
canvas/schedule=<id>. A tick also skips while the schedule's previous run is still going, so a
slow run is never stacked under the next one. The daemon queues the run; the instance's run
launcher (runs/dagster_run_launcher.py) hands it to the warm engine.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from canvas_assets.orchestration.code_server import CODE_SERVER_ENV
from canvas_assets.orchestration.dagster_adapter import (
    loading_for_a_run,
    pinned_snapshot,
    with_snapshot,
)
from canvas_assets.orchestration.dagster_versions import sync_reused_results
from canvas_assets.orchestration.schedules import Schedule
from canvas_assets.outputs.io_manager import CanvasIOManager
from canvas_assets.planning.compiler import build_workflow_assets, output_keys
from canvas_assets.planning.plan import Plan, PlanError, build_plan
from canvas_assets.planning.plan_source import PlanSource
from canvas_assets.planning.status import State
from canvas_assets.runs.jobs import executor_definition, graph_width
from canvas_assets.services import CanvasServices, RunRefused, Selection
from canvas_assets.storage.errors import NotFound
from node_library.graph import Workflow, load_workflow
from node_library.validation import validate_workflow

SNAPSHOT_KEY = "canvas/workflows"
SCHEDULES_KEY = "canvas/schedules"
SCHEDULE_TAG = "canvas/schedule"
NOTHING_TO_DO = "nothing to do: every node is fresh"
log = logging.getLogger(__name__)
_EPOCH = datetime.fromtimestamp(0, UTC)  # schedules in the snapshot keep no timestamps


def _read_store(services: CanvasServices) -> str:
    return json.dumps(
        [
            {"revision": s.revision, "document": s.workflow.model_dump(mode="json")}
            for s in services.store.list(limit=10_000)
        ]
    )


def _read_schedules(services: CanvasServices) -> str:
    return json.dumps(
        [
            {
                "id": s.id,
                "workflow_id": s.workflow_id,
                "node": s.node,
                "cron": s.cron,
                "timezone": s.timezone,
                "enabled": s.enabled,
            }
            for s in services.schedules.list()
        ]
    )


def schedule_name(slug: str, schedule_id: str) -> str:
    return f"canvas_{slug}_{schedule_id[:8]}"


def build_definitions(services: CanvasServices) -> dg.Definitions:
    snapshot = pinned_snapshot(SNAPSHOT_KEY, lambda: _read_store(services))
    schedules_snapshot = pinned_snapshot(SCHEDULES_KEY, lambda: _read_schedules(services))
    builders: dict[str, Callable[[], Plan]] = {}
    assets: list[dg.AssetsDefinition] = []
    workflows: list[tuple[Workflow, int]] = []
    orders: dict[str, list[str]] = {}  # each valid workflow's topological order
    for item in json.loads(snapshot):
        workflow = load_workflow(item["document"], services.registry)
        result = validate_workflow(workflow, services.registry, services.settings)
        if not result.ok:
            log.warning(
                "workflow %s is not shown in Dagster until it validates: %s",
                workflow.slug,
                "; ".join(str(i) for i in result.errors[:3]),
            )
            continue
        workflows.append((workflow, int(item["revision"])))
        orders[workflow.slug] = result.order

    for workflow, revision in workflows:
        builders[workflow.slug] = functools.partial(
            build_plan, workflow, services.registry, services.settings, revision
        )
    plans = PlanSource(builders=builders)
    for workflow, _ in workflows:
        assets.extend(build_workflow_assets(workflow, services.registry, services.settings, plans))
    defs = dg.Definitions(
        assets=assets,
        schedules=build_schedules(services, workflows, json.loads(schedules_snapshot), orders),
        # Runs launched from the Dagster UI execute their steps in the run worker's process:
        # Dagster's multiprocess default spends about 3 s starting each step on this hardware.
        executor=dg.in_process_executor,
        resources={"io_manager": CanvasIOManager(services.artifacts, plans)},
    )
    defs = with_snapshot(defs, SNAPSHOT_KEY, snapshot)
    return with_snapshot(defs, SCHEDULES_KEY, schedules_snapshot)


def build_schedules(
    services: CanvasServices,
    workflows: list[tuple[Workflow, int]],
    records: list[dict[str, Any]],
    orders: Mapping[str, list[str]] | None = None,
) -> list[dg.ScheduleDefinition]:
    """Dagster schedules of the stored schedules whose workflow is in the code location."""
    by_id = {w.id: (w, revision) for w, revision in workflows}
    schedules = []
    for record in records:
        schedule = Schedule(**record, created_at=_EPOCH, updated_at=_EPOCH)
        found = by_id.get(schedule.workflow_id)
        if found is None:
            log.warning(
                "schedule %s is left out of Dagster: its workflow %s is missing or does not"
                " validate",
                schedule.id,
                schedule.workflow_id,
            )
            continue
        workflow, revision = found
        selection: dg.AssetSelection = dg.AssetSelection.groups(workflow.slug)
        if schedule.node is not None:
            keys = output_keys(workflow, services.registry)
            node_keys = [k for (n, _), k in keys.items() if n == schedule.node]
            if not node_keys:
                log.warning(
                    "schedule %s is left out of Dagster: workflow %s has no node %r any more",
                    schedule.id,
                    workflow.slug,
                    schedule.node,
                )
                continue
            selection = dg.AssetSelection.assets(*node_keys).upstream()
        name = schedule_name(workflow.slug, schedule.id)
        # where the workflow's runs execute, as for runs the API launches (runs/jobs.py): Celery
        # workers, or the engine's worker with parallel branches where the graph has them
        executor: str = workflow.settings.executor
        if executor == "local":
            order = (orders or {}).get(workflow.slug, [])
            executor = "fork" if _width(workflow, order) > 1 else "in_process"
        schedules.append(
            dg.ScheduleDefinition(
                name=name,
                cron_schedule=schedule.cron,
                execution_timezone=schedule.timezone,
                job=dg.define_asset_job(
                    f"{name}_job", selection=selection, executor_def=executor_definition(executor)
                ),
                default_status=(
                    dg.DefaultScheduleStatus.RUNNING
                    if schedule.enabled
                    else dg.DefaultScheduleStatus.STOPPED
                ),
                description=f"{schedule.description} ({schedule.timezone}): runs the stale nodes"
                f" of {workflow.name!r}" + (f" up to {schedule.node!r}" if schedule.node else ""),
                execution_fn=functools.partial(
                    evaluate_schedule, services, schedule, workflow, revision
                ),
            )
        )
    return schedules


def _width(workflow: Workflow, order: list[str]) -> int:
    """How many of the workflow's nodes could run at once (`order`: its validated topological
    order; no planning, so loading the code location never reads sources to fingerprint them)."""
    upstream: dict[str, list[str]] = {}
    for edge in workflow.edges:
        upstream.setdefault(edge.target, []).append(edge.source)
    return graph_width(order, upstream, set(order))


def evaluate_schedule(
    services: CanvasServices,
    schedule: Schedule,
    workflow: Workflow,
    revision: int,
    context: dg.ScheduleEvaluationContext,
) -> dg.RunRequest | dg.SkipReason:
    """One tick: a run of the stale and missing nodes, or the reason there is none."""
    running = context.instance.get_run_records(
        dg.RunsFilter(
            tags={SCHEDULE_TAG: schedule.id},
            statuses=[
                dg.DagsterRunStatus.QUEUED,
                dg.DagsterRunStatus.NOT_STARTED,
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED,
                dg.DagsterRunStatus.CANCELING,
            ],
        ),
        limit=1,
    )
    if running:
        run = running[0].dagster_run
        return dg.SkipReason(
            f"the previous run {run.run_id} of this schedule is still {run.status.value.lower()}"
        )
    selection = Selection.UPSTREAM if schedule.node else Selection.STALE
    try:
        plan, to_run = _stale_nodes(services, schedule, workflow, revision, selection)
    except (NotFound, PlanError, RunRefused) as exc:
        return dg.SkipReason(f"not run: {exc}")
    if not to_run:
        return dg.SkipReason(NOTHING_TO_DO)
    wanted = set(to_run)
    keys = [k for (n, _), k in output_keys(plan.workflow, services.registry).items() if n in wanted]
    return dg.RunRequest(
        asset_selection=keys,
        tags={
            "canvas/trigger": "schedule",
            SCHEDULE_TAG: schedule.id,
            "canvas/workflow": plan.slug,
            "canvas/revision": str(plan.revision),
            "canvas/nodes": ",".join(to_run),
            "canvas/selection": selection.value + (f":{schedule.node}" if schedule.node else ""),
        },
    )


def _stale_nodes(
    services: CanvasServices,
    schedule: Schedule,
    workflow: Workflow,
    revision: int,
    selection: Selection,
) -> tuple[Plan, list[str]]:
    """Plan like "Run stale" does. When the store has moved on since this code location loaded
    (an edit within the daemon's reload interval), plan the pinned revision instead: the run
    executes the code location's assets, which are built from that revision."""
    prepared = services.prepare_run(schedule.workflow_id, schedule.node, selection)
    if prepared.stored.revision == revision:
        return prepared.plan, prepared.to_run
    plan = build_plan(workflow, services.registry, services.settings, revision)
    statuses = services.statuses(plan)
    selected = plan.upstream({schedule.node}) if schedule.node else set(plan.nodes)
    return plan, [n for n in plan.order if n in selected and statuses[n].state is not State.FRESH]


@dg.definitions
def defs() -> dg.Definitions:
    services = CanvasServices.from_env()
    definitions = build_definitions(services)
    if os.environ.get(CODE_SERVER_ENV) == "1" and not loading_for_a_run():
        settle_in_code_server(services, definitions)
    return definitions


def settle_in_code_server(services: CanvasServices, definitions: dg.Definitions) -> None:
    """In the code server of `mlcanvas up` (orchestration/code_server.py), once per load: record
    the results the canvas reuses, so the Dagster UI agrees with the canvas about what is
    current (orchestration/dagster_versions.py), then freeze the loaded heap, which nothing
    frees until this process is replaced, so that its exit does not spend seconds collecting
    it. A failure to record is logged: the code location loads regardless."""
    try:
        sync_reused_results(services, definitions.resolve_asset_graph())
    except Exception:  # the Dagster UI must load even when the store or the sources fail
        log.exception(
            "could not record the reused results in Dagster; the Dagster UI may call"
            " some assets Unsynced that the canvas calls fresh"
        )
    gc.freeze()
