"""Contract cases for the data source nodes; the database, S3 and HTTP cases use real services."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from node_library.settings import NodeSettings
from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase, sales_frame
from tests.services import LocalHttpServer, RecordedRequest, Reply


def _csv(env: CaseEnv) -> NodeCase:
    env.write_csv("sales/2026.csv", sales_frame())
    return NodeCase(params={"path": "sales/2026.csv", "parse_dates": ["ordered_at"]})


def _parquet(env: CaseEnv) -> NodeCase:
    sales_frame().to_parquet(env.data_root / "sales.parquet", index=False)
    return NodeCase(params={"path": "sales.parquet", "columns": ["order_id", "region", "price"]})


def _json(env: CaseEnv) -> NodeCase:
    document = {
        "data": {
            "items": [
                {
                    "id": i,
                    "name": f"item {i}",
                    "price": 1.5 * i,
                    "in_stock": i % 2 == 0,
                    "maker": {"country": "NL" if i % 3 else "DE", "since": 1990 + i},
                }
                for i in range(25)
            ]
        }
    }
    (env.data_root / "catalog.json").write_text(json.dumps(document))
    return NodeCase(params={"path": "catalog.json", "record_path": "data.items"})


def _excel(env: CaseEnv) -> NodeCase:
    with io.BytesIO() as buffer:
        sales_frame().to_excel(buffer, sheet_name="Sales", index=False)
        (env.data_root / "sales.xlsx").write_bytes(buffer.getvalue())
    return NodeCase(params={"path": "sales.xlsx", "sheet": "Sales"})


def _postgres(env: CaseEnv) -> NodeCase:
    database = env.fixture("pg_reader")  # the SQL source refuses the superuser `postgres`
    engine = sa.create_engine(database.admin_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE orders (id int PRIMARY KEY, region text, "
                "amount numeric(10, 2), ordered_on date)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO orders SELECT g, (ARRAY['north','south'])[g % 2 + 1], "
                "g * 1.25, DATE '2026-01-01' + g FROM generate_series(1, 30) g"
            )
        )
    engine.dispose()
    return NodeCase(
        params={
            "connection": "warehouse",
            "query": "SELECT region, count(*) AS orders, sum(amount) AS total\n"
            "FROM orders -- all regions\nGROUP BY region ORDER BY region",
        },
        settings=NodeSettings(
            data_roots=(env.data_root.resolve(),), connections={"warehouse": database.reader_url}
        ),
    )


def _rest_api(env: CaseEnv) -> NodeCase:
    server: LocalHttpServer = env.fixture("local_http_server")
    rows = [{"id": i, "name": f"user {i}", "score": i * 0.5} for i in range(1, 26)]

    def page(request: RecordedRequest) -> Reply:
        number = int(request.query.get("page", "1"))
        return Reply.json({"data": {"items": rows[(number - 1) * 10 : number * 10]}})

    url = server.route("/users", handler=page)
    return NodeCase(
        params={
            "url": url,
            "records_path": "data.items",
            "pagination": {"mode": "page", "page_param": "page", "start": 1, "max_pages": 5},
        },
        settings=NodeSettings(data_roots=(env.data_root.resolve(),), net_allowlist=("127.0.0.1",)),
    )


def _s3_object(env: CaseEnv) -> NodeCase:
    s3 = env.fixture("s3_service")
    bucket = s3.create_bucket()
    s3.client().put_object(
        Bucket=bucket, Key="exports/sales.csv", Body=sales_frame().to_csv(index=False).encode()
    )
    return NodeCase(
        params={"bucket": bucket, "key": "exports/sales.csv"},
        settings=NodeSettings(
            data_roots=(env.data_root.resolve(),), s3_endpoint_url=s3.endpoint_url
        ),
    )


CASES: dict[str, CaseFactory] = {
    "sources.csv": _csv,
    "sources.parquet": _parquet,
    "sources.json": _json,
    "sources.excel": _excel,
    "sources.postgres": _postgres,
    "sources.rest_api": _rest_api,
    "sources.s3_object": _s3_object,
}
