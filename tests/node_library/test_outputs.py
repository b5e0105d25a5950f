"""Output nodes: the table view, Plotly chart JSON and exported files, and the issues raised for
bad params (unknown columns, non-numeric y, unsafe file names)."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from node_library.contract import Issue, NodeError, NodeType, RecordingContext, Severity
from node_library.nodes.outputs.chart import ChartNode
from node_library.nodes.outputs.export import ExportNode
from node_library.nodes.outputs.table import TableNode
from node_library.schema import schema_of_frame
from node_library.settings import NodeSettings
from node_library.values import FileValue
from tests.node_library.node_cases import sales_frame

SETTINGS = NodeSettings()


def execute(
    node: NodeType[Any], params: dict[str, Any], **inputs: pd.DataFrame
) -> tuple[dict[str, Any], RecordingContext]:
    parsed = node.Params.model_validate(params)
    schemas = {name: schema_of_frame(frame) for name, frame in inputs.items()}
    errors = [i for i in node.validate(parsed, schemas, SETTINGS) if i.severity is Severity.ERROR]
    assert not errors, errors
    ctx = RecordingContext(settings=SETTINGS)
    return node.execute(ctx, parsed, **inputs), ctx


def issues(node: NodeType[Any], params: dict[str, Any], **inputs: pd.DataFrame) -> list[Issue]:
    parsed = node.Params.model_validate(params)
    schemas = {name: schema_of_frame(frame) for name, frame in inputs.items()}
    return [i for i in node.validate(parsed, schemas, SETTINGS) if i.severity is Severity.ERROR]


def plot(params: dict[str, Any], frame: pd.DataFrame) -> tuple[dict[str, Any], list[str]]:
    outputs, ctx = execute(ChartNode(), params, data=frame)
    figure = outputs["plot"]
    json.dumps(figure)  # the API sends it as JSON
    return figure, [message for _, message in ctx.events]


def values(array: Any) -> np.ndarray:
    """Decode a Plotly JSON array, which plotly 6+ writes as base64 typed arrays."""
    if isinstance(array, dict) and "bdata" in array:
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = array.get("shape")
        return decoded.reshape([int(s) for s in shape.split(",")]) if shape else decoded
    return np.asarray(array)


# -- table ----------------------------------------------------------------------------------


def test_table_limits_rows_and_selects_columns() -> None:
    sales = sales_frame()
    outputs, ctx = execute(TableNode(), {"columns": ["price", "region"], "max_rows": 5}, data=sales)
    pd.testing.assert_frame_equal(outputs["table"], sales[["price", "region"]].head(5))
    assert any("first 5 of 40" in message for _, message in ctx.events)


def test_table_rejects_an_unknown_column_with_a_suggestion() -> None:
    [issue] = issues(TableNode(), {"columns": ["prices"]}, data=sales_frame())
    assert issue.param == "columns" and "price" in issue.hint


# -- chart ----------------------------------------------------------------------------------


def test_chart_scatter_draws_one_trace_per_color() -> None:
    sales = sales_frame()
    figure, _ = plot(
        {
            "kind": "scatter",
            "x": "price",
            "y": "units",
            "color": "region",
            "title": "Units by price",
        },
        sales,
    )
    assert [t["name"] for t in figure["data"]] == ["north", "south", "east", "west"]
    north = sales[sales["region"] == "north"]
    np.testing.assert_array_equal(values(figure["data"][0]["y"]), north["units"].to_numpy())
    assert figure["layout"]["title"]["text"] == "Units by price"


def test_chart_scatter_samples_large_inputs_and_says_so() -> None:
    frame = pd.DataFrame({"x": np.arange(5_000, dtype=float), "y": np.arange(5_000) % 7})
    figure, logs = plot({"kind": "scatter", "x": "x", "y": "y", "max_points": 1_000}, frame)
    assert len(values(figure["data"][0]["x"])) == 1_000
    assert any("sample of 1,000 of 5,000" in message for message in logs)


def test_chart_line_thins_long_series_in_x_order() -> None:
    frame = pd.DataFrame({"t": np.arange(3_000)[::-1], "v": np.arange(3_000, dtype=float)})
    figure, logs = plot({"kind": "line", "x": "t", "y": "v", "max_points": 1_000}, frame)
    x = values(figure["data"][0]["x"])
    assert len(x) == 1_000 and (np.diff(x) > 0).all()
    assert logs


def test_chart_bar_aggregates_y_per_x() -> None:
    sales = sales_frame()
    figure, _ = plot({"kind": "bar", "x": "region", "y": "price", "aggregate": "mean"}, sales)
    expected = sales.groupby("region")["price"].mean()
    assert list(figure["data"][0]["x"]) == list(expected.index)
    np.testing.assert_allclose(values(figure["data"][0]["y"]), expected.to_numpy())


def test_chart_bar_count_needs_no_y() -> None:
    figure, _ = plot({"kind": "bar", "x": "region", "aggregate": "count"}, sales_frame())
    np.testing.assert_array_equal(values(figure["data"][0]["y"]), [10, 10, 10, 10])


def test_chart_histogram_counts_every_row_on_the_server() -> None:
    frame = pd.DataFrame({"v": np.random.default_rng(0).normal(size=120_000)})
    figure, _ = plot({"kind": "histogram", "x": "v", "bins": 40}, frame)
    counts = values(figure["data"][0]["y"])
    assert len(counts) <= 40 and counts.sum() == 120_000
    expected, _ = np.histogram(frame["v"], bins=40)
    np.testing.assert_array_equal(counts, expected[expected > 0])


def test_chart_histogram_of_text_counts_each_value() -> None:
    figure, _ = plot({"kind": "histogram", "x": "region", "color": "region"}, sales_frame())
    assert sorted(t["name"] for t in figure["data"]) == ["east", "north", "south", "west"]


def test_chart_histogram_of_dates_uses_date_bins() -> None:
    figure, _ = plot({"kind": "histogram", "x": "ordered_at", "bins": 4}, sales_frame())
    assert values(figure["data"][0]["y"]).sum() == 40
    assert str(figure["data"][0]["x"][0]).startswith("2026-01")


def test_chart_box_draws_y_per_x() -> None:
    figure, _ = plot({"kind": "box", "x": "region", "y": "price"}, sales_frame())
    assert figure["data"][0]["type"] == "box"


def test_chart_heatmap_of_numeric_columns_is_their_correlation() -> None:
    sales = sales_frame()
    figure, _ = plot({"kind": "heatmap"}, sales)
    numeric = sales[["order_id", "units", "price"]]
    np.testing.assert_allclose(values(figure["data"][0]["z"]), numeric.corr().to_numpy())


def test_chart_heatmap_pivots_x_and_y() -> None:
    sales = sales_frame()
    params = {"kind": "heatmap", "x": "region", "y": "units", "value": "price", "aggregate": "sum"}
    figure, _ = plot(params, sales)
    expected = sales.pivot_table(index="units", columns="region", values="price", aggfunc="sum")
    np.testing.assert_allclose(values(figure["data"][0]["z"]), expected.to_numpy())


def test_chart_rejects_a_text_y() -> None:
    [issue] = issues(
        ChartNode(), {"kind": "line", "x": "ordered_at", "y": "region"}, data=sales_frame()
    )
    assert issue.code == "wrong_dtype" and issue.param == "y"


def test_chart_rejects_an_unknown_column_with_a_suggestion() -> None:
    [issue] = issues(
        ChartNode(), {"kind": "scatter", "x": "price", "y": "unit"}, data=sales_frame()
    )
    assert issue.code == "missing_column" and issue.param == "y" and "units" in issue.hint


def test_chart_needs_the_columns_its_kind_draws() -> None:
    found = issues(ChartNode(), {"kind": "scatter", "x": "price"}, data=sales_frame())
    assert [(i.code, i.param) for i in found] == [("missing_column_param", "y")]


def test_chart_warns_about_params_its_kind_ignores() -> None:
    node = ChartNode()
    params = node.Params.model_validate({"kind": "histogram", "x": "price", "y": "units"})
    [warning] = node.validate(params, {"data": schema_of_frame(sales_frame())}, SETTINGS)
    assert warning.severity is Severity.WARNING and warning.param == "y"


def test_chart_refuses_thousands_of_color_groups() -> None:
    frame = pd.DataFrame({"x": range(500), "y": range(500), "id": [f"c{i}" for i in range(500)]})
    node = ChartNode()
    params = node.Params.model_validate({"kind": "line", "x": "x", "y": "y", "color": "id"})
    with pytest.raises(NodeError) as caught:
        node.execute(RecordingContext(settings=SETTINGS), params, data=frame)
    assert caught.value.issue.param == "color"


# -- export ---------------------------------------------------------------------------------


def export(params: dict[str, Any], frame: pd.DataFrame) -> FileValue:
    outputs, _ = execute(ExportNode(), params, data=frame)
    file: FileValue = outputs["file"]
    return file


def test_export_csv_round_trips() -> None:
    sales = sales_frame()
    file = export({"format": "csv", "file_name": "sales"}, sales)
    assert (file.name, file.media_type) == ("sales.csv", "text/csv")
    back = pd.read_csv(io.BytesIO(file.content), parse_dates=["ordered_at"])
    pd.testing.assert_frame_equal(back, sales, check_dtype=False)


def test_export_json_is_an_array_of_rows() -> None:
    sales = sales_frame()
    file = export({"format": "json", "file_name": "sales.json"}, sales)
    rows = json.loads(file.content)
    assert file.name == "sales.json" and len(rows) == 40
    assert rows[0]["region"] == "north" and rows[0]["ordered_at"].startswith("2026-01-01T")


def test_export_parquet_keeps_the_types() -> None:
    sales = sales_frame().assign(region=lambda f: f["region"].astype("category"))
    file = export({"format": "parquet", "file_name": "sales"}, sales)
    assert file.name == "sales.parquet"
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(file.content)), sales)


def test_export_excel_round_trips() -> None:
    sales = sales_frame()
    file = export({"format": "excel", "file_name": "Sales report"}, sales)
    assert file.name == "Sales report.xlsx"
    back = pd.read_excel(io.BytesIO(file.content), sheet_name="data")
    pd.testing.assert_frame_equal(back, sales, check_dtype=False)


def test_export_excel_refuses_more_rows_than_a_sheet_holds() -> None:
    node = ExportNode()
    params = node.Params.model_validate({"format": "excel"})
    frame = pd.DataFrame({"n": np.zeros(1_048_576, dtype=np.int8)})
    with pytest.raises(NodeError) as caught:
        node.execute(RecordingContext(settings=SETTINGS), params, data=frame)
    assert caught.value.issue.code == "too_large_for_excel"


@pytest.mark.parametrize(
    "name", ["../x.csv", "a/b.csv", "a\\b.csv", "..", ".hidden", "", "x;rm -rf", "dir/", "ü.csv"]
)
def test_export_rejects_unsafe_file_names(name: str) -> None:
    [issue] = issues(ExportNode(), {"format": "csv", "file_name": name}, data=sales_frame())
    assert issue.code == "invalid_file_name" and issue.param == "file_name"


def test_export_name_with_another_format_extension_is_an_issue() -> None:
    [issue] = issues(
        ExportNode(), {"format": "parquet", "file_name": "sales.csv"}, data=sales_frame()
    )
    assert issue.code == "extension_mismatch"


def test_export_keeps_a_name_that_already_has_its_extension() -> None:
    assert export({"format": "csv", "file_name": "Q1.2026.CSV"}, sales_frame()).name == (
        "Q1.2026.CSV"
    )


@pytest.mark.parametrize("file_format", ["csv", "excel"])
def test_export_writes_in_chunks_and_reports_progress(
    file_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from node_library.nodes.outputs import export as export_module

    monkeypatch.setattr(export_module, "CSV_CHUNK_ROWS", 7)
    monkeypatch.setattr(export_module, "EXCEL_CHUNK_ROWS", 7)
    sales = sales_frame()
    outputs, ctx = execute(ExportNode(), {"format": file_format}, data=sales)
    content = io.BytesIO(outputs["file"].content)
    back = pd.read_csv(content) if file_format == "csv" else pd.read_excel(content)
    pd.testing.assert_frame_equal(back.drop(columns="ordered_at"), sales.drop(columns="ordered_at"))
    progress = [message for _, message in ctx.events if message.startswith("progress")]
    assert len(progress) == 6 and progress[-1].startswith("progress 40/40")
