"""The engine's life as a process: a concurrency limit, a run waiting for an engine to come, an
engine restart with runs in flight, and the Dagster daemon's view of a dead worker. Each test
starts its own engines (test_engine.py shares one)."""

from __future__ import annotations

import os
import signal
import subprocess

import dagster as dg
import pytest

from canvas_assets.planning.plan import PlanError
from canvas_assets.runs.engine import WORKER_TAG
from canvas_assets.runs.events import RunEventKind
from canvas_assets.runs.launcher import RunLauncher
from canvas_assets.services import CanvasServices, Selection
from tests.canvas_assets.engine_runs import (
    executed_nodes,
    run_events,
    store_workflow,
    wait_for,
    wide_workflow,
)
from tests.canvas_assets.toy_nodes import NODE_MODULE, chain_workflow
from tests.services import start_engine

pytestmark = pytest.mark.integration  # starts engines and other product processes


def test_the_engines_concurrency_limit_holds_branches_to_one_at_a_time(
    toy_services: CanvasServices,
) -> None:
    store_workflow(toy_services, wide_workflow(seconds=0.5))
    engine = start_engine(
        toy_services, node_modules=NODE_MODULE, extra_env={"CANVAS_ENGINE_CONCURRENCY": "1"}
    ).wait_ready()
    try:
        launch = RunLauncher(toy_services).launch("toy_wide", Selection.ALL)
        assert launch.run_id
        events = run_events(toy_services, launch.run_id)
    finally:
        engine.stop()
    assert events[-1].status == "SUCCESS", events
    at = {(e.kind, e.node_id): e.timestamp for e in events}
    spans = sorted(
        (at[(RunEventKind.STARTED, b)], at[(RunEventKind.SUCCEEDED, b)]) for b in ("b0", "b1")
    )
    assert spans[0][1] <= spans[1][0]  # the second branch started after the first ended


def test_an_invalid_workflow_is_refused_and_nothing_is_recorded(
    toy_services: CanvasServices,
) -> None:
    document = chain_workflow()
    document["nodes"][1]["params"]["column"] = "y"
    store_workflow(toy_services, document)
    with pytest.raises(PlanError):
        RunLauncher(toy_services).launch("toy_chain", Selection.ALL)
    assert toy_services.instance.get_runs() == []


def test_a_run_waits_for_an_engine_and_starts_when_one_comes(
    toy_services: CanvasServices,
) -> None:
    store_workflow(toy_services, chain_workflow())
    launch = RunLauncher(toy_services).launch("toy_chain", Selection.ALL)
    assert launch.run_id and "mlcanvas engine" in launch.note
    run = toy_services.instance.get_run_by_id(launch.run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.NOT_STARTED
    engine = start_engine(toy_services, node_modules=NODE_MODULE)
    try:
        assert run_events(toy_services, launch.run_id, timeout=90)[-1].status == "SUCCESS"
    finally:
        engine.stop()


def test_runs_survive_an_engine_restart_and_lost_workers_are_failed(
    toy_services: CanvasServices,
) -> None:
    store_workflow(toy_services, wide_workflow(seconds=2, branches=1, slug="survivor"))
    document = wide_workflow(seconds=60, branches=1, slug="lost")
    store_workflow(toy_services, document)
    first = start_engine(toy_services, node_modules=NODE_MODULE).wait_ready()
    launcher = RunLauncher(toy_services)
    survivor = launcher.launch("survivor", Selection.ALL).run_id
    lost = launcher.launch("lost", Selection.ALL).run_id
    assert survivor and lost
    wait_for(lambda: "b0" in executed_nodes(toy_services, survivor), 30, "survivor's branch")
    wait_for(lambda: "b0" in executed_nodes(toy_services, lost), 30, "lost's branch")
    first.kill()  # the engine dies; its workers go on

    # the survivor's worker finishes its run on its own
    assert run_events(toy_services, survivor, timeout=30)[-1].status == "SUCCESS"
    # the lost run's worker dies while no engine is up; the next engine fails the run
    run = toy_services.instance.get_run_by_id(lost)
    assert run is not None
    os.killpg(int(run.tags[WORKER_TAG].rsplit(":", 1)[1]), signal.SIGKILL)
    second = start_engine(toy_services, node_modules=NODE_MODULE)
    try:
        events = run_events(toy_services, lost, timeout=60)
    finally:
        second.stop()
    assert events[-1].status == "FAILURE" and "is gone" in events[-1].message


def test_the_daemons_run_monitoring_sees_a_dead_worker_through_the_run_launcher(
    toy_services: CanvasServices,
) -> None:
    from dagster._core.launcher.base import WorkerStatus

    from canvas_assets.runs.dagster_run_launcher import EngineRunLauncher
    from canvas_assets.runs.engine import host

    store_workflow(toy_services, chain_workflow())
    launch = RunLauncher(toy_services).launch("toy_chain", Selection.ALL)
    assert launch.run_id
    instance = toy_services.instance
    launcher = EngineRunLauncher()
    launcher.register_instance(instance)
    finished = subprocess.Popen(["true"])
    finished.wait()
    dead = finished.pid

    def health(where: str) -> WorkerStatus:
        instance.add_run_tags(launch.run_id, {WORKER_TAG: where})
        run = instance.get_run_by_id(launch.run_id)
        assert run is not None
        return launcher.check_run_worker_health(run).status

    assert health(f"{host()}:{os.getpid()}") is WorkerStatus.RUNNING
    assert health(f"{host()}:{dead}") is WorkerStatus.FAILED
    assert health(f"elsewhere:{dead}") is WorkerStatus.UNKNOWN
