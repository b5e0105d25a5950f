"""The file browser's queries against a running server: `dataFiles` lists a folder of the data
roots, `dataFilePreview` reads a file's first rows with its source node, and every refusal is an
InvalidInputError naming the field and the fix (never a 500, never a read outside the roots).
The service's cases in depth: tests/canvas_assets/test_data_files.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from node_library.settings import NodeSettings
from tests.graphql_api.conftest import ApiServer

FOLDER = """query($folder: String!) {
  dataFiles(folder: $folder) {
    __typename
    ... on DataFolder { folder parent totalEntries
      entries { name path isFolder sizeBytes modified kind sourceType } }
    ... on InvalidInputError { message field hint }
  }
}"""

PREVIEW = """query($path: String!, $rows: Int!) {
  dataFilePreview(path: $path, rows: $rows) {
    __typename
    ... on DataFilePreview { path name sizeBytes kind sourceType sourceParams
      columns { name dtype } rows note }
    ... on InvalidInputError { message field hint }
  }
}"""


@pytest.fixture
def data_root(api: ApiServer, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "root"
    (root / "sales").mkdir(parents=True)
    (root / "sales" / "q1.csv").write_text("region|units\nwest|3\neast|4\n")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text("password\nhunter2\n")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    original = api.services.settings
    api.services.settings = NodeSettings(data_roots=(root.resolve(),))
    yield root
    api.services.settings = original


def test_a_viewer_browses_folders_and_previews_a_file_as_its_source_reads_it(
    api: ApiServer, data_root: Path
) -> None:
    top = api.gql(FOLDER, {"folder": ""}, role="viewer")["data"]["dataFiles"]
    assert top["__typename"] == "DataFolder", top
    assert (top["folder"], top["parent"], top["totalEntries"]) == ("", None, 2)
    assert [(e["name"], e["isFolder"], e["kind"]) for e in top["entries"]] == [
        ("sales", True, None),
        ("photo.png", False, None),
    ]
    sales = api.gql(FOLDER, {"folder": "sales"}, role="viewer")["data"]["dataFiles"]
    (q1,) = sales["entries"]
    assert (sales["parent"], q1["path"], q1["kind"], q1["sourceType"]) == (
        "",
        "sales/q1.csv",
        "csv",
        "sources.csv",
    )
    assert q1["sizeBytes"] == (data_root / "sales" / "q1.csv").stat().st_size
    assert q1["modified"].endswith("+00:00")

    preview = api.gql(PREVIEW, {"path": "sales/q1.csv", "rows": 20}, role="viewer")
    shown = preview["data"]["dataFilePreview"]
    assert shown["__typename"] == "DataFilePreview", shown
    assert shown["sourceParams"] == {"path": "sales/q1.csv", "delimiter": "|"}
    assert shown["columns"] == [
        {"name": "region", "dtype": "string"},
        {"name": "units", "dtype": "integer"},
    ]
    assert (shown["rows"], shown["note"]) == ([["west", 3], ["east", 4]], None)


@pytest.mark.parametrize(
    ("query", "variables", "field", "says"),
    [
        (FOLDER, {"folder": "../.."}, "folder", "has a '..' segment"),
        (FOLDER, {"folder": "/etc"}, "folder", "is absolute"),
        (FOLDER, {"folder": "linked"}, "folder", "leads outside the data root"),
        (PREVIEW, {"path": "linked/secret.csv", "rows": 5}, "path", "leads outside"),
        (PREVIEW, {"path": "/etc/passwd", "rows": 5}, "path", "is absolute"),
        (PREVIEW, {"path": "photo.png", "rows": 5}, "path", "is not a data file"),
        (PREVIEW, {"path": "sales/q2.csv", "rows": 5}, "path", "does not exist"),
        (PREVIEW, {"path": "sales/q1.csv", "rows": 5000}, "rows", "between 1 and 100"),
    ],
)
def test_hostile_or_bad_requests_come_back_as_invalid_input(
    api: ApiServer,
    data_root: Path,
    query: str,
    variables: dict[str, object],
    field: str,
    says: str,
) -> None:
    body = api.gql(query, variables, role="viewer")
    assert "errors" not in body, body
    (result,) = body["data"].values()
    assert result["__typename"] == "InvalidInputError", result
    assert says in result["message"] and result["field"] == field
    assert result["hint"], result
    assert "hunter2" not in str(body)


def test_browsing_needs_a_signed_in_caller(api: ApiServer, data_root: Path) -> None:
    body = api.gql(FOLDER, {"folder": ""}, role=None)
    assert body["data"] is None and "not signed in" in body["errors"][0]["message"].lower()
