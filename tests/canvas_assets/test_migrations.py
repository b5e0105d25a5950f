"""The workflow store's schema comes from Alembic migrations: fresh databases, databases of the
first release (fixtures/first_release_*.sql), refusals naming the command, and head == code."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from canvas_assets.cli import main
from canvas_assets.orchestration.schedules import ScheduleStore
from canvas_assets.storage import migrations
from canvas_assets.storage.database import create_engine
from canvas_assets.storage.migrations import SchemaError, SchemaState
from canvas_assets.storage.tokens import TokenStore
from canvas_assets.storage.workflow_store import WorkflowStore

FIXTURES = Path(__file__).parent / "fixtures"
LEGACY_SECRET = "mlc_" + "L" * 43  # the token row of the fixtures
LEGACY_WORKFLOW = "legacy_sales"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'canvas.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def env_url(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CANVAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CANVAS_DATABASE_URL", url)
    return url


def load_first_release(url: str, only: tuple[str, ...] = ()) -> None:
    """The fixture's statements; `only` keeps the statements that name these tables."""
    engine = create_engine(url)
    dialect = engine.dialect.name
    text = (FIXTURES / f"first_release_{dialect}.sql").read_text()
    statements = [s.strip() for s in text.split(";\n\n") if s.strip()]
    statements = [
        "\n".join(ln for ln in s.splitlines() if not ln.startswith("--")) for s in statements
    ]
    if only:
        statements = [s for s in statements if any(f" {n} " in s.split("(")[0] for n in only)]
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement.rstrip(";"))
    engine.dispose()


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def assert_legacy_data_intact(url: str) -> None:
    store = WorkflowStore(url)
    try:
        stored = store.get(LEGACY_WORKFLOW)
        assert stored.revision == 2 and stored.workflow.name == "Legacy sales, renamed"
        assert store.version(stored.id, 1).name == "Legacy sales"
        batches = store.ops_since(LEGACY_WORKFLOW, 0)
        assert [(b.revision, b.kind, b.batch_id) for b in batches] == [
            (1, "create", None),
            (2, "ops", "batch-1"),
        ]
        principal = TokenStore(store.engine).authenticate(LEGACY_SECRET)
        assert principal is not None and principal.role.value == "editor"
        [schedule] = ScheduleStore(store.engine).list(stored.id)
        assert (schedule.cron, schedule.timezone, schedule.enabled) == (
            "0 6 * * *",
            "Europe/Berlin",
            True,
        )
    finally:
        store.dispose()


def test_a_fresh_database_is_created_at_head_when_a_store_first_opens_it(url: str) -> None:
    store = WorkflowStore(url)
    try:
        found = migrations.status(store.engine)
        assert found.state is SchemaState.CURRENT and found.revision == found.head
        assert set(migrations.target_metadata().tables) <= table_names(url)
    finally:
        store.dispose()


def test_the_head_schema_equals_the_table_definitions_so_a_change_needs_a_migration(
    url: str,
) -> None:
    WorkflowStore(url).dispose()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": migrations._ours,
                    "version_table": migrations.VERSION_TABLE,
                },
            )
            diff = compare_metadata(context, migrations.target_metadata())
    finally:
        engine.dispose()
    assert diff == [], "a table changed without a migration: run `mlcanvas db revision -m ...`"


def test_every_table_module_of_the_package_is_known_to_the_migrations() -> None:
    import importlib
    import pkgutil

    import canvas_assets

    known = set(migrations.target_metadata().tables)
    for info in pkgutil.walk_packages(canvas_assets.__path__, "canvas_assets."):
        if ".migrations." in info.name:  # Alembic's own files run only under Alembic
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, sa.Table):
                assert value.name in known, f"{info.name}: {value.name}"


def test_a_first_release_database_is_refused_with_the_command_then_adopted_with_data_intact(
    env_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_first_release(env_url)
    before = table_names(env_url)
    with pytest.raises(SchemaError, match="mlcanvas db upgrade"):
        WorkflowStore(env_url)
    assert main(["db", "check"]) == 1
    assert main(["up"]) == 1  # refused before anything starts
    assert "run `mlcanvas db upgrade` once to adopt it" in capsys.readouterr().err
    assert table_names(env_url) == before  # nothing was created or changed

    assert main(["db", "upgrade"]) == 0
    assert "adopted a database created before migrations" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.startswith(f"{migrations.BASELINE} (current")
    assert_legacy_data_intact(env_url)
    assert main(["db", "upgrade"]) == 0  # again: nothing to do
    assert "is at the newest schema revision" in capsys.readouterr().out


def test_a_first_release_database_gets_the_tables_it_had_not_created_yet(env_url: str) -> None:
    # the first release created the token and schedule tables only when they were first used
    load_first_release(
        env_url, only=("canvas_workflows", "canvas_workflow_versions", "canvas_workflow_ops")
    )
    report = migrations.upgrade(create_engine(env_url))
    assert report.created == ["canvas_api_tokens", "canvas_schedules"]
    store = WorkflowStore(env_url)
    try:
        assert store.get(LEGACY_WORKFLOW).revision == 2
        assert TokenStore(store.engine).list() == []
    finally:
        store.dispose()


def test_tables_named_like_ours_but_shaped_otherwise_are_not_adopted_and_nothing_changes(
    url: str,
) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE canvas_workflows (id VARCHAR(36) PRIMARY KEY, x TEXT)")
    with pytest.raises(SchemaError) as caught:
        migrations.upgrade(engine)
    message = str(caught.value)
    assert "canvas_workflows lacks column slug" in message
    assert "unexpected column x" in message and "nothing was changed" in message
    assert table_names(url) == {"canvas_workflows"}
    engine.dispose()


def test_a_database_of_a_newer_release_is_refused_by_every_opener(url: str) -> None:
    WorkflowStore(url).dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {migrations.VERSION_TABLE} SET version_num = '9999'")
    for opener in (WorkflowStore, TokenStore, migrations.upgrade):
        with pytest.raises(SchemaError, match="a newer mlcanvas upgraded it"):
            opener(url if opener is not migrations.upgrade else create_engine(url))
    engine.dispose()


def test_a_password_in_the_url_never_appears_in_a_refusal(pg_url: str) -> None:
    # the test server trusts every password: this one is only there to be hidden
    url = sa.engine.make_url(pg_url).set(password="s3cret-pw").render_as_string(False)
    load_first_release(url)
    with pytest.raises(SchemaError) as caught:
        WorkflowStore(url)
    assert "s3cret-pw" not in str(caught.value) and "***" in str(caught.value)


# -- a second revision, written here, proves the upgrade path from one revision to the next ---


SECOND = '''
"""test: widen canvas_workflows.name (SQLite recreates the table by copy, drop and rename)"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("canvas_workflows") as batch:
        batch.alter_column("name", existing_type=sa.String(200), type_=sa.String(250))


def downgrade() -> None:
    with op.batch_alter_table("canvas_workflows") as batch:
        batch.alter_column("name", existing_type=sa.String(250), type_=sa.String(200))
'''


@pytest.fixture
def with_second_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0002_test.py").write_text(textwrap.dedent(SECOND))
    shipped = Path(migrations.__file__).parent / "versions"
    original = migrations.alembic_config

    def config(connection: sa.engine.Connection | None = None):  # type: ignore[no-untyped-def]
        made = original(connection)
        made.set_main_option("version_locations", f"{shipped}{os.pathsep}{versions}")
        return made

    monkeypatch.setattr(migrations, "alembic_config", config)
    migrations._script.cache_clear()
    yield
    migrations._script.cache_clear()


@pytest.mark.usefixtures("with_second_revision")
def test_a_store_behind_head_is_refused_then_upgraded_keeping_every_row(
    env_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_first_release(env_url)
    engine = create_engine(env_url)
    with migrations.migrating(engine) as conn:  # as the release whose head was 0001 left it
        command.stamp(migrations.alembic_config(conn), migrations.BASELINE)
    assert migrations.status(engine).state is SchemaState.BEHIND
    with pytest.raises(SchemaError, match="at schema revision 0001 and this release needs 0002"):
        WorkflowStore(env_url)
    assert main(["up"]) == 1
    assert "mlcanvas db upgrade" in capsys.readouterr().err

    assert main(["db", "upgrade"]) == 0
    assert "upgraded 0001 -> 0002" in capsys.readouterr().out
    # on SQLite, dropping the old canvas_workflows with foreign keys on would have deleted every
    # version and log row (ON DELETE CASCADE)
    assert_legacy_data_intact(env_url)
    engine.dispose()
