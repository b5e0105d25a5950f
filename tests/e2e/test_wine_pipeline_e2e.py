"""The seed's Phase 2 pipeline built from an empty canvas the way a new user would, timed: the
wine sample -> a stratified split -> scaling with its defaults -> a random forest -> predict ->
classification metrics. Nodes come from the palette's "add", which wires each new node to the
selected one; the two edges "add" cannot guess (the test rows into the scaler, the scaled test
rows into predict) are made with the keyboard's "Connect to…". Nothing is typed but the dataset
and the split method: the target comes from the sample's column roles, and scaling leaves it
alone. Built and run in under two minutes of wall time, and the metrics equal a hand-written
scikit-learn script."""

from __future__ import annotations

import re
import time
from typing import Any

from canvas_assets.storage.artifacts import ArtifactRef
from node_library.graph import Workflow
from node_library.nodes.sources.sample_dataset import load_sample
from tests.e2e.conftest import CanvasServer
from tests.e2e.pages import node_at, shot, show_whole_workflow, wait_until, watch_errors

RUN_TIMEOUT_MS = 90_000
BUDGET_S = 120


def _stored(server: CanvasServer, workflow_id: str) -> Workflow:
    return server.services.store.get(workflow_id).workflow


def _add(page: Any, server: CanvasServer, workflow_id: str, name: str, type_id: str) -> str:
    """Click the palette's "Add NAME"; the new node's id once the server has it."""
    before = {n.id for n in _stored(server, workflow_id).nodes}
    page.get_by_role("searchbox", name="Search nodes").fill(name)
    page.get_by_role("button", name=f"Add {name}", exact=True).click()
    page.get_by_role("searchbox", name="Search nodes").fill("")
    added: list[str] = []

    def saved() -> bool:
        added[:] = [
            n.id
            for n in _stored(server, workflow_id).nodes
            if n.id not in before and n.type == type_id
        ]
        return bool(added)

    wait_until(saved, f"{name} saved")
    return added[0]


def _select(page: Any, node_id: str) -> None:
    node_at(page, node_id).locator(".node-title").click()


def _connect_to(page: Any, node_id: str, label: str, option: str) -> None:
    """Show the whole workflow (F), focus the node, press C and pick the option whose text
    starts with `option`: the view follows each added node, so earlier ones may be off screen."""
    from playwright.sync_api import expect

    page.locator(".react-flow__pane").click(position={"x": 8, "y": 8})  # leave the palette
    show_whole_workflow(page)
    node_at(page, node_id).focus()
    page.keyboard.press("c")
    dialog = page.get_by_role("dialog", name=f"Connect {label}")
    expect(dialog).to_be_visible()
    dialog.get_by_role("option", name=re.compile("^" + re.escape(option))).click()
    expect(dialog).to_have_count(0)


def _edges(doc: Workflow) -> set[tuple[str, str, str, str]]:
    return {(e.source, e.source_port, e.target, e.target_port) for e in doc.edges}


def test_the_wine_pipeline_is_built_from_an_empty_canvas_and_run_in_two_minutes(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    page, server = browser_page, canvas_server
    errors = watch_errors(page)
    workflow_id = server.services.create_workflow("Wine quality").workflow.id
    started = time.monotonic()
    page.goto(f"{server.url}/#/w/{workflow_id}")
    expect(page.get_by_role("heading", name="Wine quality")).to_be_visible()

    sample = _add(page, server, workflow_id, "Sample dataset", "sources.sample_dataset")
    _select(page, sample)
    page.locator("#param-dataset").select_option("wine")
    split = _add(page, server, workflow_id, "Train/test split", "split.train_test_split")
    page.locator("#param-method").select_option("stratified")
    scaling = _add(page, server, workflow_id, "Scaling", "features.scale")
    forest = _add(
        page, server, workflow_id, "Random forest classifier", "models.random_forest_classifier"
    )
    predict = _add(page, server, workflow_id, "Predict", "models.predict")
    metrics = _add(
        page, server, workflow_id, "Classification metrics", "evaluate.classification_metrics"
    )
    _connect_to(page, split, "Train/test split", "Test → Scaling · Apply to")
    _connect_to(page, scaling, "Scaling", "Applied → Predict · Data")

    def built() -> bool:
        doc = _stored(server, workflow_id)
        params = {n.id: n.params for n in doc.nodes}
        return (
            _edges(doc)
            == {
                (sample, "data", split, "data"),
                (split, "train", scaling, "train"),
                (split, "test", scaling, "apply_to"),
                (scaling, "train", forest, "train"),
                (forest, "model", predict, "model"),
                (scaling, "applied", predict, "data"),
                (predict, "predictions", metrics, "scored"),
            }
            and params[sample].get("dataset") == "wine"
            and params[split].get("method") == "stratified"
        )

    wait_until(built, "the pipeline saved as built")
    expect(page.locator(".node-issues-error")).to_have_count(0)
    shot(page, "wine-01-built")

    page.locator(".run-controls").get_by_role("button", name="Run", exact=True).click()
    expect(node_at(page, metrics)).to_contain_text("Up to date", timeout=RUN_TIMEOUT_MS)
    elapsed = time.monotonic() - started
    _select(page, metrics)
    shot(page, "wine-02-run")
    assert elapsed < BUDGET_S, f"built and run in {elapsed:.0f} s"
    print(f"wine pipeline built from an empty canvas and run in {elapsed:.1f} s")

    # the same pipeline by hand: the sample's frame, the node defaults (seed 0, 25% test rows)
    frame = load_sample("wine")
    features = [c for c in frame.columns if c != "target"]
    train, test = train_test_split(frame, test_size=0.25, random_state=0, stratify=frame["target"])
    scaler = StandardScaler().fit(train[features])
    model = RandomForestClassifier(random_state=0).fit(
        scaler.transform(train[features]), train["target"]
    )
    expected = model.predict(scaler.transform(test[features]))
    services = server.services
    stored = services.store.get(workflow_id)
    key = services.plan(stored).nodes[metrics].cache_key
    values = services.artifacts.read(ArtifactRef(stored.workflow.slug, metrics, key, "metrics"))
    assert values["accuracy"] == accuracy_score(test["target"], expected)
    assert values["f1"] == f1_score(test["target"], expected, average="macro")  # auto: macro
    assert errors == [], errors
