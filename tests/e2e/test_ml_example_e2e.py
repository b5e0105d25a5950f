"""An ML example as a new user meets it: start it from the start page, run it, and inspect its
model, metrics and charts in the results panel. The metrics shown are checked against the
stored result (tests/canvas_assets/test_ml_examples.py checks those against scikit-learn)."""

from __future__ import annotations

import re
from typing import Any

from canvas_assets.storage.artifacts import ArtifactRef
from tests.e2e.conftest import CanvasServer
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
RUN_TIMEOUT_MS = 180_000


def test_the_classification_example_runs_and_shows_its_model_metrics_and_charts(
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

    page.get_by_role("button", name="Run", exact=True).click()
    for node_id in NODES:
        expect(node_at(page, node_id).locator(".node-badge")).to_have_text(
            "Up to date", timeout=RUN_TIMEOUT_MS
        )
    expect(page.locator(".run-status")).to_have_text("SUCCESS")
    shot(page, "ml-01-ran")

    panel = page.locator("section.results-panel")
    # The metrics: a table whose accuracy is the stored one.
    node_at(page, "metrics").locator(".node-header").click()
    expect(panel.locator(".results-title")).to_contain_text("Test metrics")
    services = canvas_server.services
    (workflow,) = services.store.list(search="Breast cancer classification")
    plan = services.plan(services.store.get(workflow.workflow.slug))
    slug, key = workflow.workflow.slug, plan.nodes["metrics"].cache_key
    ref = ArtifactRef(slug, "metrics", key, "metrics")
    metrics = services.artifacts.read(ref)
    expect(panel.get_by_text("accuracy", exact=True)).to_be_visible()
    expect(panel).to_contain_text(str(round(metrics["accuracy"], 3))[:5])
    shot(page, "ml-02-metrics")

    # The confusion matrix and the ROC curve are drawn by Plotly.
    for chart in ("confusion", "roc"):
        node_at(page, chart).locator(".node-header").click()
        expect(panel.locator(".main-svg").first).to_be_visible(timeout=30_000)
    shot(page, "ml-03-roc")

    # The model says what it is.
    node_at(page, "logreg").locator(".node-header").click()
    expect(panel).to_contain_text(re.compile("LogisticRegression|logistic", re.I))
    shot(page, "ml-04-model")
    assert errors == [], errors
