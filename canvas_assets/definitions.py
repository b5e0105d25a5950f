"""The one composition root for Dagster (STYLE.md): every stored workflow compiled into assets.

The Dagster webserver and daemon load this module through workspace.yaml. The workflow set is
read from the store once per code-location load and pinned into reconstruction metadata, so runs
launched from the Dagster UI execute the graph versions the UI showed.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable

import dagster as dg

from canvas_assets.compiler import build_workflow_assets
from canvas_assets.dagster_adapter import pinned_snapshot, with_snapshot
from canvas_assets.io_manager import CanvasIOManager
from canvas_assets.planner import Plan, build_plan
from canvas_assets.plans import PlanSource
from canvas_assets.services import CanvasServices
from node_library.graph import Workflow, load_workflow
from node_library.validation import validate_workflow

SNAPSHOT_KEY = "canvas/workflows"
log = logging.getLogger(__name__)


def _read_store(services: CanvasServices) -> str:
    return json.dumps(
        [
            {"revision": s.revision, "document": s.workflow.model_dump(mode="json")}
            for s in services.store.list(limit=10_000)
        ]
    )


def build_definitions(services: CanvasServices) -> dg.Definitions:
    snapshot = pinned_snapshot(SNAPSHOT_KEY, lambda: _read_store(services))
    builders: dict[str, Callable[[], Plan]] = {}
    assets: list[dg.AssetsDefinition] = []
    workflows: list[tuple[Workflow, int]] = []
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

    for workflow, revision in workflows:
        builders[workflow.slug] = functools.partial(
            build_plan, workflow, services.registry, services.settings, revision
        )
    plans = PlanSource(builders=builders)
    for workflow, _ in workflows:
        assets.extend(build_workflow_assets(workflow, services.registry, services.settings, plans))
    defs = dg.Definitions(
        assets=assets,
        # Runs launched from the Dagster UI execute their steps in the run worker's process:
        # Dagster's multiprocess default spends about 3 s starting each step on this hardware.
        executor=dg.in_process_executor,
        resources={"io_manager": CanvasIOManager(services.artifacts, plans)},
    )
    return with_snapshot(defs, SNAPSHOT_KEY, snapshot)


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(CanvasServices.from_env())
