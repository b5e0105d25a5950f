"""`mlcanvas gc`: deletes the stored results nothing references (the retention policy)."""

from __future__ import annotations

import argparse
import sys

from canvas_assets.cli.formatting import byte_size, table
from canvas_assets.services import CanvasServices


def add_gc_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
                byte_size(d.result.size),
                f"{(time.time() - d.result.modified) / 86_400:.1f} days",
                d.reason,
            ]
            for d in report.doomed
        ]
        if rows:
            print(table(rows, ["result", "size", "age", "why"]))
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{verb} {len(report.doomed)} results, {byte_size(report.freed_bytes)} of"
        f" {byte_size(report.total_bytes)} in {where}"
    )
    per_workflow = report.per_workflow()
    if per_workflow:
        print(
            table(
                [
                    [w, str(n), byte_size(b)]
                    for w, n, b in ((w, *v) for w, v in per_workflow.items())
                ],
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
            f"warning: still over the size limit ({byte_size(limit)}): the rest is referenced or"
            " too new; raise CANVAS_RETENTION_MAX_GB or unpin results"
        )
    if args.dry_run and report.doomed:
        print("dry run: nothing was deleted; `mlcanvas gc` deletes these")
    return 0
