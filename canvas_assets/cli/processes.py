"""`mlcanvas up`, `engine` and `worker`: the long-running processes and their supervision."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from canvas_assets.cli.database import require_current_schema
from canvas_assets.examples import seed_examples
from canvas_assets.runs.engine import set_on_signals
from canvas_assets.runs.scale_out.settings import CELERY_QUEUE_ENV, DEFAULT_QUEUE
from canvas_assets.services import CanvasServices

# the built canvas that the API serves at / (graphql_api.app.FRONTEND_DIR; canvas_assets does not
# import graphql_api, so the path is named here too)
CANVAS_INDEX = Path(__file__).resolve().parents[2] / "canvas_frontend" / "dist" / "index.html"


def url_lines(host: str, port: int, canvas_built: bool) -> list[str]:
    """The URLs `up` prints, the canvas first; while the canvas is not built, with how to build
    it (its page says the same until then)."""
    base = f"http://{host}:{port}"
    canvas = f"Canvas: {base}/"
    if not canvas_built:
        canvas += " (not built yet: run `make frontend`, or `make run`, which builds it)"
    return [
        canvas,
        f"GraphQL API (and GraphiQL):  {base}/graphql",
        f"Dagster UI (lineage, runs):  {base}/dagster/",
    ]


def add_process_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = sub.add_parser(
        "up",
        help="start and supervise the API, the engine, the Dagster UI, its code server and daemon",
    )
    up.add_argument(
        "--host",
        default="127.0.0.1",
        help="API address; the Dagster UI is served by the API at /dagster/",
    )
    up.add_argument("--api-port", type=int, default=8000, help="GraphQL API port")
    up.add_argument("--no-daemon", action="store_true", help="no Dagster daemon (no schedules)")
    up.add_argument(
        "--grace",
        type=float,
        default=15.0,
        help="seconds each process gets to stop on Ctrl-C / SIGTERM before it is killed",
    )
    up.set_defaults(handler=_up)

    engine = sub.add_parser(
        "engine", help="execute the runs the API launches (one per instance; `up` starts it)"
    )
    engine.add_argument("--max-runs", type=int, default=4, help="runs executing at once")
    engine.set_defaults(handler=_engine)

    worker = sub.add_parser(
        "worker",
        help="execute the steps of runs whose workflow uses the Celery executor (any machine)",
    )
    _add_worker_arguments(worker)
    worker.set_defaults(handler=_worker)


def _engine(args: argparse.Namespace) -> int:
    from canvas_assets.runs.engine import main as engine_main

    return engine_main(["--max-runs", str(args.max_runs)])


def _add_worker_arguments(p: argparse.ArgumentParser) -> None:
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


def _worker(args: argparse.Namespace) -> int:
    from canvas_assets.runs.scale_out.worker import WorkerOptions, serve

    return serve(WorkerOptions(args.queues, args.concurrency, args.name, args.loglevel))


def _up(args: argparse.Namespace) -> int:
    require_current_schema()  # refuses a store behind this release, creates an empty one
    services = CanvasServices.from_env()
    home = services.config.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if not services.store.list(limit=1):
        added = seed_examples(services.store, services.registry)
        print(f"first start: loaded example workflows {', '.join(added)}")
    _ = services.instance  # created once here: processes creating one SQLite instance race
    from canvas_assets.orchestration import dagster_ui
    from canvas_assets.orchestration.dagster_reload import DAGSTER_SOCKET_ENV, DAGSTER_URL_ENV
    from canvas_assets.orchestration.supervisor import ChildSpec, Supervisor, spawn_process

    logging.basicConfig(level=logging.INFO, format="%(asctime)s up: %(message)s")
    try:
        sockets = dagster_ui.sockets_for(home)
        for path in (sockets.webserver, sockets.code_server):
            dagster_ui.claim_socket(path)
    except (OSError, RuntimeError) as exc:
        print(f"error: {exc} (is `mlcanvas up` already running for {home}?)", file=sys.stderr)
        return 1
    dagster_ui.write_workspace(sockets)
    daemon = Path(sys.executable).with_name("dagster-daemon")
    if not args.no_daemon and not daemon.is_file():
        print(f"error: {daemon} is missing; run `make install`", file=sys.stderr)
        return 1
    env = {k: v for k, v in os.environ.items() if k != DAGSTER_URL_ENV}
    # the API reloads the Dagster UI, and proxies /dagster/ to it, over this socket
    env.update({"DAGSTER_HOME": str(home), DAGSTER_SOCKET_ENV: str(sockets.webserver)})
    stop = threading.Event()
    # before any child starts: a child inherits an ignored signal (a shell that starts us in the
    # background ignores SIGINT), but a handled one is reset to the default on exec
    set_on_signals(stop, signal.SIGINT, signal.SIGTERM)
    py = sys.executable
    supervisor = Supervisor(spawn_process(env))
    try:
        supervisor.start(
            ChildSpec(
                "code-server", tuple(dagster_ui.code_server_command(py, sockets)), signal.SIGINT
            )
        )
        # the warm engine that executes the runs the API launches (canvas_assets/runs/engine.py)
        supervisor.start(ChildSpec("engine", (py, "-m", "canvas_assets.cli", "engine")))
        api = (py, "-m", "graphql_api.server", "--host", args.host, "--port", str(args.api_port))
        supervisor.start(ChildSpec("api", api))
        for line in url_lines(args.host, args.api_port, CANVAS_INDEX.is_file()):
            print(line)
        print(f"Dagster processes listen on Unix sockets in {sockets.folder}")
        print(f"workflow store: {services.config.database_url}")
        print(f"artifacts:      {services.config.artifacts}")
        print("Ctrl-C stops everything.", flush=True)
        # the Dagster UI and the daemon load the code location from the code server: start them
        # once it listens, so that their first load is not an error
        deadline = time.monotonic() + 300
        while not stop.is_set() and not sockets.code_server.exists():
            if time.monotonic() > deadline:
                print(
                    f"error: no code server on {sockets.code_server} after 300 s", file=sys.stderr
                )
                return 1
            supervisor.check()
            stop.wait(0.2)
        if not stop.is_set():
            ui = tuple(dagster_ui.webserver_command(py, sockets))
            supervisor.start(ChildSpec("dagster-ui", ui, signal.SIGINT))
            if not args.no_daemon:
                command = (str(daemon), "run", "-w", str(sockets.workspace))
                supervisor.start(ChildSpec("daemon", command, signal.SIGINT))
        supervisor.run(stop)
    finally:
        print("stopping...", flush=True)
        codes = supervisor.stop(grace_s=args.grace)
    killed = [name for name, code in codes.items() if code == -signal.SIGKILL]
    if killed:
        print(f"killed after {args.grace:g} s: {', '.join(killed)}", file=sys.stderr)
    return 1 if killed else 0
