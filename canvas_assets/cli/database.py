"""`mlcanvas db upgrade, current, check, revision`, `backup` and `restore`: the workflow store's
schema and its backups."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from canvas_assets.cli.formatting import byte_size
from canvas_assets.config import CanvasConfig
from canvas_assets.storage import migrations
from canvas_assets.storage.database import create_engine


def add_database_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def require_current_schema() -> None:
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
    print(f"  artifacts: {report.artifacts} ({byte_size(report.artifact_bytes)}), {included}")
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
