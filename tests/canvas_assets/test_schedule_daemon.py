"""A schedule fires through the real machinery: a `dagster-daemon run` process loads our code
location from a workspace.yaml, its scheduler evaluates the schedule (our cache-aware plan), its
run queue hands the run to EngineRunLauncher, and a real engine executes it. The next tick, with
everything fresh, is skipped with our reason.

Dagster has no API to make the daemon tick now; its scheduler evaluates at most once a minute,
at minute boundaries, and a schedule first seen running starts from that moment. So the test
seeds the schedule's state in the instance as started a minute ago (the state the daemon itself
would have written had it been running then): the daemon's first iteration then finds one missed
tick and evaluates it at once. The second tick is the next minute boundary, which the daemon
reaches on its own. The test starts in the first half of a minute so the run has 15 s or more to
finish before that boundary; its wall time is 40-90 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster._core.remote_origin import RemoteInstigatorOrigin, RemoteRepositoryOrigin
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    ScheduleInstigatorData,
    TickStatus,
)
from dagster._core.workspace.load import location_origins_from_yaml_paths

from canvas_assets.definitions import NOTHING_TO_DO, SCHEDULE_TAG, schedule_name
from canvas_assets.runs.engine import ENGINE_TAG, WORKER_TAG
from canvas_assets.services import CanvasServices
from node_library.graph import load_workflow
from tests.canvas_assets.conftest import make_services
from tests.canvas_assets.toy_nodes import NODE_MODULE, chain_workflow
from tests.services import REPO, canvas_env, start_engine

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

DAGSTER_YAML = """\
telemetry:
  enabled: false
run_launcher:
  module: canvas_assets.engine_launcher
  class: EngineRunLauncher
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 4
    dequeue_interval_seconds: 1
"""
WORKSPACE_YAML = f"""\
load_from:
  - python_module:
      module_name: canvas_assets.definitions
      location_name: visual_ml_canvas
      working_directory: {REPO}
"""


@pytest.fixture
def services(tmp_path: Path) -> Iterator[CanvasServices]:
    services = make_services(tmp_path)
    services.config.dagster_home.mkdir(parents=True, exist_ok=True)
    # before the instance is first opened, so this process and the daemon read the same config
    (services.config.dagster_home / "dagster.yaml").write_text(DAGSTER_YAML)
    yield services
    services.store.dispose()


def _seed_started_a_minute_ago(
    instance: dg.DagsterInstance, workspace: Path, name: str, cron: str
) -> InstigatorState:
    """The schedule's state as the daemon writes it for a schedule running since a minute ago."""
    (location,) = location_origins_from_yaml_paths([str(workspace)])
    origin = RemoteInstigatorOrigin(RemoteRepositoryOrigin(location, "__repository__"), name)
    state = InstigatorState(
        origin,
        InstigatorType.SCHEDULE,
        InstigatorStatus.DECLARED_IN_CODE,
        ScheduleInstigatorData(cron, time.time() - 61),
    )
    instance.add_instigator_state(state)
    return state


def _wait_for(what: str, timeout: float, check: Any, daemon: subprocess.Popen[str], log: Path):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if daemon.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; daemon log:\n{log.read_text()[-4000:]}")
        time.sleep(0.25)


def test_the_daemon_runs_a_due_schedule_in_the_engine_and_skips_the_fresh_next_tick(
    services: CanvasServices, tmp_path: Path
) -> None:
    started = time.monotonic()
    workflow = services.store.create(load_workflow(chain_workflow())).workflow
    schedule = services.schedules.create(workflow, "* * * * *", node="add_ten")
    name = schedule_name(workflow.slug, schedule.id)
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(WORKSPACE_YAML)
    instance = services.instance

    second = datetime.now(UTC).second
    if second > 28:  # leave the run 15 s or more before the next minute boundary
        time.sleep(61 - second)
    state = _seed_started_a_minute_ago(instance, workspace, name, "* * * * *")

    engine = start_engine(services, node_modules=NODE_MODULE)
    log = tmp_path / "daemon.log"
    env = {**os.environ, **canvas_env(services, NODE_MODULE)}
    with open(log, "w") as out:
        daemon = subprocess.Popen(  # the real daemon, from this venv
            [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", str(workspace)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    daemon_started = time.monotonic()
    try:
        engine.wait_ready()

        def scheduled_runs() -> list[dg.DagsterRun]:
            return instance.get_runs(dg.RunsFilter(tags={SCHEDULE_TAG: schedule.id}))

        (run,) = _wait_for("the scheduled run", 60, scheduled_runs, daemon, log)

        def finished() -> dg.DagsterRun | None:
            current = instance.get_run_by_id(run.run_id)
            return current if current is not None and current.is_finished else None

        run_created = time.monotonic() - daemon_started
        done = _wait_for("the scheduled run to finish", 45, finished, daemon, log)
        run_done = time.monotonic() - daemon_started
        assert done.status == dg.DagsterRunStatus.SUCCESS, engine.output()
        tags = done.tags
        assert tags["canvas/trigger"] == "schedule"
        assert tags["canvas/workflow"] == "toy_chain"
        assert tags["canvas/nodes"] == "numbers,add_one,add_ten"
        assert tags["canvas/selection"] == "upstream:add_ten"
        assert tags[ENGINE_TAG] == "local"  # launched through EngineRunLauncher ...
        assert tags[WORKER_TAG]  # ... and executed by an engine worker
        executed = {
            r.event_log_entry.step_key
            for r in instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.STEP_START
            ).records
        }
        assert executed == {"toy_chain__numbers", "toy_chain__add_one", "toy_chain__add_ten"}

        def ticks() -> list[Any]:
            return instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=5)

        first = ticks()[-1]
        assert first.status == TickStatus.SUCCESS and first.run_ids == [run.run_id]

        def skipped() -> Any:
            return next((t for t in ticks() if t.status == TickStatus.SKIPPED), None)

        tick = _wait_for("the next tick", 75, skipped, daemon, log)
        assert tick.skip_reason == NOTHING_TO_DO
        assert tick.timestamp - first.timestamp == 60
        assert len(scheduled_runs()) == 1
    finally:
        daemon.terminate()
        try:
            daemon.wait(20)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(10)
        engine.stop()
    print(
        f"daemon start to scheduled run {run_created:.1f}s, to its success {run_done:.1f}s;"
        f" wall time {time.monotonic() - started:.1f}s"
    )
