"""Backup and restore: `mlcanvas backup -o FILE` and `mlcanvas restore FILE`.

A backup is one zip file:
- `manifest.json`: format and version, when, the workflow store's schema revision, rows per
  table, the Dagster files and the artifact summary.
- `store/<table>.jsonl`: every row of every table of ours, one JSON object per line (timestamps
  as ISO 8601), read in one transaction (REPEATABLE READ on PostgreSQL, one read transaction on
  SQLite's WAL), so the dump is a consistent snapshot.
- `dagster/history/...`, `dagster/schedules/...`: the Dagster instance's SQLite files (runs,
  event logs, schedule ticks) when the instance is the embedded SQLite default, each copied with
  SQLite's online backup API, so a running instance is copied consistently file by file. A
  PostgreSQL instance is not ours to copy: back it up with pg_dump (docs/operating/data.md).
- `artifacts.jsonl`: the artifact manifest, one line per stored object (key, size, SHA-256); with
  `--with-artifacts` the objects themselves under `artifacts/<key>`.

Restore goes into a fresh home: it refuses a store that has any table of ours, and Dagster files
that exist, unless `force` (which drops our tables first and overwrites those files). The store
is restored in one transaction: the schema is migrated to the backup's revision, the rows are
inserted, and the schema is migrated on to head (so an older backup is upgraded like a database
would be). Artifacts are written content first and meta file last (a result exists exactly when
its meta file does, storage/artifacts.py), each checked against its SHA-256. A backup file is
treated as untrusted input: JSON only (nothing is unpickled), every path confined to its
destination, every row checked against the table it goes into.

Consistent snapshot order for PostgreSQL + S3: dump the store first, then copy the artifacts.
Artifacts are immutable and addressed by cache key, so objects written after the store dump are
only extra results nobody references yet, and nothing the dump references can change; it can
only disappear if garbage collection (`mlcanvas gc`) deletes it, so pause gc while backing up.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from canvas_assets.config import CanvasConfig
from canvas_assets.storage.artifacts import ArtifactError, Backend, open_backend
from canvas_assets.storage.database import create_engine
from canvas_assets.storage.errors import StoreError
from canvas_assets.storage.migrations import (
    BASELINE,
    VERSION_TABLE,
    SchemaState,
    check_legacy,
    current_status,
    drop_all,
    known_revision,
    migrate,
    migrating,
)

FORMAT = "mlcanvas-backup"
FORMAT_VERSION = 1
TABLE_PREFIX = "canvas_"
# the folders of Dagster's SQLite storage under DAGSTER_HOME: runs and event logs, schedule ticks
DAGSTER_FOLDERS = ("history", "schedules")
_META_SUFFIX = ".meta.json"
_BATCH = 1000


class BackupError(StoreError):
    """A backup or restore that cannot be done; the message says what and how to fix it."""


@dataclass
class BackupReport:
    path: Path
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    dagster_files: list[str] = field(default_factory=list)
    artifacts: int = 0
    artifact_bytes: int = 0
    with_artifacts: bool = False


@dataclass
class RestoreReport:
    revision: str  # the backup's schema revision
    head: str  # the revision the store was migrated on to
    rows: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # tables replaced with `force`
    dagster_files: list[str] = field(default_factory=list)
    artifacts_written: int = 0
    artifacts_present: int = 0  # manifest entries found in the artifact store after the restore
    artifacts_missing: int = 0  # ... and not found (they are recomputed on the next run)


# -- backup -----------------------------------------------------------------------------------


def write_backup(config: CanvasConfig, path: Path, with_artifacts: bool = False) -> BackupReport:
    """Write the backup file (atomically: a failed backup leaves no file behind)."""
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"cannot write the backup to {path}: folder {path.parent} does not exist")
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            report = BackupReport(path=path, revision="", with_artifacts=with_artifacts)
            _dump_store(config, archive, report)
            _copy_dagster(config, archive, report)
            _dump_artifacts(config, archive, report)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "schema_revision": report.revision,
                "tables": report.rows,
                "dagster_files": report.dagster_files,
                "artifacts": {
                    "location": open_backend(config.artifacts, config.s3_endpoint_url).describe(),
                    "count": report.artifacts,
                    "bytes": report.artifact_bytes,
                    "included": with_artifacts,
                },
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)
    return report


def _dump_store(config: CanvasConfig, archive: zipfile.ZipFile, report: BackupReport) -> None:
    engine = create_engine(config.database_url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                status = current_status(conn)
                if status.state is SchemaState.UNKNOWN:
                    raise BackupError(status.problem())
                if status.state is SchemaState.LEGACY:
                    check_legacy(conn)  # its tables are the baseline's: restored as 0001
                report.revision = status.revision or (
                    BASELINE if status.state is SchemaState.LEGACY else status.head
                )
                for table in _our_tables(conn):
                    report.rows[table.name] = _dump_table(conn, table, archive)
    finally:
        engine.dispose()


def _our_tables(conn: Connection) -> list[sa.Table]:
    names = [n for n in sa.inspect(conn).get_table_names() if n.startswith(TABLE_PREFIX)]
    reflected = sa.MetaData()
    reflected.reflect(conn, only=[n for n in names if n != VERSION_TABLE])
    return list(reflected.sorted_tables)


def _dump_table(conn: Connection, table: sa.Table, archive: zipfile.ZipFile) -> int:
    count = 0
    order = list(table.primary_key.columns) or list(table.columns)
    with archive.open(f"store/{table.name}.jsonl", "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        for row in conn.execute(sa.select(table).order_by(*order)).mappings():
            record = {name: _encode(table.name, name, value) for name, value in row.items()}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        out.flush()
        out.detach()
    return count


def _encode(table: str, column: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    raise BackupError(
        f"{table}.{column} holds a {type(value).__name__}, which the backup format does not"
        " know; this release cannot back up this database"
    )


def _copy_dagster(config: CanvasConfig, archive: zipfile.ZipFile, report: BackupReport) -> None:
    home = config.dagster_home
    for folder in DAGSTER_FOLDERS:
        for source in sorted((home / folder).rglob("*.db")):
            relative = source.relative_to(home).as_posix()
            fd, copy = tempfile.mkstemp(suffix=".db")
            os.close(fd)
            try:
                with _sqlite(source) as src, _sqlite(Path(copy)) as dst:
                    src.backup(dst)  # the online backup API: consistent while Dagster writes
                archive.write(copy, f"dagster/{relative}")
            finally:
                Path(copy).unlink(missing_ok=True)
            report.dagster_files.append(relative)


class _sqlite:
    """A sqlite3 connection that is closed on exit (sqlite3's own context manager only commits)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *_: object) -> None:
        self.conn.close()


def _dump_artifacts(config: CanvasConfig, archive: zipfile.ZipFile, report: BackupReport) -> None:
    backend = open_backend(config.artifacts, config.s3_endpoint_url)
    lines: list[str] = []  # a few dozen bytes per object; the objects themselves are streamed
    for key, data in _artifacts(backend):
        digest = hashlib.sha256(data).hexdigest()
        lines.append(json.dumps({"key": key, "size": len(data), "sha256": digest}) + "\n")
        report.artifacts += 1
        report.artifact_bytes += len(data)
        if report.with_artifacts:  # Parquet, zip and skops files are compressed already
            archive.writestr(f"artifacts/{key}", data, compress_type=zipfile.ZIP_STORED)
    archive.writestr("artifacts.jsonl", "".join(lines))


def _artifacts(backend: Backend) -> Iterator[tuple[str, bytes]]:
    for stored in backend.list_objects():
        if PurePosixPath(stored.key).name.startswith(".tmp-"):  # a write in progress
            continue
        try:
            data = backend.get(stored.key)
        except ArtifactError:  # deleted (by gc) since it was listed
            continue
        yield stored.key, data


# -- restore ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Manifest:
    revision: str
    tables: dict[str, int]
    dagster_files: list[str]


@dataclass(frozen=True)
class _Artifact:
    key: str
    size: int
    sha256: str


def restore_backup(config: CanvasConfig, path: Path, force: bool = False) -> RestoreReport:
    """Restore a backup file into the store, Dagster home and artifact store of `config`."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(
            f"cannot read backup {path}: {exc}; pass a file from `mlcanvas backup`"
        ) from None
    with archive:
        manifest = _read_manifest(archive, path)
        artifacts = _read_artifact_manifest(archive, path)
        home = config.dagster_home
        present = [f for f in manifest.dagster_files if (home / f).exists()]
        if present and not force:
            raise BackupError(
                f"the Dagster home {home} already has {', '.join(present[:3])}"
                f"{', ...' if len(present) > 3 else ''}; restore into a fresh CANVAS_HOME /"
                " DAGSTER_HOME, or pass --force to replace them (nothing was changed)"
            )
        report = RestoreReport(revision=manifest.revision, head="")
        config.home.mkdir(parents=True, exist_ok=True)  # the SQLite store of a fresh home
        _restore_store(config, archive, manifest, force, report)
        for relative in manifest.dagster_files:
            _restore_file(archive, f"dagster/{relative}", home, relative)
            report.dagster_files.append(relative)
        _restore_artifacts(config, archive, artifacts, report)
    return report


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> _Manifest:
    try:
        raw = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError(
            f"{path} has no readable manifest.json ({exc}); it is no mlcanvas backup"
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupError(f"{path} is not an mlcanvas backup (its manifest names no {FORMAT!r})")
    if raw.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has backup format version {raw.get('format_version')!r}; this release"
            f" reads version {FORMAT_VERSION}: restore it with the release that wrote it"
        )
    revision = raw.get("schema_revision")
    tables = raw.get("tables")
    files = raw.get("dagster_files")
    if not isinstance(revision, str) or not isinstance(tables, dict) or not isinstance(files, list):
        raise BackupError(f"{path}: manifest.json is damaged (schema_revision, tables, files)")
    if not known_revision(revision):
        raise BackupError(
            f"{path} was made at schema revision {revision!r}, which this release does not"
            " know (a newer mlcanvas wrote it); restore it with that release"
        )
    for name, count in tables.items():
        if not name.startswith(TABLE_PREFIX) or not isinstance(count, int):
            raise BackupError(f"{path}: manifest.json lists a strange table {name!r}")
    for relative in files:
        if not isinstance(relative, str) or not _safe_relative(relative, DAGSTER_FOLDERS):
            raise BackupError(
                f"{path}: manifest.json lists a Dagster file {relative!r} outside"
                " history/ and schedules/; the backup is damaged"
            )
    return _Manifest(revision, dict(tables), list(files))


def _read_artifact_manifest(archive: zipfile.ZipFile, path: Path) -> list[_Artifact]:
    entries: list[_Artifact] = []
    try:
        text = archive.read("artifacts.jsonl").decode("utf-8")
    except KeyError:
        return entries
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            raw = json.loads(line)
            entry = _Artifact(str(raw["key"]), int(raw["size"]), str(raw["sha256"]))
        except (ValueError, KeyError, TypeError):
            raise BackupError(f"{path}: artifacts.jsonl line {number} is damaged") from None
        if not _safe_relative(entry.key):
            raise BackupError(f"{path}: artifacts.jsonl line {number} has an unsafe key")
        entries.append(entry)
    return entries


def _safe_relative(relative: str, under: tuple[str, ...] = ()) -> bool:
    parts = relative.split("/")
    if not relative or relative.startswith("/") or "\\" in relative or "\0" in relative:
        return False
    if any(part in ("", ".", "..") for part in parts):
        return False
    return not under or parts[0] in under


def _restore_store(
    config: CanvasConfig,
    archive: zipfile.ZipFile,
    manifest: _Manifest,
    force: bool,
    report: RestoreReport,
) -> None:
    engine = create_engine(config.database_url)
    try:
        with migrating(engine) as conn:
            status = current_status(conn)
            if status.state is not SchemaState.EMPTY:
                if not force:
                    raise BackupError(
                        f"the workflow store {status.url} is not empty; restore into a fresh"
                        " CANVAS_HOME or an empty database, or pass --force to replace"
                        " everything in it (nothing was changed)"
                    )
                report.dropped = drop_all(conn)
            migrate(conn, manifest.revision)
            reflected = sa.MetaData()
            reflected.reflect(conn, only=[n for n in manifest.tables if n in _names(conn)])
            unknown = sorted(set(manifest.tables) - set(reflected.tables))
            if unknown:
                raise BackupError(
                    f"the backup has table(s) {', '.join(unknown)} which schema revision"
                    f" {manifest.revision} does not have; the backup is damaged"
                )
            for table in reflected.sorted_tables:
                report.rows[table.name] = _load_table(conn, table, archive, manifest)
            migrate(conn, "head")
            report.head = current_status(conn).head
    finally:
        engine.dispose()


def _names(conn: Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def _load_table(
    conn: Connection, table: sa.Table, archive: zipfile.ZipFile, manifest: _Manifest
) -> int:
    entry = f"store/{table.name}.jsonl"
    decoders = {column.name: _decoder(column) for column in table.columns}
    batch: list[dict[str, Any]] = []
    count = 0
    try:
        raw = archive.open(entry)
    except KeyError:
        raise BackupError(f"the backup lists table {table.name} but has no {entry}") from None
    with raw, io.TextIOWrapper(raw, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            where = f"{entry} line {number}"
            try:
                record = json.loads(line)
            except ValueError:
                raise BackupError(f"{where} is not JSON; the backup is damaged") from None
            if not isinstance(record, dict):
                raise BackupError(f"{where} is not a JSON object; the backup is damaged")
            extra = sorted(set(record) - set(decoders))
            if extra:
                raise BackupError(
                    f"{where} has column(s) {', '.join(extra)} that {table.name} does not have"
                    f" at revision {manifest.revision}; the backup is damaged"
                )
            batch.append({k: decoders[k](v, f"{where}, column {k}") for k, v in record.items()})
            count += 1
            if len(batch) >= _BATCH:
                conn.execute(table.insert(), batch)
                batch = []
    if batch:
        conn.execute(table.insert(), batch)
    if count != manifest.tables[table.name]:
        raise BackupError(
            f"{entry} has {count} rows, the manifest says {manifest.tables[table.name]};"
            " the backup is damaged"
        )
    return count


def _decoder(column: sa.Column[Any]) -> Any:
    try:
        python_type: type = column.type.python_type
    except NotImplementedError:
        python_type = object

    def decode(value: Any, where: str) -> Any:
        if value is None:
            return None
        if python_type is datetime and isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise BackupError(f"{where}: {value!r} is not a timestamp") from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if python_type is bool and isinstance(value, bool | int):
            return bool(value)
        if python_type is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if python_type is str and isinstance(value, str):
            return value
        if python_type is object and isinstance(value, str | int | float | bool):
            return value
        raise BackupError(
            f"{where}: {type(value).__name__} {value!r:.40} does not fit a"
            f" {python_type.__name__} column; the backup is damaged"
        )

    return decode


def _restore_file(archive: zipfile.ZipFile, entry: str, root: Path, relative: str) -> None:
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise BackupError(f"the backup's {entry} would be written outside {root}")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
    try:
        with os.fdopen(fd, "wb") as out, archive.open(entry) as source:
            while chunk := source.read(1 << 20):
                out.write(chunk)
        # a journal left by the replaced database would be applied to the restored one
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(partial, target)
    except KeyError:
        raise BackupError(f"the backup lists {relative} but has no {entry}") from None
    finally:
        Path(partial).unlink(missing_ok=True)


def _restore_artifacts(
    config: CanvasConfig,
    archive: zipfile.ZipFile,
    artifacts: list[_Artifact],
    report: RestoreReport,
) -> None:
    backend = open_backend(config.artifacts, config.s3_endpoint_url)
    included = set(archive.namelist())
    # content before meta files: a result exists exactly when its meta file does
    for entry in sorted(artifacts, key=lambda a: a.key.endswith(_META_SUFFIX)):
        name = f"artifacts/{entry.key}"
        if name not in included:
            continue
        data = archive.read(name)
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise BackupError(
                f"the backup's {name} does not match its checksum; the backup is damaged"
                f" ({report.artifacts_written} artifacts were restored before it)"
            )
        backend.put(entry.key, data)
        report.artifacts_written += 1
    stored = {o.key: o.size for o in backend.list_objects()} if artifacts else {}
    for entry in artifacts:
        if stored.get(entry.key) == entry.size:
            report.artifacts_present += 1
        else:
            report.artifacts_missing += 1
