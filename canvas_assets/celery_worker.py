"""Scale-out with Celery: `mlcanvas worker`, and the executor that hands a run's steps to it.

A workflow whose settings say `executor: "celery"` is still coordinated by the warm engine
(engine.py): the run's worker there walks the execution plan, but every step becomes a Celery
task (dagster-celery's `execute_plan`) on a Redis queue, executed by `mlcanvas worker` processes
on any machine. Both sides read the same two settings from the environment, so they cannot
disagree (a worker on another broker or queue would never see the tasks):

- CANVAS_CELERY_BROKER: the broker, also used as the result backend
  (default redis://127.0.0.1:6379/0).
- CANVAS_CELERY_QUEUE: the queue steps are sent to and workers consume (default "dagster").

A worker executes steps of runs recorded in the engine's Dagster instance, so it needs the same
environment as the engine: the instance (DAGSTER_HOME with the PostgreSQL dagster.yaml and
CANVAS_DAGSTER_PG_URL: each task opens the engine's instance from the reference sent with it,
whose storage settings are resolved from the worker's environment), the workflow store
(CANVAS_DATABASE_URL: each task rebuilds the run's job from the pinned workflow revision,
canvas_assets.run_jobs.run_job), the artifacts (CANVAS_ARTIFACTS=s3://..., CANVAS_S3_ENDPOINT_URL
and the AWS_* credentials: steps exchange their outputs there), and what nodes read
(CANVAS_DATA_ROOTS at the same paths, CANVAS_CONNECTION_*, CANVAS_NODE_MODULES).

What this module adds to dagster-celery (its internals are used here and nowhere else):
- the worker: dagster-celery's task app configured from the environment (dagster-celery's own
  `worker start` wants a YAML file and silently falls back to AMQP when its keys are not nested
  under `execution: config:`), warmed up like the engine before it forks its pool processes;
- a step task whose run is already finished or being canceled is dropped instead of executed (a
  canceled run's coordinator is killed, and its queued tasks would otherwise run whenever a worker
  comes up); a step already running when its run is canceled ends its pool process within a
  second, so a cancel frees the worker (the pool starts a fresh process);
- no silent hang: when no worker consumes the queue, each waiting step's log says so and how to
  start one (dagster-celery itself only logs "Submitting celery task" and waits forever);
- dagster-celery's coordinator polls its tasks once a second; here ten times a second, so a chain
  of quick steps does not pay up to a second between steps.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import secrets
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import dagster as dg

CELERY_BROKER_ENV = "CANVAS_CELERY_BROKER"
CELERY_QUEUE_ENV = "CANVAS_CELERY_QUEUE"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
DEFAULT_QUEUE = "dagster"  # dagster-celery's default queue
CANCEL_POLL_SECONDS = 1.0  # how often a running step's pool process checks for a cancel
POLL_SECONDS = 0.1  # how often the coordinator checks its tasks (dagster-celery: 1 s)
INSPECT_SECONDS = 1.0  # how long to wait for workers to answer "which queues do you consume?"
RECHECK_SECONDS = 0.5  # a "no worker consumes the queue" answer is reused this long
READY = "worker ready"
# what a step task needs beyond the engine's warm modules: the PostgreSQL instance, S3, the task
WORKER_WARM_MODULES = ("dagster_postgres", "psycopg", "boto3", "dagster_celery.tasks")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CelerySettings:
    """The broker and queue that the engine's runs and `mlcanvas worker` share."""

    broker: str = DEFAULT_BROKER
    queue: str = DEFAULT_QUEUE

    @classmethod
    def from_env(cls) -> CelerySettings:
        env = os.environ
        return cls(
            broker=env.get(CELERY_BROKER_ENV, "").strip() or DEFAULT_BROKER,
            queue=env.get(CELERY_QUEUE_ENV, "").strip() or DEFAULT_QUEUE,
        )

    @property
    def broker_display(self) -> str:
        """The broker URL without its password, for messages."""
        from kombu.utils.url import maybe_sanitize_url

        return str(maybe_sanitize_url(self.broker))

    def app_args(self) -> dict[str, Any]:
        """Celery app arguments shared by the coordinator and the worker (for make_app)."""
        config = _dagster_celery("config")
        return {
            "broker": self.broker,
            "backend": self.broker,
            "include": [],
            "config_source": config.dict_wrapper(
                {**config.DEFAULT_CONFIG, "task_default_queue": self.queue}
            ),
        }


# -- the coordinator's side: the executor of runs whose workflow says executor "celery" ---------


def celery_executor_def(settings: CelerySettings | None = None) -> dg.ExecutorDefinition:
    """The executor of "celery" runs (run_jobs.py), with the broker and queue of the environment
    that builds the job: the engine's, where the run is coordinated."""
    from dagster._core.definitions.executor_definition import (
        multiple_process_executor_requirements,
    )

    chosen = settings or CelerySettings.from_env()

    @dg.executor(name="celery", requirements=multiple_process_executor_requirements())
    def _celery(_context: dg.InitExecutorContext) -> dg.Executor:
        return _canvas_celery_executor(chosen)

    return _celery


def _canvas_celery_executor(settings: CelerySettings) -> dg.Executor:
    from dagster._core.execution.retries import RetryMode

    loop = _dagster_celery("core_execution_loop")
    executor = _dagster_celery("executor")
    base: Any = executor.CeleryExecutor

    class CanvasCeleryExecutor(base):  # type: ignore[misc]  # untyped: see _dagster_celery
        def __init__(self) -> None:
            super().__init__(
                retries=RetryMode.DISABLED,
                broker=settings.broker,
                backend=settings.broker,
                config_source={"task_default_queue": settings.queue},
            )
            self._served: set[str] = set()  # queues a live worker consumes
            self._unserved: dict[str, float] = {}  # queue -> when no worker consumed it

        def execute(self, plan_context: Any, execution_plan: Any) -> Iterator[dg.DagsterEvent]:
            loop.TICK_SECONDS = POLL_SECONDS  # see the module doc
            yield from loop.core_celery_execution_loop(
                plan_context, execution_plan, step_execution_fn=self._submit
            )

        def _submit(
            self,
            app: Any,
            plan_context: Any,
            step: Any,
            queue: str,
            priority: int,
            known_state: Any,
        ) -> Any:
            result = executor._submit_task(app, plan_context, step, queue, priority, known_state)
            if queue in self._served:
                return result
            # the steps submitted together share a "no worker" answer; a later step (submitted
            # because an earlier one finished somewhere) asks again
            last = self._unserved.get(queue)
            if last is None or time.monotonic() - last > RECHECK_SECONDS:
                if queue_consumers(app, queue):
                    self._served.add(queue)
                    return result
                self._unserved[queue] = time.monotonic()
            plan_context.for_step(step).log.warning(waiting_message(settings, queue))
            return result

    return CanvasCeleryExecutor()


def waiting_message(settings: CelerySettings, queue: str) -> str:
    return (
        f"waiting for a Celery worker: no worker consumes queue {queue!r} on"
        f" {settings.broker_display}, so this step waits in the queue until one does. Start one"
        " with `mlcanvas worker` on a machine with the engine's environment (the same"
        f" {CELERY_BROKER_ENV}, {CELERY_QUEUE_ENV}, DAGSTER_HOME, CANVAS_DATABASE_URL and"
        " CANVAS_ARTIFACTS), or cancel the run."
    )


def queue_consumers(app: Any, queue: str, timeout: float = INSPECT_SECONDS) -> list[str]:
    """Names of the live workers that consume `queue`. Asks the first worker to answer, then
    (when that one serves other queues only) waits `timeout` for every worker's answer."""

    def serving(replies: dict[str, Any] | None) -> list[str]:
        return sorted(
            name
            for name, queues in (replies or {}).items()
            if any(q.get("name") == queue for q in queues or [])
        )

    try:
        first = app.control.inspect(timeout=timeout, limit=1).active_queues()
        if not first:
            return []  # no worker answered at all
        return serving(first) or serving(app.control.inspect(timeout=timeout).active_queues())
    except Exception:  # an unreachable broker: the task submission above already failed loudly
        log.exception("could not ask the Celery workers which queues they consume")
        return []


# -- the worker's side ---------------------------------------------------------------------------


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

    app = _dagster_celery("make_app").make_app(settings.app_args())
    _dagster_celery("tasks").create_task(app, base=RunGuardedTask)
    return app


def _dagster_celery(module: str) -> Any:
    """A dagster-celery module, typed Any: the library has no annotations."""
    return importlib.import_module(f"dagster_celery.{module}")


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


def parser(prog: str = "mlcanvas worker") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Execute the steps of runs whose workflow uses the Celery executor.",
    )
    add_arguments(p)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-Q",
        "--queue",
        action="append",
        dest="queues",
        default=[],
        metavar="QUEUE",
        help=f"a queue to consume (repeatable; default ${CELERY_QUEUE_ENV} or {DEFAULT_QUEUE!r})",
    )
    p.add_argument(
        "-c",
        "--concurrency",
        type=int,
        default=0,
        help="steps executing at once (pool processes; default: the cores)",
    )
    p.add_argument(
        "-n", "--name", default="", help="worker name (default canvas-<random>@<hostname>)"
    )
    p.add_argument("--loglevel", default="INFO", help="Celery's log level (default INFO)")


def options_from(args: argparse.Namespace) -> WorkerOptions:
    return WorkerOptions(args.queues, args.concurrency, args.name, args.loglevel)


def serve(options: WorkerOptions) -> int:
    """Run a Celery worker in this process until SIGTERM or SIGINT (a warm shutdown: steps that
    are executing finish first; a second SIGINT stops at once)."""
    from celery.signals import worker_ready

    from canvas_assets.config import CanvasConfig
    from canvas_assets.engine import warm_up
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
    print(f"  workflow store: {_url_display(config.database_url)}")
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


def broker_problem(broker: str) -> str:
    """What is wrong with the broker setting (a missing client library), or ""."""
    scheme = broker.split("://", 1)[0].lower() if "://" in broker else ""
    if not scheme:
        return f"{CELERY_BROKER_ENV}={broker!r} is not a URL; use e.g. redis://host:6379/0"
    if scheme in ("redis", "rediss"):
        try:
            import redis  # noqa: F401
        except ImportError:
            return (
                f"{CELERY_BROKER_ENV} is a Redis URL but the `redis` package is missing;"
                " reinstall with `make install`"
            )
    return ""


def environment_warnings(config: Any) -> list[str]:
    """What keeps workers on other machines from seeing this machine's runs and results."""
    warnings = []
    if not str(config.artifacts).startswith("s3://"):
        warnings.append(
            "CANVAS_ARTIFACTS is a local folder: only workers on this machine see the outputs;"
            " use s3://bucket/prefix across machines"
        )
    if str(config.database_url).startswith("sqlite"):
        warnings.append(
            "the workflow store is SQLite: only workers on this machine can read it;"
            " set CANVAS_DATABASE_URL to PostgreSQL across machines"
        )
    yaml_file = config.dagster_home / "dagster.yaml"
    with contextlib.suppress(OSError):
        if "postgres" not in yaml_file.read_text():
            warnings.append(
                f"{yaml_file} keeps runs in SQLite: only workers on this machine see them;"
                " use dagster_home/postgres/dagster.yaml across machines"
            )
    return warnings


def reachability_warnings(services: Any) -> list[str]:
    """The store and the artifacts this worker cannot reach now (its steps would fail). Checked
    before the pool forks, so the connections are closed again: pool processes open their own."""
    warnings = []
    try:
        services.store.list(limit=1)
    except Exception as exc:
        warnings.append(
            f"the workflow store is unreachable ({_first_line(exc)}); steps fail until it is:"
            " check CANVAS_DATABASE_URL (the same as the engine's)"
        )
    finally:
        if "store" in vars(services):  # created (cached_property), so dispose its pool
            services.store.dispose()
    try:
        services.artifacts.backend.exists("canvas-worker-probe")
    except Exception as exc:
        warnings.append(f"the artifacts are unreachable, so steps fail: {_first_line(exc)}")
    return warnings


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _registry() -> Any:
    from node_library.registry import default_registry

    return default_registry()


def _url_display(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # shown only; a malformed URL fails later with its own message
        return "(unparsable URL)"


def main(argv: Sequence[str] | None = None) -> int:
    """`mlcanvas worker` / `python -m canvas_assets.celery_worker`."""
    return serve(options_from(parser().parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
