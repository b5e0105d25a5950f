"""Editing the canvas in a real browser against a real API server (see conftest.py): copy/paste
and duplicate as one undo step each, select all / box select / multi-delete, groups (group,
collapse, expand, move, rename, ungroup), quick add by double-click and by dropping a dragged
connection on empty canvas, the connection hints while dragging, and the shortcuts overlay.
Every edit is checked in the server's stored document, not only on the screen."""

from __future__ import annotations

import re
import time
from typing import Any

from node_library.graph import Workflow
from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, wait_until, watch_errors

EXAMPLE = REPO / "canvas_assets" / "examples" / "sales_by_region.json"
NODES = ["orders", "non_empty", "revenue", "totals", "chart"]


def _shot(page: Any, name: str) -> None:
    shot(page, f"editing-{name}")


class Stored:
    """The server's copy of the workflow, and waiting for the next saved revision."""

    def __init__(self, server: CanvasServer) -> None:
        self.services = server.services
        self.workflow_id = self.services.import_workflow(EXAMPLE.read_text()).workflow.id
        self.revision = self.get_revision()

    def get_revision(self) -> int:
        return int(self.services.store.get(self.workflow_id).revision)

    @property
    def doc(self) -> Workflow:
        return self.services.store.get(self.workflow_id).workflow

    def next(self, what: str, batches: int = 1) -> Workflow:
        """The document after exactly `batches` more saved batches (one edit = one batch)."""
        want = self.revision + batches
        wait_until(lambda: self.get_revision() >= want, what)
        time.sleep(0.3)  # nothing more should arrive
        assert self.get_revision() == want, f"{what}: expected one batch per edit"
        self.revision = want
        return self.doc


def _open(page: Any, server: CanvasServer, stored: Stored) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/#/w/{stored.workflow_id}")
    expect(page.get_by_role("heading", name="Sales by region")).to_be_visible()
    for node_id in NODES:
        expect(node_at(page, node_id)).to_be_visible()


def _click(page: Any, node_id: str, modifiers: list[str] | None = None) -> None:
    node_at(page, node_id).locator(".node-title").click(modifiers=modifiers or [])


def _center(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _empty_spot(page: Any, fx: float = 0.35, fy: float = 0.8) -> tuple[float, float]:
    """A point of the canvas at these fractions of its size, away from the example's nodes
    (fitted into view, they sit in one row across the middle)."""
    pane = page.locator(".react-flow__pane").bounding_box()
    assert pane is not None
    return pane["x"] + pane["width"] * fx, pane["y"] + pane["height"] * fy


def _ids(doc: Workflow) -> set[str]:
    return {n.id for n in doc.nodes}


def test_copy_paste_duplicate_and_delete_are_one_undo_step_each(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = Stored(canvas_server)
    _open(page, canvas_server, stored)

    # Select two nodes (click, Shift+click), copy, and paste at the mouse pointer.
    _click(page, "revenue")
    _click(page, "totals", ["Shift"])
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)
    page.keyboard.press("Control+c")
    x, y = _empty_spot(page)
    page.mouse.move(x, y)
    page.keyboard.press("Control+v")
    pasted = stored.next("the paste to be saved")
    assert _ids(pasted) == {*NODES, "revenue_2", "totals_2"}
    new_edge = [e for e in pasted.edges if e.target == "totals_2"]
    assert [(e.source, e.source_port, e.target_port) for e in new_edge] == [
        ("revenue_2", "data", "data")
    ]
    original = {n.id: n for n in pasted.nodes}
    assert original["revenue_2"].params == original["revenue"].params
    assert original["revenue_2"].label == original["revenue"].label
    # the copies keep their relative placement and land under the pointer
    dx = original["totals_2"].position.x - original["revenue_2"].position.x
    assert dx == original["totals"].position.x - original["revenue"].position.x
    box = node_at(page, "revenue_2").bounding_box()
    assert box is not None and abs(box["x"] - x) < 30 and abs(box["y"] - y) < 30, (box, x, y)
    # the pasted nodes are the new selection
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)
    expect(node_at(page, "revenue_2")).to_have_class(re.compile(r"\bselected\b"))
    _shot(page, "01-pasted")

    # One undo removes both nodes and their edge (one batch).
    page.keyboard.press("Control+z")
    undone = stored.next("the undo of the paste")
    assert _ids(undone) == set(NODES)
    expect(node_at(page, "revenue_2")).to_have_count(0)
    expect(node_at(page, "totals_2")).to_have_count(0)

    # Duplicate in place, offset by 40 px.
    _click(page, "orders")
    page.keyboard.press("Control+d")
    duplicated = stored.next("the duplicate")
    copy = duplicated.node("orders_2")
    orders = duplicated.node("orders")
    assert copy is not None and orders is not None
    assert (copy.position.x - orders.position.x, copy.position.y - orders.position.y) == (40, 40)
    assert copy.type == orders.type and copy.params == orders.params
    page.keyboard.press("Control+z")
    stored.next("the undo of the duplicate")

    # Foreign text on the clipboard is refused with a message and changes nothing.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("navigator.clipboard.writeText('just some text')")
    page.mouse.move(x, y)
    page.keyboard.press("Control+v")
    expect(page.get_by_role("alert")).to_contain_text("holds no canvas nodes")
    time.sleep(0.3)
    assert stored.get_revision() == stored.revision
    page.get_by_role("button", name="Dismiss").click()

    # Ctrl+A selects every node; a box drawn with Shift+drag selects what it encloses. (F fits
    # the view first: React Flow only draws the nodes in view.)
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    page.keyboard.press("f")
    for node_id in NODES:
        expect(node_at(page, node_id)).to_be_in_viewport()
    page.keyboard.press("Control+a")
    expect(page.locator(".react-flow__node.selected")).to_have_count(len(NODES))
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    expect(page.locator(".react-flow__node.selected")).to_have_count(0)
    first = node_at(page, "orders").bounding_box()
    second = node_at(page, "non_empty").bounding_box()
    assert first is not None and second is not None
    page.keyboard.down("Shift")
    page.mouse.move(first["x"] - 10, first["y"] - 10)
    page.mouse.down()
    page.mouse.move(
        second["x"] + second["width"] + 10, second["y"] + second["height"] + 10, steps=8
    )
    page.mouse.up()
    page.keyboard.up("Shift")
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)
    _shot(page, "02-box-selected")

    # Deleting both is one batch, and one undo brings both back with their edges.
    edges_before = {e.id for e in stored.doc.edges}
    page.keyboard.press("Delete")
    deleted = stored.next("the delete")
    assert _ids(deleted) == set(NODES) - {"orders", "non_empty"}
    page.keyboard.press("Control+z")
    restored = stored.next("the undo of the delete")
    assert _ids(restored) == set(NODES)
    assert {e.id for e in restored.edges} == edges_before

    # The clipboard survives opening another workflow: paste the copied pair there.
    other = canvas_server.services.import_workflow(EXAMPLE.read_text()).workflow.id
    assert other != stored.workflow_id
    _click(page, "revenue")
    _click(page, "totals", ["Shift"])
    page.keyboard.press("Control+c")
    page.goto(f"{canvas_server.url}/#/w/{other}")
    expect(node_at(page, "orders")).to_be_visible()
    page.mouse.move(*_empty_spot(page))
    revision = canvas_server.services.store.get(other).revision
    page.keyboard.press("Control+v")
    wait_until(
        lambda: canvas_server.services.store.get(other).revision > revision,
        "the paste into the other workflow",
    )
    there = canvas_server.services.store.get(other).workflow
    assert _ids(there) == {*NODES, "revenue_2", "totals_2"}
    assert stored.get_revision() == stored.revision  # the first workflow is untouched
    assert errors == [], errors


def test_groups_collapse_expand_move_rename_and_ungroup(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = Stored(canvas_server)
    _open(page, canvas_server, stored)

    _click(page, "non_empty")
    _click(page, "revenue", ["Shift"])
    page.keyboard.press("Control+g")
    grouped = stored.next("the group")
    assert [(g.title, g.node_ids, g.collapsed) for g in grouped.groups] == [
        ("Group", ["non_empty", "revenue"], False)
    ]
    group_id = grouped.groups[0].id
    frame = page.locator(f'.group-frame[data-group-id="{group_id}"]')
    expect(frame).to_be_visible()
    expect(frame.locator(".group-frame-count")).to_have_text("2 nodes")
    # the frame encloses its members
    outer = frame.bounding_box()
    inner = node_at(page, "revenue").bounding_box()
    assert outer is not None and inner is not None
    assert outer["x"] < inner["x"] and inner["x"] + inner["width"] < outer["x"] + outer["width"]
    _shot(page, "03-grouped")

    # Collapse: members hidden, the frame takes their edges.
    page.get_by_role("button", name="Collapse group Group").click()
    assert stored.next("the collapse").groups[0].collapsed is True
    expect(node_at(page, "revenue")).to_have_count(0)
    expect(node_at(page, "non_empty")).to_have_count(0)
    expect(frame.locator(".group-frame-summary")).to_have_text("2 nodes hidden")
    frame_id = f"group:{group_id}"
    expect(page.locator('.react-flow__edge[data-id="e_orders_filter"]')).to_have_count(1)
    into = page.locator(
        f'.react-flow__handle[data-nodeid="{frame_id}"][data-handleid="in"]'
    ).bounding_box()
    assert into is not None
    _shot(page, "04-collapsed")

    # Expand.
    page.get_by_role("button", name="Expand group Group").click()
    assert stored.next("the expand").groups[0].collapsed is False
    expect(node_at(page, "revenue")).to_be_visible()

    # Dragging the frame by its title bar moves both members, as one batch.
    before = {n.id: n.position for n in stored.doc.nodes}
    hx, hy = _center(frame.locator(".group-frame-count"))
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.mouse.move(hx + 30, hy + 130, steps=10)
    page.mouse.up()
    moved = stored.next("the frame move")
    for node_id in ("non_empty", "revenue"):
        after = moved.node(node_id)
        assert after is not None
        assert after.position.y - before[node_id].y > 60, node_id
    assert moved.node("orders").position == before["orders"]  # type: ignore[union-attr]
    _shot(page, "05-moved")

    # Rename by double-clicking the title.
    frame.locator(".group-frame-title").dblclick()
    title = page.get_by_role("textbox", name="Group title")
    title.fill("Cleaning")
    title.press("Enter")
    assert stored.next("the rename").groups[0].title == "Cleaning"
    expect(frame.locator(".group-frame-title")).to_have_text("Cleaning")

    # Ungroup keeps the nodes; undo brings the group back.
    page.get_by_role("button", name="Ungroup Cleaning").click()
    ungrouped = stored.next("the ungroup")
    assert ungrouped.groups == [] and _ids(ungrouped) == set(NODES)
    expect(frame).to_have_count(0)
    page.keyboard.press("Control+z")
    assert [g.title for g in stored.next("the undo of the ungroup").groups] == ["Cleaning"]
    expect(frame).to_be_visible()

    # The frame follows the dark theme (its colours are the theme's tokens).
    page.evaluate("localStorage.setItem('mlcanvas.theme', 'dark')")
    page.reload()
    expect(frame).to_be_visible()
    dark_bg = page.evaluate(
        "getComputedStyle(document.querySelector('.group-frame-header')).backgroundColor"
    )
    assert dark_bg == "rgb(30, 41, 59)", dark_bg  # --surface-2 of the dark theme
    _shot(page, "06-group-dark")
    assert errors == [], errors


def test_quick_add_by_double_click_and_by_dropping_a_connection(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = Stored(canvas_server)
    _open(page, canvas_server, stored)

    # Double-click on empty canvas: a search at the cursor; Enter adds the first hit there.
    x, y = _empty_spot(page, 0.3, 0.12)
    page.mouse.dblclick(x, y)
    popup = page.get_by_role("dialog", name="Add a node")
    expect(popup).to_be_visible()
    page.keyboard.type("sort")
    expect(popup.get_by_role("option").first).to_contain_text("Sort")
    page.keyboard.press("Enter")
    added = stored.next("the quick add")
    new = [n for n in added.nodes if n.id not in NODES]
    assert [n.type for n in new] == ["transforms.sort"]
    expect(popup).to_have_count(0)
    box = node_at(page, new[0].id).bounding_box()
    assert box is not None and abs(box["x"] - x) < 30 and abs(box["y"] - y) < 30, (box, x, y)

    # Escape closes the popup without adding anything.
    page.mouse.dblclick(*_empty_spot(page, 0.8, 0.12))
    expect(popup).to_be_visible()
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)

    # Drag a connection from an output; while dragging, fitting inputs light up and the
    # others dim.
    page.keyboard.press("f")  # fit the view: every handle is drawn
    page.wait_for_timeout(400)
    source_id = "totals"
    handle = page.locator(f'.react-flow__handle.source[data-nodeid="{source_id}"]')
    hx, hy = _center(handle)
    page.mouse.move(hx, hy)
    page.mouse.down()
    # well inside the pane: near an edge React Flow pans while a connection is dragged, and a
    # node panned out of view is not rendered (onlyRenderVisibleElements), handles and all
    page.mouse.move(*_empty_spot(page, 0.5, 0.7), steps=5)
    hints = page.locator('style[data-testid="connection-hints"]')
    expect(hints).to_have_count(1)
    own_input = page.locator(f'.react-flow__handle.target[data-nodeid="{source_id}"]').first
    fitting = page.locator(f'.react-flow__handle.target[data-nodeid="{new[0].id}"]').first
    # expect(...).to_have_css waits for the hints to apply (a one-shot read raced a re-render)
    expect(own_input).to_have_css("opacity", "0.3")
    expect(fitting).to_have_css("opacity", "1")
    # an output of the same name is not a place to end an output's connection
    its_output = page.locator(f'.react-flow__handle.source[data-nodeid="{new[0].id}"]').first
    expect(its_output).to_have_css("opacity", "0.3")
    _shot(page, "07-connection-hints")

    # ...and dropping it on empty canvas offers only the node types that fit, then adds and
    # wires the chosen one as one batch.
    page.mouse.move(*_empty_spot(page, 0.6, 0.8), steps=8)
    page.mouse.up()
    expect(hints).to_have_count(0)
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("from totals.data (dataframe)")
    # sources have no input, so they are not offered; transforms are
    expect(popup.get_by_role("option", name=re.compile("^CSV file"))).to_have_count(0)
    expect(popup.get_by_role("option", name=re.compile("^Sort"))).to_have_count(1)
    page.keyboard.type("filter")
    expect(popup.get_by_role("option").first).to_contain_text("Filter")
    _shot(page, "08-quick-add-for-connection")
    page.keyboard.press("Enter")
    wired = stored.next("the node added and wired")
    added_now = [n for n in wired.nodes if n.id not in _ids(added)]
    assert [n.type for n in added_now] == ["transforms.filter_rows"]
    edge = [e for e in wired.edges if e.target == added_now[0].id]
    assert [(e.source, e.target_port) for e in edge] == [(source_id, "data")]
    expect(page.locator(f'.react-flow__edge[data-id="{edge[0].id}"]')).to_have_count(1)

    # One undo takes back both the node and its edge.
    page.keyboard.press("Control+z")
    undone = stored.next("the undo of the wired add")
    assert _ids(undone) == _ids(added) and len(undone.edges) == len(added.edges)
    assert errors == [], errors


def test_the_shortcuts_overlay_opens_with_question_mark_and_the_toolbar(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = Stored(canvas_server)
    _open(page, canvas_server, stored)

    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    page.keyboard.press("Shift+?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    for label in ("Undo", "Copy the selected nodes", "Group the selected nodes", "Tidy up"):
        expect(dialog).to_contain_text(label)
    expect(dialog).to_contain_text("Ctrl+Shift+Z")
    _shot(page, "09-shortcuts")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    page.get_by_role("button", name="Shortcuts").click()
    expect(dialog).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)

    # Fit view (F) and tidy up (one batch) work from the keyboard too.
    page.keyboard.press("f")
    page.keyboard.press("Shift+Alt+T")
    stored.next("the tidy up")
    assert errors == [], errors
