"""Data source nodes against real files, a real SeaweedFS S3 server and a local HTTP server; and
every kind of bad input, each with a message that names the param to fix. The PostgreSQL source has
its own files: test_postgres_source.py and test_sql_safety.py."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from node_library.contract import Issue, NodeError, NodeType, RecordingContext
from node_library.nodes.sources.csv_file import CsvFileNode
from node_library.nodes.sources.excel_file import ExcelFileNode
from node_library.nodes.sources.json_file import JsonFileNode
from node_library.nodes.sources.parquet_file import ParquetFileNode
from node_library.nodes.sources.rest_api import RestApiNode
from node_library.nodes.sources.s3_object import S3ObjectNode
from node_library.schema import Dtype, Role, TableSchema, schema_of_frame
from node_library.settings import NodeSettings
from tests.services import (
    LocalHttpServer,
    RecordedRequest,
    Reply,
    S3Service,
    closed_port,
    settings_for,
)


def validate(node: NodeType, params: dict[str, Any], settings: NodeSettings) -> list[Issue]:
    return node.validate(node.Params.model_validate(params), {}, settings)


def run(node: NodeType, params: dict[str, Any], settings: NodeSettings) -> pd.DataFrame:
    ctx = RecordingContext(node_id="n", settings=settings)
    frame = node.execute(ctx, node.Params.model_validate(params))["data"]
    assert isinstance(frame, pd.DataFrame)
    return frame


def run_error(node: NodeType, params: dict[str, Any], settings: NodeSettings) -> Issue:
    with pytest.raises(NodeError) as caught:
        run(node, params, settings)
    return caught.value.issue


def inferred(node: NodeType, params: dict[str, Any], settings: NodeSettings) -> TableSchema:
    schema = node.infer_schema(node.Params.model_validate(params), {}, settings)["data"]
    assert isinstance(schema, TableSchema)
    return schema


def only_issue(issues: list[Issue]) -> Issue:
    assert len(issues) == 1, issues
    return issues[0]


# -- CSV --------------------------------------------------------------------------------------

CSV = CsvFileNode()


def test_csv_reads_a_file_with_delimiter_encoding_skipped_lines_dates_and_columns(
    data_root: Path,
) -> None:
    text = (
        "exported by till 7\n\nid;city;sold_on;amount\n1;Zürich;03/01/2026;2,5\n"
        "2;Köln;04/01/2026;3\n"
    )
    (data_root / "till.csv").write_bytes(text.encode("latin-1"))
    params = {
        "path": "till.csv",
        "delimiter": ";",
        "encoding": "latin-1",
        "skip_rows": 2,
        "parse_dates": ["sold_on"],
        "columns": ["city", "sold_on", "id"],
    }
    settings = settings_for(data_root)
    assert validate(CSV, params, settings) == []
    frame = run(CSV, params, settings)
    assert list(frame.columns) == ["city", "sold_on", "id"]
    assert frame["city"].tolist() == ["Zürich", "Köln"]
    assert pd.api.types.is_datetime64_any_dtype(frame["sold_on"])
    assert schema_of_frame(frame) == inferred(CSV, params, settings)


def test_csv_without_header_names_columns_by_position(data_root: Path) -> None:
    (data_root / "raw.csv").write_text("1,a,2026-01-05\n2,b,2026-02-07\n")
    params = {"path": "raw.csv", "header": False, "columns": ["column_3", "column_1"]}
    frame = run(CSV, params, settings_for(data_root))
    assert list(frame.columns) == ["column_3", "column_1"]
    assert schema_of_frame(frame) == TableSchema.of(column_3=Dtype.DATETIME, column_1=Dtype.INTEGER)


def test_csv_schema_of_a_large_file_comes_from_a_sample_and_matches_the_run(
    data_root: Path,
) -> None:
    rows = 120_000
    rng = np.random.default_rng(7)
    pd.DataFrame(
        {
            "id": np.arange(rows),
            "value": rng.random(rows),
            "flag": rng.random(rows) > 0.5,
            "label": rng.choice(["a", "b", "c"], rows),
            "at": pd.date_range("2026-01-01", periods=rows, freq="min"),
        }
    ).to_csv(data_root / "big.csv", index=False)
    assert (data_root / "big.csv").stat().st_size > 2 * 1024 * 1024  # sampled, not read whole
    settings = settings_for(data_root)
    schema = inferred(CSV, {"path": "big.csv"}, settings)
    assert schema == TableSchema.of(
        id="integer", value="float", flag="boolean", label="string", at="datetime"
    )
    assert schema_of_frame(run(CSV, {"path": "big.csv"}, settings)) == schema


@pytest.mark.parametrize("path", ["../x.csv", "/etc/passwd", "%2e%2e/x.csv", "a/../../x.csv"])
def test_csv_refuses_paths_outside_the_data_root(data_root: Path, path: str) -> None:
    settings = settings_for(data_root)
    issue = only_issue(validate(CSV, {"path": path}, settings))
    assert (issue.code, issue.param) == ("unsafe_path", "path")
    assert repr(path) in issue.message and str(data_root.resolve()) in issue.message
    assert issue.hint
    assert run_error(CSV, {"path": path}, settings).code == "unsafe_path"


def test_csv_refuses_a_symlink_that_escapes_the_data_root(data_root: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("password\nhunter2\n")
    (data_root / "innocent.csv").symlink_to(tmp_path / "secret.csv")
    settings = settings_for(data_root)
    issue = only_issue(validate(CSV, {"path": "innocent.csv"}, settings))
    assert (issue.code, issue.param) == ("unsafe_path", "path")
    assert "symbolic link" in issue.message
    assert run_error(CSV, {"path": "innocent.csv"}, settings).code == "unsafe_path"


def test_csv_accepts_a_file_name_with_two_dots(data_root: Path) -> None:
    (data_root / "sales..final.csv").write_text("a,b\n1,2\n")
    settings = settings_for(data_root)
    assert validate(CSV, {"path": "sales..final.csv"}, settings) == []
    assert run(CSV, {"path": "sales..final.csv"}, settings).shape == (1, 2)


def test_csv_missing_file_suggests_the_nearest_name(data_root: Path) -> None:
    (data_root / "sales_2026.csv").write_text("a\n1\n")
    issue = only_issue(validate(CSV, {"path": "sales_2062.csv"}, settings_for(data_root)))
    assert (issue.code, issue.param) == ("file_not_found", "path")
    assert "sales_2026.csv" in issue.hint


def test_csv_without_a_path_asks_for_a_file(data_root: Path) -> None:
    issue = only_issue(validate(CSV, {}, settings_for(data_root)))
    assert (issue.code, issue.param) == ("missing_param", "path")


def test_malformed_csv_names_the_file_and_the_line(data_root: Path) -> None:
    (data_root / "broken.csv").write_text("a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n11,12,13\n")
    settings = settings_for(data_root)
    issue = run_error(CSV, {"path": "broken.csv"}, settings)
    assert (issue.code, issue.param) == ("malformed_csv", "path")
    assert "'broken.csv'" in issue.message and "line 4" in issue.message
    assert "delimiter" in issue.hint
    assert only_issue(validate(CSV, {"path": "broken.csv"}, settings)).code == "malformed_csv"


def test_csv_unknown_columns_are_reported_on_their_param(data_root: Path) -> None:
    (data_root / "s.csv").write_text("region,units\nnorth,1\n")
    settings = settings_for(data_root)
    issue = only_issue(validate(CSV, {"path": "s.csv", "columns": ["regoin"]}, settings))
    assert (issue.code, issue.param) == ("missing_column", "columns")
    assert "'region'" in issue.hint
    issue = only_issue(validate(CSV, {"path": "s.csv", "parse_dates": ["when"]}, settings))
    assert (issue.code, issue.param) == ("missing_column", "parse_dates")


def test_csv_parse_dates_on_a_non_date_column_is_an_error(data_root: Path) -> None:
    (data_root / "s.csv").write_text("region,units\nnorth,1\n")
    issue = run_error(CSV, {"path": "s.csv", "parse_dates": ["region"]}, settings_for(data_root))
    assert (issue.code, issue.param) == ("not_dates", "parse_dates")


def test_csv_wrong_encoding_is_reported_on_the_encoding_param(data_root: Path) -> None:
    (data_root / "latin.csv").write_bytes("name\nJosé\n".encode("latin-1"))
    settings = settings_for(data_root)
    issue = only_issue(validate(CSV, {"path": "latin.csv"}, settings))
    assert (issue.code, issue.param) == ("bad_encoding", "encoding")
    assert run_error(CSV, {"path": "latin.csv"}, settings).param == "encoding"
    unknown = only_issue(validate(CSV, {"path": "latin.csv", "encoding": "latin-9000"}, settings))
    assert (unknown.code, unknown.param) == ("unknown_encoding", "encoding")


def test_csv_fingerprint_is_the_content_hash_and_follows_changes(data_root: Path) -> None:
    path = data_root / "f.csv"
    path.write_text("a\n1\n")
    settings = settings_for(data_root)
    params = CSV.Params.model_validate({"path": "f.csv"})
    first = CSV.fingerprint(params, settings)
    assert first is not None and first.startswith("sha256:")
    assert CSV.fingerprint(params, settings) == first
    path.write_text("a\n2\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert CSV.fingerprint(params, settings) not in (None, first)
    assert CSV.fingerprint(CSV.Params.model_validate({"path": "gone.csv"}), settings) is None


# -- Parquet ----------------------------------------------------------------------------------

PARQUET = ParquetFileNode()


def test_parquet_schema_comes_from_the_metadata_and_matches_the_run(data_root: Path) -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "segment": pd.Categorical(["a", "b", "a"]),
            "at": pd.date_range("2026-01-01", periods=3, tz="UTC"),
            "n": pd.array([1, None, 3], dtype="Int64"),
            "ok": [True, False, True],
        }
    ).set_index("id")
    frame.to_parquet(data_root / "p.parquet")
    settings = settings_for(data_root)
    schema = inferred(PARQUET, {"path": "p.parquet"}, settings)
    assert schema == TableSchema.of(
        id="integer", segment="category", at="datetime", n="integer", ok="boolean"
    )
    out = run(PARQUET, {"path": "p.parquet"}, settings)
    assert schema_of_frame(out) == schema and out["id"].tolist() == [1, 2, 3]
    picked = {"path": "p.parquet", "columns": ["ok", "segment"]}
    assert schema_of_frame(run(PARQUET, picked, settings)) == inferred(PARQUET, picked, settings)


def test_a_file_that_is_not_parquet_is_reported_clearly(data_root: Path) -> None:
    (data_root / "fake.parquet").write_text("a,b\n1,2\n")
    issue = only_issue(validate(PARQUET, {"path": "fake.parquet"}, settings_for(data_root)))
    assert (issue.code, issue.param) == ("malformed_parquet", "path")
    assert "'fake.parquet'" in issue.message


def test_parquet_unknown_column_suggests_a_near_name(data_root: Path) -> None:
    pd.DataFrame({"amount": [1.0]}).to_parquet(data_root / "p.parquet")
    issue = only_issue(
        validate(PARQUET, {"path": "p.parquet", "columns": ["amont"]}, settings_for(data_root))
    )
    assert (issue.code, issue.param, issue.hint) == (
        "missing_column",
        "columns",
        "did you mean 'amount'?",
    )


# -- JSON -------------------------------------------------------------------------------------

JSON = JsonFileNode()
RECORDS = [
    {"id": i, "name": f"n{i}", "active": i % 2 == 0, "geo": {"lat": 1.5 * i, "cc": "NL"}}
    for i in range(6)
]


def test_json_reads_a_records_array_and_flattens_nested_objects(data_root: Path) -> None:
    (data_root / "r.json").write_text(json.dumps(RECORDS))
    settings = settings_for(data_root)
    frame = run(JSON, {"path": "r.json"}, settings)
    assert list(frame.columns) == ["id", "name", "active", "geo.lat", "geo.cc"]
    assert schema_of_frame(frame) == inferred(JSON, {"path": "r.json"}, settings)


def test_json_reads_json_lines_and_nested_record_paths(data_root: Path) -> None:
    (data_root / "r.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    (data_root / "wrapped.json").write_text(json.dumps({"result": {"rows": RECORDS}}))
    settings = settings_for(data_root)
    lines = run(JSON, {"path": "r.jsonl", "lines": True}, settings)
    nested = run(JSON, {"path": "wrapped.json", "record_path": "result.rows"}, settings)
    pd.testing.assert_frame_equal(lines, nested)
    assert len(lines) == len(RECORDS)


def test_json_object_without_record_path_points_at_the_records(data_root: Path) -> None:
    (data_root / "wrapped.json").write_text(json.dumps({"result": {"rows": RECORDS}}))
    issue = only_issue(validate(JSON, {"path": "wrapped.json"}, settings_for(data_root)))
    assert (issue.code, issue.param) == ("records_not_found", "record_path")
    assert "'result.rows'" in issue.hint


def test_json_wrong_record_path_lists_the_keys_there(data_root: Path) -> None:
    (data_root / "wrapped.json").write_text(json.dumps({"result": {"rows": RECORDS}}))
    issue = only_issue(
        validate(
            JSON, {"path": "wrapped.json", "record_path": "result.items"}, settings_for(data_root)
        )
    )
    assert (issue.code, issue.param) == ("path_not_found", "record_path")
    assert "'rows'" in issue.hint


def test_malformed_json_lines_name_the_line(data_root: Path) -> None:
    (data_root / "bad.jsonl").write_text('{"a": 1}\n{"a": 2,}\n')
    issue = run_error(JSON, {"path": "bad.jsonl", "lines": True}, settings_for(data_root))
    assert (issue.code, issue.param) == ("malformed_json", "path")
    assert "line 2 of 'bad.jsonl'" in issue.message


def test_json_lines_read_as_one_document_suggest_turning_lines_on(data_root: Path) -> None:
    (data_root / "r.jsonl").write_text('{"a": 1}\n{"a": 2}\n')
    issue = only_issue(validate(JSON, {"path": "r.jsonl"}, settings_for(data_root)))
    assert issue.code == "malformed_json" and "turn lines on" in issue.hint


# -- Excel ------------------------------------------------------------------------------------

EXCEL = ExcelFileNode()


def _workbook(path: Path) -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "name": ["a", "b"],
            "day": pd.to_datetime(["2026-01-01", "2026-01-02"]),
            "x": [0.5, 1.5],
        }
    )
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, sheet_name="Summary", index=False)
        frame.to_excel(writer, sheet_name="Detail", index=False, startrow=3)


def test_excel_reads_a_sheet_by_name_or_position_with_a_header_row(data_root: Path) -> None:
    _workbook(data_root / "book.xlsx")
    settings = settings_for(data_root)
    by_name = {"path": "book.xlsx", "sheet": "Detail", "header_row": 4}
    frame = run(EXCEL, by_name, settings)
    assert list(frame.columns) == ["id", "name", "day", "x"] and len(frame) == 2
    assert schema_of_frame(frame) == inferred(EXCEL, by_name, settings)
    assert schema_of_frame(frame) == schema_of_frame(
        run(EXCEL, {"path": "book.xlsx", "sheet": 0}, settings)
    )


def test_excel_unknown_sheet_suggests_a_near_name(data_root: Path) -> None:
    _workbook(data_root / "book.xlsx")
    issue = only_issue(
        validate(EXCEL, {"path": "book.xlsx", "sheet": "Sumary"}, settings_for(data_root))
    )
    assert (issue.code, issue.param, issue.hint) == (
        "sheet_not_found",
        "sheet",
        "did you mean 'Summary'?",
    )


@pytest.mark.parametrize("content", [b"not a workbook at all", b"PK\x03\x04truncated zip"])
def test_malformed_excel_is_a_clear_error_on_path(data_root: Path, content: bytes) -> None:
    (data_root / "broken.xlsx").write_bytes(content)
    settings = settings_for(data_root)
    issue = run_error(EXCEL, {"path": "broken.xlsx"}, settings)
    assert (issue.code, issue.param) == ("malformed_excel", "path")
    assert "'broken.xlsx'" in issue.message and ".xlsx" in issue.hint
    assert only_issue(validate(EXCEL, {"path": "broken.xlsx"}, settings)).code == "malformed_excel"


# -- REST API ---------------------------------------------------------------------------------

REST = RestApiNode()
LOCAL = NodeSettings(net_allowlist=("127.0.0.1",), http_timeout_s=5)
USERS = [
    {"id": i, "name": f"user {i}", "team": {"name": "red" if i % 2 else "blue"}}
    for i in range(1, 24)
]


def test_rest_reads_all_pages_with_page_pagination(local_http_server: LocalHttpServer) -> None:
    def page(request: RecordedRequest) -> Reply:
        number, size = int(request.query["p"]), int(request.query["size"])
        return Reply.json({"data": {"items": USERS[(number - 1) * size : number * size]}})

    url = local_http_server.route("/users", handler=page)
    params = {
        "url": url,
        "query_params": {"size": "10"},
        "records_path": "data.items",
        "pagination": {"mode": "page", "page_param": "p", "start": 1, "max_pages": 20},
    }
    assert validate(REST, params, LOCAL) == []
    frame = run(REST, params, LOCAL)
    assert frame["id"].tolist() == list(range(1, 24))
    assert list(frame.columns) == ["id", "name", "team.name"]
    assert [r.query["p"] for r in local_http_server.requests] == ["1", "2", "3", "4"]


def test_rest_reads_all_pages_with_cursor_pagination(local_http_server: LocalHttpServer) -> None:
    def page(request: RecordedRequest) -> Reply:
        start = int(request.query.get("after", "0"))
        chunk = USERS[start : start + 8]
        following = start + 8 if start + 8 < len(USERS) else None
        return Reply.json({"results": chunk, "meta": {"next": following}})

    url = local_http_server.route("/users", handler=page)
    params = {
        "url": url,
        "records_path": "results",
        "pagination": {
            "mode": "cursor",
            "cursor_param": "after",
            "next_cursor_path": "meta.next",
            "max_pages": 10,
        },
    }
    frame = run(REST, params, LOCAL)
    assert frame["id"].tolist() == list(range(1, 24))
    assert [r.query.get("after") for r in local_http_server.requests] == [None, "8", "16"]


def test_rest_stops_at_max_pages_and_says_so(local_http_server: LocalHttpServer) -> None:
    url = local_http_server.route(
        "/forever", handler=lambda r: Reply.json([{"p": r.query["page"]}])
    )
    params = {"url": url, "pagination": {"mode": "page", "max_pages": 3}}
    ctx = RecordingContext(settings=LOCAL)
    frame = REST.execute(ctx, REST.Params.model_validate(params))["data"]
    assert frame["p"].tolist() == ["1", "2", "3"]
    assert any("max_pages=3" in message for _, message in ctx.events)


def test_rest_post_sends_the_json_body_headers_and_query(
    local_http_server: LocalHttpServer,
) -> None:
    url = local_http_server.route(
        "/search",
        handler=lambda r: Reply.json(
            [{"got": r.json()["q"], "auth": r.headers.get("authorization"), "v": r.query["v"]}]
        ),
    )
    params = {
        "url": url,
        "method": "POST",
        "body": {"q": "shoes"},
        "query_params": {"v": "2"},
        "headers": {"Authorization": "Bearer abc"},
    }
    frame = run(REST, params, LOCAL)
    assert frame.iloc[0].tolist() == ["shoes", "Bearer abc", "2"]


def test_rest_refuses_the_local_server_by_default_and_accepts_it_when_allowlisted(
    local_http_server: LocalHttpServer,
) -> None:
    url = local_http_server.route("/ok", json=[{"a": 1}])
    issue = only_issue(validate(REST, {"url": url}, NodeSettings()))
    assert (issue.code, issue.param) == ("address_blocked", "url")
    assert "loopback" in issue.message and "CANVAS_NET_ALLOWLIST" in issue.hint
    assert run_error(REST, {"url": url}, NodeSettings()).code == "address_blocked"
    assert not local_http_server.requests
    assert run(REST, {"url": url}, LOCAL)["a"].tolist() == [1]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1/", "address_blocked"),
        ("http://169.254.169.254/latest/meta-data/", "address_blocked"),
        ("http://10.0.0.1/", "address_blocked"),
        ("http://0x7f000001/", "address_blocked"),
        ("http://2130706433/", "address_blocked"),
        ("http://[::1]:8080/", "address_blocked"),
        ("http://localhost:8080/", "address_blocked"),
        ("file:///etc/passwd", "url_scheme_not_allowed"),
        ("ftp://example.com/data.json", "url_scheme_not_allowed"),
    ],
)
def test_rest_refuses_internal_targets_and_other_schemes(url: str, code: str) -> None:
    issue = only_issue(validate(REST, {"url": url}, NodeSettings()))
    assert (issue.code, issue.param) == (code, "url")
    assert run_error(REST, {"url": url}, NodeSettings()).code == code


def test_rest_refuses_a_redirect_to_an_internal_address(local_http_server: LocalHttpServer) -> None:
    url = local_http_server.route(
        "/go", handler=lambda _r: Reply.redirect("http://169.254.169.254/latest/meta-data/")
    )
    issue = run_error(REST, {"url": url}, LOCAL)
    assert (issue.code, issue.param) == ("address_blocked", "url")
    assert "redirected" in issue.message and "169.254.169.254" in issue.message


def test_rest_http_errors_show_the_status_and_mask_secrets(
    local_http_server: LocalHttpServer,
) -> None:
    url = local_http_server.route("/private", json={"error": "bad token"}, status=401)
    issue = run_error(REST, {"url": url, "query_params": {"api_key": "k-123"}}, LOCAL)
    assert (issue.code, issue.param) == ("http_error", "url")
    assert "401" in issue.message and "bad token" in issue.message
    assert "k-123" not in issue.message and "api_key=***" in issue.message
    assert "credentials" in issue.hint


def test_rest_records_path_not_found_lists_the_keys(local_http_server: LocalHttpServer) -> None:
    url = local_http_server.route("/x", json={"data": {"rows": []}})
    issue = run_error(REST, {"url": url, "records_path": "data.items"}, LOCAL)
    assert (issue.code, issue.param) == ("path_not_found", "records_path")
    assert "'rows'" in issue.hint


def test_rest_unreachable_service_is_reported(data_root: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"
    issue = run_error(REST, {"url": url}, LOCAL)
    assert (issue.code, issue.param) == ("http_unreachable", "url")


# -- S3 ---------------------------------------------------------------------------------------

S3 = S3ObjectNode()


@pytest.fixture
def bucket(s3_service: S3Service) -> str:
    return s3_service.create_bucket()


def s3_settings(s3_service: S3Service) -> NodeSettings:
    return NodeSettings(s3_endpoint_url=s3_service.endpoint_url)


def test_s3_reads_csv_and_parquet_objects(s3_service: S3Service, bucket: str) -> None:
    frame = pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", "c"], "x": [0.5, 1.0, 1.5]})
    client = s3_service.client()
    client.put_object(Bucket=bucket, Key="in/data.csv", Body=frame.to_csv(index=False).encode())
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    client.put_object(Bucket=bucket, Key="in/data.parquet", Body=buffer.getvalue())
    client.put_object(Bucket=bucket, Key="in/data.bin", Body=buffer.getvalue())
    settings = s3_settings(s3_service)
    for key, fmt in (
        ("in/data.csv", "auto"),
        ("in/data.parquet", "auto"),
        ("in/data.bin", "parquet"),
    ):
        params = {"bucket": bucket, "key": key, "format": fmt}
        assert validate(S3, params, settings) == []
        pd.testing.assert_frame_equal(run(S3, params, settings), frame, check_dtype=False)


def test_s3_fingerprint_is_the_etag_and_changes_with_the_object(
    s3_service: S3Service, bucket: str
) -> None:
    client = s3_service.client()
    client.put_object(Bucket=bucket, Key="f.csv", Body=b"a\n1\n")
    params = S3.Params.model_validate({"bucket": bucket, "key": "f.csv"})
    settings = s3_settings(s3_service)
    first = S3.fingerprint(params, settings)
    assert first == "etag:" + client.head_object(Bucket=bucket, Key="f.csv")["ETag"].strip('"')
    client.put_object(Bucket=bucket, Key="f.csv", Body=b"a\n2\n")
    assert S3.fingerprint(params, settings) not in (None, first)


def test_s3_missing_bucket_and_key_are_reported_on_their_params(
    s3_service: S3Service, bucket: str
) -> None:
    s3_service.client().put_object(Bucket=bucket, Key="sales/2026.csv", Body=b"a\n1\n")
    settings = s3_settings(s3_service)
    issue = run_error(S3, {"bucket": "no-such-bucket-here", "key": "x.csv"}, settings)
    assert (issue.code, issue.param) == ("s3_bucket_not_found", "bucket")
    assert "no-such-bucket-here" in issue.message
    issue = run_error(S3, {"bucket": bucket, "key": "sales/2062.csv"}, settings)
    assert (issue.code, issue.param) == ("s3_key_not_found", "key")
    assert "sales/2026.csv" in issue.hint


def test_s3_unreachable_endpoint_fails_fast_naming_the_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    endpoint = f"http://127.0.0.1:{closed_port()}"
    settings = NodeSettings(s3_endpoint_url=endpoint)
    started = time.monotonic()
    issue = run_error(S3, {"bucket": "data", "key": "x.csv"}, settings)
    assert time.monotonic() - started < 10
    assert issue.code == "s3_unreachable"
    assert endpoint in issue.message and "CANVAS_S3_ENDPOINT_URL" in issue.hint
    assert (
        S3.fingerprint(S3.Params.model_validate({"bucket": "data", "key": "x.csv"}), settings)
        is None
    )


def test_s3_needs_a_format_it_can_tell(data_root: Path) -> None:
    issue = only_issue(validate(S3, {"bucket": "data", "key": "dump.bin"}, NodeSettings()))
    assert (issue.code, issue.param) == ("unknown_format", "format")
    issue = only_issue(validate(S3, {"bucket": "Bad_Bucket", "key": "x.csv"}, NodeSettings()))
    assert (issue.code, issue.param) == ("invalid_bucket", "bucket")


def test_rest_bounds_the_bytes_of_all_pages_together(
    local_http_server: LocalHttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("node_library.nodes.sources.rest_api.MAX_TOTAL_BYTES", 2000)
    url = local_http_server.route("/rows", handler=lambda r: Reply.json([{"pad": "x" * 500}]))
    params = {"url": url, "pagination": {"mode": "page", "max_pages": 50}}
    issue = run_error(REST, params, LOCAL)
    assert (issue.code, issue.param) == ("response_too_large", "pagination")
    assert len(local_http_server.requests) < 5


@pytest.mark.parametrize("dataset", ["iris", "wine", "breast_cancer", "diabetes", "digits"])
def test_sample_dataset_schema_is_known_without_loading_and_equals_the_loaded_frame(
    dataset: str,
) -> None:
    from node_library.nodes.sources.sample_dataset import (
        SampleDatasetNode,
        SampleDatasetParams,
        load_sample,
    )

    params = SampleDatasetParams(dataset=dataset, target_column="label")  # type: ignore[arg-type]
    inferred = SampleDatasetNode().infer_schema(params, {}, NodeSettings())["data"]
    assert inferred is not None and inferred.roles == {"label": Role.TARGET}
    assert inferred.without_roles() == schema_of_frame(load_sample(dataset, "label"))


def test_planning_a_sample_dataset_does_not_import_scikit_learn() -> None:
    code = (
        "import sys\n"
        "from node_library.nodes.sources.sample_dataset import SampleDatasetNode,"
        " SampleDatasetParams\n"
        "from node_library.settings import NodeSettings\n"
        "params = SampleDatasetParams(dataset='wine')\n"
        "SampleDatasetNode().infer_schema(params, {}, NodeSettings())\n"
        "assert 'sklearn' not in sys.modules, 'sklearn was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
