"""The HTML report in a real browser with the network cut off: plotly.js comes from the file
itself, every chart is drawn, and hostile text stays text (no script runs, no dialog opens)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from node_library.contract import RecordingContext
from node_library.ml import charts
from node_library.nodes.outputs.report import ReportNode, ReportParams
from tests.node_library.node_cases import sales_frame

HOSTILE = "<img src=x onerror=alert(1)>"


def test_html_report_draws_its_charts_offline_and_runs_no_injected_script(
    browser_page: Any, tmp_path: Path
) -> None:
    counts = np.array([[5, 1], [2, 7]])
    frame = sales_frame().assign(region=lambda f: f["region"].mask(f.index == 0, HOSTILE))
    figure = charts.confusion_figure([HOSTILE, "</script>"], counts, counts, "Confusion")
    out = ReportNode().execute(
        RecordingContext(node_id="report"),
        ReportParams(title=HOSTILE, format="html"),
        item1={"accuracy": 0.8},
        item2=figure,
        item3=charts.fold_scores_figure({"f1": np.array([0.7, 0.8, 0.9])}, "Folds"),
        item4=frame,
    )
    path = tmp_path / out["file"].name
    path.write_bytes(out["file"].content)

    page = browser_page
    outside: list[str] = []
    problems: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss())
    )
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.chart .main-svg').length >= 2")

    assert page.locator(".chart.js-plotly-plot").count() == 2
    assert page.locator("h1").inner_text() == HOSTILE
    assert page.locator("td", has_text=HOSTILE).count() == 1
    assert page.locator("img").count() == 0
    assert not problems and not outside
