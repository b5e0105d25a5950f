"""PostgreSQL query source: the rows of one read-only SELECT on a named connection.

Connections are configured, never typed into a workflow: `connection` names an entry of
`NodeSettings.connections` (environment CANVAS_CONNECTION_<NAME>=postgresql+psycopg://...), so
workflows carry no passwords. Any URL shown to the user has its password masked.

Read-only is enforced three times, from the friendliest to the strongest:
1. `validate` lexes the query (comments, string literals, dollar quotes and quoted identifiers are
   skipped) and accepts a single SELECT or WITH statement without data-modifying keywords, nor
   calls of a few functions that act outside the transaction (dblink, pg_terminate_backend, ...).
2. The query is sent as a prepared statement (extended protocol), which PostgreSQL refuses to
   run when it holds more than one command.
3. It runs inside `SET TRANSACTION READ ONLY` with `SET LOCAL statement_timeout`, and the
   transaction is rolled back afterwards, so the database itself refuses any write the static
   check missed (a function that writes, SELECT ... INTO, nextval, row locks).
What a query may *read* is up to the database role: give the connection a read-only role that
sees only what workflow authors may see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from node_library.checks import did_you_mean
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.nodes import widgets
from node_library.nodes.sources.object_columns import object_columns
from node_library.settings import NodeSettings

CONNECT_TIMEOUT_S = 10
ALLOWED_FIRST_WORDS = ("SELECT", "WITH")
# Words that can only make a SELECT/WITH statement write (data-modifying CTEs, SELECT INTO), plus
# statement words that have no business inside one. A column with such a name must be quoted.
WRITE_WORDS = frozenset(
    {
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "INTO",
        "TRUNCATE",
        "DROP",
        "CREATE",
        "ALTER",
        "GRANT",
        "REVOKE",
        "COPY",
    }
)
# Functions whose effects escape a read-only transaction or reach other sessions or files.
REFUSED_FUNCTIONS = frozenset(
    {
        "DBLINK",
        "DBLINK_EXEC",
        "DBLINK_CONNECT",
        "DBLINK_SEND_QUERY",
        "PG_TERMINATE_BACKEND",
        "PG_CANCEL_BACKEND",
        "PG_RELOAD_CONF",
        "PG_ROTATE_LOGFILE",
        "LO_IMPORT",
        "LO_EXPORT",
        "PG_READ_FILE",
        "PG_READ_BINARY_FILE",
        "PG_LS_DIR",
        "PG_FILE_WRITE",
        "SET_CONFIG",
        "PG_ADVISORY_LOCK",
        "PG_ADVISORY_XACT_LOCK",
    }
)
QUERY_HINT = "write a single SELECT (or WITH ... SELECT) statement; this node only reads"


class PostgresQueryParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    connection: str = Field(
        "",
        max_length=100,
        description="Name of a configured connection (CANVAS_CONNECTION_<NAME> on the server).",
    )
    query: str = Field(
        "",
        max_length=100_000,
        description="One read-only SELECT or WITH ... SELECT statement.",
        json_schema_extra=widgets.multiline(),
    )


# -- the static check -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "literal", "semicolon", "punct"
    text: str
    line: int


_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$")


def _is_word_char(ch: str, first: bool) -> bool:
    return ch == "_" or ch.isalpha() or ord(ch) > 127 or (not first and (ch.isdigit() or ch == "$"))


class SqlCheckError(ValueError):
    def __init__(self, code: str, message: str, hint: str = QUERY_HINT) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


def tokenize_sql(sql: str) -> list[_Token]:
    """Words, literals, semicolons and punctuation of PostgreSQL text, without comments."""
    tokens: list[_Token] = []
    i, n = 0, len(sql)

    def line_at(pos: int) -> int:
        return sql.count("\n", 0, pos) + 1

    def skip_quoted(start: int, quote: str, backslash: bool) -> int:
        j = start + 1
        while j < n:
            ch = sql[j]
            if backslash and ch == "\\":
                j += 2
                continue
            if ch == quote:
                if j + 1 < n and sql[j + 1] == quote:
                    j += 2
                    continue
                return j + 1
            j += 1
        what = "quoted name" if quote == '"' else "string literal"
        raise SqlCheckError(
            "sql_syntax",
            f"unterminated {what} starting on line {line_at(start)}",
            f"close the {what} with {quote}",
        )

    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if sql.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif sql.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if depth:
                raise SqlCheckError(
                    "sql_syntax",
                    f"unterminated /* comment starting on line {line_at(i)}",
                    "close the comment with */",
                )
            i = j
        elif ch == "'":
            end = skip_quoted(i, "'", backslash=False)
            tokens.append(_Token("literal", sql[i:end], line_at(i)))
            i = end
        elif ch == '"':
            end = skip_quoted(i, '"', backslash=False)
            tokens.append(_Token("literal", sql[i:end], line_at(i)))
            i = end
        elif ch == "$" and (match := _DOLLAR_TAG.match(sql, i)):
            tag = match.group(0)
            close = sql.find(tag, match.end())
            if close < 0:
                raise SqlCheckError(
                    "sql_syntax",
                    f"unterminated {tag} quoted string starting on line {line_at(i)}",
                    f"close it with {tag}",
                )
            tokens.append(_Token("literal", sql[i : close + len(tag)], line_at(i)))
            i = close + len(tag)
        elif _is_word_char(ch, first=True):
            j = i + 1
            while j < n and _is_word_char(sql[j], first=False):
                j += 1
            word = sql[i:j]
            upper = word.upper()
            if j < n and sql[j] == "'" and upper in ("E", "B", "X", "N"):
                end = skip_quoted(j, "'", backslash=upper == "E")
                tokens.append(_Token("literal", sql[i:end], line_at(i)))
                i = end
            elif upper == "U" and sql.startswith(("&'", '&"'), j):
                end = skip_quoted(j + 1, sql[j + 1], backslash=False)
                tokens.append(_Token("literal", sql[i:end], line_at(i)))
                i = end
            else:
                tokens.append(_Token("word", upper, line_at(i)))
                i = j
        elif ch == ";":
            tokens.append(_Token("semicolon", ";", line_at(i)))
            i += 1
        else:
            tokens.append(_Token("punct", ch, line_at(i)))
            i += 1
    return tokens


def check_read_only_sql(sql: str) -> None:
    """Raise SqlCheckError unless `sql` is one SELECT/WITH statement without writes."""
    tokens = tokenize_sql(sql)
    if not tokens:
        raise SqlCheckError("missing_param", "the query is empty", QUERY_HINT)
    for index, token in enumerate(tokens):
        if token.kind == "semicolon" and any(t.kind != "semicolon" for t in tokens[index + 1 :]):
            raise SqlCheckError(
                "multiple_statements",
                f"the query holds more than one statement "
                f"(a ';' on line {token.line} is followed by more SQL)",
                "run one statement per node; remove the extra statements",
            )
    first = next((t for t in tokens if not (t.kind == "punct" and t.text == "(")), None)
    if first is None or first.kind != "word" or first.text not in ALLOWED_FIRST_WORDS:
        shown = first.text if first else "("
        raise SqlCheckError(
            "sql_not_read_only",
            f"the query starts with {shown!r}; only SELECT and WITH ... SELECT queries may run",
            QUERY_HINT,
        )
    for index, token in enumerate(tokens):
        if token.kind != "word":
            continue
        if token.text in WRITE_WORDS:
            what = (
                "SELECT ... INTO creates a table"
                if token.text == "INTO"
                else (f"{token.text} changes data or schema")
            )
            raise SqlCheckError(
                "sql_not_read_only",
                f"the query uses {token.text} on line "
                f"{token.line}: {what}, and this node only reads",
                "remove it; if it is a column or table name, write it in double "
                f'quotes ("{token.text.lower()}")',
            )
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.text in REFUSED_FUNCTIONS
            and following is not None
            and following.kind == "punct"
            and following.text == "("
        ):
            raise SqlCheckError(
                "sql_not_read_only",
                f"the query calls {token.text.lower()}() on "
                f"line {token.line}, which acts outside a read-only query",
                "remove the call",
            )


# -- running ----------------------------------------------------------------------------------


def _mask(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


def _connection_url(name: str, settings: NodeSettings) -> Any:
    """The parsed SQLAlchemy URL of a configured connection (psycopg 3 as the driver)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    raw = _lookup(name, settings)
    if raw is None:
        raise NodeError(_unknown_connection(name, settings))
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise NodeError(
            error(
                "bad_connection_url",
                f"the URL of connection {name!r} cannot be parsed",
                "set it to postgresql+psycopg://user:password@host:5432/database",
                param="connection",
            )
        ) from None
    if url.get_backend_name() != "postgresql":
        raise NodeError(
            error(
                "bad_connection_url",
                f"connection {name!r} is "
                f"{url.render_as_string(hide_password=True)}, not PostgreSQL",
                "this node reads PostgreSQL; use a postgresql+psycopg:// URL",
                param="connection",
            )
        )
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _lookup(name: str, settings: NodeSettings) -> str | None:
    wanted = name.strip().lower()
    for key, value in settings.connections.items():
        if key.lower() == wanted:
            return value
    return None


def _unknown_connection(name: str, settings: NodeSettings) -> Issue:
    names = sorted(settings.connections)
    env = "CANVAS_CONNECTION_" + (re.sub(r"\W", "_", name).upper() or "<NAME>")
    if names:
        guess = did_you_mean(name, names)
        hint = (
            (f"did you mean {guess!r}? " if guess else "")
            + "configured connections: "
            + ", ".join(names)
        )
    else:
        hint = (
            f"no connections are configured: set {env}=postgresql+psycopg://user:password@"
            "host:5432/database on the server"
        )
    return error("unknown_connection", f"no connection named {name!r}", hint, param="connection")


def run_read_only_query(name: str, query: str, settings: NodeSettings) -> pd.DataFrame:
    """Rows of `query` on connection `name`, read-only and time-limited (module docstring)."""
    import psycopg
    from psycopg import errors as pg_errors
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    url = _connection_url(name, settings)
    shown = url.render_as_string(hide_password=True)
    password = url.password

    def failure(code: str, message: str, hint: str, param: str) -> NodeError:
        return NodeError(error(code, _mask(message, password), _mask(hint, password), param=param))

    engine = create_engine(
        url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
    )
    try:
        try:
            raw = engine.raw_connection()
        except (SQLAlchemyError, psycopg.Error) as exc:
            detail = _describe(getattr(exc, "orig", None) or exc)
            raise failure(
                "connection_failed",
                f"could not connect to {shown} (connection {name!r}): {detail}",
                "check that the database is running and "
                "reachable from the server, and the URL, user and password in "
                f"CANVAS_CONNECTION_{name.upper()}",
                "connection",
            ) from None
        connection: psycopg.Connection[Any] | None = raw.driver_connection
        assert connection is not None  # a checked-out connection always has its driver's
        try:
            connection.rollback()  # start from a clean transaction whatever connect did
            cursor = connection.cursor()
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.execute(
                f"SET LOCAL statement_timeout = {int(settings.sql_statement_timeout_ms)}"
            )
            cursor.execute(query, prepare=True)
            if cursor.description is None:
                raise failure(
                    "no_result",
                    "the query returned no rows (it is not a SELECT)",
                    QUERY_HINT,
                    "query",
                )
            names = [str(d[0]) for d in cursor.description]
            rows = cursor.fetchall()
        except (psycopg.Error, DBAPIError) as exc:
            orig = getattr(exc, "orig", None) or exc
            if isinstance(orig, pg_errors.ReadOnlySqlTransaction):
                raise failure(
                    "write_refused",
                    f"the database refused a write: {_describe(orig)}",
                    "this node only reads; move writes out of "
                    "the query (functions that modify data count too)",
                    "query",
                ) from None
            if isinstance(orig, pg_errors.QueryCanceled):
                seconds = settings.sql_statement_timeout_ms / 1000
                raise failure(
                    "query_timeout",
                    f"the query ran longer than the {seconds:g} s "
                    "statement timeout and was cancelled",
                    "make the query cheaper "
                    "(filter, aggregate, index) or raise NodeSettings."
                    "sql_statement_timeout_ms",
                    "query",
                ) from None
            if isinstance(orig, psycopg.OperationalError):
                raise failure(
                    "connection_failed",
                    f"the connection to {shown} failed: {_describe(orig)}",
                    "check that the database is reachable",
                    "connection",
                ) from None
            raise failure(
                "query_failed",
                f"the query failed on {shown}: {_describe(orig)}",
                "fix the SQL; test it in psql or your SQL editor",
                "query",
            ) from None
        finally:
            try:
                raw.rollback()
            finally:
                raw.close()
    finally:
        engine.dispose()
    return rows_frame(rows, names)


def _describe(exc: BaseException) -> str:
    """The database's own one-line message (psycopg's primary message when it has one)."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    if primary:
        return str(primary)
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def rows_frame(rows: list[Any], names: list[str]) -> pd.DataFrame:
    """A dataframe from DB-API rows: unique column names, numbers as floats, dates as datetimes."""
    unique: list[str] = []
    for name in names:
        candidate, k = name, 1
        while candidate in unique:
            candidate, k = f"{name}.{k}", k + 1
        unique.append(candidate)
    frame = pd.DataFrame.from_records(rows, columns=unique, coerce_float=True)
    for name in object_columns(frame):
        kind = pd.api.types.infer_dtype(frame[name], skipna=True)
        if kind in ("date", "datetime", "datetime64"):
            values = frame[name].dropna()
            aware = any(getattr(v, "tzinfo", None) is not None for v in values.head(1000))
            frame[name] = pd.to_datetime(frame[name], utc=aware)
        elif kind == "boolean":
            frame[name] = frame[name].astype("boolean")
        elif kind == "decimal":
            frame[name] = frame[name].astype("float64")
    return frame


# -- the node ---------------------------------------------------------------------------------


class PostgresQueryNode(NodeType[PostgresQueryParams]):
    type_id = "sources.postgres"
    display_name = "PostgreSQL query"
    category = "sources"
    description = "Run one read-only SELECT on a configured PostgreSQL connection."
    tags = ("database", "sql", "postgres", "postgresql")
    Params = PostgresQueryParams
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)
    deterministic = False  # the tables can change between runs

    def validate(
        self, params: PostgresQueryParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not params.connection.strip():
            issues.append(
                error(
                    "missing_param",
                    "no connection chosen",
                    "pick one of: "
                    + (
                        ", ".join(sorted(settings.connections))
                        or "none configured (set CANVAS_CONNECTION_<NAME> on the server)"
                    ),
                    param="connection",
                )
            )
        else:
            try:
                _connection_url(params.connection, settings)
            except NodeError as exc:
                issues.append(exc.issue)
        try:
            check_read_only_sql(params.query)
        except SqlCheckError as exc:
            issues.append(error(exc.code, str(exc), exc.hint, param="query"))
        return issues

    def infer_schema(
        self, params: PostgresQueryParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": None}  # known only by running the query

    def execute(
        self, ctx: ExecutionContext, params: PostgresQueryParams, **inputs: Any
    ) -> dict[str, Any]:
        try:
            check_read_only_sql(params.query)
        except SqlCheckError as exc:
            raise NodeError(error(exc.code, str(exc), exc.hint, param="query")) from None
        frame = run_read_only_query(params.connection, params.query, ctx.settings)
        ctx.log(
            f"read {len(frame)} rows and {frame.shape[1]} columns from connection "
            f"{params.connection!r}"
        )
        return {"data": frame}
