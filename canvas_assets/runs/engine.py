"""The execution engine: a warm process that executes the runs the API records in the Dagster
instance, so clicking Run starts the first node in well under a second.

Why: Dagster's default launch path queues the run for the daemon, which starts a fresh process
that imports everything (4-5 s before the first step here). The engine instead imports dagster,
pandas, scikit-learn and the node library once, then forks one worker per run (a few ms, with
all of that already in memory). The run is an ordinary Dagster run: the API creates it (status
NOT_STARTED, tag canvas/engine=local) with a code origin that rebuilds its job anywhere
(jobs.py); the worker executes it with Dagster's own `execute_run`, so events, logs and
materializations land in the instance and the run is in the Dagster UI's run list. Inside the
run, independent branches run in parallel forked step processes (jobs.py), at most
CANVAS_ENGINE_CONCURRENCY (default: the cores) at once.

The instance is the only channel between API and engine, which is what makes both restartable:
- launch: the API creates the run; the engine polls for NOT_STARTED runs every POLL_SECONDS.
  Runs the Dagster daemon launches (schedules, the Dagster UI) reach it the same way: the
  instance's run launcher (EngineRunLauncher) tags them canvas/engine=local (STARTING).
- cancel: the API marks the run CANCELING; the engine kills the run's process group (the worker
  and its step processes) at once and records the run CANCELED.
- a worker that dies (SIGKILL, out of memory) is reaped at once; its run is recorded FAILED with
  the signal. A run whose worker is gone while the engine was down is found by the monitor
  (every MONITOR_SECONDS) and recorded FAILED too; a run whose worker still lives when an engine
  restarts keeps running and is watched until it ends.
- the API server can restart at any time: runs go on, and their status is in the instance.

Exactly one engine serves an instance (like dagster-daemon): it holds ENGINE_LOCK in DAGSTER_HOME,
which also tells the API whether an engine is running. Scale-out across machines is the Celery
executor's job (`mlcanvas worker`), not a second engine.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import math
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import dagster as dg

from canvas_assets.orchestration.dagster_adapter import execute_existing_run
from canvas_assets.services import CanvasServices

ENGINE_TAG = "canvas/engine"
LOCAL = "local"
WORKER_TAG = "canvas/worker"  # host:pid of the process executing the run
ENGINE_LOCK = "engine.lock"
POLL_SECONDS = 0.05
MONITOR_SECONDS = 1.0
# An idle engine reads the instance's queue once a second, not twenty times: whoever records or
# cancels a run touches WAKE_FILE next to the instance (wake_engine), and the engine reads the
# queue within POLL_SECONDS of that. Runs recorded by anything that does not wake it (another
# host's API on a shared PostgreSQL instance) start within IDLE_POLL_SECONDS.
IDLE_POLL_SECONDS = 1.0
WAKE_FILE = "engine.wake"
CANCELED_BY_USER = "canceled by a user: the run's worker processes were stopped"
log = logging.getLogger(__name__)

# What a warm worker has in memory before it forks: everything a node may import on first use.
# CANVAS_ENGINE_WARM_MODULES (comma-separated) replaces the libraries in this list, for a
# deployment whose nodes need fewer (skops.io alone costs seconds: it imports every
# scikit-learn module, and torch when it is installed) or more; RUN_MODULES, which every run
# executes, are always imported. A node imports what was left out itself, in each run.
WARM_MODULES = (
    "pandas",
    "pyarrow.parquet",
    "numpy",
    "sklearn.ensemble",
    "sklearn.linear_model",
    "sklearn.model_selection",
    "sklearn.preprocessing",
    "sklearn.metrics",
    "skops.io",
    "plotly.graph_objects",
)
RUN_MODULES = (
    "dagster._core.execution.api",
    "dagster._core.executor.multiprocess",
    "canvas_assets.runs.jobs",
    "canvas_assets.planning.compiler",
)
WARM_MODULES_ENV = "CANVAS_ENGINE_WARM_MODULES"


def warm_modules() -> tuple[str, ...]:
    chosen = os.environ.get(WARM_MODULES_ENV)
    if chosen is None:
        return WARM_MODULES + RUN_MODULES
    return tuple(m.strip() for m in chosen.split(",") if m.strip()) + RUN_MODULES


def host() -> str:
    return socket.gethostname()


class EngineAlreadyRunning(Exception):
    pass


@contextlib.contextmanager
def engine_lock(dagster_home: Path) -> Iterator[IO[str]]:
    """Hold the instance's engine lock; raises EngineAlreadyRunning naming the holder."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    path = dagster_home / ENGINE_LOCK
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise EngineAlreadyRunning(
                f"an engine already serves {dagster_home} ({handle.read().strip() or 'unknown'})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"host": host(), "pid": os.getpid(), "since": time.time()}))
        handle.flush()
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def set_on_signals(stop: threading.Event, *signums: int) -> None:
    """Set `stop` when one of these signals arrives, from a short-lived thread. Not in the
    handler itself: a handler runs in the main thread between two bytecodes, possibly while that
    thread holds the event's lock inside `stop.wait()`, and `Event.set` would then wait for that
    lock forever. An engine hung that way after two SIGTERMs (seen in a test run: the main
    thread blocked in Event.set called from the handler inside Event.set). Starting a thread
    takes no lock the main thread can hold while it only waits on `stop`."""

    def handler(signum: int, frame: object) -> None:
        threading.Thread(target=stop.set, name=f"stop-on-signal-{signum}", daemon=True).start()

    for signum in signums:
        signal.signal(signum, handler)


def wake_engine(dagster_home: Path | str) -> None:
    """Tell the engine of this instance that a run was recorded or asked to cancel (call it
    after the change is written). Best effort: without it the engine still sees the change
    within IDLE_POLL_SECONDS."""
    path = Path(dagster_home) / WAKE_FILE
    try:
        path.touch()  # creates it, or sets an existing file's time to now
    except OSError as exc:
        log.debug("could not wake the engine through %s: %s", path, exc)


def _wake_stamp(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def engine_running(dagster_home: Path) -> bool:
    """Whether some process holds the engine lock of this instance."""
    path = dagster_home / ENGINE_LOCK
    if not path.exists():
        return False
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def warm_up(services: CanvasServices) -> float:
    """Import what runs need and load the node registry; returns the seconds it took."""
    import importlib

    started = time.perf_counter()
    for module in warm_modules():
        try:
            importlib.import_module(module)
        except ImportError:  # an optional library: the node that needs it imports it itself
            log.info("engine warm-up: %s is not installed", module)
    len(services.registry)
    return time.perf_counter() - started


@dataclass
class Engine:
    services: CanvasServices
    max_runs: int = 4  # runs executing at once; more wait as NOT_STARTED (shown as queued)
    poll_seconds: float = POLL_SECONDS
    idle_poll_seconds: float = IDLE_POLL_SECONDS
    monitor_seconds: float = MONITOR_SECONDS
    _workers: dict[int, str] = field(default_factory=dict)  # pid -> run id
    _canceling: set[str] = field(default_factory=set)
    _last_monitor: float = 0.0

    @property
    def instance(self) -> dg.DagsterInstance:
        return self.services.instance

    def serve(self, stop: threading.Event) -> None:
        """Read the queue every poll_seconds while runs execute or after a wake-up, else every
        idle_poll_seconds (a stat of the wake file costs microseconds, a read milliseconds)."""
        log.info("engine serving %s (pid %d)", self.services.config.dagster_home, os.getpid())
        wake_file = Path(self.services.config.dagster_home) / WAKE_FILE
        seen = _wake_stamp(wake_file)
        last_read = -math.inf
        while not stop.is_set():
            stamp = _wake_stamp(wake_file)
            now = time.monotonic()
            if self._workers or stamp != seen or now - last_read >= self.idle_poll_seconds:
                seen, last_read = stamp, now
                try:
                    self.tick()
                except Exception:  # a storage hiccup must not stop the engine
                    log.exception("engine tick failed; retrying")
                    time.sleep(1.0)
            stop.wait(self.poll_seconds)
        self.shutdown()

    def tick(self) -> None:
        self._reap()
        records = self.instance.get_run_records(
            dg.RunsFilter(
                statuses=[
                    dg.DagsterRunStatus.NOT_STARTED,
                    dg.DagsterRunStatus.STARTING,
                    dg.DagsterRunStatus.CANCELING,
                ],
                tags={ENGINE_TAG: LOCAL},
            ),
            limit=100,
            ascending=True,
        )
        running = set(self._workers.values())
        for record in records:
            run = record.dagster_run
            if run.status == dg.DagsterRunStatus.CANCELING:
                self._cancel(run)
            elif (
                run.run_id not in running
                and WORKER_TAG not in run.tags  # STARTING with a worker: the monitor's case
                and len(self._workers) < self.max_runs
            ):
                self._start(run)
                running.add(run.run_id)
        now = time.monotonic()
        if now - self._last_monitor >= self.monitor_seconds:
            self._last_monitor = now
            self._monitor()

    def _start(self, run: dg.DagsterRun) -> None:
        ref = self.instance.get_ref()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                os.setsid()  # its own process group: a cancel stops its step processes too
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                code = _execute(ref, run.run_id)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self._workers[pid] = run.run_id
        self.instance.add_run_tags(run.run_id, {WORKER_TAG: f"{host()}:{pid}"})
        log.info("run %s started in worker %d", run.run_id, pid)

    def _cancel(self, run: dg.DagsterRun) -> None:
        pid = next((p for p, r in self._workers.items() if r == run.run_id), None)
        if pid is None:
            if run.run_id not in self._canceling:  # never started, or not ours
                self._canceling.add(run.run_id)
                self.instance.report_run_canceled(run, CANCELED_BY_USER)
            return
        if run.run_id not in self._canceling:
            self._canceling.add(run.run_id)
            _kill_group(pid)

    def _reap(self) -> None:
        while self._workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            run_id = self._workers.pop(pid, None)
            if run_id is None:
                continue
            _kill_group(pid)  # step processes a killed worker left behind
            run = self.instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                self._canceling.discard(run_id)
                continue
            if run_id in self._canceling:
                self._canceling.discard(run_id)
                self.instance.report_run_canceled(run, CANCELED_BY_USER)
            else:
                self.instance.report_run_failed(run, worker_death(pid, status))

    def _monitor(self) -> None:
        """Fail runs whose worker on this host is gone without having ended them (a worker of an
        engine that stopped, then died); runs of live workers are left alone."""
        records = self.instance.get_run_records(
            dg.RunsFilter(
                statuses=[dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED],
                tags={ENGINE_TAG: LOCAL},
            ),
            limit=200,
        )
        mine = set(self._workers.values())
        for record in records:
            run = record.dagster_run
            where = run.tags.get(WORKER_TAG, "")
            worker_host, _, pid_text = where.rpartition(":")
            if run.run_id in mine or worker_host != host() or not pid_text.isdigit():
                continue
            if not worker_alive(int(pid_text)):
                self.instance.report_run_failed(
                    run,
                    f"the run's worker process {pid_text} is gone: the engine that ran it"
                    " stopped, then the worker ended without recording the run's end."
                    " Run the workflow again; stored results of finished nodes are reused.",
                )

    def shutdown(self) -> None:
        """Stop taking runs. Workers go on: each ends its run on its own, and a later engine's
        monitor fails the run of one that dies meanwhile."""
        self._reap()
        if self._workers:
            log.info("engine stopping; %d runs go on in their workers", len(self._workers))


def _execute(ref: object, run_id: str) -> int:
    """In the forked worker: a fresh instance (never the parent's connections), then the run."""
    with dg.DagsterInstance.from_ref(ref) as instance:  # type: ignore[arg-type]  # an InstanceRef, a class internal to Dagster
        run = instance.get_run_by_id(run_id)
        if run is None or run.status not in (
            dg.DagsterRunStatus.NOT_STARTED,
            dg.DagsterRunStatus.STARTING,
        ):
            return 0
        return 0 if execute_existing_run(run, instance) else 1


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def worker_alive(pid: int) -> bool:
    """Whether process `pid` still runs. A zombie counts as gone: a worker whose engine was killed
    too is reparented to PID 1, and where that is a process that never reaps (a container's
    entry point), the dead worker stays a zombie that signal 0 still reaches."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        # it ended since the signal, or this system has no /proc (then the signal's answer holds)
        return not os.path.isdir("/proc/self")
    return state not in ("Z", "X")


def worker_death(pid: int, status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        how = f"was killed by {name}"
        if number == signal.SIGKILL:
            how += " (stopped from outside, or by the kernel when memory ran out)"
    else:
        how = f"exited with code {os.WEXITSTATUS(status)}"
    return (
        f"the run's worker process {pid} {how} before the run ended; nodes that finished"
        " kept their results. Re-execute from failure to run the rest."
    )


def main(argv: list[str] | None = None) -> int:
    """`mlcanvas engine`: serve the instance of DAGSTER_HOME until SIGTERM or SIGINT."""
    import argparse

    parser = argparse.ArgumentParser(prog="mlcanvas engine", description=__doc__)
    parser.add_argument("--max-runs", type=int, default=4, help="runs executing at once")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s engine %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    services = CanvasServices.from_env()
    stop = threading.Event()
    set_on_signals(stop, signal.SIGTERM, signal.SIGINT)
    try:
        with engine_lock(services.config.dagster_home):
            seconds = warm_up(services)
            print(f"engine ready in {seconds:.1f}s (pid {os.getpid()})", flush=True)
            Engine(services, max_runs=args.max_runs).serve(stop)
    except EngineAlreadyRunning as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
