"""Runs launched by the API: planned at once (so a selection that needs nodes with errors, and
"nothing to do", answer immediately without launching anything; errors in nodes the selection
does not need do not stop it), then recorded in the Dagster instance for the engine
(engine.py), which starts them within its poll interval. Cancel and re-execution go through the
instance as well, so any API process can cancel any run, and an API restart loses nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import dagster as dg

from canvas_assets.runs.engine import ENGINE_TAG, LOCAL, engine_running, wake_engine
from canvas_assets.runs.events import run_details
from canvas_assets.runs.jobs import build_run_job, spec_for
from canvas_assets.services import CanvasServices, PreparedRun, RunRefused, Selection

OWNER_TAG = "canvas/owner"
PRIVATE_TAG = "canvas/private"
TRIGGER_TAG = "canvas/trigger"
SELECTION_TAG = "canvas/selection"
EXECUTOR_TAG = "canvas/executor"
PARENT_RUN_TAG = "dagster/parent_run_id"
ROOT_RUN_TAG = "dagster/root_run_id"
NO_ENGINE = (
    "no engine is serving this instance, so the run waits; start one with `mlcanvas engine`"
    " (`mlcanvas up` starts it with the rest)"
)


@dataclass(frozen=True)
class Launch:
    run_id: str | None  # None: every selected node is fresh, nothing was launched
    prepared: PreparedRun
    note: str = ""  # what the user should know (e.g. the run waits for an engine)


class RunLauncher:
    def __init__(self, services: CanvasServices) -> None:
        self.services = services

    def launch(
        self,
        ref: str,
        selection: Selection,
        node: str | None = None,
        nodes: list[str] | None = None,
        owner: str = "",
        private: bool = False,
        trigger: str = "api",
        parent_run_id: str | None = None,
    ) -> Launch:
        force = selection in (Selection.ALL, Selection.NODES)
        prepared = self.services.prepare_run(ref, node, selection, force, nodes)
        if not prepared.to_run:
            return Launch(None, prepared)
        tags = {
            OWNER_TAG: owner,
            PRIVATE_TAG: "1" if private else "0",
            TRIGGER_TAG: trigger,
            SELECTION_TAG: selection.value + (f":{node}" if node else ""),
        }
        run_id = submit_run(self.services, prepared, tags, parent_run_id)
        running = engine_running(self.services.config.dagster_home)
        return Launch(run_id, prepared, "" if running else NO_ENGINE)

    def reexecute_from_failure(
        self, run_id: str, owner: str = "", private: bool = False, trigger: str = "api"
    ) -> Launch:
        """A new run of the nodes a finished run did not complete (failed, skipped or never
        started), reusing the stored results of the nodes it did complete."""
        details = run_details(self.services.instance, run_id)
        if details is None:
            raise RunRefused(f"no run {run_id}")
        if details.status not in ("FAILURE", "CANCELED"):
            raise RunRefused(
                f"run {run_id} is {details.status}; only a failed or canceled run can be"
                " re-executed from its failure"
            )
        rest = [n.node_id for n in details.nodes if n.status != "succeeded"]
        if not rest:
            raise RunRefused(f"every node of run {run_id} succeeded; nothing to re-execute")
        workflow = details.tags.get("canvas/workflow", "")
        return self.launch(
            workflow,
            Selection.NODES,
            nodes=rest,
            owner=owner,
            private=private,
            trigger=trigger,
            parent_run_id=run_id,
        )

    def cancel(self, run_id: str) -> bool:
        """Ask the engine to stop the run (within its poll interval); False when the run is
        unknown or already finished."""
        instance = self.services.instance
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            return False
        if run.status != dg.DagsterRunStatus.CANCELING:
            instance.report_run_canceling(run, "cancel requested")
            wake_engine(self.services.config.dagster_home)
        return True


def submit_run(
    services: CanvasServices,
    prepared: PreparedRun,
    tags: dict[str, str],
    parent_run_id: str | None = None,
) -> str:
    """Record a planned run in the Dagster instance (NOT_STARTED) for the engine; returns its id.
    The run's code origin rebuilds exactly this job in any process (jobs.py)."""
    stored, plan = prepared.stored, prepared.plan
    spec = spec_for(
        plan, stored.id, stored.revision, prepared.to_run, stored.workflow.settings.executor
    )
    job = build_run_job(services, spec)
    parent = services.instance.get_run_by_id(parent_run_id) if parent_run_id else None
    run = services.instance.create_run_for_job(
        job,
        run_id=str(uuid.uuid4()),
        status=dg.DagsterRunStatus.NOT_STARTED,
        # the engine's console shows warnings; every event is in the instance (the Dagster UI)
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        job_code_origin=spec.reconstructable().get_python_origin(),
        parent_run_id=parent.run_id if parent else None,
        root_run_id=(parent.root_run_id or parent.run_id) if parent else None,
        tags={
            "canvas/workflow": plan.slug,
            "canvas/revision": str(stored.revision),
            "canvas/nodes": ",".join(prepared.to_run),
            EXECUTOR_TAG: spec.executor,
            ENGINE_TAG: LOCAL,
            **tags,
            # Dagster's own re-executions carry these tags (create_run_for_job sets the fields
            # only); the Dagster UI and Run.parentRunId read them
            **(
                {PARENT_RUN_TAG: parent.run_id, ROOT_RUN_TAG: parent.root_run_id or parent.run_id}
                if parent
                else {}
            ),
        },
    )
    wake_engine(services.config.dagster_home)
    return run.run_id


__all__ = ["Launch", "RunLauncher", "submit_run"]
