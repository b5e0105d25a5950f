"""Running from the canvas in a real browser against a real API server (see conftest.py): the Run
split button and its status, "nothing to do", per-node status and issue badges, the problems list,
a refused launch, and a node that fails at run time (its error, the skipped downstream and
"Re-run from here")."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, wait_until, watch_errors

EXAMPLE = REPO / "canvas_assets" / "examples" / "sales_by_region.json"
SALES = REPO / "data" / "examples" / "sales.csv"
NODES = ["orders", "non_empty", "revenue", "totals", "chart"]
DOWNSTREAM_OF_ORDERS = NODES[1:]
RUN_TIMEOUT_MS = 120_000


def _open(page: Any, server: CanvasServer, workflow_id: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/#/w/{workflow_id}")
    expect(page.get_by_role("heading", name="Sales by region")).to_be_visible()
    expect(page.locator(".react-flow__node")).to_have_count(len(NODES))


def _run_menu(page: Any, item: str) -> None:
    page.get_by_role("button", name="More ways to run").click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def _select(page: Any, node_id: str) -> None:
    node_at(page, node_id).locator(".node-title").click()


def _in_view(page: Any, node_id: str, canvas: dict[str, float]) -> bool:
    node = node_at(page, node_id)
    box = node.bounding_box() if node.count() == 1 else None
    if box is None:
        return False
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return bool(
        canvas["x"] < cx < canvas["x"] + canvas["width"]
        and canvas["y"] < cy < canvas["y"] + canvas["height"]
    )


def _sales_csv(rows: int, broken_line: int | None = None) -> str:
    """A CSV over 2 MB (so validation reads only its first rows) from the example's sales rows;
    data row `broken_line` (1-based; file line broken_line + 1) gets two extra fields."""
    header, *body = SALES.read_text().splitlines()
    lines = (body * (rows // len(body) + 1))[:rows]
    if broken_line is not None:
        lines[broken_line - 1] += ",extra,fields"
    return "\n".join([header, *lines]) + "\n"


def test_run_shows_live_status_then_nothing_to_do_and_problems_lead_to_their_node(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = canvas_server.services.import_workflow(EXAMPLE.read_text())
    _open(page, canvas_server, stored.workflow.id)
    for node_id in NODES:
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text("Not run")
    expect(page.get_by_role("button", name=re.compile(r"^Problems \(0\)$"))).to_be_visible()

    # Run (= stale): every node ends succeeded with its duration and rows; the run says SUCCESS
    # with its elapsed time.
    run = page.get_by_role("button", name="Run", exact=True)
    expect(run).to_have_attribute("title", re.compile("stale or missing"))
    run.click()
    for node_id in NODES:
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text(
            "Up to date", timeout=RUN_TIMEOUT_MS
        )
    expect(page.locator(".run-status")).to_have_text("SUCCESS")
    expect(page.locator(".run-elapsed")).to_have_text(re.compile(r"^(\d+(\.\d+)? s|\d+:\d\d)$"))
    expect(node_at(page, "totals").locator(".node-run-succeeded")).to_have_text(
        re.compile(r"s · [\d,]+ → \d+ rows? · \+[\d.]+ [MG]B$")
    )
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0)
    shot(page, "running-01-after-run")

    # Run stale again: nothing to do. Without a selection the menu offers no per-node runs.
    page.get_by_role("button", name="More ways to run").click()
    expect(page.get_by_role("menuitem", name="Run up to this node")).to_have_count(0)
    expect(page.get_by_text("Select one node to run up to it or only it.")).to_be_visible()
    page.get_by_role("menuitem", name="Run stale", exact=True).click()
    expect(page.locator(".notice-info")).to_have_text(
        re.compile("Nothing to do: every result is fresh")
    )

    # With a node selected: the properties panel shows its status and run actions, and
    # "Run up to this node" also has nothing to do.
    _select(page, "revenue")
    status_block = page.get_by_role("region", name="Run status")
    expect(status_block.locator(".node-badge")).to_have_text("Up to date")
    expect(status_block).to_contain_text("Last run:")
    # when (the date and time on hover), and the run and the node's asset in the Dagster UI
    expect(status_block.locator(".status-last time")).to_have_text("just now")
    expect(status_block.locator(".status-last time")).to_have_attribute("title", re.compile(r"\d"))
    expect(status_block.get_by_role("link", name="Run in Dagster")).to_have_attribute(
        "href", re.compile(r"^/dagster/runs/[0-9a-f-]+$")
    )
    expect(status_block.get_by_role("link", name="Asset in Dagster")).to_have_attribute(
        "href", re.compile(r"^/dagster/assets/[^/]+/revenue$")
    )
    expect(status_block.get_by_role("button", name="Run up to here")).to_be_enabled()
    expect(status_block.get_by_role("button", name="Run only this")).to_be_enabled()
    _run_menu(page, "Run up to this node")
    expect(page.locator(".notice-info")).to_have_text(
        re.compile("this node and everything it reads from are fresh")
    )

    # Edit the filter through the properties form: it turns stale with the reason, and so does
    # its downstream.
    _select(page, "non_empty")
    expression = page.locator("#param-expression")
    expression.fill("units > 1 and discount < 0.2")
    expect(node_at(page, "non_empty").locator(".node-badge")).to_have_text("Stale")
    expect(node_at(page, "non_empty").locator(".node-badge")).to_have_attribute(
        "title", re.compile("params changed")
    )
    expect(node_at(page, "revenue").locator(".node-badge")).to_have_text("Stale")
    expect(node_at(page, "revenue").locator(".node-badge")).to_have_attribute(
        "title", re.compile("upstream non_empty changed")
    )
    expect(node_at(page, "orders").locator(".node-badge")).to_have_text("Up to date")

    # Break it: an unknown column. The node gets an issue badge with the message, and the
    # problems list opens with the issue.
    expression.fill("units > 0 and no_such_column < 0.2")
    badge = node_at(page, "non_empty").locator(".node-issues-error")
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute("title", re.compile("no_such_column"))
    problems = page.get_by_role("complementary", name="Problems")
    expect(problems.get_by_role("button", name=re.compile(r"^Problems \([1-9]"))).to_have_attribute(
        "aria-expanded", "true"
    )
    problem = problems.locator("button.problem-error", has_text="no_such_column")
    expect(problem).to_be_visible()
    expect(problem.locator(".problem-node")).to_have_text("Orders with units")
    expect(problem.locator(".problem-where")).to_have_text("expression")

    # Clicking the problem selects its node (after selecting another one) and brings it into
    # view (after panning it out of sight).
    _select(page, "orders")
    expect(node_at(page, "non_empty")).not_to_have_class(re.compile(r"\bselected\b"))
    canvas = page.locator(".canvas").bounding_box()
    assert canvas is not None
    x, y = canvas["x"] + 30, canvas["y"] + 30
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + canvas["width"] - 60, y + canvas["height"] - 60, steps=8)
    page.mouse.up()
    assert not _in_view(page, "non_empty", canvas)
    problem.click()
    expect(node_at(page, "non_empty")).to_have_class(re.compile(r"\bselected\b"))
    wait_until(lambda: _in_view(page, "non_empty", canvas), "the node to be centered")
    expect(node_at(page, "orders")).not_to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator(".properties input").first).to_have_value("Orders with units")
    shot(page, "running-02-problems")

    # Running now is refused, and the refusal lists the issue.
    page.get_by_role("button", name="Run", exact=True).click()
    refusal = page.locator(".run-problem")
    expect(refusal).to_contain_text("Cannot run")
    expect(refusal).to_contain_text("no_such_column")
    shot(page, "running-03-launch-refused")
    refusal.get_by_role("button", name="Dismiss").click()
    expect(refusal).to_have_count(0)

    # The problems list folds away and opens again.
    toggle = problems.get_by_role("button", name=re.compile(r"^Problems \("))
    toggle.click()
    expect(problems.locator(".problem")).to_have_count(0)
    toggle.click()
    expect(problem).to_be_visible()
    assert errors == [], errors


def test_a_node_failing_at_run_time_shows_its_error_skips_downstream_and_reruns_from_there(
    canvas_server: CanvasServer, browser_page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    services = canvas_server.services
    root = services.settings.data_roots[0]  # the test's own data folder (see canvas_server)
    # Broken far below the rows validation reads, so the workflow validates and fails when run.
    orders = root / "orders.csv"
    orders.write_text(_sales_csv(45_000, broken_line=30_000))
    document = json.loads(EXAMPLE.read_text())
    document["nodes"][0]["params"]["path"] = "orders.csv"
    stored = services.import_workflow(document)
    assert services.validate(stored.workflow).issues == []
    _open(page, canvas_server, stored.workflow.id)

    page.get_by_role("button", name="Run", exact=True).click()
    expect(node_at(page, "orders").locator(".node-badge")).to_have_text(
        "Failed", timeout=RUN_TIMEOUT_MS
    )
    expect(page.locator(".run-status")).to_have_text("FAILURE")
    failed = node_at(page, "orders")
    expect(failed.locator(".node-error")).to_contain_text("not valid CSV")
    expect(failed.locator(".node-error")).to_contain_text("line 30001")
    for node_id in DOWNSTREAM_OF_ORDERS:
        node = node_at(page, node_id)
        expect(node.locator(".node-badge")).to_have_text("Skipped")
        expect(node.locator(".node-run-skipped")).to_have_text(
            "not run because an upstream node failed"
        )
    rerun = failed.get_by_role("button", name="Re-run from here")
    expect(rerun).to_be_enabled()

    # The properties panel shows the error, folded, and offers the re-run too.
    _select(page, "orders")
    status_block = page.get_by_role("region", name="Run status")
    expect(status_block.locator(".node-badge")).to_have_text("Failed")
    error = status_block.locator("details.status-error")
    expect(error.locator("summary")).to_contain_text("not valid CSV")
    expect(error.locator("pre")).not_to_be_visible()
    error.locator("summary").click()
    expect(error.locator("pre")).to_be_visible()
    expect(status_block.get_by_role("button", name="Re-run from here")).to_be_visible()
    shot(page, "running-04-failed")

    # After a reload the last run's failure is still shown.
    page.reload()
    expect(node_at(page, "orders").locator(".node-badge")).to_have_text("Failed")
    expect(node_at(page, "chart").locator(".node-badge")).to_have_text("Skipped")
    expect(page.locator(".run-status")).to_have_text("FAILURE")

    # Fix the file, re-run from the failed node: it and everything downstream succeed.
    orders.write_text(_sales_csv(45_000))
    node_at(page, "orders").get_by_role("button", name="Re-run from here").click()
    for node_id in NODES:
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text(
            "Up to date", timeout=RUN_TIMEOUT_MS
        )
    expect(page.locator(".run-status")).to_have_text("SUCCESS")
    expect(node_at(page, "orders").locator(".node-run-succeeded")).to_contain_text("45,000 rows")
    expect(node_at(page, "orders").get_by_role("button", name="Re-run from here")).to_have_count(0)
    shot(page, "running-05-rerun-succeeded")
    assert errors == [], errors
