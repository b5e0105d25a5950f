"""The execution engine as the canvas shows it, in a real browser against the real server and
engine (see conftest.py): a run's per-node stats (duration, rows in → out, peak memory) on the
node and in the status panel, the Runs panel (the run with trigger manual, its steps), a second
run after a param change and the two runs' metrics compared side by side, and a schedule added
through the schedule dialog (a bad cron refused inline, a good one listed with its next tick);
and a failed run: its traceback folded in the status panel, "Re-execute from failure" after the
cause is fixed, and the new run in Runs as the re-execution of the failed one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, show_whole_workflow, watch_errors

NODES = [
    "cells",
    "size_band",
    "split",
    "scale",
    "encode",
    "logreg",
    "predict",
    "metrics",
    "confusion",
    "roc",
]
RUN_TIMEOUT_MS = 120_000
SALES_EXAMPLE = REPO / "canvas_assets" / "examples" / "sales_by_region.json"
SALES = REPO / "data" / "examples" / "sales.csv"
SALES_NODES = ["orders", "non_empty", "revenue", "totals", "chart"]
STATS = re.compile(r"^\d+(\.\d+)? s · [\d,]+ → [\d,]+ rows · \+[\d.]+ [MG]B$")


def _wait_all_done(page: Any) -> None:
    from playwright.sync_api import expect

    for node_id in NODES:
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text(
            "Up to date", timeout=RUN_TIMEOUT_MS
        )
    expect(page.locator(".run-status")).to_have_text("SUCCESS", timeout=RUN_TIMEOUT_MS)


def test_runs_show_stats_history_comparison_and_schedules(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    page.goto(f"{canvas_server.url}/")
    page.get_by_role("button", name="Start from “Breast cancer classification”").click()
    expect(page.get_by_role("heading", name="Breast cancer classification")).to_be_visible()
    show_whole_workflow(page)
    expect(page.locator(".react-flow__node")).to_have_count(len(NODES))

    # Run: every node succeeds; a transform shows its duration, rows in → out and peak memory.
    page.get_by_role("button", name="Run", exact=True).click()
    _wait_all_done(page)
    size_band = node_at(page, "size_band").locator(".node-run-succeeded")
    expect(size_band).to_have_text(STATS)
    expect(size_band).to_contain_text("569 → 569 rows")
    for _ in range(5):
        page.locator(".react-flow__controls-zoomin").click()
    shot(page, "engine-01-node-stats")
    page.locator(".react-flow__controls-fitview").click()

    # The status panel spells the stats out.
    node_at(page, "size_band").locator(".node-title").click()
    stats = page.get_by_role("region", name="Run status").locator("dl.status-stats")
    expect(stats).to_contain_text("Duration")
    expect(stats).to_contain_text("569 → 569 rows")
    expect(stats).to_contain_text(re.compile(r"Peak memory\s*\+[\d.]+ [MG]B"))

    # Runs: the run, started by hand, with its steps.
    page.get_by_role("button", name="Runs", exact=True).click()
    runs = page.get_by_role("region", name="Runs")
    rows = runs.locator("table.runs-table").first.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".run-trigger")).to_have_text("manual")
    expect(rows.first.locator(".run-chip")).to_have_text("Succeeded")
    rows.first.locator(".run-trigger").click()
    steps = runs.locator("table.steps-table tbody tr")
    expect(steps).to_have_count(len(NODES))
    expect(runs.locator("table.steps-table")).to_contain_text("Succeeded")
    shot(page, "engine-02-runs-panel")

    # A param change, then Run again: only what it affects re-runs; the history shows both runs.
    node_at(page, "logreg").locator(".node-title").click()
    page.locator("#param-C").fill("0.01")
    expect(node_at(page, "metrics").locator(".node-badge")).to_have_text("Stale")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator(".run-status")).to_have_text(re.compile("STARTED|QUEUED|SUCCESS"))
    _wait_all_done(page)
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".run-chip")).to_have_text("Succeeded")

    # Compare the two runs' metrics: accuracy in both, with the difference.
    rows.nth(0).get_by_role("checkbox").check()
    rows.nth(1).get_by_role("checkbox").check()
    runs.get_by_role("button", name="Compare").click()
    table = runs.get_by_role("region", name="Compare runs").locator("table")
    accuracy = table.locator("tbody tr", has_text=re.compile(r"^metrics\s*accuracy"))
    expect(accuracy).to_have_count(1)
    cells = accuracy.locator("td")
    expect(cells.nth(2)).to_have_text(re.compile(r"^0\.\d+$"))
    expect(cells.nth(3)).to_have_text(re.compile(r"^0\.\d+$"))
    expect(cells.nth(4)).to_have_text(re.compile("^([+\u2212][\\d.]+|0)$"))
    shot(page, "engine-03-compare")

    # Schedules: a bad cron is refused inline; a daily one is listed with its next tick.
    page.get_by_role("button", name="Schedule…").click()
    dialog = page.get_by_role("dialog", name="Schedules")
    expect(dialog).to_contain_text("no schedule yet")
    dialog.get_by_label("Custom cron").check()
    dialog.locator("#schedule-cron").fill("every day at six")
    dialog.get_by_role("button", name="Add schedule").click()
    expect(dialog.locator(".field-error")).to_contain_text("cron")
    shot(page, "engine-04-schedule-bad-cron")
    dialog.get_by_label("Every day at 06:00").check()
    dialog.locator("#schedule-timezone").select_option("UTC")
    dialog.get_by_role("button", name="Add schedule").click()
    listed = dialog.locator("table.schedule-list tbody tr")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("0 6 * * *")
    expect(listed.first.locator(".schedule-next")).to_have_text(re.compile(r"^in \d+ (min|h)$"))
    expect(listed.first.get_by_role("switch")).to_be_checked()
    shot(page, "engine-05-schedule")
    listed.first.get_by_role("switch").uncheck()
    expect(listed.first.locator(".schedule-next")).to_have_text("off")
    assert errors == []


def _sales_csv(rows: int, broken_line: int | None = None) -> str:
    """Over 2 MB of the example's sales rows (validation reads only the first rows); data row
    `broken_line` (1-based) gets two extra fields."""
    header, *body = SALES.read_text().splitlines()
    lines = (body * (rows // len(body) + 1))[:rows]
    if broken_line is not None:
        lines[broken_line - 1] += ",extra,fields"
    return "\n".join([header, *lines]) + "\n"


def test_a_failed_run_shows_its_traceback_and_re_executes_from_its_failure(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    services = canvas_server.services
    orders = Path(services.settings.data_roots[0]) / "orders.csv"
    orders.write_text(_sales_csv(45_000, broken_line=30_000))
    document = json.loads(SALES_EXAMPLE.read_text())
    document["nodes"][0]["params"]["path"] = "orders.csv"
    stored = services.import_workflow(document)
    page.goto(f"{canvas_server.url}/#/w/{stored.workflow.id}")
    show_whole_workflow(page)
    expect(page.locator(".react-flow__node")).to_have_count(len(SALES_NODES))

    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator(".run-status")).to_have_text("FAILURE", timeout=RUN_TIMEOUT_MS)
    expect(node_at(page, "orders").locator(".node-badge")).to_have_text("Failed")

    # The status panel: the gist, unfolding to the whole error with its traceback.
    node_at(page, "orders").locator(".node-title").click()
    status_block = page.get_by_role("region", name="Run status")
    error = status_block.locator("details.status-error")
    expect(error.locator("summary")).to_contain_text("not valid CSV")
    error.locator("summary").click()
    expect(error.locator("pre")).to_contain_text("line 30001")
    expect(error.locator("pre")).to_contain_text('File "')
    expect(status_block.get_by_role("button", name="Re-execute from failure")).to_be_visible()
    shot(page, "engine-06-failed-traceback")

    # Fix the file, then re-execute from the failure (the toolbar offers it too).
    orders.write_text(_sales_csv(45_000))
    page.locator(".run-controls").get_by_role("button", name="Re-execute from failure").click()
    for node_id in SALES_NODES:
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text(
            "Up to date", timeout=RUN_TIMEOUT_MS
        )
    expect(page.locator(".run-status")).to_have_text("SUCCESS")
    expect(
        page.locator(".run-controls").get_by_role("button", name="Re-execute from failure")
    ).to_have_count(0)

    # Runs: the new run re-executes the failed one; the failed one's steps keep the traceback.
    page.get_by_role("button", name="Runs", exact=True).click()
    runs = page.get_by_role("region", name="Runs")
    rows = runs.locator("table.runs-table").first.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".run-chip")).to_have_text("Succeeded")
    expect(rows.nth(1).locator(".run-chip")).to_have_text("Failed")
    failed_id = rows.nth(1).get_attribute("data-run-id")
    assert failed_id
    expect(rows.nth(0)).to_contain_text(f"re-executes {failed_id[:8]}")
    rows.nth(1).locator(".run-trigger").click()
    failed_step = runs.locator("table.steps-table tbody tr.step-failed")
    expect(failed_step).to_have_count(1)
    expect(failed_step.locator("summary")).to_contain_text("not valid CSV")
    expect(runs.get_by_role("button", name="Re-execute from failure")).to_be_visible()
    shot(page, "engine-07-reexecuted")
    assert errors == []
