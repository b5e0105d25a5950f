"""`mlcanvas`: the command line of Visual ML Canvas.

  mlcanvas up                      start the API, the engine, the Dagster UI and daemon
  mlcanvas engine                  the warm engine that executes runs launched by the API
  mlcanvas worker                  a Celery worker: executes nodes of runs with executor "celery"
  mlcanvas run WORKFLOW [--node N] [--upstream|--only] [--stale] [--force]
  mlcanvas validate FILE           issues of a workflow file (exit 1 on errors)
  mlcanvas status WORKFLOW         fresh / stale / missing per node, with the reason
  mlcanvas import FILE             store a workflow file;  mlcanvas export WORKFLOW [-o FILE]
  mlcanvas list                    stored workflows;       mlcanvas examples  (re)load examples
  mlcanvas token create --name N --role viewer|editor|admin   (also: token list, token revoke)

`run` is cache-aware: it executes only the selected nodes that are stale or missing (that is what
--stale states explicitly); --force recomputes them even when fresh.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from canvas_assets.examples import seed_examples
from canvas_assets.planner import PlanError
from canvas_assets.services import CanvasServices, RunRefused, Selection
from canvas_assets.store import StoreError
from canvas_assets.tokens import Role
from node_library.contract import Severity
from node_library.graph import DocumentError, load_workflow
from node_library.validation import validate_workflow


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except (StoreError, RunRefused, DocumentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except PlanError as exc:
        print("error: the workflow does not validate:", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlcanvas", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    up = sub.add_parser("up", help="start the API, the Dagster UI and the daemon")
    up.add_argument(
        "--host", default="127.0.0.1", help="API address (the Dagster UI stays on loopback)"
    )
    up.add_argument("--port", type=int, default=3000, help="Dagster UI port")
    up.add_argument("--api-port", type=int, default=8000, help="GraphQL API port")
    up.add_argument("--no-daemon", action="store_true", help="start the webserver only")
    up.set_defaults(handler=_up)

    engine = sub.add_parser(
        "engine", help="execute the runs the API launches (one per instance; `up` starts it)"
    )
    engine.add_argument("--max-runs", type=int, default=4, help="runs executing at once")
    engine.set_defaults(handler=_engine)

    from canvas_assets.celery_worker import add_arguments as add_worker_arguments

    worker = sub.add_parser(
        "worker",
        help="execute the steps of runs whose workflow uses the Celery executor (any machine)",
    )
    add_worker_arguments(worker)
    worker.set_defaults(handler=_worker)

    run = sub.add_parser("run", help="materialize a workflow through Dagster")
    run.add_argument("workflow", help="workflow id or slug")
    run.add_argument("--node", help="run this node (with its upstream unless --only)")
    scope = run.add_mutually_exclusive_group()
    scope.add_argument("--upstream", action="store_true", help="the node and its upstream")
    scope.add_argument("--only", action="store_true", help="only the node itself")
    run.add_argument(
        "--stale",
        action="store_true",
        help="only stale and missing nodes (the default; see --force)",
    )
    run.add_argument("--force", action="store_true", help="recompute even fresh nodes")
    run.set_defaults(handler=_run)

    validate = sub.add_parser("validate", help="validate a workflow file")
    validate.add_argument("file", type=Path)
    validate.set_defaults(handler=_validate)

    status = sub.add_parser("status", help="fresh / stale / missing per node")
    status.add_argument("workflow")
    status.set_defaults(handler=_status)

    imp = sub.add_parser("import", help="store a workflow file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=_import)

    exp = sub.add_parser("export", help="print or write a stored workflow as JSON")
    exp.add_argument("workflow")
    exp.add_argument("-o", "--output", type=Path)
    exp.set_defaults(handler=_export)

    token = sub.add_parser("token", help="API tokens: create, list, revoke")
    actions = token.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="a new token; its secret is printed once")
    create.add_argument("--name", required=True, help="who or what uses the token")
    create.add_argument(
        "--role",
        choices=[r.value for r in Role],
        default=Role.VIEWER.value,
        help="viewer reads, editor also edits and runs, admin also manages tokens",
    )
    create.set_defaults(handler=_token_create)
    actions.add_parser("list", help="tokens (never their secrets)").set_defaults(
        handler=_token_list
    )
    revoke = actions.add_parser("revoke", help="revoke a token by id or prefix")
    revoke.add_argument("token", help="id or prefix (mlc_XXXXXXXX) from `mlcanvas token list`")
    revoke.set_defaults(handler=_token_revoke)

    sub.add_parser("list", help="stored workflows").set_defaults(handler=_list)
    sub.add_parser("examples", help="load the bundled examples").set_defaults(handler=_examples)
    return parser


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    if args.only and not args.node:
        print("error: --only needs --node NODE", file=sys.stderr)
        return 2
    selection = Selection.ONLY if args.only else Selection.UPSTREAM if args.node else Selection.ALL
    report = services.run(args.workflow, node=args.node, selection=selection, force=args.force)
    if report.nothing_to_do:
        print(
            f"nothing to do: every selected node of {report.workflow!r} is fresh"
            f" ({report.wall_s * 1000:.0f} ms)"
        )
    rows = []
    for node_id, node in report.nodes.items():
        rows.append(
            [
                node_id,
                node.status,
                f"{node.duration_s:.2f}s" if node.duration_s is not None else "-",
                str(node.rows_out) if node.rows_out is not None else "-",
                node.message,
            ]
        )
    print(_table(rows, ["node", "status", "duration", "rows", "message"]))
    if report.run_id:
        print(
            f"run {report.run_id} {'succeeded' if report.success else 'FAILED'}"
            f" in {report.wall_s:.2f}s"
        )
    return 0 if report.success else 1


def _validate(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    try:
        text = args.file.read_text()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    workflow = load_workflow(text, services.registry)
    result = validate_workflow(workflow, services.registry, services.settings)
    for issue in result.issues:
        print(f"{issue.severity.value}: {issue}")
    errors = sum(1 for i in result.issues if i.severity is Severity.ERROR)
    print(
        f"{workflow.slug}: {len(workflow.nodes)} nodes, {errors} errors,"
        f" {len(result.issues) - errors} warnings"
    )
    return 1 if errors else 0


def _status(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    stored = services.store.get(args.workflow)
    statuses = services.statuses(services.plan(stored))
    rows = [
        [s.node_id, s.state.value, s.reason + ("" if s.deterministic else " (not deterministic)")]
        for s in statuses.values()
    ]
    print(f"{stored.workflow.slug} (revision {stored.revision})")
    print(_table(rows, ["node", "status", "why"]))
    return 0


def _import(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    workflow = load_workflow(args.file.read_text(), services.registry)
    stored = services.store.create(workflow)
    print(f"imported {stored.workflow.slug} ({stored.id}), revision {stored.revision}")
    return 0


def _export(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    text = services.store.get(args.workflow).workflow.to_json()
    if args.output:
        args.output.write_text(text + "\n")
    else:
        print(text)
    return 0


def _list(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    rows = [
        [s.workflow.slug, s.workflow.name, str(s.revision), str(len(s.workflow.nodes)), s.id]
        for s in services.store.list(limit=10_000)
    ]
    print(_table(rows, ["slug", "name", "revision", "nodes", "id"]))
    return 0


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def _token_create(args: argparse.Namespace) -> int:
    principal, secret = CanvasServices.from_env().tokens.create(args.name, args.role)
    print(secret)  # alone on stdout: TOKEN=$(mlcanvas token create ...)
    print(
        f"created token {principal.token_id} for {principal.name!r} ({principal.role.value});"
        " the secret above is shown only once",
        file=sys.stderr,
    )
    return 0


def _token_list(args: argparse.Namespace) -> int:
    rows = [
        [
            t.display,
            t.name,
            t.role.value,
            _when(t.created_at),
            _when(t.last_used_at),
            "active" if t.active else f"revoked {_when(t.revoked_at)}",
            t.id,
        ]
        for t in CanvasServices.from_env().tokens.list()
    ]
    print(_table(rows, ["token", "name", "role", "created", "last used", "status", "id"]))
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    if not CanvasServices.from_env().tokens.revoke(args.token):
        print(
            f"error: no active token with id or prefix {args.token!r}; see `mlcanvas token list`",
            file=sys.stderr,
        )
        return 1
    print(f"revoked {args.token}; running API servers refuse it within 5 seconds")
    return 0


def _examples(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    added = seed_examples(services.store, services.registry)
    print("loaded: " + (", ".join(added) if added else "nothing new (all examples present)"))
    return 0


def _engine(args: argparse.Namespace) -> int:
    from canvas_assets.engine import main as engine_main

    return engine_main(["--max-runs", str(args.max_runs)])


def _worker(args: argparse.Namespace) -> int:
    from canvas_assets.celery_worker import options_from, serve

    return serve(options_from(args))


def _up(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    home = services.config.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if not services.store.list(limit=1):
        added = seed_examples(services.store, services.registry)
        print(f"first start: loaded example workflows {', '.join(added)}")
    _ = services.instance  # created once here: processes creating one SQLite instance race
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        # the API asks this webserver to reload after edits (canvas_assets/dagster_sync.py)
        "CANVAS_DAGSTER_URL": f"http://127.0.0.1:{args.port}",
    }
    bin_dir = Path(sys.executable).parent
    workspace = Path("workspace.yaml").resolve()
    commands = [
        [
            str(bin_dir / "dagster-webserver"),
            "-h",
            # Dagster's webserver has no authentication: it never leaves loopback (DESIGN.md)
            "127.0.0.1",
            "-p",
            str(args.port),
            "-w",
            str(workspace),
        ]
    ]
    if not args.no_daemon:
        commands.append([str(bin_dir / "dagster-daemon"), "run", "-w", str(workspace)])
    # the warm engine that executes the runs the API launches (canvas_assets/engine.py)
    commands.append([sys.executable, "-m", "canvas_assets.cli", "engine"])
    commands.append(
        [
            sys.executable,
            "-m",
            "graphql_api.server",
            "--host",
            args.host,
            "--port",
            str(args.api_port),
        ]
    )
    for command in commands:
        if not shutil.which(command[0]):
            print(f"error: {command[0]} is missing; run `make run` to install", file=sys.stderr)
            return 1
    procs = [subprocess.Popen(c, env=env) for c in commands]  # noqa: S603  # our own binaries
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # explicit handlers: a shell that starts us in the background ignores SIGINT by default
        signal.signal(signum, lambda *_: stop.set())
    print(f"GraphQL API (and GraphiQL):  http://{args.host}:{args.api_port}/graphql")
    print(f"Dagster UI (lineage, runs):  http://127.0.0.1:{args.port} (loopback only)")
    print(f"workflow store: {services.config.database_url}")
    print(f"artifacts:      {services.config.artifacts}")
    print("Ctrl-C stops everything.")
    try:
        while not stop.is_set() and all(p.poll() is None for p in procs):
            stop.wait(0.5)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0 if all(p.returncode in (0, -signal.SIGINT, None) for p in procs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
