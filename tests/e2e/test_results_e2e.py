"""The results panel in a real browser: the Sales by region example, run through the services,
shows its tables in the virtualized grid (row count and values checked against the same table
computed with plain pandas from data/examples/sales.csv), sorts, filters with an expression (and
shows the API's error for a bad one), pages in rows as the grid scrolls, and draws the chart
node's Plotly figure. See conftest.py for the server and browser fixtures."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import shot, show_whole_workflow, wait_until

EXAMPLE = REPO / "canvas_assets" / "examples" / "sales_by_region.json"
SALES = REPO / "data" / "examples" / "sales.csv"
CONDITION = 'units > 3 and region == "west"'


def _revenue_table() -> pd.DataFrame:
    """The `revenue` node's output, computed independently of the canvas."""
    orders = pd.read_csv(SALES, parse_dates=["ordered_at"])
    kept = orders[(orders["units"] > 0) & (orders["discount"] < 0.2)].reset_index(drop=True)
    kept["revenue"] = (kept["units"] * kept["unit_price"] * (1 - kept["discount"])).round(2)
    return kept


def _shown(value: Any) -> str:
    """A number as the grid writes it (en-US grouping, at most six decimals)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{float(value):,.6f}".rstrip("0").rstrip(".")


def _rows(total: int) -> str:
    return f"{total:,} {'row' if total == 1 else 'rows'}"


def _paper_colour(panel: Any) -> str:
    """The background plotly.js gives the figure (its paper colour), as computed CSS."""
    return str(
        panel.locator(".plot-host .main-svg").first.evaluate(
            "el => getComputedStyle(el).backgroundColor"
        )
    )


def _row(panel: Any, index: int) -> Any:
    """The grid row at `index` (0-based; aria-rowindex counts the header as row 1)."""
    return panel.locator(f'.grid-row[aria-rowindex="{index + 2}"]')


def _cells(panel: Any, index: int, columns: list[str]) -> dict[str, str]:
    texts = _row(panel, index).locator('[role="gridcell"]').all_inner_texts()
    return dict(zip(columns, texts, strict=False))


def test_the_results_panel_shows_sorts_filters_pages_and_charts_real_results(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    browser_errors: list[str] = []
    page.on("pageerror", lambda e: browser_errors.append(str(e)))
    services = canvas_server.services
    stored = services.import_workflow(EXAMPLE.read_text())
    report = services.run(stored.workflow.slug)
    assert report.success, report.nodes
    expected = _revenue_table()
    total = len(expected)
    assert total > 400  # more than two pages of the grid: scrolling must fetch more

    page.goto(f"{canvas_server.url}/#/w/{stored.workflow.id}")
    panel = page.locator("section.results-panel")
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(panel.get_by_text("Select a node to see its output")).to_be_visible()

    # Select the revenue table: the grid counts every row and shows the first ones.
    page.locator('.react-flow__node[data-id="revenue"] .node-header').click()
    expect(panel.locator(".results-title")).to_have_text("Revenue")
    count = panel.get_by_test_id("grid-count")
    expect(count).to_have_text(_rows(total))
    expect(panel.locator(".results-badge")).to_have_text("current")
    columns = panel.locator(".grid-th-name").all_inner_texts()
    assert columns[:3] == list(expected.columns[:3]), columns
    first = _cells(panel, 0, columns)
    assert first["order_id"] == _shown(expected["order_id"].iloc[0])
    assert first["region"] == expected["region"].iloc[0]
    assert first["revenue"] == _shown(expected["revenue"].iloc[0])
    # Numbers are right-aligned, formatted cells.
    assert "num" in (
        _row(panel, 0).locator('[role="gridcell"]').nth(0).get_attribute("class") or ""
    )
    shot(page, "results-01-table")

    # Column stats on hover: the popover names the column and its stats.
    revenue_header = panel.locator(".grid-th", has_text="revenue")
    revenue_header.hover()
    popover = panel.locator(".stats-popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("Median")
    expect(popover).to_contain_text(_shown(expected["revenue"].max()))
    shot(page, "results-02-column-stats")
    page.mouse.move(5, 5)

    # Sort: one click ascending, another descending (done by the API over every row).
    sort_button = revenue_header.locator(".grid-th-button")
    sort_button.click()
    expect(revenue_header).to_have_attribute("aria-sort", "ascending")
    expect(_row(panel, 0).locator('[role="gridcell"]').nth(columns.index("revenue"))).to_have_text(
        _shown(expected["revenue"].min())
    )
    sort_button.click()
    expect(revenue_header).to_have_attribute("aria-sort", "descending")
    expect(_row(panel, 0).locator('[role="gridcell"]').nth(columns.index("revenue"))).to_have_text(
        _shown(expected["revenue"].max())
    )
    top_rows = expected.sort_values("revenue", ascending=False, kind="stable")
    assert _cells(panel, 1, columns)["revenue"] == _shown(top_rows["revenue"].iloc[1])
    shot(page, "results-03-sorted")
    sort_button.click()  # back to the stored order
    expect(revenue_header).to_have_attribute("aria-sort", "none")

    # Filter with an expression: the count changes to the matching rows.
    matching = expected[(expected["units"] > 3) & (expected["region"] == "west")]
    box = panel.get_by_role("textbox", name="Filter rows by a condition")
    box.fill(CONDITION)
    box.press("Enter")
    expect(count).to_have_text(f"{len(matching):,} of {_rows(total)}")
    assert _cells(panel, 0, columns)["order_id"] == _shown(matching["order_id"].iloc[0])
    shot(page, "results-04-filtered")

    # A bad expression: the API's message shows inline, the last good table stays.
    box.fill("unitz > 3")
    box.press("Enter")
    error = panel.locator(".grid-filter-error")
    expect(error).to_contain_text("unknown column 'unitz'")
    expect(error).to_contain_text("did you mean units")
    expect(count).to_have_text(f"{len(matching):,} of {_rows(total)}")
    shot(page, "results-05-filter-error")

    # Clearing the filter brings every row back; scrolling to the end pages the last rows in.
    panel.get_by_role("button", name="Clear").click()
    expect(count).to_have_text(_rows(total))
    expect(error).to_have_count(0)
    panel.locator(".grid-scroll").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    last = _row(panel, total - 1)
    expect(last.locator(".grid-rownum")).to_have_text(str(total - 1))
    expect(last.locator(".cell-skeleton")).to_have_count(0)
    last_cells = _cells(panel, total - 1, columns)
    assert last_cells["order_id"] == _shown(expected["order_id"].iloc[-1])
    assert last_cells["revenue"] == _shown(expected["revenue"].iloc[-1])
    assert panel.locator(".grid-row").count() < 100  # only the rows in view are in the DOM
    shot(page, "results-06-scrolled-to-the-end")

    # The chart node: plotly.js (its own chunk, loaded now) draws the figure as SVG.
    page.locator('.react-flow__node[data-id="chart"] .node-header').click()
    expect(panel.locator(".results-title")).to_have_text("Revenue chart")
    expect(panel.locator(".plot-host .main-svg").first).to_be_visible(timeout=30_000)
    expect(panel.locator(".plot-host")).to_contain_text("Revenue by region")
    shot(page, "results-07-chart")

    # In the dark theme the figure is redrawn with the app's dark surface behind it.
    light_paper = _paper_colour(panel)
    toggle = page.get_by_role("button", name=re.compile(r"^Theme: "))
    toggle.click()  # system -> light, as a user switches it
    expect(toggle).to_have_attribute("data-theme-preference", "light")
    toggle.click()  # light -> dark
    expect(toggle).to_have_attribute("data-theme-preference", "dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    panel_colour = panel.evaluate("el => getComputedStyle(el).backgroundColor")
    expect(panel.locator(".plot-host .main-svg").first).to_be_visible()
    wait_until(lambda: _paper_colour(panel) == panel_colour, "the dark plot background")
    assert light_paper != panel_colour
    shot(page, "results-08-chart-dark")
    page.evaluate("document.documentElement.dataset.theme = 'light'")

    # The panel collapses to its header and opens again.
    panel.get_by_role("button", name="Collapse the results panel").click()
    expect(panel.locator(".results-body")).to_have_count(0)
    panel.get_by_role("button", name="Expand the results panel").click()
    expect(panel.locator(".plot-host .main-svg").first).to_be_visible(timeout=30_000)
    assert browser_errors == [], browser_errors


def test_a_node_that_never_ran_says_how_to_get_its_output(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    stored = canvas_server.services.import_workflow(EXAMPLE.read_text())
    page.goto(f"{canvas_server.url}/#/w/{stored.workflow.id}")
    page.locator('.react-flow__node[data-id="totals"] .node-header').click()
    panel = page.locator("section.results-panel")
    expect(panel.get_by_text("Run the workflow to see this node's output")).to_be_visible()
    expect(panel.locator(".results-empty-detail")).to_have_text(re.compile("never run"))
    shot(page, "results-09-not-run")


def test_a_stale_node_shows_its_earlier_result_marked_as_such(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    services = canvas_server.services
    stored = services.import_workflow(EXAMPLE.read_text())
    assert services.run(stored.workflow.slug).success
    # Edit the chart's title after the run: its stored figure is now an earlier result.
    current = services.store.get(stored.workflow.id)
    document = current.workflow.model_dump(mode="json")
    chart = next(n for n in document["nodes"] if n["id"] == "chart")
    chart["params"]["title"] = "Revenue per region"
    services.store.save(type(current.workflow).model_validate(document), current.revision)

    page.goto(f"{canvas_server.url}/#/w/{stored.workflow.id}")
    show_whole_workflow(page)  # the chart is the rightmost node: off screen at the first zoom
    page.locator('.react-flow__node[data-id="chart"] .node-header').click()
    panel = page.locator("section.results-panel")
    expect(panel.locator(".results-badge")).to_have_text("earlier result")
    expect(panel.locator(".results-banner")).to_contain_text("Showing an earlier result")
    expect(panel.locator(".results-banner")).to_contain_text("params changed")
    expect(panel.locator(".plot-host .main-svg").first).to_be_visible(timeout=30_000)
    expect(panel.locator(".plot-host")).to_contain_text("Revenue by region")  # the old title
    shot(page, "results-10-earlier-result")
