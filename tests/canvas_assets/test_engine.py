"""The execution engine as a real process: runs launched through the instance, parallel branches,
cancel, a worker killed with SIGKILL and re-execution from failure. The tests share one engine
(`served`); test_engine_lifecycle.py starts and stops engines of its own."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from typing import Any

import dagster as dg
import pytest

from canvas_assets.runs.engine import RUN_MODULES, WARM_MODULES, WORKER_TAG, warm_modules
from canvas_assets.runs.events import RunEventKind, run_details
from canvas_assets.runs.launcher import EXECUTOR_TAG, RunLauncher
from canvas_assets.services import CanvasServices, RunRefused, Selection
from tests.canvas_assets.engine_runs import (
    executed_nodes,
    run_events,
    store_workflow,
    wait_for,
    wide_workflow,
)
from tests.canvas_assets.toy_nodes import chain_workflow
from tests.services import REPO

pytestmark = pytest.mark.integration  # starts engines and other product processes


def test_a_launched_run_executes_in_the_engine_and_reports_each_node(
    served: CanvasServices,
) -> None:
    store_workflow(served, chain_workflow())
    launch = RunLauncher(served).launch("toy_chain", Selection.ALL, owner="t1")
    assert launch.run_id and launch.note == ""
    events = run_events(served, launch.run_id)

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

    run = served.instance.get_run_by_id(launch.run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags["canvas/owner"] == "t1" and run.tags["canvas/trigger"] == "api"
    # an engine worker ran it (not this test process), one node after another
    assert run.tags[WORKER_TAG].rsplit(":", 1)[1] != str(os.getpid())
    assert run.tags[EXECUTOR_TAG] == "fork"  # numbers and other can run at once
    # the results are stored: the same selection is now nothing to do
    assert RunLauncher(served).launch("toy_chain", Selection.STALE).run_id is None


def test_a_chain_runs_in_process_and_a_fresh_selection_launches_nothing(
    served: CanvasServices,
) -> None:
    store_workflow(served, chain_workflow())
    launcher = RunLauncher(served)
    launch = launcher.launch("toy_chain", Selection.UPSTREAM, node="split")
    assert launch.run_id
    assert run_events(served, launch.run_id)[-1].status == "SUCCESS"
    run = served.instance.get_run_by_id(launch.run_id)
    assert run is not None and run.tags[EXECUTOR_TAG] == "in_process"

    again = launcher.launch("toy_chain", Selection.UPSTREAM, node="split")
    assert again.run_id is None
    assert len(served.instance.get_runs()) == 1


def test_independent_branches_run_at_the_same_time(
    served: CanvasServices,
) -> None:
    store_workflow(served, wide_workflow(seconds=1.5))
    launch = RunLauncher(served).launch("toy_wide", Selection.ALL)
    assert launch.run_id
    events = run_events(served, launch.run_id)
    assert events[-1].status == "SUCCESS", events
    at = {(e.kind, e.node_id): e.timestamp for e in events}
    # both branches started before either ended: they overlapped
    last_start = max(at[(RunEventKind.STARTED, "b0")], at[(RunEventKind.STARTED, "b1")])
    first_end = min(at[(RunEventKind.SUCCEEDED, "b0")], at[(RunEventKind.SUCCEEDED, "b1")])
    assert last_start < first_end
    progress = [e for e in events if e.kind is RunEventKind.PROGRESS and e.node_id == "b0"]
    assert [(e.done, e.total) for e in progress] == [(i, 5) for i in range(1, 6)]


def test_cancel_stops_a_running_node_within_seconds_and_frees_its_worker(
    served: CanvasServices,
) -> None:
    store_workflow(served, wide_workflow(seconds=60))
    launcher = RunLauncher(served)
    launch = launcher.launch("toy_wide", Selection.ALL)
    assert launch.run_id
    instance = served.instance
    wait_for(lambda: {"b0", "b1"} & executed_nodes(served, launch.run_id), 30, "a branch")
    run = instance.get_run_by_id(launch.run_id)
    assert run is not None
    worker = int(run.tags[WORKER_TAG].rsplit(":", 1)[1])

    asked = time.monotonic()
    assert launcher.cancel(launch.run_id)
    events = run_events(served, launch.run_id, timeout=10)
    assert time.monotonic() - asked < 5
    assert events[-1].status == "CANCELED"
    by_node = {e.node_id: e for e in events if e.node_id and e.kind is not RunEventKind.QUEUED}
    assert by_node["numbers"].kind is RunEventKind.SUCCEEDED
    assert by_node["b0"].kind is RunEventKind.SKIPPED
    # the worker and its step processes are gone
    wait_for(lambda: not _alive_group(worker), 5, "the worker's processes to end")
    assert not launcher.cancel(launch.run_id)  # finished: nothing to cancel


def test_a_worker_killed_with_sigkill_leaves_the_run_failed_not_running(
    served: CanvasServices,
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
    store_workflow(served, document)
    launch = RunLauncher(served).launch("toy_chain", Selection.ALL)
    assert launch.run_id
    wait_for(lambda: "nap" in executed_nodes(served, launch.run_id), 30, "the nap node")
    run = served.instance.get_run_by_id(launch.run_id)
    assert run is not None
    worker = int(run.tags[WORKER_TAG].rsplit(":", 1)[1])

    killed = time.monotonic()
    os.kill(worker, signal.SIGKILL)
    events = run_events(served, launch.run_id, timeout=10)
    assert time.monotonic() - killed < 3  # the engine's monitoring interval is 1 s
    finished = events[-1]
    assert finished.status == "FAILURE" and "SIGKILL" in finished.message
    by_node = {e.node_id: e for e in events if e.node_id and e.kind is not RunEventKind.QUEUED}
    assert by_node["nap"].kind is RunEventKind.FAILED and "SIGKILL" in by_node["nap"].message
    assert by_node["add_ten"].kind is RunEventKind.SUCCEEDED
    details = run_details(served.instance, launch.run_id)
    assert details is not None and details.status == "FAILURE"


def test_reexecute_from_failure_runs_only_the_failed_and_unrun_nodes(
    served: CanvasServices,
) -> None:
    document = chain_workflow()
    document["nodes"][2]["params"]["fail"] = True  # add_ten fails; split never runs
    store_workflow(served, document)
    launcher = RunLauncher(served)
    first = launcher.launch("toy_chain", Selection.ALL)
    assert first.run_id
    assert run_events(served, first.run_id)[-1].status == "FAILURE"
    assert executed_nodes(served, first.run_id) == {"numbers", "add_one", "add_ten", "other"}

    # still failing: the same nodes are refused nothing, they run and fail again
    stored = served.store.get("toy_chain")
    fixed = stored.workflow.model_copy(deep=True)
    fixed.nodes[2].params["fail"] = False
    served.store.save(fixed, stored.revision)

    again = launcher.reexecute_from_failure(first.run_id)
    assert again.run_id and sorted(again.prepared.to_run) == ["add_ten", "split"]
    assert run_events(served, again.run_id)[-1].status == "SUCCESS"
    assert executed_nodes(served, again.run_id) == {"add_ten", "split"}
    run = served.instance.get_run_by_id(again.run_id)
    assert run is not None and run.parent_run_id == first.run_id
    assert run.tags["dagster/parent_run_id"] == first.run_id

    with pytest.raises(RunRefused, match="SUCCESS"):
        launcher.reexecute_from_failure(again.run_id)


def _alive_group(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_engine_warms_the_listed_libraries_and_always_what_runs_execute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CANVAS_ENGINE_WARM_MODULES", raising=False)
    assert warm_modules() == WARM_MODULES + RUN_MODULES and "skops.io" in WARM_MODULES
    monkeypatch.setenv("CANVAS_ENGINE_WARM_MODULES", " pandas, polars ,")
    assert warm_modules() == ("pandas", "polars", *RUN_MODULES)
    monkeypatch.setenv("CANVAS_ENGINE_WARM_MODULES", "")
    assert warm_modules() == RUN_MODULES


SIGNALLED = """
import signal, threading
from canvas_assets.runs.engine import set_on_signals
stop = threading.Event()
set_on_signals(stop, signal.SIGTERM)
print("ready", flush=True)
while not stop.wait(0.0005):  # the lock inside wait() is taken thousands of times a second
    pass
print("stopped", flush=True)
"""


def _line(stream: Any, timeout: float) -> str:
    """The next line of a subprocess's output, or "" when none comes within `timeout`."""
    ready, _, _ = select.select([stream], [], [], timeout)
    return str(stream.readline()).strip() if ready else ""


def test_a_burst_of_sigterms_stops_the_engine_loop_instead_of_hanging_it() -> None:
    """Setting the event inside the signal handler hung this loop (9 runs in 10 with 300
    signals: the handler's Event.set waited for the lock the interrupted wait() held);
    set_on_signals sets it from a thread."""
    process = subprocess.Popen(
        [sys.executable, "-c", SIGNALLED], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    try:
        assert _line(process.stdout, 30) == "ready"
        for _ in range(1000):
            if process.poll() is not None:
                break
            process.send_signal(signal.SIGTERM)
        assert _line(process.stdout, 10) == "stopped", "the loop hung in the signal handler"
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
