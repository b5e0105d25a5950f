"""The execution engine as a real process: runs launched through the instance, parallel branches,
cancel, a worker killed with SIGKILL, re-execution from failure, and an engine restart."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Any

import dagster as dg
import pytest

from canvas_assets.planning.plan import PlanError
from canvas_assets.runs.engine import WORKER_TAG
from canvas_assets.runs.events import RunEvent, RunEventKind, RunEventTail, run_details
from canvas_assets.runs.launcher import EXECUTOR_TAG, RunLauncher
from canvas_assets.services import CanvasServices, RunRefused, Selection
from node_library.graph import load_workflow
from tests.canvas_assets.toy_nodes import NODE_MODULE, chain_workflow
from tests.services import EngineProcess, start_engine

pytestmark = pytest.mark.integration  # starts engines and other product processes


def _events(services: CanvasServices, run_id: str, timeout: float = 60.0) -> list[RunEvent]:
    run = services.instance.get_run_by_id(run_id)
    assert run is not None
    tail = RunEventTail(
        services.instance, run_id, run.tags["canvas/workflow"], run.tags["canvas/nodes"].split(",")
    )
    events: list[RunEvent] = []
    deadline = time.monotonic() + timeout
    while not tail.finished:
        assert time.monotonic() < deadline, events
        events.extend(tail.poll())
        time.sleep(0.05)
    return events


def _executed(services: CanvasServices, run_id: str) -> set[str]:
    """The nodes whose step started in the run, read from its event log."""
    records = services.instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.STEP_START
    ).records
    return {r.event_log_entry.step_key.split("__", 1)[1] for r in records}


def _wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _wide(seconds: float, branches: int = 2, slug: str = "toy_wide") -> dict[str, Any]:
    """numbers feeding `branches` independent sleep nodes."""
    return {
        "slug": slug,
        "name": "Wide",
        "nodes": [{"id": "numbers", "type": "toy.numbers", "params": {"rows": 5}}]
        + [
            {"id": f"b{i}", "type": "toy.sleep", "params": {"seconds": seconds, "steps": 5}}
            for i in range(branches)
        ],
        "edges": [
            {
                "id": f"e{i}",
                "source": "numbers",
                "source_port": "data",
                "target": f"b{i}",
                "target_port": "data",
            }
            for i in range(branches)
        ],
    }


def _store(services: CanvasServices, document: dict[str, Any]) -> None:
    services.store.create(load_workflow(document, services.registry))


def test_a_launched_run_executes_in_the_engine_and_reports_each_node(
    toy_services: CanvasServices, engine: EngineProcess
) -> None:
    _store(toy_services, chain_workflow())
    launch = RunLauncher(toy_services).launch("toy_chain", Selection.ALL, owner="t1")
    assert launch.run_id and launch.note == ""
    events = _events(toy_services, launch.run_id)

    kinds = [(e.kind, e.node_id) for e in events]
    assert kinds[: len(launch.prepared.to_run)] == [
        (RunEventKind.QUEUED, n) for n in launch.prepared.to_run
    ]
    started = [n for k, n in kinds if k is RunEventKind.STARTED]
    assert set(started) == set(launch.prepared.to_run)
    assert started.index("numbers") < started.index("add_one") < started.index("add_ten")
    done = {e.node_id: e for e in events if e.kind is RunEventKind.SUCCEEDED}
    assert set(done) == set(launch.prepared.to_run)
    assert done["add_ten"].rows == 5 and done["add_ten"].rows_in == 5
    assert done["add_ten"].duration_s is not None and done["add_ten"].memory_mb is not None
    assert events[-1].kind is RunEventKind.RUN_FINISHED and events[-1].status == "SUCCESS"

    run = toy_services.instance.get_run_by_id(launch.run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags["canvas/owner"] == "t1" and run.tags["canvas/trigger"] == "api"
    # an engine worker ran it (not this test process), one node after another
    assert run.tags[WORKER_TAG].rsplit(":", 1)[1] != str(os.getpid())
    assert run.tags[EXECUTOR_TAG] == "fork"  # numbers and other can run at once
    # the results are stored: the same selection is now nothing to do
    assert RunLauncher(toy_services).launch("toy_chain", Selection.STALE).run_id is None


def test_a_chain_runs_in_process_and_a_fresh_selection_launches_nothing(
    toy_services: CanvasServices, engine: EngineProcess
) -> None:
    _store(toy_services, chain_workflow())
    launcher = RunLauncher(toy_services)
    launch = launcher.launch("toy_chain", Selection.UPSTREAM, node="split")
    assert launch.run_id
    assert _events(toy_services, launch.run_id)[-1].status == "SUCCESS"
    run = toy_services.instance.get_run_by_id(launch.run_id)
    assert run is not None and run.tags[EXECUTOR_TAG] == "in_process"

    again = launcher.launch("toy_chain", Selection.UPSTREAM, node="split")
    assert again.run_id is None
    assert len(toy_services.instance.get_runs()) == 1


def test_independent_branches_run_at_the_same_time(
    toy_services: CanvasServices, engine: EngineProcess
) -> None:
    _store(toy_services, _wide(seconds=1.5))
    launch = RunLauncher(toy_services).launch("toy_wide", Selection.ALL)
    assert launch.run_id
    events = _events(toy_services, launch.run_id)
    assert events[-1].status == "SUCCESS", events
    at = {(e.kind, e.node_id): e.timestamp for e in events}
    # both branches started before either ended: they overlapped
    last_start = max(at[(RunEventKind.STARTED, "b0")], at[(RunEventKind.STARTED, "b1")])
    first_end = min(at[(RunEventKind.SUCCEEDED, "b0")], at[(RunEventKind.SUCCEEDED, "b1")])
    assert last_start < first_end
    progress = [e for e in events if e.kind is RunEventKind.PROGRESS and e.node_id == "b0"]
    assert [(e.done, e.total) for e in progress] == [(i, 5) for i in range(1, 6)]


def test_the_engines_concurrency_limit_holds_branches_to_one_at_a_time(
    toy_services: CanvasServices,
) -> None:
    _store(toy_services, _wide(seconds=0.5))
    engine = start_engine(
        toy_services, node_modules=NODE_MODULE, extra_env={"CANVAS_ENGINE_CONCURRENCY": "1"}
    ).wait_ready()
    try:
        launch = RunLauncher(toy_services).launch("toy_wide", Selection.ALL)
        assert launch.run_id
        events = _events(toy_services, launch.run_id)
    finally:
        engine.stop()
    assert events[-1].status == "SUCCESS", events
    at = {(e.kind, e.node_id): e.timestamp for e in events}
    spans = sorted(
        (at[(RunEventKind.STARTED, b)], at[(RunEventKind.SUCCEEDED, b)]) for b in ("b0", "b1")
    )
    assert spans[0][1] <= spans[1][0]  # the second branch started after the first ended


def test_cancel_stops_a_running_node_within_seconds_and_frees_its_worker(
    toy_services: CanvasServices, engine: EngineProcess
) -> None:
    _store(toy_services, _wide(seconds=60))
    launcher = RunLauncher(toy_services)
    launch = launcher.launch("toy_wide", Selection.ALL)
    assert launch.run_id
    instance = toy_services.instance
    _wait_for(lambda: {"b0", "b1"} & _executed(toy_services, launch.run_id), 30, "a branch")
    run = instance.get_run_by_id(launch.run_id)
    assert run is not None
    worker = int(run.tags[WORKER_TAG].rsplit(":", 1)[1])

    asked = time.monotonic()
    assert launcher.cancel(launch.run_id)
    events = _events(toy_services, launch.run_id, timeout=10)
    assert time.monotonic() - asked < 5
    assert events[-1].status == "CANCELED"
    by_node = {e.node_id: e for e in events if e.node_id and e.kind is not RunEventKind.QUEUED}
    assert by_node["numbers"].kind is RunEventKind.SUCCEEDED
    assert by_node["b0"].kind is RunEventKind.SKIPPED
    # the worker and its step processes are gone
    _wait_for(lambda: not _alive_group(worker), 5, "the worker's processes to end")
    assert not launcher.cancel(launch.run_id)  # finished: nothing to cancel


def _alive_group(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_worker_killed_with_sigkill_leaves_the_run_failed_not_running(
    toy_services: CanvasServices, engine: EngineProcess
) -> None:
    document = chain_workflow()
    document["nodes"].append({"id": "nap", "type": "toy.sleep", "params": {"seconds": 60}})
    document["edges"].append(
        {
            "id": "e9",
            "source": "split",
            "source_port": "head",
            "target": "nap",
            "target_port": "data",
        }
    )
    _store(toy_services, document)
    launch = RunLauncher(toy_services).launch("toy_chain", Selection.ALL)
    assert launch.run_id
    _wait_for(lambda: "nap" in _executed(toy_services, launch.run_id), 30, "the nap node")
    run = toy_services.instance.get_run_by_id(launch.run_id)
    assert run is not None
    worker = int(run.tags[WORKER_TAG].rsplit(":", 1)[1])

    killed = time.monotonic()
    os.kill(worker, signal.SIGKILL)
    events = _events(toy_services, launch.run_id, timeout=10)
    assert time.monotonic() - killed < 3  # the engine's monitoring interval is 1 s
    finished = events[-1]
    assert finished.status == "FAILURE" and "SIGKILL" in finished.message
    by_node = {e.node_id: e for e in events if e.node_id and e.kind is not RunEventKind.QUEUED}
    assert by_node["nap"].kind is RunEventKind.FAILED and "SIGKILL" in by_node["nap"].message
    assert by_node["add_ten"].kind is RunEventKind.SUCCEEDED
    details = run_details(toy_services.instance, launch.run_id)
    assert details is not None and details.status == "FAILURE"


def test_reexecute_from_failure_runs_only_the_failed_and_unrun_nodes(
    toy_services: CanvasServices, engine: EngineProcess
) -> None:
    document = chain_workflow()
    document["nodes"][2]["params"]["fail"] = True  # add_ten fails; split never runs
    _store(toy_services, document)
    launcher = RunLauncher(toy_services)
    first = launcher.launch("toy_chain", Selection.ALL)
    assert first.run_id
    assert _events(toy_services, first.run_id)[-1].status == "FAILURE"
    assert _executed(toy_services, first.run_id) == {"numbers", "add_one", "add_ten", "other"}

    # still failing: the same nodes are refused nothing, they run and fail again
    stored = toy_services.store.get("toy_chain")
    fixed = stored.workflow.model_copy(deep=True)
    fixed.nodes[2].params["fail"] = False
    toy_services.store.save(fixed, stored.revision)

    again = launcher.reexecute_from_failure(first.run_id)
    assert again.run_id and sorted(again.prepared.to_run) == ["add_ten", "split"]
    assert _events(toy_services, again.run_id)[-1].status == "SUCCESS"
    assert _executed(toy_services, again.run_id) == {"add_ten", "split"}
    run = toy_services.instance.get_run_by_id(again.run_id)
    assert run is not None and run.parent_run_id == first.run_id
    assert run.tags["dagster/parent_run_id"] == first.run_id

    with pytest.raises(RunRefused, match="SUCCESS"):
        launcher.reexecute_from_failure(again.run_id)


def test_an_invalid_workflow_is_refused_and_nothing_is_recorded(
    toy_services: CanvasServices,
) -> None:
    document = chain_workflow()
    document["nodes"][1]["params"]["column"] = "y"
    _store(toy_services, document)
    with pytest.raises(PlanError):
        RunLauncher(toy_services).launch("toy_chain", Selection.ALL)
    assert toy_services.instance.get_runs() == []


def test_a_run_waits_for_an_engine_and_starts_when_one_comes(
    toy_services: CanvasServices,
) -> None:
    _store(toy_services, chain_workflow())
    launch = RunLauncher(toy_services).launch("toy_chain", Selection.ALL)
    assert launch.run_id and "mlcanvas engine" in launch.note
    run = toy_services.instance.get_run_by_id(launch.run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.NOT_STARTED
    engine = start_engine(toy_services, node_modules=NODE_MODULE)
    try:
        assert _events(toy_services, launch.run_id, timeout=90)[-1].status == "SUCCESS"
    finally:
        engine.stop()


def test_runs_survive_an_engine_restart_and_lost_workers_are_failed(
    toy_services: CanvasServices,
) -> None:
    _store(toy_services, _wide(seconds=2, branches=1, slug="survivor"))
    document = _wide(seconds=60, branches=1, slug="lost")
    _store(toy_services, document)
    first = start_engine(toy_services, node_modules=NODE_MODULE).wait_ready()
    launcher = RunLauncher(toy_services)
    survivor = launcher.launch("survivor", Selection.ALL).run_id
    lost = launcher.launch("lost", Selection.ALL).run_id
    assert survivor and lost
    _wait_for(lambda: "b0" in _executed(toy_services, survivor), 30, "survivor's branch")
    _wait_for(lambda: "b0" in _executed(toy_services, lost), 30, "lost's branch")
    first.kill()  # the engine dies; its workers go on

    # the survivor's worker finishes its run on its own
    assert _events(toy_services, survivor, timeout=30)[-1].status == "SUCCESS"
    # the lost run's worker dies while no engine is up; the next engine fails the run
    run = toy_services.instance.get_run_by_id(lost)
    assert run is not None
    os.killpg(int(run.tags[WORKER_TAG].rsplit(":", 1)[1]), signal.SIGKILL)
    second = start_engine(toy_services, node_modules=NODE_MODULE)
    try:
        events = _events(toy_services, lost, timeout=60)
    finally:
        second.stop()
    assert events[-1].status == "FAILURE" and "is gone" in events[-1].message


def test_the_daemons_run_monitoring_sees_a_dead_worker_through_the_run_launcher(
    toy_services: CanvasServices,
) -> None:
    from dagster._core.launcher.base import WorkerStatus

    from canvas_assets.runs.dagster_run_launcher import EngineRunLauncher
    from canvas_assets.runs.engine import host

    _store(toy_services, chain_workflow())
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
