"""The canvas's first view and keyboard moves in a real browser against a real API server (see
conftest.py): arrow-key moves saved and undone like a drag, a long error wrapping inside the
properties panel, the first view at a legible zoom (and the simplified look when zoomed far
out, tidy up refitting), notices floating over the canvas, the Problems list staying folded on
load, charts with a sensible shape, and every bundled example's first view with legible titles.
Every edit is checked in the server's stored document, not only on the screen."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from node_library.graph import Workflow
from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, wait_until, watch_errors

EXAMPLES = REPO / "canvas_assets" / "examples"
SALES = EXAMPLES / "sales_by_region.json"
SALES_CSV = REPO / "data" / "examples" / "sales.csv"
SALES_NODES = ["orders", "non_empty", "revenue", "totals", "chart"]
RUN_TIMEOUT_MS = 120_000
GRID = 20  # the canvas's snap grid (src/graph/grid.ts): one arrow press moves a node this far


def _shot(page: Any, name: str) -> None:
    shot(page, f"first-view-{name}")


class Stored:
    """The server's copy of one workflow, and waiting for its next saved revision."""

    def __init__(self, server: CanvasServer, document: str | dict[str, Any]) -> None:
        self.services = server.services
        self.workflow_id = self.services.import_workflow(document).workflow.id
        self.revision = self.get_revision()

    def get_revision(self) -> int:
        return int(self.services.store.get(self.workflow_id).revision)

    @property
    def doc(self) -> Workflow:
        return self.services.store.get(self.workflow_id).workflow

    def position(self, node_id: str) -> tuple[float, float]:
        node = self.doc.node(node_id)
        assert node is not None, node_id
        return node.position.x, node.position.y

    def next(self, what: str, batches: int = 1) -> Workflow:
        """The document after exactly `batches` more saved batches (one edit = one batch)."""
        want = self.revision + batches
        wait_until(lambda: self.get_revision() >= want, what)
        time.sleep(0.8)  # nothing more should arrive (longer than a key burst's pause)
        assert self.get_revision() == want, f"{what}: expected {batches} batch(es)"
        self.revision = want
        return self.doc


def _open(page: Any, server: CanvasServer, workflow_id: str, name: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/#/w/{workflow_id}")
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator(".react-flow__node").first).to_be_visible()


def _drawn_position(page: Any, node_id: str) -> tuple[float, float]:
    """The node's position on the canvas in flow units (React Flow's transform of the node)."""
    transform = node_at(page, node_id).evaluate("el => el.style.transform")
    found = re.fullmatch(r"translate\((-?[\d.]+)px, (-?[\d.]+)px\)", transform)
    assert found, transform
    return float(found[1]), float(found[2])


def test_arrow_key_moves_are_saved_and_undone_like_a_drag(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = Stored(canvas_server, SALES.read_text())
    _open(page, canvas_server, stored.workflow_id, "Sales by region")
    start = stored.position("totals")

    # A burst of arrow presses on the selected node is one saved move.
    node_at(page, "totals").locator(".node-title").click()
    expect(node_at(page, "totals")).to_have_class(re.compile(r"\bselected\b"))
    for key in ["ArrowRight", "ArrowRight", "ArrowDown", "ArrowRight"]:
        page.keyboard.press(key)
    moved = (start[0] + 3 * GRID, start[1] + GRID)
    assert _drawn_position(page, "totals") == moved
    stored.next("the arrow-key move to be saved")
    assert stored.position("totals") == moved
    assert stored.position("revenue") == (780 - 260, 80)  # nothing else moved

    # One undo takes the whole burst back, on the server too; redo does it again.
    page.keyboard.press("Control+z")
    stored.next("the undo of the arrow-key move")
    assert stored.position("totals") == start
    expect(page.get_by_role("button", name="Undo")).to_be_disabled()
    page.keyboard.press("Control+Shift+z")
    stored.next("the redo of the arrow-key move")
    assert stored.position("totals") == moved

    # Undo right after a burst (before its pause ends) undoes that burst, not the one before.
    node_at(page, "totals").locator(".node-title").click()
    page.keyboard.press("Shift+ArrowUp")  # Shift moves four grid steps
    page.keyboard.press("Control+z")
    stored.next("the quick burst and its undo", batches=2)
    assert stored.position("totals") == moved

    # A move made just before leaving the canvas is saved (back to the list at once)...
    node_at(page, "totals").locator(".node-title").click()
    page.keyboard.press("ArrowLeft")
    page.get_by_role("button", name="Back to workflows").click()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
    stored.next("the move made just before leaving the canvas")
    final = (moved[0] - GRID, moved[1])
    assert stored.position("totals") == final

    # ...and kept: the reloaded canvas draws the node where it was moved.
    _open(page, canvas_server, stored.workflow_id, "Sales by region")
    page.reload()
    expect(node_at(page, "totals")).to_be_visible()
    assert _drawn_position(page, "totals") == final
    _shot(page, "01-arrow-moved")
    assert errors == [], errors


def _broken_sales_csv(rows: int, broken_line: int) -> str:
    """A CSV over 2 MB (so validation reads only its first rows, and the run fails) from the
    example's sales rows; data row `broken_line` gets two extra fields."""
    header, *body = SALES_CSV.read_text().splitlines()
    lines = (body * (rows // len(body) + 1))[:rows]
    lines[broken_line - 1] += ",extra,fields"
    return "\n".join([header, *lines]) + "\n"


def _overflow(page: Any, selector: str) -> dict[str, int]:
    return dict(
        page.locator(selector).evaluate(
            "el => ({scrollWidth: el.scrollWidth, clientWidth: el.clientWidth})"
        )
    )


def test_a_long_error_wraps_inside_the_properties_panel(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    services = canvas_server.services
    # A file name with no place to break a line: the error names it, in its first line too.
    name = "orders_" + "with_a_name_far_too_long_to_fit_" * 5 + ".csv"
    (services.settings.data_roots[0] / name).write_text(_broken_sales_csv(45_000, 30_000))
    document = json.loads(SALES.read_text())
    document["nodes"][0]["params"]["path"] = name
    stored = Stored(canvas_server, document)
    _open(page, canvas_server, stored.workflow_id, "Sales by region")
    panel = page.get_by_role("complementary", name="Properties")
    width_before = panel.bounding_box()["width"]

    page.get_by_role("button", name="Run", exact=True).click()
    expect(node_at(page, "orders").locator(".node-badge")).to_have_text(
        "Failed", timeout=RUN_TIMEOUT_MS
    )
    node_at(page, "orders").locator(".node-title").click()
    status = panel.get_by_role("region", name="Run status")
    error = status.locator("details.status-error")
    expect(error.locator("summary")).to_contain_text(name)

    # Folded and unfolded (message and traceback), the error stays inside the panel: it wraps
    # or scrolls within its block, and the panel keeps its width with nothing to scroll sideways.
    for state in ("folded", "unfolded"):
        if state == "unfolded":
            error.locator("summary").click()
            expect(error.locator("pre")).to_be_visible()
            expect(error.locator("pre")).to_contain_text(name)
        sizes = _overflow(page, ".properties")
        assert sizes["scrollWidth"] <= sizes["clientWidth"], (state, sizes)
        assert panel.bounding_box()["width"] == width_before, state
        block = status.bounding_box()
        outer = panel.bounding_box()
        assert block is not None and outer is not None
        assert block["x"] + block["width"] <= outer["x"] + outer["width"], (state, block, outer)
    _shot(page, "02-long-error")
    assert errors == [], errors


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return dict(box)


def _fits(locator: Any) -> bool:
    """Whether the element shows all it holds without scrolling."""
    return bool(
        locator.evaluate(
            "el => el.scrollHeight <= el.clientHeight && el.scrollWidth <= el.clientWidth"
        )
    )


def _simple_title(node: Any) -> dict[str, Any]:
    """What a node in the zoomed-out look shows: the large title drawn over it (its text and
    font size), and whether its ports' labels are visible."""
    return dict(
        node.evaluate(
            """el => {
            const title = el.querySelector('.node-title');
            const big = getComputedStyle(title, '::after');
            const ports = el.querySelector('.node-ports');
            return {
              text: big.content,
              px: parseFloat(big.fontSize),
              ports: !!ports && getComputedStyle(ports).visibility === 'visible',
            };
          }"""
        )
    )


def test_charts_keep_their_shape_and_metrics_read_without_resizing(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    example = EXAMPLES / "breast_cancer_classification.json"
    stored = Stored(canvas_server, example.read_text())
    _open(page, canvas_server, stored.workflow_id, "Breast cancer classification")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator(".run-status")).to_have_text("SUCCESS", timeout=RUN_TIMEOUT_MS)

    # Fit the whole (wide) workflow into view: that far out, nodes show their title large and
    # their status colour only.
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    page.keyboard.press("f")
    expect(page.locator(".react-flow.simple-look")).to_have_count(1)
    roc = node_at(page, "roc")
    assert _simple_title(roc) == {"text": '"ROC curve (malignant)"', "px": 30, "ports": False}
    expect(roc.locator(".canvas-node")).to_have_css("background-color", "rgb(220, 252, 231)")
    _shot(page, "03-fitted-simple-look")

    panel = page.locator("section.results-panel")
    body = panel.locator(".results-body")
    for node_id, aspect in (("roc", 4 / 3), ("confusion", 1.0)):
        node_at(page, node_id).click()
        host = panel.locator(".plot-host")
        plot_area = host.locator(".nsewdrag").first  # plotly.js's drag layer over the plot area
        expect(plot_area).to_be_visible(timeout=30_000)
        assert _box(host)["height"] >= 280, node_id

        def shaped(plot_area: Any = plot_area, aspect: float = aspect) -> bool:
            area = _box(plot_area)
            return abs(area["width"] / area["height"] - aspect) < 0.1

        wait_until(shaped, f"the {node_id} chart's plot area at {aspect:.2f}:1", timeout=5)
        assert _box(plot_area)["height"] >= 140, node_id  # a chart, not a strip
        # a panel nobody has resized shows the whole chart
        assert _fits(body), node_id
        _shot(page, f"04-chart-{node_id}")

    node_at(page, "metrics").click()
    expect(panel.get_by_text("accuracy", exact=True)).to_be_visible()
    assert _fits(body)
    _shot(page, "05-metrics")
    assert errors == [], errors


def _zoom(page: Any) -> float:
    transform = page.locator(".react-flow__viewport").evaluate("el => el.style.transform")
    found = re.search(r"scale\(([\d.]+)\)", transform)
    assert found, transform
    return float(found[1])


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def _wait_first_view(page: Any) -> None:
    """Until the first view is placed (the viewport left React Flow's starting transform)."""
    wait_until(
        lambda: (
            page.locator(".react-flow__viewport").evaluate("el => el.style.transform")
            != "translate(0px, 0px) scale(1)"
        ),
        "the first view",
    )
    page.wait_for_timeout(200)


def _titles_on_screen(page: Any) -> list[dict[str, Any]]:
    """Each node title drawn inside the canvas: its text and its font size in CSS px."""
    return list(
        page.evaluate(
            """() => {
            const pane = document.querySelector('.react-flow').getBoundingClientRect();
            return [...document.querySelectorAll('.react-flow__node .node-title')]
              .filter((el) => {
                const r = el.getBoundingClientRect();
                return r.width > 0 && r.right > pane.left && r.left < pane.right
                  && r.bottom > pane.top && r.top < pane.bottom;
              })
              .map((el) => ({
                text: el.textContent,
                px: parseFloat(getComputedStyle(el).fontSize),
                visible: getComputedStyle(el).visibility === 'visible',
              }));
          }"""
        )
    )


def test_the_first_view_fits_at_a_legible_zoom_or_starts_at_the_top_left(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    pane = page.locator(".react-flow")

    # A small workflow fits whole, at a legible zoom and never past 100 %.
    small = Stored(canvas_server, (EXAMPLES / "iris_enriched.json").read_text())
    _open(page, canvas_server, small.workflow_id, "Iris enriched")
    _wait_first_view(page)
    assert 0.75 <= _zoom(page) <= 1
    for node_id in ("iris", "species", "joined", "table", "export"):
        assert _inside(_box(node_at(page, node_id)), _box(pane)), node_id
    expect(page.locator(".react-flow.simple-look")).to_have_count(0)

    # Panned away, "Tidy up" lays the nodes out and brings them back into view: one batch.
    box = _box(pane)
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 40, box["y"] + box["height"] - 40, steps=8)
    page.mouse.up()
    node = node_at(page, "export")  # out of view: not drawn at all, or not whole
    assert node.count() == 0 or not _inside(_box(node), _box(pane))
    page.get_by_role("button", name="Tidy up").click()
    small.next("the tidy up")

    def all_in_view() -> bool:
        nodes = page.locator(".react-flow__node")
        return nodes.count() == 5 and all(_inside(_box(nodes.nth(i)), _box(pane)) for i in range(5))

    wait_until(all_in_view, "the tidied-up nodes back in view", timeout=5)
    assert _zoom(page) >= 0.75
    _shot(page, "06-tidied-up")

    # A workflow too wide for a legible zoom starts at its left edge at that zoom (the sources
    # first); the rest is a scroll away.
    wide = Stored(canvas_server, (EXAMPLES / "breast_cancer_classification.json").read_text())
    _open(page, canvas_server, wide.workflow_id, "Breast cancer classification")
    _wait_first_view(page)
    assert _zoom(page) == 0.75
    first = _box(node_at(page, "cells"))
    assert _inside(first, _box(pane))
    assert first["x"] - _box(pane)["x"] < 40  # the margin at the left edge
    expect(node_at(page, "roc")).to_have_count(0)  # far right: not drawn until scrolled to
    for title in _titles_on_screen(page):
        assert title["px"] * 0.75 >= 11, title
    _shot(page, "07-wide-starts-left")

    # Zoomed far out the nodes turn into large titles; zoomed back in they are whole again.
    zoom_out = page.locator(".react-flow__controls-zoomout")
    while _zoom(page) >= 0.45:
        zoom_out.click()
        page.wait_for_timeout(120)
    expect(page.locator(".react-flow.simple-look")).to_have_count(1)
    cells = node_at(page, "cells")
    assert _simple_title(cells) == {"text": '"Breast cancer cells"', "px": 30, "ports": False}
    expect(cells.locator(".node-title")).to_have_css("color", "rgba(0, 0, 0, 0)")
    # the ports' handles stay, so connections can still be dragged from this far out
    expect(cells.locator(".react-flow__handle").first).to_be_visible()
    _shot(page, "08-zoomed-out")
    while _zoom(page) < 0.45:
        page.locator(".react-flow__controls-zoomin").click()
        page.wait_for_timeout(120)
    expect(page.locator(".react-flow.simple-look")).to_have_count(0)
    assert _simple_title(cells)["ports"] is True
    expect(cells.locator(".node-title")).to_have_css("color", "rgb(15, 23, 42)")  # --text
    assert errors == [], errors


def test_notices_float_over_the_canvas_and_problems_stay_folded_on_load(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    document = json.loads(SALES.read_text())
    document["nodes"][1]["params"]["expression"] = "no_such_column > 0"
    stored = Stored(canvas_server, document)
    _open(page, canvas_server, stored.workflow_id, "Sales by region")

    # The workflow opens with a problem: the strip counts it, the list stays folded.
    problems = page.get_by_role("complementary", name="Problems")
    toggle = problems.get_by_role("button", name=re.compile(r"^Problems \("))
    expect(toggle).to_have_text(re.compile(r"^Problems \([1-9]"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(problems.locator(".problem")).to_have_count(0)

    # A notice floats over the canvas: nothing on the page moves when it comes or goes.
    _wait_first_view(page)
    node_at(page, "orders").locator(".node-title").click()  # the results panel opens below
    expect(page.locator("section.results-panel .results-body")).to_be_visible()
    canvas_before = _box(page.locator(".canvas"))
    node_before = _box(node_at(page, "orders"))
    page.keyboard.press("Control+Shift+g")  # ungroup a node that is in no group: a notice
    notice = page.get_by_role("status").filter(has_text="None of the selected nodes is in a group")
    expect(notice).to_be_visible()
    assert _box(page.locator(".canvas")) == canvas_before
    assert _box(node_at(page, "orders")) == node_before
    assert _inside(_box(notice), _box(page.locator(".canvas-center")))
    _shot(page, "09-floating-notice")
    notice.get_by_role("button", name="Dismiss").click()
    expect(notice).to_have_count(0)
    assert _box(page.locator(".canvas")) == canvas_before
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert errors == [], errors


def test_every_example_opens_with_legible_node_titles(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    """Each bundled example's first view (saved with CANVAS_E2E_SCREENSHOTS=1): titles at
    11 px or more on screen (font size x zoom), none in the zoomed-out look."""
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    examples = sorted(EXAMPLES.glob("*.json"))
    assert len(examples) >= 8
    for path in examples:
        document = json.loads(path.read_text())
        stored = Stored(canvas_server, document)
        _open(page, canvas_server, stored.workflow_id, document["name"])
        _wait_first_view(page)
        zoom = _zoom(page)
        titles = _titles_on_screen(page)
        assert titles, path.name
        for title in titles:
            assert title["visible"], (path.name, title)
            assert title["px"] * zoom >= 11, (path.name, zoom, title)
        expect(page.locator(".react-flow.simple-look")).to_have_count(0)
        shot(page, f"first-view-example-{path.stem}")
    assert errors == [], errors
