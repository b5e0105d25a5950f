"""The issue's scenario, as a new user lives it in a real browser against the real server: drag a
CSV source, a filter and a chart from the palette onto an empty workflow, try an incompatible
connection and see it refused with the reason, wire the rest, run, see the table and the chart,
edit the filter, see downstream turn stale with the reason, re-run only those, undo and redo.
Every step is checked against the server's stored document or its run records, and the numbers
against pandas."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from canvas_assets import run_details, workflow_runs
from node_library.graph import Workflow
from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, wait_until, watch_errors

SALES = REPO / "data" / "examples" / "sales.csv"
RUN_TIMEOUT_MS = 120_000
DONE = "Up to date"


def _stored(server: CanvasServer, workflow_id: str) -> Workflow:
    return server.services.store.get(workflow_id).workflow


def _node_of_type(server: CanvasServer, workflow_id: str, type_id: str) -> str | None:
    return next((n.id for n in _stored(server, workflow_id).nodes if n.type == type_id), None)


def _drag_from_palette(page: Any, name: str, x: float, y: float) -> None:
    """Search the palette for `name` and drag its entry to (x, y) inside the canvas."""
    page.get_by_role("searchbox", name="Search nodes").fill(name)
    entry = page.locator(".palette-entry").filter(
        has=page.locator(".palette-name", has_text=re.compile(f"^{re.escape(name)}$"))
    )
    entry.drag_to(page.locator(".react-flow__pane"), target_position={"x": x, "y": y})
    page.get_by_role("searchbox", name="Search nodes").fill("")


def _handle(page: Any, node_id: str, port: str, kind: str) -> Any:
    return node_at(page, node_id).locator(f'.react-flow__handle.{kind}[data-handleid="{port}"]')


def _center(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _connect(page: Any, source: Any, target: Any, *, before_release: Any = None) -> None:
    x0, y0 = _center(source)
    x1, y1 = _center(target)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=6)
    page.mouse.move(x1, y1, steps=6)
    if before_release is not None:
        before_release()
    page.mouse.up()


def _select(page: Any, node_id: str) -> None:
    node_at(page, node_id).locator(".node-header").click()


def _set_param(page: Any, name: str, value: str) -> None:
    field = page.locator(f"#param-{name}")
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)
        field.press("Tab")  # leave the field: an open completion list closes, the draft saves


def test_a_new_user_builds_csv_filter_chart_runs_edits_and_undoes(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    server = canvas_server
    workflow_id = server.services.create_workflow("My first workflow").workflow.id
    sales = pd.read_csv(SALES)

    # An empty workflow teaches what to do.
    page.goto(f"{server.url}/#/w/{workflow_id}")
    expect(page.get_by_role("heading", name="My first workflow")).to_be_visible()
    expect(page.get_by_text(re.compile("Drag a data source"))).to_be_visible()
    shot(page, "first-01-empty")

    # Drag a CSV source, a filter and a chart from the palette.
    _drag_from_palette(page, "CSV file", 40, 100)
    _drag_from_palette(page, "Filter rows", 300, 100)
    _drag_from_palette(page, "Chart", 300, 260)
    wait_until(lambda: len(_stored(server, workflow_id).nodes) == 3, "three nodes saved")
    csv = _node_of_type(server, workflow_id, "sources.csv")
    keep = _node_of_type(server, workflow_id, "transforms.filter_rows")
    chart = _node_of_type(server, workflow_id, "outputs.chart")
    assert csv and keep and chart
    expect(page.locator(".react-flow__node")).to_have_count(3)
    shot(page, "first-02-dropped")

    # The CSV source reads the example sales file.
    _select(page, csv)
    _set_param(page, "path", "examples/sales.csv")
    wait_until(
        lambda: (
            next(n for n in _stored(server, workflow_id).nodes if n.id == csv).params.get("path")
            == "examples/sales.csv"
        ),
        "the path saved",
    )

    # An incompatible connection (the chart's plot into the filter's table input) is refused:
    # hovering the port during the drag says why, and releasing there says so and adds nothing.
    hover_titles: list[str] = []
    target_row = node_at(page, keep).locator(".port-in").first
    _connect(
        page,
        _handle(page, chart, "plot", "source"),
        _handle(page, keep, "data", "target"),
        before_release=lambda: hover_titles.append(target_row.get_attribute("title") or ""),
    )
    assert hover_titles and re.search("Cannot connect", hover_titles[0]), hover_titles
    expect(page.locator(".notice-error")).to_contain_text("Cannot connect")
    expect(page.locator(".notice-error")).to_contain_text(re.compile("plot", re.I))
    assert _stored(server, workflow_id).edges == []
    shot(page, "first-03-refused")

    # Wire the rest: CSV -> filter -> chart.
    _connect(page, _handle(page, csv, "data", "source"), _handle(page, keep, "data", "target"))
    _connect(page, _handle(page, keep, "data", "source"), _handle(page, chart, "data", "target"))
    wait_until(lambda: len(_stored(server, workflow_id).edges) == 2, "two edges saved")
    expect(page.locator(".react-flow__edge")).to_have_count(2)

    # The filter keeps orders of more than 5 units; the chart shows units per region as bars.
    _select(page, keep)
    _set_param(page, "expression", "units > 5")
    _select(page, chart)
    _set_param(page, "kind", "bar")
    _set_param(page, "x", "region")
    _set_param(page, "y", "units")
    wait_until(
        lambda: (
            next(n for n in _stored(server, workflow_id).nodes if n.id == chart).params.get("y")
            == "units"
        ),
        "the chart's params saved",
    )
    expect(page.locator(".node-issues-error")).to_have_count(0)

    # Run: all three nodes end succeeded.
    page.get_by_role("button", name="Run", exact=True).click()
    for node_id in (csv, keep, chart):
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text(
            DONE, timeout=RUN_TIMEOUT_MS
        )
    expect(page.locator(".run-status")).to_have_text("SUCCESS")

    # The table: the filter's output, row count as pandas computes it.
    panel = page.locator("section.results-panel")
    _select(page, keep)
    kept = int((sales["units"] > 5).sum())
    expect(panel.get_by_test_id("grid-count")).to_have_text(f"{kept:,} rows")
    # The chart: Plotly draws it.
    _select(page, chart)
    expect(panel.locator(".main-svg").first).to_be_visible(timeout=30_000)
    shot(page, "first-04-ran")

    # Edit the filter: it turns stale (params changed), the chart too (upstream changed), and the
    # CSV stays fresh.
    _select(page, keep)
    _set_param(page, "expression", "units > 8")
    expect(node_at(page, keep).locator(".node-badge")).to_have_text("Stale")
    expect(node_at(page, keep).locator(".node-badge")).to_have_attribute(
        "title", re.compile("params changed")
    )
    expect(node_at(page, chart).locator(".node-badge")).to_have_text("Stale")
    expect(node_at(page, chart).locator(".node-badge")).to_have_attribute(
        "title", re.compile(f"upstream {keep} changed")
    )
    expect(node_at(page, csv).locator(".node-badge")).to_have_text(DONE)
    shot(page, "first-05-stale")

    # Re-run: only the stale filter and chart execute; the CSV is not read again.
    slug = _stored(server, workflow_id).slug
    runs_before = len(workflow_runs(server.services.instance, slug, 50))
    page.get_by_role("button", name="Run", exact=True).click()
    for node_id in (keep, chart):
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text(
            DONE, timeout=RUN_TIMEOUT_MS
        )
    expect(page.locator(".run-status")).to_have_text("SUCCESS")
    runs = workflow_runs(server.services.instance, slug, 50)
    assert len(runs) == runs_before + 1
    latest = run_details(server.services.instance, runs[0].run_id)  # newest first
    assert latest is not None
    assert {n.node_id: n.status for n in latest.nodes} == {keep: "succeeded", chart: "succeeded"}
    _select(page, keep)
    expect(panel.get_by_test_id("grid-count")).to_have_text(
        f"{int((sales['units'] > 8).sum()):,} rows"
    )

    # Undo puts the first condition back: its stored result is still there, so every node is
    # fresh at once without a run. Redo brings the new condition back, also fresh.
    page.get_by_role("button", name="Undo").click()
    wait_until(
        lambda: (
            next(n for n in _stored(server, workflow_id).nodes if n.id == keep).params.get(
                "expression"
            )
            == "units > 5"
        ),
        "the undo saved",
    )
    for node_id in (csv, keep, chart):
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text("Up to date")
    _select(page, keep)
    expect(panel.get_by_test_id("grid-count")).to_have_text(f"{kept:,} rows")
    shot(page, "first-06-undone")
    page.get_by_role("button", name="Redo").click()
    wait_until(
        lambda: (
            next(n for n in _stored(server, workflow_id).nodes if n.id == keep).params.get(
                "expression"
            )
            == "units > 8"
        ),
        "the redo saved",
    )
    for node_id in (csv, keep, chart):
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text("Up to date")
    assert len(workflow_runs(server.services.instance, slug, 50)) == runs_before + 1
    shot(page, "first-07-redone")
    assert errors == [], errors
