"""`mlcanvas`: the command line of Visual ML Canvas.

  mlcanvas up                      start and supervise the API, the engine, the Dagster UI
                                   (served by the API at /dagster/), its code server and daemon
  mlcanvas engine                  the warm engine that executes runs launched by the API
  mlcanvas worker                  a Celery worker: executes nodes of runs with executor "celery"
  mlcanvas run WORKFLOW [--node N] [--upstream|--only] [--stale] [--force]
  mlcanvas validate FILE           issues of a workflow file (exit 1 on errors)
  mlcanvas status WORKFLOW         fresh / stale / missing per node, with the reason
  mlcanvas import FILE             store a workflow file;  mlcanvas export WORKFLOW [-o FILE]
  mlcanvas list                    stored workflows;       mlcanvas examples  (re)load examples
  mlcanvas token create --name N --role viewer|editor|admin   (also: token list, token revoke)
  mlcanvas db upgrade              migrate the workflow store (also: db current, db check)
  mlcanvas backup -o FILE          store, run history, artifact list;  mlcanvas restore FILE
  mlcanvas gc [--dry-run]          delete stored results nothing references (retention)

`run` is cache-aware: it executes only the selected nodes that are stale or missing (that is what
--stale states explicitly); --force recomputes them even when fresh.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from canvas_assets.config import CanvasConfig
from canvas_assets.examples import seed_examples
from canvas_assets.planning.plan import PlanError
from canvas_assets.runs.scale_out.settings import CELERY_QUEUE_ENV, DEFAULT_QUEUE
from canvas_assets.services import CanvasServices, RunRefused, Selection
from canvas_assets.storage import migrations
from canvas_assets.storage.database import create_engine
from canvas_assets.storage.errors import StoreError
from canvas_assets.storage.tokens import Role
from node_library.contract import Severity
from node_library.graph import DocumentError, load_workflow
from node_library.secrets import redact_workflow
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

    _add_data_parsers(sub)
    sub.add_parser("list", help="stored workflows").set_defaults(handler=_list)
    sub.add_parser("examples", help="load the bundled examples").set_defaults(handler=_examples)
    _add_gc_parser(sub)
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
    stored = services.store.get(args.workflow).workflow
    text = redact_workflow(stored, services.registry).to_json()  # a clear-text secret stays home
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


def _add_data_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="the workflow store's schema: upgrade, current, check")
    actions = db.add_subparsers(required=True, metavar="ACTION")
    actions.add_parser(
        "upgrade", help="migrate the workflow store to this release's schema (adopts old ones)"
    ).set_defaults(handler=_db_upgrade)
    actions.add_parser("current", help="print the store's schema revision").set_defaults(
        handler=_db_current
    )
    actions.add_parser(
        "check", help="exit 0 when the store is at this release's schema, else say what to run"
    ).set_defaults(handler=_db_check)
    revision = actions.add_parser(
        "revision",
        help="(developers) write a new migration from the tables in code vs. an upgraded store",
    )
    revision.add_argument("-m", "--message", required=True, help="what the revision changes")
    revision.set_defaults(handler=_db_revision)

    backup = sub.add_parser("backup", help="write the store, run history and artifact list")
    backup.add_argument("-o", "--output", type=Path, required=True, help="the backup file (zip)")
    backup.add_argument(
        "--with-artifacts", action="store_true", help="include the stored results themselves"
    )
    backup.set_defaults(handler=_backup)
    restore = sub.add_parser("restore", help="restore a backup into a fresh home")
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--force", action="store_true", help="replace a store and Dagster files that exist"
    )
    restore.set_defaults(handler=_restore)


def _store_engine() -> Engine:
    config = CanvasConfig.from_env()
    config.home.mkdir(parents=True, exist_ok=True)  # the SQLite default lives there
    return create_engine(config.database_url)


def _require_current_schema() -> None:
    """`up` starts nothing on a store behind this release: it names `mlcanvas db upgrade`.
    A fresh, empty store is created here (the one-command first start)."""
    engine = _store_engine()
    try:
        migrations.ensure_schema(engine)
    finally:
        engine.dispose()


def _db_upgrade(args: argparse.Namespace) -> int:
    engine = _store_engine()
    try:
        print(migrations.upgrade(engine).describe())
    finally:
        engine.dispose()
    return 0


def _db_current(args: argparse.Namespace) -> int:
    engine = _store_engine()
    try:
        found = migrations.status(engine)
    finally:
        engine.dispose()
    print(f"{found.revision or 'none'} ({found.state.value}; this release's head is {found.head})")
    return 0


def _db_check(args: argparse.Namespace) -> int:
    engine = _store_engine()
    try:
        found = migrations.status(engine)
    finally:
        engine.dispose()
    if found.state is not migrations.SchemaState.CURRENT:
        print(f"error: {found.problem()}", file=sys.stderr)
        return 1
    print(f"{found.url} is at schema revision {found.revision}")
    return 0


def _db_revision(args: argparse.Namespace) -> int:
    from alembic import command

    engine = _store_engine()
    try:
        found = migrations.status(engine)
        if found.state is not migrations.SchemaState.CURRENT:
            print(f"error: {found.problem()}", file=sys.stderr)
            return 1
        number = f"{int(found.head) + 1:04d}"
        with engine.connect() as conn:
            command.revision(
                migrations.alembic_config(conn),
                message=args.message,
                autogenerate=True,
                rev_id=number,
            )
    finally:
        engine.dispose()
    print(f"wrote revision {number}: review it in canvas_assets/storage/migrations/versions/")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from canvas_assets.maintenance.backup import write_backup

    report = write_backup(CanvasConfig.from_env(), args.output, args.with_artifacts)
    rows = ", ".join(f"{name} {count}" for name, count in report.rows.items())
    print(f"wrote {report.path} (schema revision {report.revision})")
    print(f"  store rows: {rows or 'none'}")
    print(f"  Dagster files: {len(report.dagster_files) or 'none (see docs/operating/data.md)'}")
    included = "included" if report.with_artifacts else "listed, not included"
    print(f"  artifacts: {report.artifacts} ({_bytes(report.artifact_bytes)}), {included}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from canvas_assets.maintenance.backup import restore_backup

    report = restore_backup(CanvasConfig.from_env(), args.file, force=args.force)
    rows = ", ".join(f"{name} {count}" for name, count in report.rows.items())
    upgraded = f", upgraded to {report.head}" if report.head != report.revision else ""
    print(f"restored schema revision {report.revision}{upgraded}")
    if report.dropped:
        print(f"  replaced (--force): {', '.join(report.dropped)}")
    print(f"  store rows: {rows or 'none'}")
    print(f"  Dagster files: {len(report.dagster_files)}")
    print(
        f"  artifacts: {report.artifacts_written} written, {report.artifacts_present} of"
        f" {report.artifacts_present + report.artifacts_missing} listed are in the artifact"
        " store"
        + ("; the missing ones are recomputed by the next run" if report.artifacts_missing else "")
    )
    return 0


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
    _require_current_schema()  # refuses a store behind this release, creates an empty one
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
    for signum in (signal.SIGINT, signal.SIGTERM):
        # before any child starts: a child inherits an ignored signal (a shell that starts us in
        # the background ignores SIGINT), but a handled one is reset to the default on exec
        signal.signal(signum, lambda *_: stop.set())
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
        print(f"GraphQL API (and GraphiQL):  http://{args.host}:{args.api_port}/graphql")
        print(f"Dagster UI (lineage, runs):  http://{args.host}:{args.api_port}/dagster/")
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


def _add_gc_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gc = sub.add_parser(
        "gc",
        help="delete stored results no workflow references (retention; see --dry-run)",
        description="Delete the stored results that no current node, recent revision, run in"
        " flight or pin references, by age (CANVAS_RETENTION_DAYS, default 30) and size"
        " (CANVAS_RETENTION_MAX_GB). Options override the settings.",
    )
    gc.add_argument("--dry-run", action="store_true", help="list what would go; delete nothing")
    gc.add_argument("--days", help="age limit in days, or off (CANVAS_RETENTION_DAYS)")
    gc.add_argument("--max-gb", help="size limit in GB, or off (CANVAS_RETENTION_MAX_GB)")
    gc.add_argument(
        "--keep-revisions",
        help="revisions per workflow whose results stay, current included"
        " (CANVAS_RETENTION_REVISIONS, default 10)",
    )
    gc.add_argument(
        "--keep",
        action="append",
        default=[],
        metavar="PIN",
        help="also keep workflow, workflow/node or workflow/node/cache_key (repeatable)",
    )
    gc.set_defaults(handler=_gc)


def _gc(args: argparse.Namespace) -> int:
    import time
    from dataclasses import replace

    from canvas_assets.maintenance.retention import (
        RetentionError,
        RetentionPolicy,
        collect_garbage,
        parse_days,
        parse_max_gb,
        parse_revisions,
    )
    from canvas_assets.storage.artifacts import ArtifactError

    try:
        policy = RetentionPolicy.from_env().with_pins(args.keep)
        if args.days is not None:
            policy = replace(policy, days=parse_days(args.days, "--days"))
        if args.max_gb is not None:
            policy = replace(policy, max_bytes=parse_max_gb(args.max_gb, "--max-gb"))
        if args.keep_revisions is not None:
            policy = replace(
                policy, keep_revisions=parse_revisions(args.keep_revisions, "--keep-revisions")
            )
        services = CanvasServices.from_env()
        report = collect_garbage(services, policy, dry_run=args.dry_run)
    except (RetentionError, ArtifactError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    where = services.artifacts.backend.describe()
    if args.dry_run:
        rows = [
            [
                str(d.result.key),
                _bytes(d.result.size),
                f"{(time.time() - d.result.modified) / 86_400:.1f} days",
                d.reason,
            ]
            for d in report.doomed
        ]
        if rows:
            print(_table(rows, ["result", "size", "age", "why"]))
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{verb} {len(report.doomed)} results, {_bytes(report.freed_bytes)} of"
        f" {_bytes(report.total_bytes)} in {where}"
    )
    per_workflow = report.per_workflow()
    if per_workflow:
        print(
            _table(
                [[w, str(n), _bytes(b)] for w, n, b in ((w, *v) for w, v in per_workflow.items())],
                ["workflow", "results", "size"],
            )
        )
    kept = ", ".join(f"{n} {why}" for why, n in sorted(report.kept.items()))
    print(f"kept {sum(report.kept.values())} results" + (f": {kept}" if kept else ""))
    if report.unrecognized:
        print(f"left alone: {report.unrecognized} objects outside the result layout")
    limit = report.policy.max_bytes
    if limit is not None and report.total_bytes - report.freed_bytes > limit:
        print(
            f"warning: still over the size limit ({_bytes(limit)}): the rest is referenced or"
            " too new; raise CANVAS_RETENTION_MAX_GB or unpin results"
        )
    if args.dry_run and report.doomed:
        print("dry run: nothing was deleted; `mlcanvas gc` deletes these")
    return 0


def _bytes(size: int) -> str:
    """A size for people: 512 B, 3.4 MB, 1.2 GB (backups and gc reports)."""
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("KB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


if __name__ == "__main__":
    raise SystemExit(main())
