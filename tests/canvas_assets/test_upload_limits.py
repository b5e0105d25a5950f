"""Files that expand far beyond their size are refused before any parser reads them: on upload
(nothing is stored), on validation (an issue, fast) and on a run. Bombs are generated small."""

from __future__ import annotations

import bz2
import gzip
import io
import time
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from canvas_assets.storage.uploads import StoredUpload, UploadRefused, store_upload
from node_library.contract import NodeError, Severity
from node_library.graph import Node, Workflow
from node_library.nodes.sources.csv_file import CsvFileNode, CsvFileParams
from node_library.nodes.sources.excel_file import ExcelFileNode, ExcelFileParams
from node_library.nodes.sources.parquet_file import ParquetFileNode, ParquetFileParams
from node_library.registry import NodeRegistry, default_registry
from node_library.safety.file_limits import FileLimits, check_xlsx, open_data_file
from node_library.schema import Dtype
from node_library.settings import NodeSettings
from node_library.validation import validate_workflow

FAST_S = 2.0

_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEETML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEETML}.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _row(number: int) -> str:
    return (
        f'<row r="{number}"><c r="A{number}"><v>{number}</v></c><c r="B{number}"><v>1</v></c></row>'
    )


def xlsx_bytes(dimension: str, rows: int = 3, padding_rows: int = 0) -> bytes:
    """A minimal workbook: a header row, `rows` data rows, and `padding_rows` identical rows
    (which compress about a thousand times)."""
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>one</t></is></c></row>'
    )
    body = "".join(_row(i) for i in range(2, rows + 2))
    padding = '<row r="9"><c r="B9"><v>1</v></c></row>' * padding_rows
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{header}{body}{padding}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def gzip_bomb(expanded_mb: int = 40) -> bytes:
    line = b"1,2\n" * 256 * 1024  # 1 MB
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as out:
        out.write(b"a,b\n")
        for _ in range(expanded_mb):
            out.write(line)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def registry() -> NodeRegistry:
    return default_registry()


@pytest.fixture
def settings(data_root: Path) -> NodeSettings:
    return NodeSettings(data_roots=(data_root.resolve(),))


def _upload(
    content: bytes, name: str, settings: NodeSettings, registry: NodeRegistry
) -> StoredUpload:
    return store_upload(io.BytesIO(content), name, "uploads", settings, registry)


def _refused_fast(
    content: bytes, name: str, settings: NodeSettings, registry: NodeRegistry
) -> UploadRefused:
    started = time.monotonic()
    with pytest.raises(UploadRefused) as caught:
        _upload(content, name, settings, registry)
    assert time.monotonic() - started < FAST_S
    root = settings.data_roots[0]
    assert [p.name for p in root.rglob("*")] == [], "a refused upload leaves nothing behind"
    return caught.value


# -- xlsx ---------------------------------------------------------------------------------------


def test_a_workbook_whose_sheet_claims_two_million_rows_is_refused_before_parsing(
    settings: NodeSettings, registry: NodeRegistry
) -> None:
    refused = _refused_fast(xlsx_bytes("A1:B2000000"), "big.xlsx", settings, registry)
    assert "2,000,000 rows" in str(refused)
    assert "1,048,576" in str(refused)


def test_a_sheet_over_the_row_cap_is_refused_naming_the_cap_and_its_setting(
    settings: NodeSettings, registry: NodeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANVAS_MAX_ROWS", "1000")
    refused = _refused_fast(xlsx_bytes("A1:B5001"), "rows.xlsx", settings, registry)
    assert "5,001 rows" in str(refused) and "1,000 rows" in str(refused)
    assert "CANVAS_MAX_ROWS" in refused.hint


def test_a_sheet_over_the_cell_cap_is_refused_naming_the_cap_and_its_setting(
    settings: NodeSettings, registry: NodeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANVAS_MAX_CELLS", "1000000")
    refused = _refused_fast(xlsx_bytes("A1:XFD1000"), "cells.xlsx", settings, registry)
    assert "16,384,000 cells" in str(refused) and "1,000,000 cells" in str(refused)
    assert "CANVAS_MAX_CELLS" in refused.hint


def test_a_workbook_member_that_expands_more_than_the_ratio_cap_is_refused_as_a_bomb(
    settings: NodeSettings, registry: NodeRegistry
) -> None:
    # 40 MB of identical rows in a zip of a few tens of KB; the dimension lies ("A1:B4").
    bomb = xlsx_bytes("A1:B4", padding_rows=1_000_000)
    assert len(bomb) < 200_000
    refused = _refused_fast(bomb, "bomb.xlsx", settings, registry)
    assert "decompression bomb" in str(refused) and "100:1" in str(refused)
    assert "CANVAS_MAX_EXPANSION_RATIO" in refused.hint


def test_a_workbook_over_the_expanded_size_cap_is_refused(
    settings: NodeSettings, registry: NodeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANVAS_MAX_EXPANDED_BYTES", "4096")
    refused = _refused_fast(xlsx_bytes("A1:B200", rows=200), "wide.xlsx", settings, registry)
    assert "when unzipped" in str(refused)
    assert "CANVAS_MAX_EXPANDED_BYTES" in refused.hint


def test_a_small_honest_workbook_is_still_accepted_with_its_columns(
    settings: NodeSettings, registry: NodeRegistry
) -> None:
    stored = _upload(xlsx_bytes("A1:B4"), "ok.xlsx", settings, registry)
    assert stored.format == "xlsx"
    assert [c.name for c in stored.columns or ()] == ["n", "one"]


def test_validating_a_bomb_already_in_the_data_root_gives_an_issue_fast(
    settings: NodeSettings, registry: NodeRegistry
) -> None:
    (settings.data_roots[0] / "bomb.xlsx").write_bytes(xlsx_bytes("A1:B2000000"))
    workflow = Workflow(
        slug="bombs",
        name="Bombs",
        nodes=[Node(id="read", type="sources.excel", params={"path": "bomb.xlsx"})],
    )
    started = time.monotonic()
    result = validate_workflow(workflow, registry, settings)
    assert time.monotonic() - started < FAST_S
    issue = next(i for i in result.issues if i.node_id == "read")
    assert issue.code == "file_too_large" and issue.param == "path"
    assert issue.severity is Severity.ERROR and "2,000,000 rows" in issue.message


def test_a_run_refuses_the_bomb_too(settings: NodeSettings) -> None:
    path = settings.data_roots[0] / "bomb.xlsx"
    path.write_bytes(xlsx_bytes("A1:B4", padding_rows=1_000_000))
    node = ExcelFileNode()
    params = ExcelFileParams(path="bomb.xlsx")
    started = time.monotonic()
    with pytest.raises(NodeError, match="decompression bomb"):
        node.read_frame(path, params)
    assert time.monotonic() - started < FAST_S


def test_check_xlsx_reads_only_the_central_directory_of_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert check_xlsx(path, "'junk.xlsx'", FileLimits()).expanded_bytes == 0


# -- compressed text ----------------------------------------------------------------------------


def test_a_gzip_bomb_is_validated_from_a_prefix_and_refused_fast_by_a_run(
    settings: NodeSettings,
) -> None:
    path = settings.data_roots[0] / "bomb.csv.gz"
    path.write_bytes(gzip_bomb())
    node = CsvFileNode()
    params = CsvFileParams(path="bomb.csv.gz")
    started = time.monotonic()
    assert node.validate(params, {}, settings) == []  # the schema needs only the first lines
    assert time.monotonic() - started < FAST_S
    started = time.monotonic()
    with pytest.raises(NodeError) as caught:
        node.read_frame(path, params)
    assert time.monotonic() - started < FAST_S
    issue = caught.value.issue
    assert issue.code == "file_too_large" and "gzip" in issue.message
    assert "decompression bomb" in issue.message and "CANVAS_MAX_EXPANSION_RATIO" in issue.hint


def test_gzip_and_bzip2_csv_files_are_read_by_content_under_the_caps(
    settings: NodeSettings,
) -> None:
    text = b"a,b\n1,x\n2,y\n"
    root = settings.data_roots[0]
    (root / "small.csv.gz").write_bytes(gzip.compress(text))
    (root / "named_wrong.csv").write_bytes(bz2.compress(text))
    node = CsvFileNode()
    for name in ("small.csv.gz", "named_wrong.csv"):
        params = CsvFileParams(path=name)
        assert node.validate(params, {}, settings) == []
        frame = node.read_frame(root / name, params)
        assert frame.to_dict("list") == {"a": [1, 2], "b": ["x", "y"]}


def test_a_gzip_stream_over_the_expanded_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.gz"
    path.write_bytes(gzip.compress(b"x" * 100_000))
    limits = FileLimits(max_expanded_bytes=50_000)
    with (
        open_data_file(path, "'big.gz'", limits) as stream,
        pytest.raises(ValueError, match="expands to more than"),
    ):
        stream.read()


def test_a_zip_archive_given_to_the_csv_source_gets_a_hint_to_extract_it(
    settings: NodeSettings,
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "a\n1\n")
    (settings.data_roots[0] / "a.csv.zip").write_bytes(buffer.getvalue())
    issues = CsvFileNode().validate(CsvFileParams(path="a.csv.zip"), {}, settings)
    assert [i.code for i in issues] == ["file_too_large"]
    assert "zip archive" in issues[0].message and "extract" in issues[0].hint


# -- parquet ------------------------------------------------------------------------------------


def test_a_parquet_file_over_the_row_cap_is_refused_from_its_footer(
    settings: NodeSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = settings.data_roots[0] / "many.parquet"
    pq.write_table(pa.table({"a": pa.array([1] * 5000)}), path)
    monkeypatch.setenv("CANVAS_MAX_ROWS", "1000")
    issues = ParquetFileNode().validate(ParquetFileParams(path="many.parquet"), {}, settings)
    assert [i.code for i in issues] == ["file_too_large"]
    assert "5,000 rows" in issues[0].message and "CANVAS_MAX_ROWS" in issues[0].hint
    monkeypatch.delenv("CANVAS_MAX_ROWS")
    assert len(pd.read_parquet(path)) == 5000


# -- wide CSV -------------------------------------------------------------------------------------


def test_a_csv_with_twenty_thousand_columns_uploads_with_the_right_shape(
    settings: NodeSettings, registry: NodeRegistry
) -> None:
    columns = 20_000
    header = ",".join(f"c{i}" for i in range(columns))
    rows = "\n".join(",".join(str((r + i) % 7) for i in range(columns)) for r in range(3))
    stored = _upload(f"{header}\n{rows}\n".encode(), "wide.csv", settings, registry)
    assert stored.format == "csv" and stored.source_params["delimiter"] == ","
    # The columns come from the CSV source reading the stored file (whole: it is small).
    assert [c.name for c in stored.columns or ()] == [f"c{i}" for i in range(columns)]
    assert {c.dtype for c in stored.columns or ()} == {Dtype.INTEGER}
    assert pd.read_csv(settings.data_roots[0] / stored.path).shape == (3, columns)
