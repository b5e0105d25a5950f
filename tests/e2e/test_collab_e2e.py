"""Live collaboration in real browsers: one workflow open in two pages (two browser contexts, so
two separate clients) and edits made through the services, against a real API server (see
conftest.py). Edits in one place appear in the others within seconds; concurrent edits are both
kept; undo never reverts a teammate's edit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import CanvasServer, new_page
from tests.e2e.pages import node_at, shot, show_whole_workflow, wait_until, watch_errors

LIVE_WITHIN_MS = 5_000


@pytest.fixture
def two_pages(chromium: Any) -> Iterator[tuple[Any, Any]]:
    """Two pages in two browser contexts: two clients that share nothing but the server."""
    pages = [new_page(chromium), new_page(chromium)]
    try:
        yield pages[0], pages[1]
    finally:
        for page in pages:
            page.context.close()


def _top_left(page: Any, node_id: str) -> tuple[float, float]:
    box = node_at(page, node_id).bounding_box()
    assert box is not None, f"node {node_id} is not on the page"
    return box["x"], box["y"]


def _drag(page: Any, node_id: str, dx: float, dy: float) -> None:
    box = node_at(page, node_id).locator(".node-header").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=10)
    page.mouse.up()


def _open(page: Any, server: CanvasServer, workflow_id: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/#/w/{workflow_id}")
    show_whole_workflow(page)
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page.locator(".live-indicator")).to_contain_text("Live")


def _position(server: CanvasServer, workflow_id: str, node_id: str) -> tuple[float, float]:
    stored = server.services.store.get(workflow_id)
    node = next(n for n in stored.workflow.nodes if n.id == node_id)
    return node.position.x, node.position.y


def test_a_move_in_one_page_appears_in_the_other(
    canvas_server: CanvasServer, two_pages: tuple[Any, Any]
) -> None:
    from playwright.sync_api import expect

    alice, bob = two_pages
    errors = watch_errors(alice) + watch_errors(bob)
    workflow_id = canvas_server.services.create_from_template("sales_by_region").id
    _open(alice, canvas_server, workflow_id)
    _open(bob, canvas_server, workflow_id)
    before = _top_left(bob, "totals")
    stored_before = _position(canvas_server, workflow_id, "totals")

    _drag(alice, "totals", 40, 160)
    wait_until(
        lambda: _position(canvas_server, workflow_id, "totals") != stored_before,
        "the save",
        timeout=10,
    )
    wait_until(
        lambda: _top_left(bob, "totals")[1] > before[1] + 60,
        "the move to appear in the other page",
        timeout=LIVE_WITHIN_MS / 1000,
    )
    expect(bob.locator(".live-indicator")).to_contain_text("1 teammate edit applied")
    # the page that moved it does not count its own edit as a teammate's
    expect(alice.locator(".live-indicator")).not_to_contain_text("teammate")
    shot(alice, "collab-01-moved-here")
    shot(bob, "collab-02-seen-there")
    assert errors == [], errors


def test_edits_made_at_once_in_both_pages_are_both_kept(
    canvas_server: CanvasServer, two_pages: tuple[Any, Any]
) -> None:
    alice, bob = two_pages
    errors = watch_errors(alice) + watch_errors(bob)
    workflow_id = canvas_server.services.create_from_template("sales_by_region").id
    _open(alice, canvas_server, workflow_id)
    _open(bob, canvas_server, workflow_id)
    revision = canvas_server.services.store.get(workflow_id).revision
    orders, chart = (_position(canvas_server, workflow_id, n) for n in ("orders", "chart"))
    seen = {page: (_top_left(page, "orders"), _top_left(page, "chart")) for page in two_pages}

    # Neither page has seen the other's edit when it makes its own.
    _drag(alice, "orders", 0, 200)
    _drag(bob, "chart", 0, 200)

    def both_saved() -> bool:
        return (
            _position(canvas_server, workflow_id, "orders")[1] > orders[1]
            and _position(canvas_server, workflow_id, "chart")[1] > chart[1]
        )

    wait_until(both_saved, "both moves to be saved", timeout=10)
    assert canvas_server.services.store.get(workflow_id).revision == revision + 2
    for page in two_pages:
        (orders_at, chart_at) = seen[page]
        wait_until(
            lambda page=page, o=orders_at, c=chart_at: (
                _top_left(page, "orders")[1] > o[1] + 60 and _top_left(page, "chart")[1] > c[1] + 60
            ),
            "both moves on both pages",
            timeout=LIVE_WITHIN_MS / 1000,
        )
    shot(alice, "collab-03-both-edits-alice")
    shot(bob, "collab-04-both-edits-bob")
    assert errors == [], errors


def test_an_edit_through_the_services_appears_live_and_undo_leaves_it_alone(
    canvas_server: CanvasServer, two_pages: tuple[Any, Any]
) -> None:
    from playwright.sync_api import expect

    page, _ = two_pages
    errors = watch_errors(page)
    services = canvas_server.services
    workflow_id = services.create_from_template("sales_by_region").id
    _open(page, canvas_server, workflow_id)

    # A script (another process, no notification): the subscription's poll brings it.
    stored = services.store.get(workflow_id)
    services.apply_graph_ops(
        workflow_id,
        stored.revision,
        [{"op": "set_label", "node_id": "revenue", "label": "Revenue (EUR)"}],
        author="script",
    )
    expect(node_at(page, "revenue").locator(".node-title")).to_have_text(
        "Revenue (EUR)", timeout=LIVE_WITHIN_MS
    )

    # This user moves "revenue"; a teammate then moves it elsewhere. Undo must not move the
    # teammate's node back: it is refused with the reason.
    before = _position(canvas_server, workflow_id, "revenue")
    _drag(page, "revenue", 0, 150)
    wait_until(
        lambda: _position(canvas_server, workflow_id, "revenue") != before, "the save", timeout=10
    )
    mine = _position(canvas_server, workflow_id, "revenue")
    shown = _top_left(page, "revenue")
    current = services.store.get(workflow_id).revision
    services.apply_graph_ops(
        workflow_id,
        current,
        [{"op": "move_nodes", "positions": {"revenue": {"x": mine[0] + 300, "y": mine[1]}}}],
        author="teammate",
    )
    wait_until(
        lambda: _top_left(page, "revenue")[0] > shown[0] + 100,
        "the teammate's move to appear",
        timeout=LIVE_WITHIN_MS / 1000,
    )
    page.get_by_role("button", name="Undo").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Cannot undo")
    expect(alert).to_contain_text("a teammate has changed 'Revenue (EUR)' since")
    shot(page, "collab-05-undo-refused")
    time.sleep(0.5)
    assert _position(canvas_server, workflow_id, "revenue") == (mine[0] + 300, mine[1])
    assert services.store.get(workflow_id).revision == current + 1
    assert errors == [], errors


def test_an_edit_that_a_teammate_made_impossible_is_reported_not_silently_dropped(
    canvas_server: CanvasServer, two_pages: tuple[Any, Any]
) -> None:
    from playwright.sync_api import expect

    page, _ = two_pages
    services = canvas_server.services
    workflow_id = services.create_from_template("sales_by_region").id
    _open(page, canvas_server, workflow_id)

    # Hold this page's save while a teammate removes the very node it moves.
    held: list[Any] = []

    def hold_saves(route: Any) -> None:
        if "SyncGraphOps" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    page.route("**/graphql", hold_saves)
    _drag(page, "revenue", 0, 150)
    deadline = time.monotonic() + 10
    while not held:  # route handlers run while Playwright is called, not during time.sleep
        assert time.monotonic() < deadline, "timed out waiting for the save to be sent"
        page.wait_for_timeout(50)
    stored = services.store.get(workflow_id)
    services.apply_graph_ops(
        workflow_id, stored.revision, [{"op": "remove_node", "node_id": "revenue"}], author="bob"
    )
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your edit (moved 'Revenue') conflicted")
    expect(alert).to_contain_text("a teammate removed 'Revenue' meanwhile")
    expect(alert).to_contain_text("your edit was not saved")
    expect(node_at(page, "revenue")).to_have_count(0)
    shot(page, "collab-06-conflict-reported")

    # The held save reaches the server late: refused as a conflict, nothing re-added.
    held[0].continue_()
    page.unroute("**/graphql")
    page.wait_for_timeout(1000)
    final = services.store.get(workflow_id)
    assert final.revision == stored.revision + 1
    assert "revenue" not in {n.id for n in final.workflow.nodes}
    expect(node_at(page, "revenue")).to_have_count(0)
    expect(page.get_by_text("required input 'data' is not connected").first).to_be_visible()


def test_edits_still_queued_when_leaving_the_canvas_are_saved(
    canvas_server: CanvasServer, two_pages: tuple[Any, Any]
) -> None:
    from playwright.sync_api import expect

    page, _ = two_pages
    services = canvas_server.services
    workflow_id = services.create_from_template("sales_by_region").id
    _open(page, canvas_server, workflow_id)
    revision = services.store.get(workflow_id).revision
    held: list[Any] = []

    def hold_first_save(route: Any) -> None:
        if not held and "SyncGraphOps" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    page.route("**/graphql", hold_first_save)
    _drag(page, "orders", 0, 150)  # in flight, held
    _drag(page, "chart", 0, 150)  # queued behind it
    deadline = time.monotonic() + 10
    while not held:
        assert time.monotonic() < deadline, "timed out waiting for the first save"
        page.wait_for_timeout(50)
    page.get_by_role("button", name="Back to workflows").click()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    held[0].continue_()
    page.unroute("**/graphql")
    deadline = time.monotonic() + 10
    while services.store.get(workflow_id).revision < revision + 2:
        assert time.monotonic() < deadline, "the queued edit was not saved after leaving"
        page.wait_for_timeout(100)
    assert services.store.get(workflow_id).revision == revision + 2
