"""`mlcanvas run, validate, status, import, export, list, examples`: workflows from the shell."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import dagster as dg

from canvas_assets.cli.formatting import node_message, table
from canvas_assets.cli.outputs import run_results
from canvas_assets.examples import seed_examples
from canvas_assets.runs.events import error_text
from canvas_assets.services import CanvasServices, RunReport, Selection
from node_library.contract import Severity
from node_library.graph import load_workflow
from node_library.secrets import redact_workflow
from node_library.validation import validate_workflow


def add_workflow_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def add_catalog_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("list", help="stored workflows").set_defaults(handler=_list)
    sub.add_parser("examples", help="load the bundled examples").set_defaults(handler=_examples)


def _run(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    if args.only and not args.node:
        print("error: --only needs --node NODE", file=sys.stderr)
        return 2
    selection = Selection.ONLY if args.only else Selection.UPSTREAM if args.node else Selection.ALL
    started = time.perf_counter()
    # planned here rather than through services.run: the plan's cache keys then find the results
    # printed below without planning (and hashing the sources) again
    prepared = services.prepare_run(
        args.workflow, node=args.node, selection=selection, force=args.force
    )
    report = services.execute(prepared)
    report.wall_s = time.perf_counter() - started
    if report.nothing_to_do:
        print(
            f"nothing to do: every selected node of {report.workflow!r} is fresh"
            f" ({report.wall_s * 1000:.0f} ms)"
        )
    gists = _failure_gists(services, report)
    rows = []
    for node_id, node in report.nodes.items():
        rows.append(
            [
                node_id,
                node.status,
                f"{node.duration_s:.2f}s" if node.duration_s is not None else "-",
                str(node.rows_out) if node.rows_out is not None else "-",
                node_message(gists.get(node_id, node.message)),
            ]
        )
    # rows out: the rows of the table the node wrote (of its last table output when it writes
    # several); "-" for a node whose outputs are not tables (models, metrics, files)
    print(table(rows, ["node", "status", "duration", "rows out", "message"]))
    if report.run_id:
        print(
            f"run {report.run_id} {'succeeded' if report.success else 'FAILED'}"
            f" in {report.wall_s:.2f}s"
        )
    results = run_results(services, prepared.plan, report)
    if results:
        print()
        print(results)
    return 0 if report.success else 1


def _failure_gists(services: CanvasServices, report: RunReport) -> dict[str, str]:
    """The failed nodes' own messages, read from the run's step failures as the canvas reads
    them (canvas_assets.runs.events.error_text): the report's messages are Dagster's outermost
    error, which for an exception the node raised names only the wrapper
    (`DagsterExecutionStepExecutionError: Error occurred while executing op ...`)."""
    if report.run_id is None or all(n.status != "failed" for n in report.nodes.values()):
        return {}
    prefix = f"{report.workflow}__"
    gists: dict[str, str] = {}
    for record in services.instance.all_logs(
        report.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
    ):
        event = record.dagster_event
        step = record.step_key or ""
        if event is None or not step.startswith(prefix):
            continue
        gists[step.removeprefix(prefix)] = error_text(event.step_failure_data.error)[0]
    return gists


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
    print(table(rows, ["node", "status", "why"]))
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
    print(table(rows, ["slug", "name", "revision", "nodes", "id"]))
    return 0


def _examples(args: argparse.Namespace) -> int:
    services = CanvasServices.from_env()
    added = seed_examples(services.store, services.registry)
    print("loaded: " + (", ".join(added) if added else "nothing new (all examples present)"))
    return 0
