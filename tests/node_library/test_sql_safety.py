"""The static read-only check of SQL source queries (node_library.safety.sql): every spelling of a
write, a lock or a dangerous function call is refused with a message naming it and its place, and
ordinary SELECTs pass. No database needed; tests/node_library/test_postgres_source.py proves the
connect-time guarantee behind it."""

from __future__ import annotations

import pytest

from node_library.safety.sql import SqlCheckError, check_read_only_sql, refused_function


def refusal(sql: str) -> SqlCheckError:
    with pytest.raises(SqlCheckError) as caught:
        check_read_only_sql(sql)
    return caught.value


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("""SELECT "pg_read_file"('/etc/passwd')""", "pg_read_file()"),
        (r"""SELECT U&"pg\005fread\005ffile"('/etc/passwd')""", "pg_read_file()"),
        (r"""SELECT U&"pg!005fread!005ffile" UESCAPE '!'('/etc/passwd')""", "pg_read_file()"),
        ("SELECT pg_catalog.pg_read_file('/etc/passwd')", "pg_read_file()"),
        ('SELECT "pg_catalog"."pg_read_binary_file"($$/etc/passwd$$)', "pg_read_binary_file()"),
        ("SELECT pg_read_file/* split */('/etc/passwd')", "pg_read_file()"),
        ("SELECT PG_READ_FILE($tag$/etc/passwd$tag$)", "pg_read_file()"),
        ("SELECT * FROM dblink('host=10.0.0.1', 'SELECT 1') AS t(a int)", "dblink()"),
        ("SELECT dblink_exec('DROP TABLE orders')", "dblink_exec()"),
        ("SELECT lo_import('/etc/passwd')", "lo_import()"),
        ("SELECT lo_get(16401)", "lo_get()"),
        ("SELECT * FROM pg_ls_dir('.')", "pg_ls_dir()"),
        ("SELECT pg_ls_waldir()", "pg_ls_waldir()"),
        ("SELECT pg_stat_file('postgresql.conf')", "pg_stat_file()"),
        ("SELECT current_setting('data_directory')", "current_setting()"),
        ("SELECT set_config('statement_timeout', '0', true)", "set_config()"),
        ("SELECT pg_sleep(3600)", "pg_sleep()"),
        ("SELECT pg_sleep_for('1 hour')", "pg_sleep_for()"),
        ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend()"),
        ("SELECT query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, true, '')", "xml"),
        ("SELECT ts_stat('SELECT 1')", "ts_stat()"),
        ("SELECT x.pg_read_file FROM lower('/etc/passwd') AS x", "pg_read_file()"),
        ("SELECT (x).pg_stat_file FROM lower('PG_VERSION') AS x", "pg_stat_file()"),
        ("SELECT 1 WHERE EXISTS (SELECT pg_read_file('/etc/passwd'))", "pg_read_file()"),
    ],
)
def test_every_spelling_of_a_dangerous_function_call_is_refused(sql: str, named: str) -> None:
    error = refusal(sql)
    assert error.code == "sql_function_refused"
    assert named in str(error)
    assert "remove the call" in error.hint


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("DELETE FROM orders", "DELETE statement"),
        ("COPY orders TO '/tmp/orders.csv'", "COPY statement"),
        ("COPY orders FROM PROGRAM 'id'", "COPY statement"),
        ("SET ROLE postgres", "SET statement"),
        ("SET statement_timeout = 0", "SET statement"),
        ("EXPLAIN ANALYZE SELECT 1", "EXPLAIN statement"),
        ("DO $$ BEGIN PERFORM 1; END $$", "DO statement"),
        ("CREATE TABLE t AS SELECT 1", "CREATE TABLE AS statement"),
        ("WITH x AS (SELECT 1 AS n) INSERT INTO audit SELECT n FROM x", "INSERT statement"),
        ("WITH gone AS (DELETE FROM orders RETURNING *) SELECT * FROM gone", "'gone'"),
        ("WITH a AS (SELECT 1), b AS (UPDATE t SET n = 1 RETURNING n) SELECT * FROM b", "'b'"),
        ("SELECT * INTO copy_of_orders FROM orders", "SELECT ... INTO copy_of_orders"),
        ("SELECT id FROM orders FOR UPDATE", "FOR UPDATE"),
        ("SELECT id FROM orders FOR NO KEY UPDATE NOWAIT", "FOR NO KEY UPDATE"),
        ("SELECT id FROM orders FOR SHARE", "FOR SHARE"),
        ("SELECT (SELECT id FROM orders LIMIT 1 FOR KEY SHARE)", "FOR KEY SHARE"),
    ],
)
def test_writes_locks_and_non_select_statements_are_refused(sql: str, named: str) -> None:
    error = refusal(sql)
    assert error.code == "sql_not_read_only"
    assert named in str(error)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1; DROP TABLE orders",
        "SELECT 1;\nSELECT pg_read_file('/etc/passwd')",
        "SELECT 1 /* ; */ ; SELECT 2 -- two",
    ],
)
def test_more_than_one_statement_is_refused(sql: str) -> None:
    error = refusal(sql)
    assert error.code == "multiple_statements"
    assert "second starts at line" in str(error)


def test_refusals_say_where_the_construct_is() -> None:
    error = refusal("SELECT 'ünï',\n  id,\n  pg_ls_dir('.') FROM orders")
    assert "pg_ls_dir() at line 3, column 3" in str(error)
    assert "at line 1, column 11" in str(refusal("SELECT 1; SELECT 2"))


@pytest.mark.parametrize(
    ("sql", "code", "says"),
    [
        ("", "missing_param", "empty"),
        ("  -- only a comment\n", "missing_param", "empty"),
        ("select 1 /* unterminated", "sql_syntax", "unterminated /* comment"),
        ("SEL/**/ECT 1", "sql_syntax", 'syntax error at or near "SEL" at line 1, column 1'),
        ("SELECT 'abc", "sql_syntax", "unterminated quoted string"),
    ],
)
def test_empty_and_malformed_queries_get_a_clear_message(sql: str, code: str, says: str) -> None:
    error = refusal(sql)
    assert error.code == code
    assert says in str(error)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id, region FROM orders WHERE amount > 10 ORDER BY id",
        "-- DELETE FROM orders;\nSELECT 'DROP TABLE orders; --' AS a, $x$;DELETE$x$ AS b,"
        ' "update" FROM (SELECT 1 AS "update") t /* ; INSERT */;',
        "SELECT 'pg_read_file(''/etc/passwd'')' AS text_not_a_call",
        "WITH recent AS (SELECT * FROM orders WHERE ordered_on > now() - interval '7 days') "
        "SELECT region, count(*) FROM recent GROUP BY region",
        "VALUES (1, 'a'), (2, 'b')",
        "TABLE orders",
        "SELECT 1 UNION ALL SELECT 2",
        "SELECT lower(region), t.lo_price FROM orders t",
        "SELECT " + "(" * 2000 + "1" + ")" * 2000,
    ],
)
def test_ordinary_selects_pass(sql: str) -> None:
    check_read_only_sql(sql)


def test_refused_names_ignore_case_and_cover_whole_families() -> None:
    assert refused_function("PG_Read_File")
    assert refused_function("pg_ls_tmpdir") and refused_function("dblink_connect_u")
    assert not refused_function("lower") and not refused_function("pg_size_pretty")
