"""The canvas in a real browser: list, open, run and drag the Sales by region example against a
real API server (see conftest.py)."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, wait_until

EXAMPLE = REPO / "canvas_assets" / "examples" / "sales_by_region.json"
TITLES = {
    "orders": "Orders CSV",
    "non_empty": "Orders with units",
    "revenue": "Revenue",
    "totals": "Totals per region",
    "chart": "Revenue chart",
}


def test_the_example_opens_runs_to_fresh_and_a_dragged_node_is_saved(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    browser_errors: list[str] = []
    page.on("pageerror", lambda e: browser_errors.append(str(e)))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and browser_errors.append(f"{r.status} {r.url}")
        ),
    )
    services = canvas_server.services
    stored = services.import_workflow(EXAMPLE.read_text())
    workflow_id = stored.workflow.id

    # The list shows the imported workflow.
    page.goto(f"{canvas_server.url}/")
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    entry = page.get_by_role("button", name=re.compile("Sales by region"))
    expect(entry).to_be_visible()
    shot(page, "01-workflow-list")

    # Opening it draws five nodes with their titles, none of them computed yet.
    entry.click()
    expect(page.get_by_role("heading", name="Sales by region")).to_be_visible()
    expect(page.locator(".react-flow__node")).to_have_count(5)
    for node_id, title in TITLES.items():
        node = node_at(page, node_id)
        expect(node.locator(".node-title")).to_have_text(title)
        expect(node.locator(".node-badge")).to_have_text("Not run")
    shot(page, "02-canvas-missing")

    # Run: every node ends succeeded (the run's state) or fresh (after the run, freshness).
    page.get_by_role("button", name="Run", exact=True).click()
    for node_id in TITLES:
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text(
            "Up to date", timeout=120_000
        )
    expect(page.locator(".run-status")).to_have_text("SUCCESS")
    expect(page.locator('[role="alert"]')).to_have_count(0)
    shot(page, "03-canvas-after-run")

    # Dragging a node commits a move: the stored revision grows and the position changes.
    before = services.store.get(workflow_id)
    position_before = next(n.position for n in before.workflow.nodes if n.id == "totals")
    box = node_at(page, "totals").locator(".node-header").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 120, steps=12)
    page.mouse.up()
    wait_until(
        lambda: services.store.get(workflow_id).revision > before.revision,
        "the move to be saved",
        timeout=15,
    )
    after = services.store.get(workflow_id)
    position_after = next(n.position for n in after.workflow.nodes if n.id == "totals")
    assert position_after != position_before
    assert position_after.y > position_before.y
    shot(page, "04-canvas-after-drag")
    assert browser_errors == [], browser_errors
