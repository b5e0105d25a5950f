"""An idle engine reads the run queue once per idle interval, and at once when woken: the launcher
wakes it after recording a run and after a cancel request."""

from __future__ import annotations

import threading
import time

import pytest

from canvas_assets.runs.engine import Engine, wake_engine
from canvas_assets.runs.launcher import RunLauncher
from canvas_assets.services import CanvasServices, Selection
from tests.canvas_assets.engine_runs import store_workflow
from tests.canvas_assets.toy_nodes import chain_workflow


class CountingEngine(Engine):
    reads: int = 0

    def tick(self) -> None:
        self.reads += 1


def _serve(engine: Engine) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=engine.serve, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def _wait_for_reads(engine: CountingEngine, reads: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while engine.reads < reads:
        assert time.monotonic() < deadline, f"{engine.reads} queue reads, expected {reads}"
        time.sleep(0.01)


@pytest.fixture
def idle_engine(toy_services: CanvasServices) -> CountingEngine:
    _ = toy_services.instance  # the instance's folder, where the wake file lives
    # an idle interval far longer than the test: every read after the first is a wake-up's
    return CountingEngine(toy_services, poll_seconds=0.01, idle_poll_seconds=3600)


def test_an_idle_engine_reads_the_queue_only_when_woken(
    idle_engine: CountingEngine, toy_services: CanvasServices
) -> None:
    stop, thread = _serve(idle_engine)
    try:
        _wait_for_reads(idle_engine, 1)  # the first read, at start
        time.sleep(0.3)
        assert idle_engine.reads == 1  # 30 polls of the wake file, no queue read
        wake_engine(toy_services.config.dagster_home)
        _wait_for_reads(idle_engine, 2)
    finally:
        stop.set()
        thread.join(5)


def test_recording_and_canceling_a_run_wake_the_engine(
    idle_engine: CountingEngine, toy_services: CanvasServices
) -> None:
    store_workflow(toy_services, chain_workflow())
    stop, thread = _serve(idle_engine)
    try:
        _wait_for_reads(idle_engine, 1)
        launcher = RunLauncher(toy_services)
        launch = launcher.launch("toy_chain", Selection.ALL)
        assert launch.run_id
        _wait_for_reads(idle_engine, 2)
        assert launcher.cancel(launch.run_id)
        _wait_for_reads(idle_engine, 3)
    finally:
        stop.set()
        thread.join(5)
