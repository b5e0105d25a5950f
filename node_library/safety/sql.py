"""The static read-only check of user-written PostgreSQL queries (the SQL source's first guard).

The query is parsed by PostgreSQL's own grammar (pglast, which embeds libpg_query), so quoting,
`U&"..."` Unicode escapes, `UESCAPE`, dollar quotes, nested comments and schema-qualified names
reach us already resolved: `"pg_read_file"`, `U&"pg\\005fread\\005ffile"` and
`pg_catalog.pg_read_file` are all the function name `pg_read_file`. A hand-written lexer cannot
promise that; it was bypassed by exactly those spellings.

A query passes when it is exactly one plain SELECT (VALUES, TABLE and set operations are SELECTs
too) whose every WITH query is a SELECT, with no SELECT ... INTO, no row-locking clause
(FOR UPDATE/SHARE) and no call of a refused function anywhere (`REFUSED_FUNCTIONS`,
`REFUSED_FUNCTION_PREFIXES`): functions that read or list server files, reach other servers or
sessions, change settings, run SQL given as text (which this check could not see), or sleep.

This check is for clear early messages, not the guarantee: a database function can hide anything.
The guarantee is the connection's role, checked at connect time
(node_library.safety.sql_connections), and the read-only transaction with a statement timeout the
query runs in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

QUERY_HINT = "write a single SELECT (or WITH ... SELECT) statement; this node only reads"

# Exact names (compared lowercased, without schema) of functions a read-only source never needs.
REFUSED_FUNCTIONS = frozenset(
    {
        # server files and settings
        "pg_stat_file",
        "pg_current_logfile",
        "pg_show_all_file_settings",
        "pg_hba_file_rules",
        "pg_ident_file_mappings",
        "current_setting",
        "set_config",
        # large objects (lo_import reads a server file, lo_export writes one)
        "lo_import",
        "lo_export",
        "lo_get",
        "lo_put",
        "lo_from_bytea",
        "lo_open",
        "lo_close",
        "lo_creat",
        "lo_create",
        "lo_unlink",
        "lo_lseek",
        "lo_lseek64",
        "lo_tell",
        "lo_tell64",
        "lo_truncate",
        "lo_truncate64",
        "loread",
        "lowrite",
        # other sessions and the server process
        "pg_terminate_backend",
        "pg_cancel_backend",
        "pg_reload_conf",
        "pg_rotate_logfile",
        "pg_promote",
        "pg_switch_wal",
        "pg_start_backup",
        "pg_stop_backup",
        "pg_notify",
        "pg_import_system_collations",
        "pg_log_backend_memory_contexts",
        "pg_stat_statements_reset",
        # SQL given as text runs unchecked
        "ts_stat",
        "ts_rewrite",
    }
)
# Families refused by prefix: every member acts outside a read-only query.
REFUSED_FUNCTION_PREFIXES = (
    "pg_read_",  # pg_read_file, pg_read_binary_file
    "pg_ls_",  # pg_ls_dir, pg_ls_logdir, pg_ls_waldir, pg_ls_tmpdir, ...
    "pg_file_",  # adminpack: pg_file_write, pg_file_rename, pg_file_unlink, ...
    "pg_logdir_",
    "dblink",  # dblink, dblink_exec, dblink_connect, ...: other servers, outside the transaction
    "pg_sleep",  # pg_sleep, pg_sleep_for, pg_sleep_until: holds a connection for nothing
    "pg_advisory",
    "pg_try_advisory",
    "pg_backup_",
    "pg_create_",  # replication slots, restore points
    "pg_drop_replication",
    "pg_replication_",
    "pg_logical_",
    "pg_stat_reset",
    "pg_wal_replay_",
    "query_to_xml",  # query_to_xml('SELECT pg_read_file(...)', ...) runs its text
    "cursor_to_xml",
    "table_to_xml",
    "schema_to_xml",
    "database_to_xml",
)
# Statement node names of libpg_query, as the words a user wrote.
_STATEMENT_WORDS = {
    "InsertStmt": "INSERT",
    "UpdateStmt": "UPDATE",
    "DeleteStmt": "DELETE",
    "MergeStmt": "MERGE",
    "CopyStmt": "COPY",
    "VariableSetStmt": "SET",
    "VariableShowStmt": "SHOW",
    "ExplainStmt": "EXPLAIN",
    "CreateTableAsStmt": "CREATE TABLE AS",
    "CallStmt": "CALL",
    "DoStmt": "DO",
    "TransactionStmt": "a transaction command",
    "LockStmt": "LOCK",
    "DeclareCursorStmt": "DECLARE",
}
_MODIFYING = ("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt")
_LOCK_WORDS = {
    "LCS_FORUPDATE": "FOR UPDATE",
    "LCS_FORNOKEYUPDATE": "FOR NO KEY UPDATE",
    "LCS_FORSHARE": "FOR SHARE",
    "LCS_FORKEYSHARE": "FOR KEY SHARE",
}


class SqlCheckError(ValueError):
    """A refused query: `code` for the Issue, the message names the construct and its place."""

    def __init__(self, code: str, message: str, hint: str = QUERY_HINT) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


def refused_function(name: str) -> bool:
    """True when a function called `name` (any case, no schema) is refused."""
    lowered = name.lower()
    return lowered in REFUSED_FUNCTIONS or lowered.startswith(REFUSED_FUNCTION_PREFIXES)


@dataclass(frozen=True)
class _Place:
    """Turns libpg_query's UTF-8 byte offsets into "line L, column C" of the user's text."""

    sql: str

    def of(self, byte_offset: int | None) -> str:
        if byte_offset is None or byte_offset < 0:
            return ""
        before = self.sql.encode()[:byte_offset].decode(errors="ignore")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return f" at line {line}, column {column}"

    def of_char(self, char_offset: int) -> str:
        return self.of(len(self.sql[: max(char_offset, 0)].encode()))


def check_read_only_sql(sql: str) -> None:
    """Raise SqlCheckError unless `sql` is one read-only SELECT (module docstring)."""
    from pglast.parser import ParseError, parse_sql_json  # ~0.1 s: load on the first check

    place = _Place(sql)
    try:
        document = json.loads(parse_sql_json(sql))
    except ParseError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        where = place.of_char(int(exc.args[1])) if len(exc.args) > 1 else ""
        raise SqlCheckError(
            "sql_syntax",
            f"the query is not valid PostgreSQL: {message}{where}",
            "fix the SQL; test it in psql or your SQL editor",
        ) from None
    except RecursionError:
        raise SqlCheckError(
            "sql_syntax", "the query nests too deeply to check", "flatten the nested expressions"
        ) from None
    statements: list[dict[str, Any]] = document.get("stmts", [])
    if not statements:
        raise SqlCheckError("missing_param", "the query is empty", QUERY_HINT)
    if len(statements) > 1:
        second = statements[1].get("stmt_location")
        raise SqlCheckError(
            "multiple_statements",
            f"the query holds {len(statements)} statements; the second starts"
            f"{place.of(second) or ' after a semicolon'}",
            "run one statement per node; remove the extra statements",
        )
    statement: dict[str, Any] = statements[0]["stmt"]
    kind = next(iter(statement))
    if kind != "SelectStmt":
        word = _STATEMENT_WORDS.get(kind, kind.removesuffix("Stmt").upper())
        raise SqlCheckError(
            "sql_not_read_only",
            f"the query is {_a(word)} statement; only SELECT (or WITH ... SELECT) queries may run",
            QUERY_HINT,
        )
    for refusal in _refusals(statement, place):
        raise refusal


def _refusals(tree: Any, place: _Place) -> Iterator[SqlCheckError]:
    """Every refused construct in the parse tree, walked without recursion (deep trees are fine)."""
    stack: list[Any] = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if key == "A_Const":
                continue  # a literal: its text is data, never a name
            if key in _MODIFYING:
                word = _STATEMENT_WORDS[key]
                yield SqlCheckError(
                    "sql_not_read_only",
                    f"the query holds {_a(word)} statement{place.of(_location(value))}: "
                    f"{word} changes data, and this node only reads",
                    "remove it; data-modifying WITH queries are not allowed either",
                )
            elif key == "CommonTableExpr" and isinstance(value, dict):
                inner = next(iter(value.get("ctequery", {})), "SelectStmt")
                if inner != "SelectStmt":
                    word = _STATEMENT_WORDS.get(inner, inner.removesuffix("Stmt").upper())
                    yield SqlCheckError(
                        "sql_not_read_only",
                        f"the WITH query {value.get('ctename', '')!r}"
                        f"{place.of(_location(value))} is {_a(word)}, and this node only reads",
                        "make every WITH query a SELECT",
                    )
            elif key == "intoClause" and value:
                target = value.get("rel", {}) if isinstance(value, dict) else {}
                yield SqlCheckError(
                    "sql_not_read_only",
                    f"SELECT ... INTO {target.get('relname', '')}{place.of(_location(target))} "
                    "creates a table, and this node only reads",
                    "remove the INTO clause; the node's output is the query's rows",
                )
            elif key == "lockingClause" and value:
                first = value[0].get("LockingClause", {}) if isinstance(value, list) else {}
                words = _LOCK_WORDS.get(str(first.get("strength")), "FOR UPDATE/SHARE")
                yield SqlCheckError(
                    "sql_not_read_only",
                    f"the query locks rows with {words}, which a read-only query may not do",
                    f"remove {words}",
                )
            elif key == "FuncCall" and isinstance(value, dict):
                name = _last_name(value.get("funcname", []))
                if name is not None and refused_function(name):
                    yield _function_refused(name, place.of(_location(value)))
            elif key in ("ColumnRef", "A_Indirection") and isinstance(value, dict):
                # `x.pg_read_file` is PostgreSQL's attribute notation for pg_read_file(x)
                fields = value.get("fields") or value.get("indirection") or []
                names = [_string(f) for f in (fields[1:] if key == "ColumnRef" else fields)]
                for name in names:
                    if name is not None and refused_function(name):
                        yield _function_refused(name, place.of(_location(value)))
            stack.append(value)


def _function_refused(name: str, where: str) -> SqlCheckError:
    return SqlCheckError(
        "sql_function_refused",
        f"the query calls {name.lower()}(){where}, which {_function_reason(name.lower())}; "
        "a read-only query may not",
        "remove the call; the SQL source only reads tables and views the connection's role may "
        "SELECT from",
    )


def _function_reason(name: str) -> str:
    if name.startswith("dblink"):
        return "connects to another server outside this transaction"
    if name.startswith("pg_sleep"):
        return "holds the connection doing nothing"
    if name.startswith(("ts_", "query_to", "cursor_to", "table_to", "schema_to", "database_to")):
        return "runs SQL given as text, which this check cannot see"
    if name in ("current_setting", "set_config"):
        return "reads or changes server settings"
    if name.startswith("lo_") or name in ("loread", "lowrite"):
        return "reads or writes large objects and server files"
    if "file" in name or name.startswith(("pg_read_", "pg_ls_", "pg_logdir_")):
        return "reads server files"
    return "acts on the server or on other sessions"


def _a(word: str) -> str:
    return ("an " if word[:1] in "AEIOU" else "a ") + word


def _string(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("String"), dict):
        value = node["String"].get("sval")
        return value if isinstance(value, str) else None
    return None


def _last_name(parts: list[Any]) -> str | None:
    """The function's own name: `pg_catalog.pg_read_file` is `pg_read_file`."""
    return _string(parts[-1]) if parts else None


def _location(node: Any) -> int | None:
    if isinstance(node, dict):
        location = node.get("location")
        return location if isinstance(location, int) else None
    return None
