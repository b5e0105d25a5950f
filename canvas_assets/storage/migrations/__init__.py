"""Schema migrations of the workflow store's database (Alembic): the only way our tables are made.

Every table of ours (canvas_workflows, canvas_workflow_versions, canvas_workflow_ops,
canvas_api_tokens, canvas_schedules, and whatever a later release adds) is created and changed by
the revisions in `versions/`, oldest first; revision 0001 ("baseline") is the schema the first
release created with `create_all`. Alembic's files ship inside this package and its Config is
built here (`alembic_config`), so no alembic.ini is needed anywhere.

Decisions a reader should know:
- The version table is `canvas_alembic_version`, not Alembic's default: the README's production
  setup shares one PostgreSQL database between the workflow store and the Dagster instance, and
  Dagster keeps its own `alembic_version` there.
- A database is in one of five states (`SchemaState`): EMPTY (none of our tables), CURRENT (at
  head), BEHIND (an older revision), LEGACY (our tables, no version record: made by the first
  release's `create_all`) or UNKNOWN (a revision this release does not know: a newer release
  upgraded it). Opening a store (`ensure_schema`) creates an EMPTY database through the migrations
  (the zero-setup first start, and every test's fresh database) and refuses every other state
  except CURRENT with the command to run. Only `mlcanvas db upgrade` (`upgrade`) changes an
  existing database: it adopts a LEGACY one (checks that its tables have the baseline's columns,
  creates the baseline tables the first release had not created yet, stamps 0001) and then
  upgrades to head, never re-creating a table, so no row is lost.
- `upgrade` runs in one transaction that holds the writer lock (BEGIN IMMEDIATE on SQLite, an
  advisory transaction lock on PostgreSQL) and reads the state again under it, so processes that
  start together on a fresh database migrate it once. PostgreSQL and SQLite both roll DDL back,
  so a failed migration leaves the database as it was.
- On SQLite, foreign keys are off while migrating (and checked with `PRAGMA foreign_key_check`
  before the commit): a batch migration recreates a table by copy, drop and rename, and dropping
  canvas_workflows with foreign keys on would cascade-delete every version and log row.
- A change to a table comes with a new revision (`mlcanvas db revision -m "what"` writes it
  from the difference between the database and the sa.Table definitions; review it, keep it
  explicit); tests/canvas_assets/test_migrations.py fails while the two differ.
"""

from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from canvas_assets.storage.errors import StoreError

VERSION_TABLE = "canvas_alembic_version"
BASELINE = "0001"
TABLE_PREFIX = "canvas_"
UPGRADE_COMMAND = "mlcanvas db upgrade"
# every process that opens the store checks its revision; Alembic's INFO lines about that ("Context
# impl SQLiteImpl") would repeat in each process's log. `mlcanvas db upgrade` prints its own report.
logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
# pg_advisory_xact_lock key of `upgrade` (any constant; "mlcanvas" in ASCII, as a bigint)
_PG_LOCK_KEY = 0x6D6C63616E766173


class SchemaError(StoreError):
    """The database's schema is not the one this release works with; the message says what to
    run."""


class SchemaState(StrEnum):
    EMPTY = "empty"
    CURRENT = "current"
    BEHIND = "behind"
    LEGACY = "legacy"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    revision: str | None  # the stored revision; None when there is no version record
    head: str
    url: str  # for messages: the password is masked

    def problem(self) -> str:
        """What is wrong and what to run; empty when the database is current."""
        where = f"the workflow store {self.url}"
        if self.state is SchemaState.LEGACY:
            return (
                f"{where} was created before schema migrations (it has our tables but no"
                f" {VERSION_TABLE}); run `{UPGRADE_COMMAND}` once to adopt it (nothing is"
                " re-created or lost)"
            )
        if self.state is SchemaState.BEHIND:
            return (
                f"{where} is at schema revision {self.revision} and this release needs"
                f" {self.head}; stop every mlcanvas process, back it up (`mlcanvas backup -o"
                f" FILE`), then run `{UPGRADE_COMMAND}`"
            )
        if self.state is SchemaState.UNKNOWN:
            return (
                f"{where} is at schema revision {self.revision}, which this release does not"
                f" know (its newest is {self.head}): a newer mlcanvas upgraded it; run that"
                " release, or restore a backup made with this one"
            )
        if self.state is SchemaState.EMPTY:
            return f"{where} has no tables yet; run `{UPGRADE_COMMAND}` (or `mlcanvas up`)"
        return ""


@dataclass(frozen=True)
class UpgradeReport:
    before: SchemaStatus
    after: SchemaStatus
    created: list[str] = field(default_factory=list)  # baseline tables a LEGACY database lacked

    def describe(self) -> str:
        if self.before.state is SchemaState.CURRENT:
            return f"{self.after.url} is at the newest schema revision {self.after.head}"
        if self.before.state is SchemaState.EMPTY:
            return f"{self.after.url}: created the schema at revision {self.after.head}"
        adopted = ""
        if self.before.state is SchemaState.LEGACY:
            adopted = f"adopted a database created before migrations as {BASELINE}"
            if self.created:
                adopted += f" (created the missing {', '.join(self.created)})"
            adopted += ", then "
        start = self.before.revision or BASELINE
        return f"{self.after.url}: {adopted}upgraded {start} -> {self.after.head}"


def target_metadata() -> sa.MetaData:
    """Every table of ours as the code defines it: what the head revision must create."""
    # imported here: these modules open their stores through this one
    from canvas_assets.orchestration import schedules
    from canvas_assets.storage import tokens, workflow_tables

    combined = sa.MetaData()
    for metadata in (workflow_tables.metadata, tokens.metadata, schedules.metadata):
        for table in metadata.tables.values():
            table.to_metadata(combined)
    return combined


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's Config for this package; env.py migrates `connection`."""
    config = Config()
    config.set_main_option("script_location", "canvas_assets.storage:migrations")
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def status(engine: Engine) -> SchemaStatus:
    with engine.connect() as conn:
        return _status(conn)


def ensure_schema(engine: Engine) -> None:
    """Make sure the store can use this database: create an EMPTY one through the migrations,
    accept a CURRENT one, refuse every other state with the command to run (SchemaError).

    Checked once per engine and process (the stores of one process share their engine)."""
    if engine in _checked:
        return
    found = status(engine)
    if found.state is SchemaState.EMPTY:
        found = _migrate(engine, adopt=False).after
    if found.state is not SchemaState.CURRENT:
        raise SchemaError(found.problem())
    _checked.add(engine)


def upgrade(engine: Engine) -> UpgradeReport:
    """`mlcanvas db upgrade`: adopt a LEGACY database, then upgrade to head (one transaction)."""
    return _migrate(engine, adopt=True)


def run_environment(context: Any) -> None:
    """env.py: run the requested migration on the connection in the config's attributes.

    `context` is `alembic.context`, a module that proxies the running EnvironmentContext."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise SchemaError(
            "the migrations run through `mlcanvas db upgrade` (or `mlcanvas db revision`),"
            " which give Alembic the workflow store's connection; the alembic command alone"
            " is not set up"
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        version_table=VERSION_TABLE,
        include_name=_ours,
        # SQLite alters a table by copying it: generated revisions use batch operations
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_checked: weakref.WeakSet[Engine] = weakref.WeakSet()


@functools.cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def _baseline() -> ModuleType:
    script = _script().get_revision(BASELINE)
    assert script is not None  # shipped in versions/
    module: ModuleType = script.module
    return module


def _ours(name: str | None, type_: str, _parents: object) -> bool:
    # a database shared with the Dagster instance: its tables are none of our migrations' business
    return type_ != "table" or (name or "").startswith(TABLE_PREFIX)


def _status(conn: Connection) -> SchemaStatus:
    head = _script().get_current_head() or BASELINE
    url = conn.engine.url.render_as_string(hide_password=True)
    names = set(sa.inspect(conn).get_table_names())
    ours = {n for n in names if n.startswith(TABLE_PREFIX)} - {VERSION_TABLE}
    heads: tuple[str, ...] = ()
    if VERSION_TABLE in names:
        heads = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}
        ).get_current_heads()
    if not heads:
        state = SchemaState.LEGACY if ours else SchemaState.EMPTY
        return SchemaStatus(state, None, head, url)
    revision = ",".join(heads)
    if heads == (head,):
        return SchemaStatus(SchemaState.CURRENT, revision, head, url)
    known = len(heads) == 1 and _known(heads[0])
    return SchemaStatus(SchemaState.BEHIND if known else SchemaState.UNKNOWN, revision, head, url)


def _known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except Exception:  # alembic raises its own CommandError/ResolutionError for a stranger
        return False


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """One write transaction for schema changes, holding the migration lock (see the module
    docstring); on SQLite with foreign keys off, checked before the commit."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(conn, on=False)
        try:
            conn.execution_options(canvas_write=True)  # BEGIN IMMEDIATE (database._sqlite_begin)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
                yield conn
                if sqlite:
                    _sqlite_check_foreign_keys(conn)
        finally:
            if sqlite:
                _sqlite_foreign_keys(conn, on=True)


def migrate(conn: Connection, revision: str = "head") -> None:
    """Upgrade to `revision` on a connection of `migrating` (the backup's revision on restore)."""
    command.upgrade(alembic_config(conn), revision)


def current_status(conn: Connection) -> SchemaStatus:
    return _status(conn)


def known_revision(revision: str) -> bool:
    """True for a revision this release has (a backup's revision must be one)."""
    return _known(revision)


def check_legacy(conn: Connection) -> None:
    """Raises SchemaError when a LEGACY database's tables differ from the baseline's."""
    _adopt(conn, create=False)


def drop_all(conn: Connection) -> list[str]:
    """Drop every table of ours and the version table (`mlcanvas restore --force`)."""
    present = set(sa.inspect(conn).get_table_names())
    known = set(target_metadata().tables) | set(_baseline_shape())
    dropped: list[str] = []
    reflected = sa.MetaData()
    reflected.reflect(conn, only=sorted(present & (known | {VERSION_TABLE})))
    for table in reversed(reflected.sorted_tables):
        table.drop(conn)
        dropped.append(table.name)
    return dropped


def _migrate(engine: Engine, adopt: bool) -> UpgradeReport:
    with migrating(engine) as conn:
        before = _status(conn)
        allowed = {SchemaState.EMPTY, SchemaState.CURRENT, SchemaState.BEHIND}
        if adopt:
            allowed.add(SchemaState.LEGACY)
        elif before.state is not SchemaState.EMPTY:
            # another process created it meanwhile: report what is there now
            return UpgradeReport(before, before)
        if before.state not in allowed:
            raise SchemaError(before.problem())
        created: list[str] = []
        if before.state is SchemaState.LEGACY:
            created = _adopt(conn, create=True)
            command.stamp(alembic_config(conn), BASELINE)
        migrate(conn)
        after = _status(conn)
    return UpgradeReport(before, after, created)


def _adopt(conn: Connection, create: bool) -> list[str]:
    """Check a LEGACY database's tables against the baseline; with `create`, create the baseline
    tables it lacks. Raises SchemaError (nothing changed) when a table differs."""
    expected = _baseline_shape()
    names = {n for n in sa.inspect(conn).get_table_names() if n.startswith(TABLE_PREFIX)}
    problems: list[str] = []
    for name in sorted(names - set(expected)):
        problems.append(f"table {name} is not part of the first release's schema")
    for name in sorted(names & set(expected)):
        problems.extend(_differences(name, expected[name], _shape(conn, name)))
    if problems:
        raise SchemaError(
            "this database has tables named like ours that the first release of Visual ML"
            " Canvas did not create, so it is not adopted and nothing was changed: "
            + "; ".join(problems)
            + ". Point CANVAS_DATABASE_URL at the workflow store's database (or an empty one)"
        )
    tables: dict[str, Callable[[], None]] = _baseline().TABLES
    missing = [name for name in tables if name not in names]
    if not create:
        return missing
    with Operations.context(MigrationContext.configure(conn)):
        for name in missing:
            tables[name]()
    return missing


# per column: (nullable, part of the primary key, Python type of the column type)
_Shape = dict[str, tuple[bool, bool, str]]


@functools.cache
def _baseline_shape() -> dict[str, _Shape]:
    """The baseline's tables as an in-memory SQLite database reflects them."""
    engine = sa.create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            with Operations.context(MigrationContext.configure(conn)):
                _baseline().upgrade()
            return {name: _shape(conn, name) for name in _baseline().TABLES}
    finally:
        engine.dispose()


def _shape(conn: Connection, table: str) -> _Shape:
    inspector = sa.inspect(conn)
    primary = set(inspector.get_pk_constraint(table)["constrained_columns"])
    return {
        column["name"]: (
            bool(column["nullable"]) and column["name"] not in primary,
            column["name"] in primary,
            _python_type(column["type"]),
        )
        for column in inspector.get_columns(table)
    }


def _python_type(type_: Any) -> str:
    try:
        return str(type_.python_type.__name__)
    except NotImplementedError:
        return type(type_).__name__


def _differences(table: str, expected: _Shape, actual: _Shape) -> list[str]:
    found: list[str] = []
    for column in sorted(set(expected) - set(actual)):
        found.append(f"{table} lacks column {column}")
    for column in sorted(set(actual) - set(expected)):
        found.append(f"{table} has an unexpected column {column}")
    for column in sorted(set(expected) & set(actual)):
        if expected[column] != actual[column]:
            want, got = expected[column], actual[column]
            found.append(
                f"{table}.{column} is ({_describe(got)}), the baseline has ({_describe(want)})"
            )
    return found


def _describe(shape: tuple[bool, bool, str]) -> str:
    nullable, primary, python_type = shape
    key = ", primary key" if primary else ""
    return f"{python_type}, {'null' if nullable else 'not null'}{key}"


def _sqlite_foreign_keys(conn: Connection, on: bool) -> None:
    # outside any transaction: SQLite ignores this pragma inside one
    driver = conn.connection.driver_connection
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")  # type: ignore[union-attr]  # sqlite3.Connection


def _sqlite_check_foreign_keys(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise SchemaError(
            f"the migration would leave rows whose foreign keys point nowhere in"
            f" {', '.join(tables)}; nothing was changed. Report this with `mlcanvas db current`"
        )
