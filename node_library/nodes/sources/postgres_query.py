"""PostgreSQL query source: the rows of one read-only SELECT on a named connection.

Connections are configured, never typed into a workflow: `connection` names an entry of
`NodeSettings.connections` (environment CANVAS_CONNECTION_<NAME>=postgresql+psycopg://...), so
workflows carry no passwords. Any URL shown to the user has its password masked.

Read-only is enforced in layers, from the friendliest to the strongest:
1. `validate` parses the query with PostgreSQL's own grammar (node_library.safety.sql) and accepts
   one SELECT without writes, locks, INTO or calls of functions that reach outside the query; it
   also refuses a connection that names the platform's own database.
2. The query runs as a prepared statement, on a connection whose role is checked, in a read-only
   transaction with a statement timeout, rolled back afterwards (node_library.io.postgres
   explains each of these layers).
What a query may *read* is up to the database role: give the connection a read-only role that
sees only what workflow authors may see (docs/operating/sql-source.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from node_library import widgets
from node_library.contract import ExecutionContext, Issue, NodeError, NodeParams, PortSchema, error
from node_library.io.postgres import connection_url, run_read_only_query
from node_library.node_kinds.sources import SourceNode
from node_library.safety.sql import SqlCheckError, check_read_only_sql
from node_library.settings import NodeSettings


class PostgresQueryParams(NodeParams):
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


class PostgresQueryNode(SourceNode[PostgresQueryParams]):
    type_id = "sources.postgres"
    display_name = "PostgreSQL query"
    description = "Run one read-only SELECT on a configured PostgreSQL connection."
    tags = ("database", "sql", "postgres", "postgresql")
    Params = PostgresQueryParams
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
                connection_url(params.connection, settings)
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

    def compute(
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
