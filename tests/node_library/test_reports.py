"""The report node: PDF content read back with pypdf (text, images per chart, repeatable bytes),
HTML escaping and self-containment, lineage and masked parameters, the matplotlib renderer on
every chart our nodes draw, and bad input."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from node_library.contract import LineageNode, NodeError, RecordingContext, WorkflowInfo
from node_library.datatypes import DataType, can_connect
from node_library.ml import charts
from node_library.nodes.outputs.chart import ChartParams, chart_figure
from node_library.nodes.outputs.report import ITEM_PORTS, ReportNode, ReportParams, file_name
from node_library.reports.figures import ChartNotRendered, decode_typed_arrays, render_png
from node_library.secrets import mask_params, redact_url
from node_library.settings import NodeSettings
from tests.node_library.node_cases import sales_frame

WHEN = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"
NODE = ReportNode()


def _workflow(when: datetime = WHEN) -> WorkflowInfo:
    """sales.csv -> split -> logistic regression -> metrics -> report, plus a REST source."""
    nodes = [
        LineageNode(
            "sales", "sources.csv", "CSV file", "Sales 2026", {"path": "sales/2026.csv"}, {}
        ),
        LineageNode(
            "api",
            "sources.rest_api",
            "REST API",
            "",
            {
                "url": "https://ann:hunter2@api.example.com/v1?api_key=abc123&page=1",
                "headers": {"Authorization": "Bearer s3cr3t-token", "Accept": "json"},
            },
            {},
        ),
        LineageNode(
            "split",
            "split.train_test_split",
            "Train/test split",
            "",
            {"test_size": 0.25, "random_state": 7},
            {"data": ("sales", "data")},
        ),
        LineageNode(
            "model",
            "models.logistic_regression",
            "Logistic regression",
            "Churn model",
            {"C": 0.5, "max_iter": 250},
            {"data": ("split", "train")},
        ),
        LineageNode(
            "metrics",
            "evaluate.classification_metrics",
            "Classification metrics",
            "",
            {"average": "macro"},
            {"model": ("model", "model"), "data": ("split", "test")},
        ),
        LineageNode(
            "report",
            "outputs.report",
            "Report",
            "",
            {},
            {
                "item1": ("metrics", "metrics"),
                "item2": ("metrics", "confusion"),
                "item3": ("split", "test"),
                "item4": ("api", "data"),
            },
        ),
    ]
    return WorkflowInfo("Churn <weekly>", "churn", when, {n.node_id: n for n in nodes})


def _confusion() -> dict:
    counts = np.array([[50, 3], [4, 43]])
    return charts.confusion_figure(["stay", "churn"], counts, counts, "Confusion matrix")


def _inputs() -> dict:
    frame = sales_frame()
    frame.loc[0, "region"] = HOSTILE
    return {
        "item1": {"accuracy": 0.93, "f1_macro": 0.928571, "test_rows": 100},
        "item2": _confusion(),
        "item3": frame,
        "item4": {"best_params": {"C": 0.5}, "tried": [0.1, 0.5, 1.0]},
    }


def _run(inputs: dict, when: datetime = WHEN, **params) -> tuple[bytes, RecordingContext]:
    ctx = RecordingContext(node_id="report", workflow=_workflow(when))
    out = NODE.execute(ctx, ReportParams(**params), **inputs)
    return out["file"].content, ctx


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _pdf_images(content: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(content)).pages)


# -- PDF ----------------------------------------------------------------------------------------


def test_pdf_report_shows_title_workflow_date_metrics_and_table() -> None:
    content, _ = _run(_inputs(), title="Churn review", subtitle="Week 9", notes="Looks stable.")

    assert content.startswith(b"%PDF-")
    text = _pdf_text(content)
    for expected in (
        "Churn review",
        "Week 9",
        "Looks stable.",
        "Churn <weekly>",
        "2026-03-04 05:06 UTC",
        "accuracy",
        "0.93",
        "f1_macro",
        "0.928571",
        "test_rows",
        "order_id",
        "Showing the first 20 of 40 rows.",
        '"best_params"',
    ):
        assert expected in text, expected
    # a cell value is text in a PDF, shown as it is (wrapped inside its narrow column)
    assert HOSTILE in text.replace("\n", "")


def test_pdf_lineage_lists_each_items_chain_with_its_source_file() -> None:
    text = _pdf_text(_run(_inputs())[0])

    lineage = text[text.index("Data lineage") : text.index("Parameters")]
    assert "Classification metrics (metrics) (input item1)" in lineage
    assert "Sales 2026: CSV file (sources.csv, node sales)" in lineage
    assert "reads path sales/2026.csv" in lineage
    assert "Churn model: Logistic regression" in lineage
    # the chain runs from the source to the node that produced the item
    assert lineage.index("Sales 2026") < lineage.index("Churn model")
    # item3 came from the split only: the model is not in its chain
    item3 = lineage[lineage.index("(input item3)") : lineage.index("(input item4)")]
    assert "Train/test split" in item3 and "Churn model" not in item3


def test_pdf_parameters_show_upstream_params_with_secrets_masked() -> None:
    text = _pdf_text(_run(_inputs())[0])

    params = text[text.index("Parameters") : text.index("Results")]
    for expected in ("test_size", "0.25", "random_state", "7", "max_iter", "250", "average"):
        assert expected in params, expected
    assert "hunter2" not in text and "abc123" not in text and "s3cr3t-token" not in text
    assert "ann:***@api.example.com" in params
    assert '"Authorization": "***"' in params and '"Accept": "json"' in params


def test_pdf_embeds_one_image_per_chart() -> None:
    inputs = {
        "item1": _confusion(),
        "item2": {"accuracy": 0.9},
        "item3": charts.fold_scores_figure({"f1": np.array([0.8, 0.85, 0.9])}, "Folds"),
    }
    content, _ = _run(inputs)

    assert _pdf_images(content) == 2
    assert _pdf_images(_run({"item1": {"accuracy": 0.9}})[0]) == 0


def test_pdf_shows_a_placeholder_for_an_unknown_chart_type_and_still_draws_the_rest() -> None:
    sankey = {"data": [{"type": "sankey", "node": {"label": ["a", "b"]}}], "layout": {}}
    content, ctx = _run({"item1": sankey, "item2": _confusion()})

    text = _pdf_text(content)
    assert "chart type sankey is not rendered in the PDF; see the HTML report" in text
    assert _pdf_images(content) == 1
    assert any("sankey" in message for _, message in ctx.events)


def test_same_inputs_and_date_give_the_same_pdf_bytes() -> None:
    first, _ = _run(_inputs())
    again, _ = _run(_inputs())
    later, _ = _run(_inputs(), when=datetime(2026, 3, 5, tzinfo=UTC))

    assert first == again
    assert first != later


def test_max_table_rows_cuts_tables_and_says_so() -> None:
    text = _pdf_text(_run({"item1": sales_frame()}, max_table_rows=5)[0])

    assert "Showing the first 5 of 40 rows." in text
    assert "2026-01-05" in text and "2026-01-06" not in text


def test_wide_tables_show_the_first_columns_in_the_pdf_and_say_so() -> None:
    wide = pd.DataFrame({f"feature_{i:02d}": [i] for i in range(12)})
    text = _pdf_text(_run({"item1": wide})[0])

    assert "feature_07" in text and "feature_08" not in text
    assert "Showing the first 8 of 12 columns" in text


def test_report_reports_progress_per_item() -> None:
    _, ctx = _run(_inputs())

    progress = [m for _, m in ctx.events if m.startswith("progress")]
    assert progress[-1] == "progress 4/4 report laid out"


def test_report_outside_a_workflow_says_lineage_is_unknown() -> None:
    ctx = RecordingContext(node_id="report")
    out = NODE.execute(ctx, ReportParams(format="pdf"), item1={"accuracy": 0.5})

    text = _pdf_text(out["file"].content)
    assert "(not run inside a workflow)" in text
    assert "Lineage is recorded when the report runs inside a workflow." in text


# -- HTML ---------------------------------------------------------------------------------------


def _html(inputs: dict, **params) -> str:
    content, _ = _run(inputs, format="html", **params)
    return content.decode("utf-8")


def test_html_escapes_hostile_text_everywhere() -> None:
    figure = _confusion()
    figure["data"][0]["x"] = ["</script><script>alert(2)</script>", "churn"]
    page = _html(
        {"item1": _inputs()["item3"], "item2": figure, "item3": {HOSTILE: 1.0}},
        title="<img src=x onerror=alert(3)>",
        notes=HOSTILE,
    )

    assert HOSTILE not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "alert(2)" in page and "</script><script>alert(2)" not in page
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(2)" in page
    # plotly.js, then one script per chart: nothing else opens a script element
    assert page.count("<script") == 2


def test_html_is_self_contained_with_plotly_inline_once() -> None:
    page = _html(
        {"item1": _confusion(), "item2": charts.fold_scores_figure({"f1": np.ones(3)}, "F")}
    )

    assert page.count("<script") == 3  # plotly.js + two charts
    assert "<script src" not in page and "<link" not in page
    assert page.count("plotly.js v") == 1  # the bundle's banner
    assert 'Plotly.newPlot(el, [{"colorscale"' in page
    assert page.count('class="chart"') == 2


def test_html_without_charts_leaves_plotly_out() -> None:
    page = _html({"item1": {"accuracy": 0.9}})

    assert "<script" not in page
    assert len(page) < 50_000


def test_html_has_the_same_sections_as_the_pdf() -> None:
    page = _html(_inputs())

    order = [
        page.index("<h1>"),
        page.index("<h2>Data lineage</h2>"),
        page.index("<h2>Parameters</h2>"),
        page.index("<h2>Results</h2>"),
    ]
    assert order == sorted(order)
    assert "Churn &lt;weekly&gt;" in page and "2026-03-04 05:06 UTC" in page
    assert "reads <code>path sales/2026.csv</code>" in page
    assert "Showing the first 20 of 40 rows." in page
    assert "hunter2" not in page and "s3cr3t-token" not in page


# -- the node's declarations and bad input ----------------------------------------------------


def test_file_is_named_after_the_title_with_the_format_extension() -> None:
    content, _ = _run({"item1": {"a": 1}}, title="Q3 churn: final!", format="html")
    out = NODE.execute(RecordingContext(), ReportParams(title="Q3 churn: final!"), item1={"a": 1})[
        "file"
    ]

    assert out.name == "q3-churn-final.pdf" and out.media_type == "application/pdf"
    assert file_name(ReportParams(title="***", format="html")) == "report.html"
    assert content.startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize(
    "source", [DataType.METRICS, DataType.PLOT, DataType.DATAFRAME, DataType.JSON]
)
def test_item_ports_accept_metrics_plots_tables_and_json(source: DataType) -> None:
    for port in NODE.inputs:
        assert can_connect(source, port.data_type, port.accepts)
        assert not port.required


def test_item_ports_refuse_models_and_files() -> None:
    port = NODE.inputs[0]
    assert not can_connect(DataType.MODEL, port.data_type, port.accepts)
    assert not can_connect(DataType.FILE, port.data_type, port.accepts)


def test_validate_without_any_item_connected_names_the_ports() -> None:
    issues = NODE.validate(ReportParams(), {}, NodeSettings())

    assert [i.code for i in issues] == ["no_report_items"]
    assert issues[0].port == "item1"
    assert all(port in issues[0].message for port in ITEM_PORTS)
    assert NODE.validate(ReportParams(), {"item3": None}, NodeSettings()) == []


def test_validate_refuses_a_blank_title() -> None:
    issues = NODE.validate(ReportParams(title="   "), {"item1": None}, NodeSettings())

    assert [(i.code, i.param) for i in issues] == [("missing_param", "title")]


def test_execute_without_items_raises_a_node_error() -> None:
    with pytest.raises(NodeError) as caught:
        NODE.execute(RecordingContext(), ReportParams())

    assert caught.value.issue.code == "no_report_items"


# -- parts --------------------------------------------------------------------------------------


def _chart_node_figures() -> list[dict]:
    frame = sales_frame()
    kinds = [
        {"kind": "bar", "x": "region", "y": "price", "color": "region"},
        {"kind": "histogram", "x": "price", "color": "region"},
        {"kind": "histogram", "x": "region"},
        {"kind": "box", "x": "region", "y": "price"},
        {"kind": "heatmap"},
        {"kind": "heatmap", "x": "region", "y": "units", "value": "price", "aggregate": "mean"},
        {"kind": "line", "x": "ordered_at", "y": "price", "facet_col": "region"},
        {"kind": "scatter", "x": "units", "y": "price", "color": "price"},
        {"kind": "scatter", "x": "units", "y": "price", "color": "region"},
    ]
    return [chart_figure(frame, ChartParams(**kind)) for kind in kinds]


def _evaluation_figures() -> list[dict]:
    rng = np.random.default_rng(0)
    curve = np.linspace(0, 1, 50)
    return [
        _confusion(),
        charts.curves_figure(
            [("churn", curve, np.sqrt(curve))],
            x_title="FPR",
            y_title="TPR",
            title="ROC",
            diagonal=True,
        ),
        charts.residual_figure(rng.normal(size=300), rng.normal(size=300), "Residuals"),
        charts.importance_figure(
            ["a", "b", "c"], np.array([0.5, 0.3, 0.2]), np.full(3, np.nan), "I"
        ),
        charts.fold_scores_figure({"f1": np.array([0.8, 0.9]), "acc": np.array([0.7, 0.8])}, "F"),
        charts.learning_curve_figure(
            np.array([10, 20, 40]),
            [("validation", np.array([0.6, 0.7, 0.8]), np.full(3, 0.05))],
            metric="accuracy",
            title="Learning curve",
        ),
    ]


@pytest.mark.parametrize("index", range(15))
def test_renderer_draws_every_chart_our_nodes_produce(index: int) -> None:
    figure = (_chart_node_figures() + _evaluation_figures())[index]

    chart = render_png(figure)

    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 4 < chart.width_inches < 9 and 2 < chart.height_inches < 12


def test_renderer_refuses_unknown_traces_with_a_sentence_for_the_reader() -> None:
    with pytest.raises(ChartNotRendered, match="chart type pie is not rendered in the PDF"):
        render_png({"data": [{"type": "pie", "values": [1, 2]}], "layout": {}})


def test_renderer_turns_drawing_failures_into_chart_not_rendered() -> None:
    broken = {"data": [{"type": "heatmap", "z": "not a matrix"}], "layout": {}}
    with pytest.raises(ChartNotRendered, match="could not be drawn in the PDF"):
        render_png(broken)


def test_typed_arrays_decode_to_the_values_plotly_encoded() -> None:
    values = np.array([[1.5, -2.0], [3.25, 4.0]])
    encoded = {
        "z": {"dtype": "f8", "bdata": base64.b64encode(values.tobytes()).decode(), "shape": "2, 2"},
        "x": [
            {"dtype": "i1", "bdata": base64.b64encode(np.array([1, -3], "i1").tobytes()).decode()}
        ],
    }

    decoded = decode_typed_arrays(encoded)

    np.testing.assert_array_equal(decoded["z"], values)
    np.testing.assert_array_equal(decoded["x"][0], [1, -3])


def test_mask_secrets_hides_credentials_but_keeps_ordinary_params() -> None:
    masked = mask_params(
        {
            "bucket": "data",
            "key": "sales/2026.csv",  # the S3 object key is not a secret
            "api_token": "t0k",
            "password": "",
            "headers": {"X-Api-Key": "k1", "key": "k2", "Accept": "json"},
            "url": "postgresql://bob:pw@db:5432/sales?sslmode=require",
        }
    )

    assert masked["key"] == "sales/2026.csv" and masked["bucket"] == "data"
    assert masked["api_token"] == "***" and masked["password"] == ""
    assert masked["headers"] == {"X-Api-Key": "***", "key": "***", "Accept": "json"}
    assert masked["url"] == "postgresql://bob:***@db:5432/sales?sslmode=require"
    assert redact_url("https://h/x?sig=1&a=2") == "https://h/x?sig=***&a=2"


def test_loading_the_registry_does_not_import_the_report_renderers() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from node_library.registry import default_registry\n"
        "assert 'outputs.report' in default_registry().type_ids\n"
        "print(sorted(m for m in ('reportlab', 'matplotlib', 'plotly', 'node_library.reports')"
        " if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)

    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
