"""What a SQL source's connection may be: never the platform's own databases, never a powerful role.

Two refusals, both raised as `UnsafeConnectionError` with a message that names the reason and a
hint that says how to fix it (URLs are shown with their password masked):

1. The platform's own databases. A connection whose target (host, port, database) is the workflow
   store (CANVAS_DATABASE_URL) or the Dagster instance (CANVAS_DAGSTER_PG_URL) would let a workflow
   read token hashes and run history. Targets are compared after normalising: every loopback
   spelling (localhost, 127.x, ::1, a Unix socket, no host) is one host, the default port is 5432,
   and the default database is the user name, as libpq does. `check_not_platform_database` is
   DNS-free, so `validate` can call it; at run time `resolve=True` also compares the addresses the
   host names resolve to. Because a database can be reached under names no comparison foresees, the
   connect-time check also looks at its content: a database holding the store's tables
   (`workflows` with `api_tokens` or `workflow_ops`) or Dagster's (`runs` with `event_logs`), in any
   schema, is refused.
2. Roles that can reach outside the tables they are granted, checked at connect time for the
   connecting role and every role it is a member of (directly or not, inherited or not, since a
   member may SET ROLE): superuser, CREATEROLE, REPLICATION, BYPASSRLS, and membership of the
   predefined roles in `REFUSED_PREDEFINED_ROLES`. pg_monitor and its parts are refused too: they
   show every session's query text (which can hold other applications' secrets) and all settings.

This is the guarantee behind the static query check (node_library.safety.sql): a role without these
privileges cannot read server files or act on other sessions whatever SQL it sends. The check costs
two catalog queries the first time a connection URL is used in a process; a passing URL is
remembered for the life of the process (`verify_connection`), a refusal is checked again next time,
so fixing the role needs no restart, but taking privileges *away* after a pass needs one.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from node_library.settings import NodeSettings

if TYPE_CHECKING:  # SQLAlchemy loads only when a SQL source runs or validates
    from sqlalchemy.engine import URL

DEFAULT_PORT = 5432
LOOPBACK = "<this machine>"
# Predefined roles that reach files, programs, other sessions or every table, with what they allow.
REFUSED_PREDEFINED_ROLES = {
    "pg_read_server_files": "reads any file of the database server",
    "pg_write_server_files": "writes any file of the database server",
    "pg_execute_server_program": "runs programs on the database server",
    "pg_signal_backend": "cancels and terminates other sessions",
    "pg_read_all_data": "reads every table, whatever was granted",
    "pg_write_all_data": "writes every table",
    "pg_monitor": "sees every session's query text and all settings",
    "pg_read_all_settings": "sees all settings, including server file paths",
    "pg_read_all_stats": "sees every session's query text",
    "pg_checkpoint": "forces checkpoints",
    "pg_create_subscription": "creates subscriptions to other servers",
    "pg_use_reserved_connections": "uses the connections reserved for administrators",
    "pg_maintain": "runs VACUUM, ANALYZE, REINDEX and more on every table",
}
ROLE_ATTRIBUTES = {
    "rolsuper": "superuser",
    "rolcreaterole": "CREATEROLE",
    "rolreplication": "REPLICATION",
    "rolbypassrls": "BYPASSRLS",
}
# Tables that together mark the platform's own databases: the workflow store, the Dagster instance.
PLATFORM_TABLE_SETS = (
    ("the workflow store", ("workflows", "api_tokens")),
    ("the workflow store", ("workflows", "workflow_ops")),
    ("the Dagster instance", ("runs", "event_logs")),
)
READ_ONLY_ROLE_HINT = (
    "connect as a dedicated read-only role, e.g. as an administrator: "
    "CREATE ROLE canvas_reader LOGIN PASSWORD '...' NOSUPERUSER NOCREATEROLE NOREPLICATION "
    "NOBYPASSRLS; GRANT CONNECT ON DATABASE <database> TO canvas_reader; "
    "GRANT USAGE ON SCHEMA <schema> TO canvas_reader; "
    "GRANT SELECT ON <tables> TO canvas_reader; then put canvas_reader in the connection URL"
)


class UnsafeConnectionError(ValueError):
    """A connection the SQL source refuses: `code` for the Issue, `hint` says how to fix it."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


@dataclass(frozen=True)
class DatabaseTarget:
    """Where a URL leads, normalised as libpq would: hosts, port and database name."""

    hosts: frozenset[str]
    port: int
    database: str

    @classmethod
    def of(cls, url: URL) -> DatabaseTarget:
        query = {key: _first(value) for key, value in url.query.items()}
        raw_hosts = url.host or query.get("host") or ""
        port = url.port or _int(query.get("port")) or DEFAULT_PORT
        database = url.database or query.get("dbname") or url.username or ""
        hosts = frozenset(_normal_host(h) for h in raw_hosts.split(",")) or frozenset({LOOPBACK})
        return cls(hosts=hosts, port=port, database=database)

    def resolved(self) -> DatabaseTarget:
        """The same target with host names replaced by the addresses they resolve to (and kept)."""
        hosts = set(self.hosts)
        for host in self.hosts:
            if host == LOOPBACK:
                continue
            try:
                answers = socket.getaddrinfo(host, self.port, proto=socket.IPPROTO_TCP)
            except (OSError, UnicodeError):
                continue
            hosts.update(_normal_host(str(answer[4][0])) for answer in answers)
        return DatabaseTarget(hosts=frozenset(hosts), port=self.port, database=self.database)

    def same_as(self, other: DatabaseTarget) -> bool:
        return (
            self.port == other.port
            and self.database == other.database
            and bool(self.hosts & other.hosts)
        )


def _first(value: str | tuple[str, ...]) -> str:
    return value[0] if isinstance(value, tuple) else value


def _int(text: str | None) -> int | None:
    try:
        return int(text.split(",")[0]) if text else None
    except ValueError:
        return None


def _normal_host(host: str) -> str:
    host = host.strip().strip("[]").lower().rstrip(".")
    if not host or host.startswith("/") or host.startswith("@"):
        return LOOPBACK  # no host, or a Unix-domain socket: this machine
    if host in ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"):
        return LOOPBACK
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return LOOPBACK if address.is_loopback or address.is_unspecified else str(address)


def check_not_platform_database(
    url: URL, settings: NodeSettings, *, connection: str, resolve: bool = False
) -> None:
    """Raise UnsafeConnectionError when `url` targets the workflow store or the Dagster instance."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    target = DatabaseTarget.of(url)
    if resolve:
        target = target.resolved()
    for env_name, raw in settings.platform_database_urls.items():
        try:
            platform_url = make_url(raw)
        except (ArgumentError, ValueError):
            continue  # canvas_assets reports its own malformed URL
        if not platform_url.get_backend_name().startswith("postgres"):
            continue  # SQLite: a file, never reachable through a PostgreSQL connection
        platform = DatabaseTarget.of(platform_url)
        if resolve:
            platform = platform.resolved()
        if target.same_as(platform):
            raise UnsafeConnectionError(
                "platform_database",
                f"connection {connection!r} ({url.render_as_string(hide_password=True)}) points at "
                f"the platform's own database ({env_name}), whose tables hold workflows, runs and "
                "API token hashes",
                "point the connection at the database that holds your data, with a read-only role; "
                "the platform's own database is never a data source",
            )


def verify_connection(driver_connection: Any, cache_key: str, shown: str) -> None:
    """Refuse a powerful role or a platform database on an open psycopg connection (once per URL).

    `cache_key` identifies the URL (it may hold the password, it is never shown); `shown` is the
    masked URL for messages.
    """
    if cache_key in _VERIFIED:
        return
    cursor = driver_connection.cursor()
    cursor.execute(
        "SELECT r.rolname, r.rolname = current_user, r.rolsuper, r.rolcreaterole, "
        "r.rolreplication, r.rolbypassrls FROM pg_roles r "
        "WHERE pg_has_role(current_user, r.oid, 'MEMBER') ORDER BY r.rolname"
    )
    _check_roles(cursor.fetchall(), shown)
    names = sorted({name for _, tables in PLATFORM_TABLE_SETS for name in tables})
    cursor.execute(
        "SELECT DISTINCT c.relname::text FROM pg_class c "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname::text = ANY(%s)",
        (names,),
    )
    _check_tables({str(row[0]) for row in cursor.fetchall()}, shown)
    with _LOCK:
        _VERIFIED.add(cache_key)


_VERIFIED: set[str] = set()
_LOCK = threading.Lock()


def forget_verified_connections() -> None:
    """Forget every passed check (for tests, and after an operator changes roles in a process)."""
    with _LOCK:
        _VERIFIED.clear()


def _check_roles(rows: Iterable[tuple[Any, ...]], shown: str) -> None:
    rows = list(rows)
    own = next((row for row in rows if row[1]), None)
    user = str(own[0]) if own else "?"
    ordered = ([own] if own else []) + [row for row in rows if not row[1]]
    for row in ordered:
        for index, attribute in enumerate(ROLE_ATTRIBUTES.values(), start=2):
            if row[index]:
                whose = (
                    f"role {user!r} is a {attribute}"
                    if row[1]
                    else f"role {user!r} is a member of role {row[0]!r}, which is a {attribute}"
                )
                fix = (
                    f"ALTER ROLE {user} NO{attribute.upper()}"
                    if row[1]
                    else f"REVOKE {row[0]} FROM {user}"
                )
                raise UnsafeConnectionError(
                    "connection_role_too_powerful",
                    f"the SQL source refuses the connection to {shown}: {whose}, which reaches "
                    "beyond the tables it is granted (server files, other sessions, all data)",
                    f"{fix}, or {READ_ONLY_ROLE_HINT}",
                )
    for row in rows:
        reason = REFUSED_PREDEFINED_ROLES.get(str(row[0]))
        if reason is not None and not row[1]:
            raise UnsafeConnectionError(
                "connection_role_too_powerful",
                f"the SQL source refuses the connection to {shown}: role {user!r} is a member of "
                f"{row[0]}, which {reason}",
                f"REVOKE {row[0]} FROM {user} (or from the role that passes it on), or "
                f"{READ_ONLY_ROLE_HINT}",
            )


def _check_tables(found: set[str], shown: str) -> None:
    for what, tables in PLATFORM_TABLE_SETS:
        if set(tables) <= found:
            raise UnsafeConnectionError(
                "platform_database",
                f"the SQL source refuses the connection to {shown}: the database holds "
                f"{' and '.join(tables)} tables, so it is {what} of this platform, which is never "
                "a data source",
                "point the connection at the database that holds your data; keep the platform's "
                "own tables in a database of their own",
            )
