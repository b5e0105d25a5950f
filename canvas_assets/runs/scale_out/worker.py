"""The worker's side: `mlcanvas worker` runs a Celery worker whose step tasks are dagster-celery's,
guarded against runs that ended while a task waited or ran (see the package docstring)."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import secrets
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import dagster as dg

from canvas_assets.runs.scale_out.diagnostics import (
    broker_problem,
    environment_warnings,
    reachability_warnings,
    url_display,
)
from canvas_assets.runs.scale_out.settings import CelerySettings, dagster_celery

CANCEL_POLL_SECONDS = 1.0  # how often a running step's pool process checks for a cancel
READY = "worker ready"
# what a step task needs beyond the engine's warm modules: the PostgreSQL instance, S3, the task
WORKER_WARM_MODULES = ("dagster_postgres", "psycopg", "boto3", "dagster_celery.tasks")
log = logging.getLogger(__name__)


def worker_app(settings: CelerySettings) -> Any:
    """dagster-celery's task app with our broker, backend and queue, and its step task guarded
    against runs that ended while the task waited."""
    import celery

    class RunGuardedTask(celery.Task):  # type: ignore[misc]  # celery is untyped
        resultrepr_maxsize = 120  # its result is the step's serialized events: keep logs short

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            packed = kwargs.get("execute_step_args_packed", args[0] if args else None)
            reason = _skip_reason(packed)
            if reason:
                log.warning("dropping a step task: %s", reason)
                return []  # no events: the run's coordinator is gone or the run is over
            done = threading.Event()
            threading.Thread(
                target=_stop_when_run_ends, args=(packed, done), daemon=True, name="run-watch"
            ).start()
            try:
                return super().__call__(*args, **kwargs)
            finally:
                done.set()

    app = dagster_celery("make_app").make_app(settings.app_args())
    dagster_celery("tasks").create_task(app, base=RunGuardedTask)
    return app


def _skip_reason(packed: Any) -> str:
    """Why a step task must not execute (its run is finished, canceling or gone), or ""."""
    from dagster._grpc.types import ExecuteStepArgs
    from dagster._serdes import serialize_value, unpack_value

    if not isinstance(packed, dict):
        return ""  # not ours to judge: dagster-celery's task reports the malformed arguments
    args = unpack_value(packed, as_type=ExecuteStepArgs)
    steps = ", ".join(args.step_keys_to_execute or [])
    run = _instance(serialize_value(args.instance_ref)).get_run_by_id(args.run_id)
    if run is None:
        return f"run {args.run_id} (steps {steps}) no longer exists"
    if run.is_finished or run.status == dg.DagsterRunStatus.CANCELING:
        return f"run {args.run_id} is {run.status.value} (steps {steps})"
    return ""


def _stop_when_run_ends(packed: Any, done: threading.Event) -> None:
    """While a step executes in this pool process: once its run is canceled (or otherwise over),
    end the process, so a cancel frees the worker within CANCEL_POLL_SECONDS instead of when the
    step would have finished; Celery's pool starts a fresh process in its place."""
    while not done.wait(CANCEL_POLL_SECONDS):
        try:
            reason = _skip_reason(packed)
        except Exception:  # the instance is unreachable for a moment: look again later
            log.warning("could not read the run's status; looking again", exc_info=True)
            reason = ""
        if reason and not done.is_set():
            log.warning("stopping a running step: %s", reason)
            os.kill(os.getpid(), signal.SIGKILL)


@lru_cache(maxsize=4)
def _instance(ref: str) -> dg.DagsterInstance:
    """One instance per pool process and (serialized) instance reference: a pool process runs
    one task at a time."""
    from dagster._core.instance.ref import InstanceRef
    from dagster._serdes import deserialize_value

    return dg.DagsterInstance.from_ref(deserialize_value(ref, InstanceRef))


@dataclass
class WorkerOptions:
    queues: list[str] = field(default_factory=list)
    concurrency: int = 0
    name: str = ""
    loglevel: str = "INFO"


def serve(options: WorkerOptions) -> int:
    """Run a Celery worker in this process until SIGTERM or SIGINT (a warm shutdown: steps that
    are executing finish first; a second SIGINT stops at once)."""
    from celery.signals import worker_ready

    from canvas_assets.config import CanvasConfig
    from canvas_assets.runs.engine import warm_up
    from canvas_assets.services import CanvasServices
    from node_library.settings import NodeSettings

    settings = CelerySettings.from_env()
    queues = options.queues or [settings.queue]
    bad = [q for q in queues if not q.strip() or "," in q]
    if bad:
        print(
            f"error: invalid queue name(s) {bad}: use non-empty names without commas",
            file=sys.stderr,
        )
        return 2
    if options.concurrency < 0:
        print(f"error: --concurrency {options.concurrency}: use a positive number", file=sys.stderr)
        return 2
    concurrency = options.concurrency or max(1, os.cpu_count() or 1)
    name = options.name or f"canvas-{secrets.token_hex(3)}@%h"
    problem = broker_problem(settings.broker)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1

    config = CanvasConfig.from_env()
    node_settings = NodeSettings.from_env()
    services = CanvasServices(config, _registry(), node_settings)
    print(f"mlcanvas worker: steps of runs with the Celery executor (pid {os.getpid()})")
    print(f"  broker:         {settings.broker_display}")
    print(f"  queues:         {', '.join(queues)}")
    print(f"  concurrency:    {concurrency}")
    print(f"  workflow store: {url_display(config.database_url)}")
    print(f"  artifacts:      {config.artifacts}")
    print(f"  DAGSTER_HOME:   {config.dagster_home}")
    print(f"  data roots:     {os.pathsep.join(str(r) for r in node_settings.data_roots)}")
    for warning in environment_warnings(config) + reachability_warnings(services):
        print(f"  warning: {warning}")
    started = time.perf_counter()
    warm_up(services)  # before the pool forks: every pool process starts warm
    for module in WORKER_WARM_MODULES:
        with contextlib.suppress(ImportError):  # an instance or artifacts not used here
            importlib.import_module(module)
    seconds = time.perf_counter() - started
    print(f"  warmed up in {seconds:.1f}s", flush=True)

    @worker_ready.connect  # type: ignore[untyped-decorator]  # celery is untyped
    def _ready(sender: Any = None, **_: Any) -> None:
        # the real stdout: Celery turns print() into log records while it runs
        _say(f"{READY}: {getattr(sender, 'hostname', name)} (pid {os.getpid()})")

    app = worker_app(settings)
    argv = [
        "worker",
        f"--loglevel={options.loglevel}",
        f"--queues={','.join(queues)}",
        f"--concurrency={concurrency}",
        "--prefetch-multiplier=1",  # a long step must not hold back queued ones
        f"--hostname={name}",
        "--without-gossip",
        "--without-mingle",
    ]
    code = app.start(argv=argv)
    _say(f"worker stopped (exit code {int(code or 0)})")
    return int(code or 0)


def _say(line: str) -> None:
    stream = sys.__stdout__ or sys.stdout
    stream.write(line + "\n")
    stream.flush()


def _registry() -> Any:
    from node_library.registry import default_registry

    return default_registry()
