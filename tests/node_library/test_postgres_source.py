"""The PostgreSQL query source against the real PostgreSQL on 127.0.0.1: reading with a proper
read-only role, the connect-time refusal of powerful roles and of the platform's own databases
(the guarantee behind the static check), the read-only transaction, the timeout, and masked
passwords. Static query checks live in test_sql_safety.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from node_library.contract import Issue, NodeError, RecordingContext
from node_library.io.postgres import run_read_only_query
from node_library.nodes.sources.postgres_query import PostgresQueryNode
from node_library.safety import sql_connections
from node_library.schema import TableSchema, schema_of_frame
from node_library.settings import NodeSettings
from tests.node_library.conftest import PgReader
from tests.services import closed_port

PG = PostgresQueryNode()
ORDERS = (
    "CREATE TABLE orders (id int PRIMARY KEY, region text, amount numeric(10,2), "
    "ordered_on date, paid boolean, placed_at timestamptz); "
    "INSERT INTO orders VALUES (1, 'north', 12.50, '2026-01-01', true, '2026-01-01 10:00+00'), "
    "(2, 'south', 7.25, '2026-01-02', NULL, '2026-01-02 11:00+00')"
)


def validate(params: dict[str, Any], settings: NodeSettings) -> list[Issue]:
    return PG.validate(PG.Params.model_validate(params), {}, settings)


def run(params: dict[str, Any], settings: NodeSettings) -> pd.DataFrame:
    ctx = RecordingContext(node_id="n", settings=settings)
    frame = PG.execute(ctx, PG.Params.model_validate(params))["data"]
    assert isinstance(frame, pd.DataFrame)
    return frame


def run_error(params: dict[str, Any], settings: NodeSettings) -> Issue:
    with pytest.raises(NodeError) as caught:
        run(params, settings)
    return caught.value.issue


def raw_query_error(query: str, settings: NodeSettings, connection: str = "warehouse") -> Issue:
    """Run `query` WITHOUT the static check, as if that check had a hole."""
    with pytest.raises(NodeError) as caught:
        run_read_only_query(connection, query, settings)
    return caught.value.issue


def only_issue(issues: list[Issue]) -> Issue:
    assert len(issues) == 1, issues
    return issues[0]


@pytest.fixture(autouse=True)
def fresh_connection_checks() -> Iterator[None]:
    """Each test's role is new, but a passed URL is remembered for the process: start clean."""
    sql_connections.forget_verified_connections()
    yield
    sql_connections.forget_verified_connections()


def _set_up_warehouse(pg_reader: PgReader) -> NodeSettings:
    with pg_reader.admin() as conn:
        conn.execute(ORDERS)
        conn.execute("CREATE TABLE audit (n int); CREATE SEQUENCE ticket")
        conn.execute(
            "CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql AS "
            "$$ INSERT INTO audit VALUES (1) RETURNING n $$"
        )
        # write privileges, so that what stops the writes below is the read-only transaction
        conn.execute(f"GRANT INSERT ON audit TO {pg_reader.role}")
        conn.execute(f"GRANT USAGE, UPDATE ON SEQUENCE ticket TO {pg_reader.role}")
    return NodeSettings(
        connections={"warehouse": pg_reader.reader_url}, sql_statement_timeout_ms=2000
    )


@pytest.fixture(scope="module")
def shared_warehouse(shared_pg_reader: PgReader) -> NodeSettings:
    """For tests that leave the role and the tables as they found them."""
    return _set_up_warehouse(shared_pg_reader)


@pytest.fixture
def warehouse(pg_reader: PgReader) -> NodeSettings:
    """For tests that change the role or add tables."""
    return _set_up_warehouse(pg_reader)


def _audit_rows(reader: PgReader) -> int:
    with reader.admin() as conn:
        row = conn.execute("SELECT count(*) FROM audit").fetchone()
    assert row is not None
    return int(str(row[0]))


# -- reading ----------------------------------------------------------------------------------


def test_a_read_only_role_reads_rows_with_useful_dtypes(shared_warehouse: NodeSettings) -> None:
    params = {
        "connection": "warehouse",
        "query": "SELECT id, region, amount, ordered_on, paid, placed_at, 'x;y' AS s "
        "FROM orders ORDER BY id",
    }
    assert validate(params, shared_warehouse) == []
    frame = run(params, shared_warehouse)
    assert schema_of_frame(frame) == TableSchema.of(
        id="integer",
        region="string",
        amount="float",
        ordered_on="datetime",
        paid="boolean",
        placed_at="datetime",
        s="string",
    )
    assert frame["amount"].tolist() == [12.5, 7.25]
    assert PG.infer_schema(PG.Params.model_validate(params), {}, shared_warehouse) == {"data": None}
    assert PG.deterministic is False


def test_comments_and_literals_do_not_confuse_the_check(shared_warehouse: NodeSettings) -> None:
    query = (
        "-- DELETE FROM orders;\nSELECT 'DROP TABLE orders; --' AS a, $x$;DELETE$x$ AS b,"
        ' "update" FROM (SELECT 1 AS "update") t /* ; INSERT */;'
    )
    assert validate({"connection": "warehouse", "query": query}, shared_warehouse) == []
    frame = run({"connection": "warehouse", "query": query}, shared_warehouse)
    assert frame.iloc[0].tolist() == ["DROP TABLE orders; --", ";DELETE", 1]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("""SELECT "pg_read_file"('/etc/passwd')""", "sql_function_refused"),
        ("WITH gone AS (DELETE FROM orders RETURNING *) SELECT * FROM gone", "sql_not_read_only"),
        ("SELECT id FROM orders FOR SHARE", "sql_not_read_only"),
        ("SELECT 1; DROP TABLE orders", "multiple_statements"),
        ("select 1 /* unterminated", "sql_syntax"),
        ("", "missing_param"),
    ],
)
def test_the_static_check_refuses_at_validate_and_at_run_time(
    shared_warehouse: NodeSettings, query: str, code: str
) -> None:
    issue = only_issue(validate({"connection": "warehouse", "query": query}, shared_warehouse))
    assert (issue.code, issue.param) == (code, "query")
    assert run_error({"connection": "warehouse", "query": query}, shared_warehouse).code == code


@pytest.mark.parametrize("query", ["SELECT sneaky()", "SELECT nextval('ticket')"])
def test_the_read_only_transaction_refuses_writes_the_static_check_misses(
    shared_warehouse: NodeSettings, shared_pg_reader: PgReader, query: str
) -> None:
    params = {"connection": "warehouse", "query": query}
    assert validate(params, shared_warehouse) == []
    issue = run_error(params, shared_warehouse)
    assert (issue.code, issue.param) == ("write_refused", "query")
    assert "read-only transaction" in issue.message
    assert _audit_rows(shared_pg_reader) == 0


def test_a_query_that_kills_its_own_session_fails_cleanly(shared_warehouse: NodeSettings) -> None:
    issue = raw_query_error("SELECT pg_terminate_backend(pg_backend_pid())", shared_warehouse)
    assert (issue.code, issue.param) == ("connection_failed", "connection")


def test_the_statement_timeout_cancels_a_long_query(shared_warehouse: NodeSettings) -> None:
    settings = shared_warehouse.model_copy(update={"sql_statement_timeout_ms": 200})
    started = time.monotonic()
    query = "SELECT count(*) FROM generate_series(1, 10000000000)"
    issue = run_error({"connection": "warehouse", "query": query}, settings)
    assert (issue.code, issue.param) == ("query_timeout", "query")
    assert time.monotonic() - started < 3


def test_an_unknown_connection_lists_the_configured_names(shared_warehouse: NodeSettings) -> None:
    issue = only_issue(validate({"connection": "warehose", "query": "SELECT 1"}, shared_warehouse))
    assert (issue.code, issue.param) == ("unknown_connection", "connection")
    assert "warehouse" in issue.hint
    none = only_issue(
        validate({"connection": "x", "query": "SELECT 1"}, NodeSettings(connections={}))
    )
    assert "CANVAS_CONNECTION_X" in none.hint


# -- the connection's role: the guarantee -----------------------------------------------------


def test_a_superuser_connection_is_refused_naming_superuser(pg_url: str) -> None:
    settings = NodeSettings(connections={"warehouse": pg_url})
    issue = run_error({"connection": "warehouse", "query": "SELECT 1"}, settings)
    assert (issue.code, issue.param) == ("connection_role_too_powerful", "connection")
    assert "role 'postgres' is a superuser" in issue.message
    assert "CREATE ROLE canvas_reader LOGIN" in issue.hint
    assert "ALTER ROLE postgres NOSUPERUSER" in issue.hint


@pytest.mark.parametrize(
    "predefined",
    ["pg_read_server_files", "pg_execute_server_program", "pg_signal_backend", "pg_monitor"],
)
def test_a_member_of_a_file_or_admin_role_is_refused_naming_it(
    warehouse: NodeSettings, pg_reader: PgReader, predefined: str
) -> None:
    with pg_reader.admin() as conn:
        conn.execute(f"GRANT {predefined} TO {pg_reader.role}")
    issue = run_error({"connection": "warehouse", "query": "SELECT 1"}, warehouse)
    assert (issue.code, issue.param) == ("connection_role_too_powerful", "connection")
    assert f"role {pg_reader.role!r} is a member of {predefined}" in issue.message
    assert f"REVOKE {predefined} FROM {pg_reader.role}" in issue.hint


@pytest.mark.parametrize(
    ("attribute", "named"),
    [("CREATEROLE", "CREATEROLE"), ("BYPASSRLS", "BYPASSRLS"), ("REPLICATION", "REPLICATION")],
)
def test_a_role_with_an_admin_attribute_is_refused_naming_it(
    warehouse: NodeSettings, pg_reader: PgReader, attribute: str, named: str
) -> None:
    with pg_reader.admin() as conn:
        conn.execute(f"ALTER ROLE {pg_reader.role} {attribute}")
    issue = run_error({"connection": "warehouse", "query": "SELECT 1"}, warehouse)
    assert issue.code == "connection_role_too_powerful"
    assert f"is a {named}" in issue.message
    assert f"ALTER ROLE {pg_reader.role} NO{named}" in issue.hint


def test_membership_of_a_superuser_role_is_refused_even_without_inherit(
    warehouse: NodeSettings, pg_reader: PgReader
) -> None:
    boss = f"{pg_reader.role}_boss"
    with pg_reader.admin() as conn:
        conn.execute(f"CREATE ROLE {boss} SUPERUSER NOLOGIN")
        conn.execute(f"ALTER ROLE {pg_reader.role} NOINHERIT")
        conn.execute(f"GRANT {boss} TO {pg_reader.role}")
    try:
        issue = run_error({"connection": "warehouse", "query": "SELECT 1"}, warehouse)
    finally:
        with pg_reader.admin() as conn:
            conn.execute(f"DROP ROLE {boss}")
    assert issue.code == "connection_role_too_powerful"
    assert f"is a member of role {boss!r}, which is a superuser" in issue.message


@pytest.mark.parametrize(
    "query",
    [
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_read_binary_file('/etc/hostname')",
        "SELECT * FROM pg_ls_dir('.')",
        "SELECT pg_stat_file('PG_VERSION')",
        "SELECT lo_import('/etc/passwd')",
        "SELECT pg_reload_conf()",
    ],
)
def test_the_read_only_role_cannot_touch_server_files_even_if_the_static_check_had_a_hole(
    shared_warehouse: NodeSettings, query: str
) -> None:
    issue = raw_query_error(query, shared_warehouse)
    assert (issue.code, issue.param) in {("query_failed", "query"), ("write_refused", "query")}
    assert "permission denied" in issue.message or "read-only transaction" in issue.message


def test_a_passed_role_check_is_remembered_so_it_costs_one_query_per_process(
    shared_warehouse: NodeSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    original = sql_connections._check_roles

    def counting(rows: Any, shown: str) -> None:
        checks.append(shown)
        original(rows, shown)

    monkeypatch.setattr(sql_connections, "_check_roles", counting)
    for _ in range(3):
        run({"connection": "warehouse", "query": "SELECT 1 AS one"}, shared_warehouse)
    assert len(checks) == 1


def test_a_refused_role_is_checked_again_so_fixing_it_needs_no_restart(
    warehouse: NodeSettings, pg_reader: PgReader
) -> None:
    with pg_reader.admin() as conn:
        conn.execute(f"GRANT pg_read_server_files TO {pg_reader.role}")
    params = {"connection": "warehouse", "query": "SELECT 1 AS one"}
    assert run_error(params, warehouse).code == "connection_role_too_powerful"
    with pg_reader.admin() as conn:
        conn.execute(f"REVOKE pg_read_server_files FROM {pg_reader.role}")
    assert run(params, warehouse)["one"].tolist() == [1]


# -- the platform's own databases -------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "postgresql+psycopg://reader:pw@localhost/canvas",
        "postgresql://reader@127.0.0.1:5432/canvas",
        "postgresql+psycopg://reader@[::1]:5432/canvas",
        "postgresql+psycopg://reader@127.0.0.2/canvas",
        "postgresql+psycopg:///canvas?host=/var/run/postgresql",
        "postgresql+psycopg://reader@LOCALHOST.:5432/canvas",
    ],
)
def test_the_workflow_store_spelled_differently_is_refused_at_validate_time(
    spelling: str,
) -> None:
    settings = NodeSettings(
        connections={"warehouse": spelling},
        platform_database_urls={
            "CANVAS_DATABASE_URL": "postgresql+psycopg://canvas:Store-pw@127.0.0.1/canvas"
        },
    )
    issue = only_issue(validate({"connection": "warehouse", "query": "SELECT 1"}, settings))
    assert (issue.code, issue.param) == ("platform_database", "connection")
    assert "CANVAS_DATABASE_URL" in issue.message
    assert "Store-pw" not in issue.model_dump_json() and ":pw@" not in issue.model_dump_json()


@pytest.mark.parametrize(
    "other",
    [
        "postgresql+psycopg://reader@127.0.0.1:5432/analytics",
        "postgresql+psycopg://reader@127.0.0.1:5433/dagster",
        "postgresql+psycopg://reader@db.example.com/dagster",
    ],
)
def test_other_databases_on_the_same_server_are_allowed(other: str) -> None:
    settings = NodeSettings(
        connections={"warehouse": other},
        platform_database_urls={
            "CANVAS_DAGSTER_PG_URL": "postgresql://dagster:pw@localhost:5432/dagster",
            "CANVAS_DATABASE_URL": "sqlite:////tmp/canvas.db",
        },
    )
    assert validate({"connection": "warehouse", "query": "SELECT 1"}, settings) == []


def test_the_platform_database_urls_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CANVAS_DATABASE_URL", "postgresql+psycopg://canvas@db/canvas")
    monkeypatch.setenv("CANVAS_DAGSTER_PG_URL", "postgresql://dagster@db/dagster")
    assert NodeSettings.from_env().platform_database_urls == {
        "CANVAS_DATABASE_URL": "postgresql+psycopg://canvas@db/canvas",
        "CANVAS_DAGSTER_PG_URL": "postgresql://dagster@db/dagster",
    }


def test_the_dagster_instance_is_refused_at_run_time_under_its_own_url(
    shared_warehouse: NodeSettings, shared_pg_reader: PgReader
) -> None:
    dagster_url = sa.engine.make_url(shared_pg_reader.admin_url).set(drivername="postgresql")
    settings = shared_warehouse.model_copy(
        update={
            "platform_database_urls": {
                "CANVAS_DAGSTER_PG_URL": dagster_url.render_as_string(hide_password=False)
            }
        }
    )
    issue = run_error({"connection": "warehouse", "query": "SELECT 1"}, settings)
    assert (issue.code, issue.param) == ("platform_database", "connection")
    assert "CANVAS_DAGSTER_PG_URL" in issue.message


@pytest.mark.parametrize(
    ("tables", "what"),
    [
        ("workflows (id int), api_tokens (id int)", "the workflow store"),
        ("runs (id int), event_logs (id int)", "the Dagster instance"),
    ],
)
def test_a_database_that_holds_the_platform_tables_is_refused_by_content(
    warehouse: NodeSettings, pg_reader: PgReader, tables: str, what: str
) -> None:
    with pg_reader.admin() as conn:
        conn.execute("CREATE SCHEMA hidden")  # not even in the role's search_path
        for table in tables.split(", "):
            conn.execute(f"CREATE TABLE hidden.{table}")
    issue = run_error({"connection": "warehouse", "query": "SELECT 1"}, warehouse)
    assert (issue.code, issue.param) == ("platform_database", "connection")
    assert what in issue.message


# -- secrets ----------------------------------------------------------------------------------


def test_the_password_never_appears_in_error_text(shared_pg_reader: PgReader) -> None:
    secret = "Sup3r-s3cret-pw"
    admin = sa.engine.make_url(shared_pg_reader.admin_url)
    reader = sa.engine.make_url(shared_pg_reader.reader_url).set(password=secret)
    port = closed_port()
    urls = {
        "down": reader.set(port=port).render_as_string(hide_password=False),
        "nodb": reader.set(database="no_such_db_canvas").render_as_string(hide_password=False),
        "real": reader.render_as_string(hide_password=False),  # trust auth ignores the password
        "admin": admin.set(password=secret).render_as_string(hide_password=False),
        "mysql": f"mysql://root:{secret}@127.0.0.1/db",
    }
    settings = NodeSettings(
        connections=urls,
        platform_database_urls={"CANVAS_DATABASE_URL": urls["real"].replace("+psycopg", "")},
    )
    issues = [
        run_error({"connection": "down", "query": "SELECT 1"}, settings),
        run_error({"connection": "nodb", "query": "SELECT 1"}, settings),
        only_issue(validate({"connection": "real", "query": "SELECT 1"}, settings)),
        only_issue(validate({"connection": "mysql", "query": "SELECT 1"}, settings)),
    ]
    quiet = settings.model_copy(update={"platform_database_urls": {}})
    issues += [
        raw_query_error("SELECT 1", quiet, "admin"),
        run_error({"connection": "real", "query": "SELECT * FROM no_such_table"}, quiet),
        run_error({"connection": "real", "query": f"SELECT '{secret}'::int"}, quiet),
    ]
    assert [i.code for i in issues] == [
        "connection_failed",
        "connection_failed",
        "platform_database",
        "bad_connection_url",
        "connection_role_too_powerful",
        "query_failed",
        "query_failed",
    ]
    for issue in issues:
        text = f"{issue} {issue.model_dump_json()}"
        assert secret not in text, text
    assert "***" in issues[0].message and f":{port}" in issues[0].message
