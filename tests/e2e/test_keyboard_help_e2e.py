"""The canvas from the keyboard and its help, in a real browser against a real API server (see
conftest.py): "Skip to canvas" as the first Tab stop, the focus ring on a node, "Connect to…" (C)
committing an edge through the mouse's path (saved, replacing the input's edge, one undo step),
the palette's add wiring the new node to the selected one, the reason next to the pointer while
a connection is dragged over a port that does not fit, "Learn more" about a node type, and the
first-visit tour (which never opens by itself in an automated browser) from the Help menu.
Every edit is checked in the server's stored document."""

from __future__ import annotations

import re
import time
from typing import Any

from node_library.graph import Workflow
from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, show_whole_workflow, wait_until, watch_errors

EXAMPLE = REPO / "canvas_assets" / "examples" / "sales_by_region.json"
NODES = ["orders", "non_empty", "revenue", "totals", "chart"]


class Stored:
    """The server's copy of the workflow, and waiting for the next saved revision."""

    def __init__(self, server: CanvasServer) -> None:
        self.services = server.services
        self.workflow_id = self.services.import_workflow(EXAMPLE.read_text()).workflow.id
        self.revision = self._revision()

    def _revision(self) -> int:
        return int(self.services.store.get(self.workflow_id).revision)

    def next(self, what: str) -> Workflow:
        """The document after exactly one more saved batch (one edit = one batch)."""
        want = self.revision + 1
        wait_until(lambda: self._revision() >= want, what)
        time.sleep(0.3)  # nothing more should arrive
        assert self._revision() == want, f"{what}: expected one batch"
        self.revision = want
        return self.services.store.get(self.workflow_id).workflow


def _edges(doc: Workflow) -> set[tuple[str, str, str, str]]:
    return {(e.source, e.source_port, e.target, e.target_port) for e in doc.edges}


def _focused_node(page: Any) -> str | None:
    node_id = page.evaluate(
        "() => document.activeElement?.closest('.react-flow__node')?.dataset.id ?? null"
    )
    return str(node_id) if node_id is not None else None


def _center(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_skip_link_keyboard_connect_palette_wiring_learn_more_and_the_tour(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = Stored(canvas_server)
    page.goto(f"{canvas_server.url}/#/w/{stored.workflow_id}")
    expect(page.get_by_role("heading", name="Sales by region")).to_be_visible()
    for node_id in NODES:
        expect(node_at(page, node_id)).to_be_visible()
    original = _edges(stored.services.store.get(stored.workflow_id).workflow)
    # an automated browser gets no first-visit tour over the canvas
    tour = page.get_by_role("dialog", name="Add nodes from the palette")
    expect(tour).to_have_count(0)

    # The first Tab stop is "Skip to canvas", visible once focused; it moves the focus onto the
    # canvas's first node, which shows a focus ring.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to canvas")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    wait_until(lambda: _focused_node(page) == "orders", "the focus on the first node")
    ring = node_at(page, "orders").evaluate("el => getComputedStyle(el).outlineStyle")
    assert ring == "solid", ring
    shot(page, "keyboard-01-skip-link-focus")

    # C on the focused node: the connections it can make, searchable; Enter commits one through
    # the mouse's path (the chart's input had an edge: it is replaced, in the same batch).
    page.keyboard.press("c")
    connect = page.get_by_role("dialog", name="Connect Orders CSV")
    expect(connect).to_be_visible()
    # orders already feeds non_empty: not offered again
    expect(connect.get_by_role("option", name=re.compile("Orders with units"))).to_have_count(0)
    page.keyboard.type("chart")
    first = connect.get_by_role("option").first
    expect(first).to_contain_text("Data → Revenue chart · Data (dataframe)")
    expect(first).to_contain_text("replaces the connection from totals.data")
    shot(page, "keyboard-02-connect-to")
    page.keyboard.press("Enter")
    connected = stored.next("the keyboard connection")
    assert _edges(connected) == (original - {("totals", "data", "chart", "data")}) | {
        ("orders", "data", "chart", "data")
    }
    expect(connect).to_have_count(0)
    assert _focused_node(page) == "orders"
    # one undo step takes it back, the replaced edge included
    page.keyboard.press("Control+z")
    assert _edges(stored.next("the undo of the connection")) == original

    # The palette's add, with a node selected, wires the new node to it and places it right of it.
    node_at(page, "totals").locator(".node-title").click()
    page.get_by_role("button", name="Add Sort", exact=True).click()
    added = stored.next("the palette add")
    sort = next(n for n in added.nodes if n.type == "transforms.sort")
    assert ("totals", "data", sort.id, "data") in _edges(added)
    totals = next(n for n in added.nodes if n.id == "totals")
    assert sort.position.x > totals.position.x + 200, (sort.position, totals.position)
    expect(node_at(page, sort.id)).to_have_class(re.compile(r"\bselected\b"))

    # Dragging a connection over a port that does not fit says why next to the pointer.
    show_whole_workflow(page)
    plot = node_at(page, "chart").locator('.react-flow__handle.source[data-handleid="plot"]')
    # the new Sort's input (not upstream of the chart: no cycle, only the types do not fit)
    table_in = node_at(page, sort.id).locator('.react-flow__handle.target[data-handleid="data"]')
    x0, y0 = _center(plot)
    x1, y1 = _center(table_in)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2 + 40, steps=6)
    page.mouse.move(x1, y1, steps=6)
    label = page.locator(".connection-pointer-hint")
    expect(label).to_have_text(
        "Cannot connect: a plot output cannot feed a dataframe input; "
        "connect a node that produces a dataframe"
    )
    # next to the pointer, on the side with room: wholly inside the pane
    box = label.bounding_box()
    pane = page.locator(".react-flow").bounding_box()
    assert box is not None and pane is not None
    assert min(abs(box["x"] - x1), abs(box["x"] + box["width"] - x1)) < 40, (box, x1)
    assert min(abs(box["y"] - y1), abs(box["y"] + box["height"] - y1)) < 40, (box, y1)
    assert pane["x"] <= box["x"] and box["x"] + box["width"] <= pane["x"] + pane["width"], (
        box,
        pane,
    )
    shot(page, "keyboard-03-pointer-reason")
    page.mouse.up()
    expect(label).to_have_count(0)

    # "Learn more" in the palette: the type's documentation from the registry.
    page.get_by_role("button", name="Learn more about Filter rows").click()
    docs = page.get_by_role("dialog", name="About Filter rows")
    expect(docs).to_be_visible()
    inputs = docs.get_by_role("region", name="Inputs")
    expect(inputs).to_contain_text("dataframe")
    expect(inputs).to_contain_text("Fed by")
    params = docs.get_by_role("region", name="Parameters")
    expect(params.locator("tbody tr").first).to_be_visible()
    example = docs.get_by_role("region", name="Example")
    expect(example.locator("li")).to_have_count(2)
    expect(docs.get_by_role("link", name=re.compile("GraphQL API explorer"))).to_have_attribute(
        "href", "/graphql"
    )
    expect(docs.get_by_role("link", name=re.compile("Dagster UI"))).to_have_attribute(
        "href", "/dagster/"
    )
    shot(page, "keyboard-04-learn-more")
    # a node type named on the page opens its own page
    example.locator("li").first.get_by_role("button").first.click()
    expect(page.get_by_role("dialog", name=re.compile("^About (?!Filter rows)"))).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name=re.compile("^About "))).to_have_count(0)
    expect(page.get_by_role("button", name="Learn more about Filter rows")).to_be_focused()

    # The tour opens from the Help menu: three steps, and closing it is remembered.
    page.get_by_role("button", name="Help ▾").click()
    page.get_by_role("menuitem", name="Getting started").click()
    expect(tour).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("dialog", name="Wire the ports")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("dialog", name="Run and inspect the results")).to_be_visible()
    shot(page, "keyboard-05-tour")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog", name="Run and inspect the results")).to_have_count(0)
    assert page.evaluate("() => localStorage.getItem('mlcanvas.onboarding')") == "1"
    assert errors == [], errors
