"""Scale-out with Celery through real components: the Dagster instance and the workflow store in
PostgreSQL, artifacts in SeaweedFS S3, Redis as broker and result backend, a real engine
coordinating the run and a real `mlcanvas worker` executing its steps."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from canvas_assets.config import CanvasConfig
from canvas_assets.planning.compiler import output_keys
from canvas_assets.runs.engine import WORKER_TAG
from canvas_assets.runs.events import RunEvent, RunEventKind, RunEventTail
from canvas_assets.runs.launcher import EXECUTOR_TAG, RunLauncher
from canvas_assets.runs.scale_out.diagnostics import broker_problem
from canvas_assets.runs.scale_out.settings import (
    CELERY_BROKER_ENV,
    CELERY_QUEUE_ENV,
    CelerySettings,
)
from canvas_assets.runs.scale_out.worker import READY
from canvas_assets.services import CanvasServices, Selection
from canvas_assets.storage.artifacts import ArtifactRef
from node_library.registry import NodeRegistry, default_registry
from tests.canvas_assets.toy_nodes import NODE_MODULE
from tests.services import (
    REPO,
    S3Service,
    canvas_env,
    exported_env,
    service_unavailable,
    settings_for,
    start_engine,
)

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent
EXAMPLE = REPO / "canvas_assets/examples/iris_enriched.json"
REDIS_URL = os.environ.get("CANVAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_HOW = "start Redis on 127.0.0.1:6379 (e.g. `redis-server --daemonize yes`)"


def _require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        service_unavailable(f"Redis ({REDIS_URL})", REDIS_HOW)


@dataclass
class WorkerProcess:
    """`mlcanvas worker` in a subprocess, its output kept for failure messages."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    reader: threading.Thread | None = None

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            if line.startswith(READY):
                self.ready.set()

    def output(self) -> str:
        return "\n".join(self.lines[-80:])

    def wait_ready(self, timeout: float = 90) -> WorkerProcess:
        if not self.ready.wait(timeout):
            raise TimeoutError(f"the worker did not start:\n{self.output()}")
        return self

    def pool_pids(self) -> set[int]:
        """The worker's pool processes (its children)."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.add(int(stat.parent.name))
        return pids

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise
        if self.reader is not None:
            self.reader.join(5)  # its last lines read
        return self.proc.returncode


def _start_worker(env: dict[str, str], queue: str, name: str) -> WorkerProcess:
    proc = subprocess.Popen(
        [str(BIN / "mlcanvas"), "worker", "--queue", queue, "--concurrency", "2", "--name", name],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = WorkerProcess(proc)
    worker.reader = threading.Thread(target=worker._drain, daemon=True)
    worker.reader.start()
    return worker


@dataclass
class Production:
    services: CanvasServices
    env: dict[str, str]  # what engine and worker need besides canvas_env(services)
    queue: str


@pytest.fixture
def production(tmp_path: Path, pg_url: str, s3_service: S3Service) -> Iterator[Production]:
    """Services configured as in production: Dagster instance and store in PostgreSQL,
    artifacts in S3; a queue of its own, so parallel test runs never take each other's steps."""
    _require_redis()
    home = tmp_path / "dagster_pg"
    home.mkdir()
    shutil.copy(REPO / "dagster_home/postgres/dagster.yaml", home / "dagster.yaml")
    bucket = s3_service.create_bucket()
    queue = f"canvas-test-{secrets.token_hex(4)}"
    env = {
        "CANVAS_DAGSTER_PG_URL": pg_url.replace("postgresql+psycopg://", "postgresql://"),
        CELERY_BROKER_ENV: REDIS_URL,
        CELERY_QUEUE_ENV: queue,
    }
    config = CanvasConfig(
        home=home,
        database_url=pg_url,
        artifacts=f"s3://{bucket}/artifacts",
        s3_endpoint_url=s3_service.endpoint_url,
        dagster_home=home,
    )
    settings = settings_for(REPO / "data", s3_endpoint_url=s3_service.endpoint_url)
    with exported_env(env):
        services = CanvasServices(config, default_registry(), settings)
        yield Production(services, env, queue)
        services.instance.dispose()
        services.store.dispose()
    _purge_queue(queue)


def _purge_queue(queue: str) -> None:
    """Drop what a failed test left in its queue (kombu's Redis transport keeps a list per
    priority step, named queue + separator + priority)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{queue}*"):
        client.delete(key)


def _document(executor: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(EXAMPLE.read_text())
    document["settings"] = {**document.get("settings", {}), "executor": executor}
    return document


def _tail(services: CanvasServices, run_id: str) -> RunEventTail:
    run = services.instance.get_run_by_id(run_id)
    assert run is not None
    return RunEventTail(
        services.instance, run_id, run.tags["canvas/workflow"], run.tags["canvas/nodes"].split(",")
    )


def _follow(
    tail: RunEventTail, until: Any, timeout: float, what: str, seen: list[RunEvent]
) -> None:
    """Poll `tail` into `seen` until `until(seen)`; fails naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not until(seen):
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {seen}"
        seen.extend(tail.poll())
        time.sleep(0.1)


def _waiting_nodes(events: list[RunEvent]) -> set[str]:
    return {
        e.node_id
        for e in events
        if e.kind is RunEventKind.LOG and e.node_id and "waiting for a Celery worker" in e.message
    }


def _step_starts(instance: dg.DagsterInstance, run_id: str) -> list[Any]:
    return [
        r.event_log_entry
        for r in instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.STEP_START
        ).records
    ]


def test_a_celery_run_waits_for_a_worker_then_executes_every_step_in_it_with_local_results(
    production: Production, tmp_path: Path
) -> None:
    services, queue = production.services, production.queue
    stored = services.import_workflow(_document("celery"))
    slug = stored.workflow.slug
    engine = start_engine(services, extra_env=production.env).wait_ready()
    worker: WorkerProcess | None = None
    try:
        launcher = RunLauncher(services)
        # 1. no worker yet: the run's first steps say they wait for one (and do not fail)
        canceled = launcher.launch(slug, Selection.ALL)
        assert canceled.run_id
        seen: list[RunEvent] = []
        _follow(_tail(services, canceled.run_id), _waiting_nodes, 30, "the waiting note", seen)
        note = next(e.message for e in seen if "waiting for a Celery worker" in e.message)
        assert queue in note and "mlcanvas worker" in note, note
        run = services.instance.get_run_by_id(canceled.run_id)
        assert run is not None and run.status == dg.DagsterRunStatus.STARTED
        assert run.tags[EXECUTOR_TAG] == "celery"
        #    canceling it leaves its step tasks in the queue, for a worker to drop
        assert launcher.cancel(canceled.run_id)
        _follow(
            _tail(services, canceled.run_id),
            lambda s: any(e.kind is RunEventKind.RUN_FINISHED for e in s),
            30,
            "the cancel",
            [],
        )

        launch = launcher.launch(slug, Selection.ALL)
        assert launch.run_id
        events: list[RunEvent] = []
        tail = _tail(services, launch.run_id)
        _follow(tail, _waiting_nodes, 30, "the waiting note of the second run", events)

        # 2. a worker comes up: it drops the canceled run's steps and executes the waiting run
        name = f"canvas-test-{secrets.token_hex(3)}@%h"
        worker_env = {**os.environ, **canvas_env(services), **production.env}
        worker = _start_worker(worker_env, queue, name).wait_ready()
        _follow(tail, lambda s: tail.finished, 90, "the run to finish", events)
        assert events[-1].status == "SUCCESS", (events, worker.output(), engine.output())
        succeeded = {e.node_id for e in events if e.kind is RunEventKind.SUCCEEDED}
        # only the steps submitted before the worker came up said they waited
        assert _waiting_nodes(events) == {"iris", "species"}, events
        nodes = {"iris", "species", "joined", "table", "export"}
        assert succeeded == set(launch.prepared.to_run) == nodes

        # every step ran in the worker's pool processes, none in the engine's run worker
        pool = worker.pool_pids()
        run = services.instance.get_run_by_id(launch.run_id)
        assert run is not None
        coordinator = int(run.tags[WORKER_TAG].rsplit(":", 1)[1])
        starts = _step_starts(services.instance, launch.run_id)
        assert len(starts) == 5
        step_pids = {e.dagster_event.pid for e in starts}
        assert step_pids <= pool, (step_pids, pool)
        assert coordinator not in step_pids and engine.proc.pid not in step_pids
        hostname = name.replace("%h", _hostname())
        delegated = [
            e.event_log_entry.dagster_event
            for e in services.instance.get_records_for_run(
                launch.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT
            ).records
            if "in celery worker" in (e.event_log_entry.dagster_event.message or "")
        ]
        assert len(delegated) == 5
        assert {d.engine_event_data.metadata["Celery worker"].value for d in delegated} == {
            hostname
        }

        # the canceled run's queued steps were dropped, not executed
        assert _step_starts(services.instance, canceled.run_id) == []
        assert any(
            "dropping a step task" in line and canceled.run_id in line for line in worker.lines
        ), worker.output()
        done = services.instance.get_run_by_id(canceled.run_id)
        assert done is not None and done.status == dg.DagsterRunStatus.CANCELED

        # 3. SIGTERM stops the worker cleanly
        assert worker.stop() == 0, worker.output()
        assert any(line.startswith("worker stopped") for line in worker.lines), worker.output()
    finally:
        try:
            if worker is not None:
                worker.stop()
        finally:
            engine.stop()  # also when the worker would not stop: no engine outlives the test

    # 4. the stored results equal those of the same workflow run locally
    local = _local_services(tmp_path / "local")
    local.import_workflow(_document("local"))
    report = local.run(slug)
    assert report.success, report
    _assert_same_results(services, local, slug)


def test_cancel_stops_a_step_running_on_a_celery_worker_within_seconds(
    production: Production,
) -> None:
    services, queue = production.services, production.queue
    services.registry = NodeRegistry.from_entry_points(extra=[NODE_MODULE])
    document = {
        "slug": "celery_nap",
        "name": "Celery nap",
        "settings": {"executor": "celery"},
        "nodes": [
            {"id": "numbers", "type": "toy.numbers", "params": {"rows": 5}},
            {"id": "nap", "type": "toy.sleep", "params": {"seconds": 120, "steps": 120}},
        ],
        "edges": [
            {"id": "e1", "source": "numbers", "source_port": "data"}
            | {"target": "nap", "target_port": "data"}
        ],
    }
    services.import_workflow(document)
    env = {**production.env, "CANVAS_NODE_MODULES": NODE_MODULE}
    engine = start_engine(services, node_modules=NODE_MODULE, extra_env=env).wait_ready()
    # the toy nodes live in tests/: the worker imports them from the repository
    worker_env = {**os.environ, **canvas_env(services, NODE_MODULE), **env, "PYTHONPATH": str(REPO)}
    worker = _start_worker(worker_env, queue, f"canvas-test-{secrets.token_hex(3)}@%h")
    try:
        worker.wait_ready()
        launcher = RunLauncher(services)
        launch = launcher.launch("celery_nap", Selection.ALL)
        assert launch.run_id
        seen: list[RunEvent] = []
        _follow(
            _tail(services, launch.run_id),
            lambda s: any(e.kind is RunEventKind.PROGRESS and e.node_id == "nap" for e in s),
            60,
            "the nap step running on the worker\n" + _debug(services, launch.run_id, worker),
            seen,
        )
        nap = next(
            e for e in _step_starts(services.instance, launch.run_id) if e.step_key.endswith("nap")
        )
        assert nap.dagster_event.pid in worker.pool_pids()

        asked = time.monotonic()
        assert launcher.cancel(launch.run_id)
        deadline = asked + 5
        while _alive(nap.dagster_event.pid):
            assert time.monotonic() < deadline, (
                f"the step's pool process lives on:\n{worker.output()}"
            )
            time.sleep(0.1)
        run = services.instance.get_run_by_id(launch.run_id)
        assert run is not None and run.status == dg.DagsterRunStatus.CANCELED
    finally:
        try:
            stopped = worker.stop()
        finally:
            engine.stop()  # also when the worker would not stop: no engine outlives the test
    assert stopped == 0, worker.output()


def _debug(services: CanvasServices, run_id: str, worker: WorkerProcess) -> str:
    records = services.instance.get_records_for_run(run_id, limit=500).records
    return (
        "\n".join(
            f"{r.event_log_entry.dagster_event_type} {r.event_log_entry.message[:300]}"
            for r in records
        )
        + "\n"
        + worker.output()
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _local_services(home: Path) -> CanvasServices:
    config = CanvasConfig(
        home=home,
        database_url=f"sqlite:///{home / 'canvas.db'}",
        artifacts=str(home / "artifacts"),
        s3_endpoint_url=None,
        dagster_home=home,
    )
    return CanvasServices(config, default_registry(), settings_for(REPO / "data"))


def _assert_same_results(celery: CanvasServices, local: CanvasServices, slug: str) -> None:
    remote_plan = celery.plan(celery.store.get(slug))
    local_plan = local.plan(local.store.get(slug))
    ports = output_keys(remote_plan.workflow, celery.registry)
    assert ports
    for node_id, port in ports:
        key = remote_plan.nodes[node_id].cache_key
        assert key == local_plan.nodes[node_id].cache_key, node_id
        ref = ArtifactRef(slug, node_id, key, port)
        remote, here = celery.artifacts.read(ref), local.artifacts.read(ref)
        if isinstance(remote, pd.DataFrame):
            pd.testing.assert_frame_equal(remote, here)
            assert len(remote) > 0, node_id
        else:
            assert remote == here, (node_id, port)
        assert celery.artifacts.read_meta(ref) == local.artifacts.read_meta(ref)


def test_celery_settings_hide_the_password_and_name_a_bad_broker() -> None:
    assert "not a URL" in broker_problem("localhost:6379")
    assert broker_problem("redis://127.0.0.1:6379/3") == ""
    settings = CelerySettings(broker="redis://user:secret@cache:6379/0", queue="q")
    assert "secret" not in settings.broker_display
    assert settings.app_args()["config_source"].task_default_queue == "q"


def test_the_worker_command_rejects_bad_options_with_a_clear_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CANVAS_", "DAGSTER_"))}
    env.update(CANVAS_HOME=str(tmp_path), CANVAS_CELERY_BROKER="localhost:6379")
    bad_broker = subprocess.run(
        [str(BIN / "mlcanvas"), "worker"], env=env, capture_output=True, text=True, timeout=60
    )
    assert bad_broker.returncode == 1
    assert "CANVAS_CELERY_BROKER='localhost:6379' is not a URL" in bad_broker.stderr
    env["CANVAS_CELERY_BROKER"] = REDIS_URL
    bad_queue = subprocess.run(
        [str(BIN / "mlcanvas"), "worker", "-Q", "a,b"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad_queue.returncode == 2 and "invalid queue name" in bad_queue.stderr
