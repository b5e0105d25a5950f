"""Running one read-only query on a configured PostgreSQL connection, for the PostgreSQL source.

Connections are configured, never typed into a workflow: a name picks an entry of
`NodeSettings.connections` (environment CANVAS_CONNECTION_<NAME>=postgresql+psycopg://...), so
workflows carry no passwords. Any URL or message shown to the user has its password masked.

Read-only is enforced here in layers, after the node's static check of the SQL
(node_library.safety.sql):
1. The query is sent as a prepared statement (extended protocol), which PostgreSQL refuses to
   run when it holds more than one command.
2. On connecting, the role is checked (node_library.safety.sql_connections): a superuser, a role
   with CREATEROLE/REPLICATION/BYPASSRLS or a member of the file, program, signal or monitoring
   roles is refused, and so is a database that holds the platform's own tables. This is the
   guarantee: such a role cannot read server files whatever SQL reaches the server.
3. The query runs inside `SET TRANSACTION READ ONLY` with `SET LOCAL statement_timeout`, and the
   transaction is rolled back afterwards, so the database itself refuses any write the static
   check missed (a function that writes, nextval).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from node_library.checks import did_you_mean
from node_library.contract import Issue, NodeError, error
from node_library.io.object_columns import object_columns
from node_library.safety.sql import QUERY_HINT
from node_library.safety.sql_connections import (
    UnsafeConnectionError,
    check_not_platform_database,
    verify_connection,
)
from node_library.settings import NodeSettings

if TYPE_CHECKING:  # SQLAlchemy and psycopg load only when a query runs or validates
    from sqlalchemy.engine import URL

CONNECT_TIMEOUT_S = 10


def _mask(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


def connection_url(name: str, settings: NodeSettings, *, resolve: bool = False) -> URL:
    """The parsed SQLAlchemy URL of a configured connection (psycopg 3 as the driver), refused
    when it targets the platform's own database (`resolve` compares DNS answers too)."""
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
    try:
        check_not_platform_database(url, settings, connection=name, resolve=resolve)
    except UnsafeConnectionError as exc:
        raise NodeError(error(exc.code, str(exc), exc.hint, param="connection")) from None
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

    url = connection_url(name, settings, resolve=True)
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
            try:
                verify_connection(connection, url.render_as_string(hide_password=False), shown)
            except UnsafeConnectionError as exc:
                raise failure(exc.code, str(exc), exc.hint, "connection") from None
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
            except (psycopg.Error, SQLAlchemyError):
                pass  # a lost connection has nothing to roll back; keep the error raised above
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
