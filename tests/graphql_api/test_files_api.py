"""Data file uploads (GraphQL multipart) against a running server, on SQLite and PostgreSQL: files
are recognized by content, stored under the first data root with server-generated names, read
by the matching source node, and refused cleanly (nothing written) when they are not data."""

from __future__ import annotations

import io
import json
import os
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from canvas_assets.storage.uploads import check_folder, safe_file_name
from node_library.settings import NodeSettings
from tests.graphql_api.conftest import ApiServer

REPO = Path(__file__).resolve().parents[2]

UPLOAD = """mutation($file: Upload!, $folder: String!) {
  uploadDataFile(file: $file, folder: $folder) {
    __typename
    ... on UploadedFile { path name originalName sizeBytes format sourceType sourceParams
      columns { name dtype } }
    ... on InvalidInputError { message field hint }
  }
}"""

SALES_CSV = b"order_id,region,units,price\n1,west,3,9.5\n2,,4,\n3,east,,7.25\n4,west,1,3.0\n"


@pytest.fixture
def uploads_root(api: ApiServer, tmp_path: Path) -> Iterator[Path]:
    """An empty first data root for uploads (the repository's data stays the second)."""
    root = tmp_path / "data_root"
    root.mkdir()
    original = api.services.settings
    api.services.settings = NodeSettings(data_roots=(root.resolve(), (REPO / "data").resolve()))
    yield root.resolve()
    api.services.settings = original


def _multipart(
    api: ApiServer,
    content: bytes,
    filename: str,
    *,
    folder: str = "uploads",
    role: str = "editor",
    preflight: bool = True,
) -> tuple[int, dict[str, Any]]:
    boundary = uuid.uuid4().hex
    operations = {"query": UPLOAD, "variables": {"file": None, "folder": folder}}
    quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
    parts = [
        b'Content-Disposition: form-data; name="operations"\r\n\r\n'
        + json.dumps(operations).encode(),
        b'Content-Disposition: form-data; name="map"\r\n\r\n'
        + json.dumps({"0": ["variables.file"]}).encode(),
        f'Content-Disposition: form-data; name="0"; filename="{quoted}"\r\n'.encode()
        + b"Content-Type: application/octet-stream\r\n\r\n"
        + content,
    ]
    body = b"".join(f"--{boundary}\r\n".encode() + p + b"\r\n" for p in parts)
    body += f"--{boundary}--\r\n".encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Authorization": f"Bearer {api.tokens[role]}",
    }
    if preflight:
        headers["Apollo-Require-Preflight"] = "true"
    request = urllib.request.Request(f"{api.url}/graphql", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _upload(api: ApiServer, content: bytes, filename: str, **kwargs: Any) -> dict[str, Any]:
    status, body = _multipart(api, content, filename, **kwargs)
    assert status == 200 and "errors" not in body, (status, body)
    return body["data"]["uploadDataFile"]


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_an_uploaded_csv_feeds_a_csv_source_and_previews_with_null_counts(
    api: ApiServer, uploads_root: Path
) -> None:
    stored = _upload(api, SALES_CSV, "Sales 2026.csv")
    assert stored["__typename"] == "UploadedFile", stored
    assert stored["path"].startswith("uploads/") and stored["path"].endswith("_Sales_2026.csv")
    assert stored["name"] == stored["path"].split("/")[-1] and len(stored["name"]) == 13 + len(
        "Sales_2026.csv"
    )
    assert (stored["originalName"], stored["format"], stored["sizeBytes"]) == (
        "Sales 2026.csv",
        "csv",
        len(SALES_CSV),
    )
    assert stored["sourceType"] == "sources.csv"
    assert stored["sourceParams"] == {"path": stored["path"], "delimiter": ","}
    assert stored["columns"] == [
        {"name": "order_id", "dtype": "integer"},
        {"name": "region", "dtype": "string"},
        {"name": "units", "dtype": "float"},  # a blank makes it float
        {"name": "price", "dtype": "float"},
    ]
    assert (uploads_root / stored["path"]).read_bytes() == SALES_CSV
    assert _files(uploads_root) == ["uploads", f"uploads/{stored['name']}"]

    document = {
        "schema_version": 1,
        "slug": "uploaded_sales",
        "name": "Uploaded sales",
        "nodes": [{"id": "sales", "type": stored["sourceType"], "params": stored["sourceParams"]}],
        "edges": [],
    }
    report = api.gql(
        """query($d: JSON!) { validateWorkflow(document: $d) {
        ... on ValidationReport { ok issues { message }
            schemas { nodeId columns { name } } } } }""",
        {"d": document},
        role="viewer",
    )["data"]["validateWorkflow"]
    assert report["ok"] is True, report["issues"]
    assert [c["name"] for c in report["schemas"][0]["columns"]] == [
        c["name"] for c in stored["columns"]
    ]

    api.services.import_workflow(document)
    assert api.services.run("uploaded_sales").success
    page = api.gql(
        """{ nodeOutput(workflowId: "uploaded_sales", nodeId: "sales") {
        ... on DataFramePreview { totalRows columns { name nullCount } } } }""",
        role="viewer",
    )["data"]["nodeOutput"]
    assert page["totalRows"] == 4
    assert {c["name"]: c["nullCount"] for c in page["columns"]} == {
        "order_id": 0,
        "region": 1,
        "units": 1,
        "price": 1,
    }


def test_parquet_json_lines_tsv_and_excel_are_recognized_by_content(
    api: ApiServer, uploads_root: Path
) -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    parquet, excel = io.BytesIO(), io.BytesIO()
    frame.to_parquet(parquet, index=False)
    frame.to_excel(excel, index=False)
    jsonl = b'{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n'
    cases = [
        (parquet.getvalue(), "table.csv", "parquet", "sources.parquet", ".csv.parquet", {}),
        (jsonl, "events.json", "jsonl", "sources.json", ".json.jsonl", {"lines": True}),
        (
            b'[{"a": 1, "b": "x"}]',
            "records.json",
            "json",
            "sources.json",
            ".json",
            {"lines": False},
        ),
        (b"a\tb\n1\tx\n", "sheet.tsv", "tsv", "sources.csv", ".tsv", {"delimiter": "\t"}),
        (excel.getvalue(), "book.xlsx", "xlsx", "sources.excel", ".xlsx", {}),
    ]
    for content, name, fmt, source, suffix, params in cases:
        stored = _upload(api, content, name, folder="uploads/2026")
        assert stored["__typename"] == "UploadedFile", (name, stored)
        assert (stored["format"], stored["sourceType"]) == (fmt, source), name
        assert stored["name"].endswith(suffix), stored["name"]
        assert stored["sourceParams"] == {"path": stored["path"], **params}
        assert [c["name"] for c in stored["columns"]] == ["a", "b"], name
        assert stored["path"].startswith("uploads/2026/")


def test_files_that_are_not_data_are_refused_by_content_and_nothing_is_written(
    api: ApiServer, uploads_root: Path
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("notes.txt", "hello")
    cases = [
        (png, "photo.csv", "PNG image"),
        (np.random.default_rng(7).bytes(4096), "random.csv", "not UTF-8"),
        (archive.getvalue(), "book.xlsx", "zip archive"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "paper.csv", "PDF"),
        (b'[{"a": 1},', "broken.json", "not valid JSON"),
        (b"a,b\n1,2\x00\n", "nul.csv", "control character"),
        (b"PAR1 then nothing", "cut.parquet", "cut short"),
        (b"", "empty.csv", "empty"),
        (b"a,b\n1,2,3,4\n5\n", "ragged.csv", "ragged.csv"),
    ]
    for content, name, expected in cases:
        result = _upload(api, content, name)
        assert result["__typename"] == "InvalidInputError", (name, result)
        assert expected in result["message"], (name, result["message"])
        assert result["field"] == "file" and result["hint"]
    assert _files(uploads_root) == []


def test_an_upload_over_the_size_cap_is_refused_and_nothing_is_written(
    api: ApiServer, uploads_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANVAS_UPLOAD_MAX_BYTES", str(len(SALES_CSV) - 1))
    result = _upload(api, SALES_CSV, "sales.csv")
    assert result["__typename"] == "InvalidInputError"
    assert "larger than the upload limit" in result["message"]
    assert "CANVAS_UPLOAD_MAX_BYTES" in result["hint"]
    assert _files(uploads_root) == []
    monkeypatch.setenv("CANVAS_UPLOAD_MAX_BYTES", str(len(SALES_CSV)))
    assert _upload(api, SALES_CSV, "sales.csv")["__typename"] == "UploadedFile"


def test_hostile_file_names_are_stored_safely_inside_the_folder(
    api: ApiServer, uploads_root: Path
) -> None:
    names = {
        "../../x.csv": "_x.csv",
        "..\\..\\windows\\y.csv": "_y.csv",
        "dir/sub/z.csv": "_z.csv",
        "nul\x00byte.csv": "_nul_byte.csv",
        ".hidden.csv": "_hidden.csv",
        "données 2026.csv": "_donnees_2026.csv",
        "....": "_upload.csv",
        'quote".csv': "_quote.csv",
    }
    for original, suffix in names.items():
        stored = _upload(api, SALES_CSV, original)
        assert stored["__typename"] == "UploadedFile", (original, stored)
        assert stored["path"] == f"uploads/{stored['name']}" and stored["name"].endswith(suffix)
        path = (uploads_root / stored["path"]).resolve()
        assert path.parent == uploads_root / "uploads" and path.read_bytes() == SALES_CSV
    assert len(os.listdir(uploads_root / "uploads")) == len(names)
    assert _files(uploads_root.parent / "data_root") == _files(uploads_root)


def test_hostile_folders_are_refused_and_nothing_is_written(
    api: ApiServer, uploads_root: Path
) -> None:
    outside = uploads_root.parent / "outside"
    outside.mkdir()
    (uploads_root / "link").symlink_to(outside, target_is_directory=True)
    for folder in ("../x", "/etc", "uploads/../../b", "%2e%2e/x", "a\\b", ".git", "link", "~/x"):
        result = _upload(api, SALES_CSV, "sales.csv", folder=folder)
        assert result["__typename"] == "InvalidInputError", (folder, result)
        assert result["field"] == "folder" and "folder" in result["message"], result
    assert _files(uploads_root) == ["link"] and list(outside.iterdir()) == []


def test_uploads_need_the_editor_role_and_a_preflight_header(
    api: ApiServer, uploads_root: Path
) -> None:
    status, body = _multipart(api, SALES_CSV, "sales.csv", role="viewer")
    assert status == 200 and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    status, body = _multipart(api, SALES_CSV, "sales.csv", preflight=False)
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "PREFLIGHT_REQUIRED"
    assert "Apollo-Require-Preflight" in body["errors"][0]["message"]
    assert _files(uploads_root) == []


def test_safe_file_names_keep_only_plain_characters_and_fix_the_extension() -> None:
    assert safe_file_name("report.CSV", (".csv",)) == "report.csv"
    assert safe_file_name("data.csv", (".parquet", ".pq")) == "data.csv.parquet"
    assert safe_file_name("a/b/../c.tsv", (".tsv",)) == "c.tsv"
    assert safe_file_name(None, (".json",)) == "upload.json"
    assert safe_file_name("x" * 300 + ".csv", (".csv",)) == "x" * 80 + ".csv"
    assert check_folder("uploads/2026/") == ("uploads", "2026")
    assert check_folder("") == ()
