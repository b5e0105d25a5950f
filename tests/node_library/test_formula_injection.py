"""Formula injection: text that a spreadsheet would run as a formula is neutralized in the CSV and
Excel files we write (numbers never), and the export node's `raw_values` keeps it raw."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pandas as pd
import pytest

from node_library.contract import RecordingContext
from node_library.graph import load_workflow
from node_library.nodes.outputs.export import ExportNode, ExportParams
from node_library.registry import default_registry
from node_library.safety.formulas import neutralize_frame, neutralize_text
from node_library.settings import NodeSettings
from node_library.values import FileValue

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1", "-cmd", "@SUM(A1:A9)", "\t=1", "\r=1"]


def hostile_frame() -> pd.DataFrame:
    count = len(HOSTILE) + 1
    return pd.DataFrame(
        {
            "text": [*HOSTILE, "plain"],
            "number": [-5, +3, -1.5, 0, 7, -2, 1],
            "mixed": pd.Series(["=1+1", -5, None, "ok", "@x", 2.5, "-"], dtype=object),
            "kind": pd.Categorical(["=cat", "b", "b", "b", "b", "b", "-c"]),
            "=header": range(count),
        }
    )


def read_csv(file: FileValue) -> dict[str, list[str]]:
    """The CSV's columns as written (the csv module keeps a quoted carriage return)."""
    header, *rows = list(csv.reader(io.StringIO(file.content.decode(), newline="")))
    return {name: [row[i] for row in rows] for i, name in enumerate(header)}


def export(frame: pd.DataFrame, **params: Any) -> FileValue:
    node = ExportNode()
    parsed = ExportParams.model_validate({"file_name": "out", **params})
    file: FileValue = node.execute(RecordingContext(settings=NodeSettings()), parsed, data=frame)[
        "file"
    ]
    return file


def test_neutralize_text_quotes_only_text_that_starts_like_a_formula() -> None:
    assert [neutralize_text(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert neutralize_text("\uff1dcmd") == "'\uff1dcmd"  # fullwidth '='
    assert [neutralize_text(v) for v in ("plain", "a=b", " =1", "")] == ["plain", "a=b", " =1", ""]


def test_a_frame_without_formula_like_text_is_returned_as_is() -> None:
    frame = pd.DataFrame({"a": [-5, 1], "b": ["x", "y"]})
    assert neutralize_frame(frame) is frame


def test_csv_export_quotes_formula_like_text_and_leaves_numbers_alone() -> None:
    frame = hostile_frame()
    back = read_csv(export(frame, format="csv"))
    assert list(back) == ["text", "number", "mixed", "kind", "'=header"]
    assert back["text"] == ["'" + v for v in HOSTILE] + ["plain"]
    assert back["number"] == ["-5.0", "3.0", "-1.5", "0.0", "7.0", "-2.0", "1.0"]  # numbers
    assert back["mixed"] == ["'=1+1", "-5", "", "ok", "'@x", "2.5", "'-"]
    assert back["kind"] == ["'=cat", "b", "b", "b", "b", "b", "'-c"]
    assert frame["text"].tolist()[0].startswith("=")  # the input is not modified


def test_csv_export_with_raw_values_keeps_the_text_as_is() -> None:
    back = read_csv(export(hostile_frame(), format="csv", raw_values=True))
    assert list(back)[-1] == "=header"
    assert back["text"] == [*HOSTILE, "plain"]


def _sheet(file: FileValue) -> Any:
    return openpyxl.load_workbook(io.BytesIO(file.content))["data"]


def test_excel_export_stores_formula_like_text_as_text_never_as_a_formula() -> None:
    sheet = _sheet(export(hostile_frame(), format="excel"))
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [sheet.cell(row=r, column=1) for r in range(2, len(HOSTILE) + 2)]
    # The exact text, shown as text (XML reads a carriage return back as a line feed).
    assert [c.value for c in texts] == [v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    header = sheet.cell(row=1, column=5)
    assert (header.value, header.data_type, header.quotePrefix) == ("=header", "s", True)
    numbers = [sheet.cell(row=r, column=2) for r in range(2, 9)]
    assert [c.value for c in numbers] == [-5, 3, -1.5, 0, 7, -2, 1]
    assert {c.data_type for c in numbers} == {"n"} and not any(c.quotePrefix for c in numbers)
    assert sheet.cell(row=3, column=3).value == -5 and sheet.cell(row=3, column=3).data_type == "n"
    assert sheet.cell(row=2, column=4).quotePrefix  # "=cat" in a category column


def test_excel_export_marks_every_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    from node_library.nodes.outputs import export as export_module

    monkeypatch.setattr(export_module, "EXCEL_CHUNK_ROWS", 3)
    sheet = _sheet(export(hostile_frame(), format="excel"))
    assert [sheet.cell(row=r, column=1).quotePrefix for r in range(2, 9)] == [True] * 6 + [False]
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_excel_export_with_raw_values_writes_formulas_as_before() -> None:
    sheet = _sheet(export(hostile_frame(), format="excel", raw_values=True))
    assert sheet.cell(row=2, column=1).data_type == "f"
    assert sheet.cell(row=1, column=5).data_type == "f"


def test_json_and_parquet_exports_are_not_touched() -> None:
    frame = hostile_frame().drop(columns="mixed")  # parquet needs one type per column
    back = pd.read_parquet(io.BytesIO(export(frame, format="parquet").content))
    assert back["text"].tolist() == [*HOSTILE, "plain"]
    assert HOSTILE[2] in export(frame, format="json").content.decode()


def test_an_export_node_saved_by_version_1_loads_with_raw_values_off() -> None:
    registry = default_registry()
    document = {
        "schema_version": 1,
        "slug": "old",
        "name": "Old",
        "nodes": [
            {
                "id": "save",
                "type": "outputs.export",
                "type_version": 1,
                "params": {"format": "csv", "file_name": "x"},
            }
        ],
    }
    node = load_workflow(document, registry).nodes[0]
    assert node.type_version == ExportNode.version == 2
    assert node.params == {"format": "csv", "file_name": "x", "raw_values": False}
