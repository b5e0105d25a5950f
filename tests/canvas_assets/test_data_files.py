"""The file browser's service (canvas_assets.storage.data_files): folders of the data roots,
confined like the file sources' paths, and previews read by the source node that reads the file."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from canvas_assets.storage.data_files import (
    DataFileError,
    kind_of_name,
    list_data_folder,
    preview_data_file,
)
from node_library.registry import NodeRegistry, default_registry
from node_library.settings import NodeSettings


@pytest.fixture(scope="module")
def registry() -> NodeRegistry:
    return default_registry()


@pytest.fixture
def roots(tmp_path: Path) -> tuple[Path, Path]:
    """Two data roots: 'first' with a few kinds of file, 'second' with a clash and more."""
    first = tmp_path / "first"
    second = tmp_path / "second"
    (first / "sales" / "2026").mkdir(parents=True)
    (second / "sales").mkdir(parents=True)
    (first / "orders.csv").write_text("id;region;units\n1;west;3\n2;east;\n3;north;5\n")
    (first / "notes.txt").write_text("not data")
    (first / ".upload-0123.part").write_text("in flight")
    (first / "sales" / "q1.csv").write_text("a,b\n1,2\n")
    (second / "orders.csv").write_text("shadowed,by,first\n")
    (second / "sales" / "q2.csv").write_text("a,b\n3,4\n")
    (second / "zeta.jsonl").write_text('{"a": 1}\n{"a": 2, "b": "x"}\n')
    return first, second


def _settings(*roots: Path) -> NodeSettings:
    return NodeSettings(data_roots=tuple(r.resolve() for r in roots))


def test_the_top_merges_the_roots_folders_first_without_hidden_files(
    roots: tuple[Path, Path],
) -> None:
    listing = list_data_folder("", _settings(*roots))
    assert (listing.folder, listing.parent, listing.roots) == ("", None, 2)
    shown = [(e.name, e.is_folder, e.kind.kind if e.kind else None) for e in listing.entries]
    assert shown == [
        ("sales", True, None),
        ("notes.txt", False, None),
        ("orders.csv", False, "csv"),
        ("zeta.jsonl", False, "jsonl"),
    ]
    orders = listing.entries[2]
    # the first root's file hides the second's, as a source reads the first root holding a path
    assert orders.size_bytes == (roots[0] / "orders.csv").stat().st_size
    assert orders.path == "orders.csv" and orders.kind and orders.kind.source_type == "sources.csv"
    assert listing.entries[0].size_bytes is None
    assert listing.total_entries == 4


def test_a_folder_lists_both_roots_and_names_its_parent(roots: tuple[Path, Path]) -> None:
    listing = list_data_folder("sales/", _settings(*roots))
    assert (listing.folder, listing.parent) == ("sales", "")
    assert [e.path for e in listing.entries] == ["sales/2026", "sales/q1.csv", "sales/q2.csv"]
    deeper = list_data_folder("sales/2026", _settings(*roots))
    assert (deeper.parent, deeper.entries) == ("sales", ())


def test_a_long_folder_is_cut_and_says_how_many_entries_it_has(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"f{i:02}.csv").write_text("a\n1\n")
    listing = list_data_folder("", _settings(tmp_path), max_entries=10)
    assert [e.name for e in listing.entries] == [f"f{i:02}.csv" for i in range(10)]
    assert listing.total_entries == 30


@pytest.mark.parametrize(
    ("folder", "reason"),
    [
        ("..", "'..' segment"),
        ("sales/../..", "'..' segment"),
        ("/etc", "is absolute"),
        ("C:/Windows", "is absolute"),
        ("%2e%2e", "once its percent-escapes are decoded"),
        ("sales\\..", "backslash"),
        ("~/secrets", "'~'"),
        ("sales\x00", "NUL"),
    ],
)
def test_hostile_folders_are_refused_before_anything_is_read(
    roots: tuple[Path, Path], folder: str, reason: str
) -> None:
    with pytest.raises(DataFileError) as caught:
        list_data_folder(folder, _settings(*roots))
    assert reason in str(caught.value)
    assert caught.value.field == "folder"
    assert "relative to the data roots" in caught.value.hint


def test_symbolic_links_out_of_the_root_are_refused_and_left_out_of_listings(
    roots: tuple[Path, Path], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text("password\nhunter2\n")
    first = roots[0]
    (first / "escape").symlink_to(outside, target_is_directory=True)
    (first / "secret.csv").symlink_to(outside / "secret.csv")
    (first / "dangling").symlink_to(tmp_path / "nowhere")
    (first / "inside.csv").symlink_to(first / "orders.csv")  # a link inside the root is fine
    settings = _settings(first)

    names = [e.name for e in list_data_folder("", settings).entries]
    assert "escape" not in names and "secret.csv" not in names and "dangling" not in names
    assert "inside.csv" in names
    with pytest.raises(DataFileError, match="leads outside the data root through a symbolic"):
        list_data_folder("escape", settings)
    with pytest.raises(DataFileError, match="leads outside the data root"):
        preview_data_file("secret.csv", settings, default_registry())
    with pytest.raises(DataFileError, match="leads outside the data root"):
        preview_data_file("escape/secret.csv", settings, default_registry())


def test_missing_folders_files_and_no_roots_say_what_to_do(roots: tuple[Path, Path]) -> None:
    settings = _settings(*roots)
    with pytest.raises(DataFileError, match="folder 'nope' does not exist in any data root"):
        list_data_folder("nope", settings)
    with pytest.raises(DataFileError, match=re.escape("'orders.csv' is a file, not a folder")):
        list_data_folder("orders.csv", settings)
    with pytest.raises(DataFileError, match="no data roots are configured") as caught:
        list_data_folder("", NodeSettings(data_roots=()))
    assert "CANVAS_DATA_ROOTS" in caught.value.hint


def test_a_csv_preview_sniffs_the_delimiter_and_shows_the_nodes_dtypes(
    roots: tuple[Path, Path], registry: NodeRegistry
) -> None:
    preview = preview_data_file("orders.csv", _settings(*roots), registry, rows=2)
    assert (preview.kind.kind, preview.kind.source_type) == ("csv", "sources.csv")
    assert preview.source_params == {"path": "orders.csv", "delimiter": ";"}
    # dtypes come from the node's inference over the whole file (a blank makes units float)
    assert [(c.name, c.dtype.value) for c in preview.columns or ()] == [
        ("id", "integer"),
        ("region", "string"),
        ("units", "float"),
    ]
    assert preview.rows == [[1, "west", 3], [2, "east", None]]
    assert preview.note is None


def test_a_large_compressed_csv_previews_from_its_first_lines(
    tmp_path: Path, registry: NodeRegistry
) -> None:
    lines = ["n,label\n"] + [f"{i},row {i}\n" for i in range(200_000)]
    (tmp_path / "big.csv.gz").write_bytes(gzip.compress("".join(lines).encode()))
    preview = preview_data_file("big.csv.gz", _settings(tmp_path), registry, rows=3)
    assert preview.rows == [[0, "row 0"], [1, "row 1"], [2, "row 2"]]
    assert preview.source_params["delimiter"] == ","


def test_parquet_excel_and_json_previews_use_their_nodes_readers(
    tmp_path: Path, registry: NodeRegistry
) -> None:
    frame = pd.DataFrame(
        {
            "when": pd.date_range("2026-01-01", periods=50, freq="D"),
            "value": np.arange(50, dtype="float64"),
            "name": [f"n{i}" for i in range(50)],
        }
    ).set_index("name")  # a named index comes back as a column, as the node reads it
    frame.to_parquet(tmp_path / "t.parquet")
    frame.reset_index().to_excel(tmp_path / "t.xlsx", index=False)
    (tmp_path / "t.json").write_text(json.dumps({"data": [{"a": {"b": 1}}, {"a": {"b": 2}}]}))
    (tmp_path / "records.json").write_text(json.dumps([{"a": 1}, {"a": 2}, {"a": 3}]))
    settings = _settings(tmp_path)

    parquet = preview_data_file("t.parquet", settings, registry, rows=3)
    assert [(c.name, c.dtype.value) for c in parquet.columns or ()] == [
        ("name", "string"),
        ("when", "datetime"),
        ("value", "float"),
    ]
    assert parquet.rows == [
        ["n0", "2026-01-01T00:00:00", 0.0],
        ["n1", "2026-01-02T00:00:00", 1.0],
        ["n2", "2026-01-03T00:00:00", 2.0],
    ]
    excel = preview_data_file("t.xlsx", settings, registry, rows=2)
    assert excel.kind.source_type == "sources.excel"
    assert excel.rows == [["n0", "2026-01-01T00:00:00", 0.0], ["n1", "2026-01-02T00:00:00", 1.0]]
    records = preview_data_file("records.json", settings, registry, rows=2)
    assert (records.source_params, records.rows) == (
        {"path": "records.json", "lines": False},
        [[1], [2]],
    )
    # records nested under a key need record_path: the node's own error, with its hint
    with pytest.raises(DataFileError) as caught:
        preview_data_file("t.json", settings, registry)
    assert "record_path" in str(caught.value) + caught.value.hint


def test_bad_files_get_the_source_nodes_clear_errors(
    roots: tuple[Path, Path], registry: NodeRegistry
) -> None:
    first = roots[0]
    (first / "broken.parquet").write_bytes(b"PAR1 not really")
    (first / "ragged.csv").write_text("a,b\n1,2\n3,4,5\n")
    (first / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings = _settings(*roots)

    with pytest.raises(
        DataFileError, match=re.escape("'broken.parquet' is not a readable Parquet file")
    ):
        preview_data_file("broken.parquet", settings, registry)
    with pytest.raises(DataFileError, match="line 3 has 3 fields but the header has 2") as caught:
        preview_data_file("ragged.csv", settings, registry)
    assert "delimiter" in caught.value.hint
    with pytest.raises(
        DataFileError, match=re.escape("'picture.png' is not a data file")
    ) as caught:
        preview_data_file("picture.png", settings, registry)
    assert ".parquet" in caught.value.hint
    with pytest.raises(DataFileError, match="does not exist in any data root") as caught:
        preview_data_file("order.csv", settings, registry)
    assert caught.value.hint.startswith("did you mean 'orders.csv'")
    with pytest.raises(DataFileError, match=re.escape("'..' segment")):
        preview_data_file("../first/orders.csv", settings, registry)
    with pytest.raises(DataFileError, match="is absolute"):
        preview_data_file(os.fspath(first / "orders.csv"), settings, registry)
    with pytest.raises(DataFileError, match="rows must be between 1 and 100") as caught:
        preview_data_file("orders.csv", settings, registry, rows=0)
    assert caught.value.field == "rows"


def test_kinds_come_from_names_and_compression_only_wraps_csv() -> None:
    assert kind_of_name("a.TSV") is not None and kind_of_name("a.TSV").options == (  # type: ignore[union-attr]
        ("delimiter", "\t"),
    )
    assert [
        getattr(kind_of_name(n), "kind", None)
        for n in ("a.csv.gz", "a.parquet", "a.xlsx", "a.ndjson", "a.json.gz", "a.xls", "a")
    ] == ["csv", "parquet", "excel", "jsonl", None, None, None]
