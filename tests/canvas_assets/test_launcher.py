"""Runs launched in the background with their events read back from the Dagster instance."""

from __future__ import annotations

import threading
import time

import pytest

from canvas_assets.launcher import RunLauncher
from canvas_assets.planner import PlanError
from canvas_assets.run_events import RunEventKind, RunEventTail
from canvas_assets.services import CanvasServices, Selection
from node_library.graph import load_workflow
from tests.canvas_assets.toy_nodes import EXECUTIONS, chain_workflow


def _events(services: CanvasServices, run_id: str, nodes: list[str], slug: str, timeout=60.0):
    tail = RunEventTail(services.instance, run_id, slug, nodes)
    events = []
    deadline = time.monotonic() + timeout
    while not tail.finished:
        assert time.monotonic() < deadline, events
        if services.instance.get_run_by_id(run_id) is not None:
            events.extend(tail.poll())
        time.sleep(0.05)
    return events


def test_a_launched_run_reports_each_node_in_order_and_ends(toy_services: CanvasServices) -> None:
    toy_services.store.create(load_workflow(chain_workflow()))
    launcher = RunLauncher(toy_services)
    launch = launcher.launch("toy_chain", Selection.ALL, owner="t1")
    assert launch.run_id
    events = _events(toy_services, launch.run_id, launch.prepared.to_run, "toy_chain")
    launcher.shutdown()

    kinds = [(e.kind, e.node_id) for e in events]
    assert kinds[: len(launch.prepared.to_run)] == [
        (RunEventKind.QUEUED, n) for n in launch.prepared.to_run
    ]
    started = [n for k, n in kinds if k is RunEventKind.STARTED]
    succeeded = [n for k, n in kinds if k is RunEventKind.SUCCEEDED]
    assert set(started) == set(succeeded) == set(launch.prepared.to_run)
    assert started.index("numbers") < started.index("add_one") < started.index("add_ten")
    for node in launch.prepared.to_run:
        assert kinds.index((RunEventKind.STARTED, node)) < kinds.index(
            (RunEventKind.SUCCEEDED, node)
        )
    done = {e.node_id: e for e in events if e.kind is RunEventKind.SUCCEEDED}
    assert done["add_ten"].rows == 5 and done["add_ten"].duration_s is not None
    assert events[-1].kind is RunEventKind.RUN_FINISHED and events[-1].status == "SUCCESS"
    run = toy_services.instance.get_run_by_id(launch.run_id)
    assert run.tags["canvas/owner"] == "t1" and run.tags["canvas/trigger"] == "api"


def test_a_fresh_selection_launches_nothing(toy_services: CanvasServices) -> None:
    toy_services.store.create(load_workflow(chain_workflow()))
    toy_services.run("toy_chain")
    launcher = RunLauncher(toy_services)
    started = time.perf_counter()
    launch = launcher.launch("toy_chain", Selection.STALE)
    assert launch.run_id is None and time.perf_counter() - started < 1.0
    assert len(toy_services.instance.get_runs()) == 1
    launcher.shutdown()


def test_an_invalid_workflow_is_refused_and_nothing_is_launched(
    toy_services: CanvasServices,
) -> None:
    document = chain_workflow()
    document["nodes"][1]["params"]["column"] = "y"
    toy_services.store.create(load_workflow(document))
    launcher = RunLauncher(toy_services)
    with pytest.raises(PlanError):
        launcher.launch("toy_chain", Selection.ALL)
    launcher.shutdown()
    assert toy_services.instance.get_runs() == [] and not EXECUTIONS


def test_a_failed_node_is_reported_and_its_downstream_skipped(toy_services: CanvasServices) -> None:
    document = chain_workflow()
    document["nodes"][1]["params"]["fail"] = True
    toy_services.store.create(load_workflow(document))
    launcher = RunLauncher(toy_services)
    launch = launcher.launch("toy_chain", Selection.ALL)
    events = _events(toy_services, launch.run_id, launch.prepared.to_run, "toy_chain")
    launcher.shutdown()
    by_node = {e.node_id: e for e in events if e.node_id and e.kind is not RunEventKind.QUEUED}
    assert by_node["add_one"].kind is RunEventKind.FAILED
    assert "asked to fail" in by_node["add_one"].message
    assert by_node["add_ten"].kind is RunEventKind.SKIPPED
    assert by_node["split"].kind is RunEventKind.SKIPPED
    assert events[-1].status == "FAILURE"


def test_cancel_stops_the_run_before_its_next_node(toy_services: CanvasServices) -> None:
    from tests.canvas_assets import toy_nodes

    gate = threading.Event()
    original = toy_nodes.AddNode.execute

    def slow_execute(self, ctx, params, **inputs):
        gate.wait(10)
        return original(self, ctx, params, **inputs)

    toy_nodes.AddNode.execute = slow_execute
    try:
        toy_services.store.create(load_workflow(chain_workflow()))
        launcher = RunLauncher(toy_services)
        launch = launcher.launch("toy_chain", Selection.ALL)
        deadline = time.monotonic() + 30
        while not EXECUTIONS and time.monotonic() < deadline:
            time.sleep(0.02)
        assert launcher.cancel(launch.run_id)
        gate.set()
        events = _events(toy_services, launch.run_id, launch.prepared.to_run, "toy_chain")
        launcher.shutdown()
    finally:
        toy_nodes.AddNode.execute = original
    assert events[-1].status == "CANCELED"
    skipped = {e.node_id for e in events if e.kind is RunEventKind.SKIPPED}
    assert {"add_ten", "split"} <= skipped
    assert not launcher.cancel(launch.run_id)  # finished: nothing to cancel
