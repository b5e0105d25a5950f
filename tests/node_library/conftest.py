"""Fixtures for node tests that need more than tests/conftest.py gives.

- `pg_reader` (function scope): a fresh PostgreSQL database plus a login role of its own that
  holds only what the SQL source's documentation asks for (no superuser, no CREATEROLE, no
  predefined roles; SELECT on the tables of schema public, including the ones a test creates
  afterwards as the admin). `PgReader.admin_url` sets up tables; `PgReader.reader_url` is the
  connection to give the node. Database and role are dropped afterwards. The default `postgres`
  test user is a superuser, which the SQL source refuses, so every test that runs a query uses
  such a role. Use it for tests that change the role or the database's tables.
- `shared_pg_reader` (module scope): the same, created once per test module, for tests that only
  read what they set up once (creating a database costs about 0.4 s).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.services import (
    POSTGRES_HOW,
    create_test_database,
    drop_test_database,
    postgres_admin_display,
    postgres_available,
    service_unavailable,
)


@dataclass(frozen=True)
class PgReader:
    admin_url: str
    reader_url: str
    role: str

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit psycopg connection to the database as the (superuser) admin."""
        return psycopg.connect(**_conninfo(self.admin_url), autocommit=True, connect_timeout=5)


@contextmanager
def _reader_database() -> Iterator[PgReader]:
    if not postgres_available():
        service_unavailable(f"PostgreSQL ({postgres_admin_display()})", POSTGRES_HOW)
    name, admin_url = create_test_database()
    role = f"canvas_reader_{secrets.token_hex(4)}"  # roles are cluster-wide: one per database
    reader = PgReader(
        admin_url=admin_url,
        reader_url=make_url(admin_url).set(username=role).render_as_string(hide_password=False),
        role=role,
    )
    try:
        with reader.admin() as conn:
            conn.execute(
                f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                "NOBYPASSRLS"
            )
            conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
            conn.execute(
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {role}"
            )
        yield reader
    finally:
        drop_test_database(name)  # first: it holds the role's grants
        with psycopg.connect(
            **_conninfo(admin_url, "postgres"), autocommit=True, connect_timeout=5
        ) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {role}")


def _conninfo(url_text: str, database: str | None = None) -> dict[str, Any]:
    url = make_url(url_text)
    return {
        "host": url.host,
        "port": url.port or 5432,
        "user": url.username,
        "password": url.password,
        "dbname": database or url.database,
    }


@pytest.fixture
def pg_reader() -> Iterator[PgReader]:
    with _reader_database() as reader:
        yield reader


@pytest.fixture(scope="module")
def shared_pg_reader() -> Iterator[PgReader]:
    with _reader_database() as reader:
        yield reader
