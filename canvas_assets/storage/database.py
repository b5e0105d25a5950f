"""The SQLAlchemy engine of the workflow store's database (SQLite by default, PostgreSQL through
CANVAS_DATABASE_URL), which the token and schedule stores share and the migrations and backups use
too, with the settings that let several processes write one SQLite file safely."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine


def create_engine(url: str) -> Engine:
    """The engine of the workflow store's database, with the SQLite settings below; the token
    and schedule stores share it, the migrations and backups use one too."""
    # pool_pre_ping: a connection the database dropped (a restart) is replaced, not handed out
    kwargs: dict[str, object] = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    engine = sa.create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # SQLAlchemy emits BEGIN itself (_sqlite_begin): the driver's implicit transactions, which
    # start only at the first write, would let a read-then-write transaction fail with
    # "database is locked" instead of waiting for the other writer.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]  # sqlite3.Connection
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]  # DB-API connection
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Write transactions take the write lock at BEGIN, so they queue on the busy timeout and
    # read the current revision only once no other writer can change it.
    immediate = conn.get_execution_options().get("canvas_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
