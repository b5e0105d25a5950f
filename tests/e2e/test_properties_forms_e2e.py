"""The properties form's mode-aware parts in a real browser against a real API server (see
conftest.py), on the bundled breast-cancer tuning example: a split shows only the fields its
method uses and marks the target column with its role, and the grid search's space is edited as
rows of the connected model's hyperparameters (typed values, inline problems, the candidate
count, the raw JSON for power users). Every edit is checked in the server's stored document."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, show_whole_workflow, wait_until, watch_errors

EXAMPLE = REPO / "canvas_assets" / "examples" / "breast_cancer_tuning.json"
TIMES = "\N{MULTIPLICATION SIGN}"


def test_split_fields_follow_the_method_and_the_search_space_is_edited_as_rows(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    services = canvas_server.services
    workflow_id = services.import_workflow(EXAMPLE.read_text()).workflow.id

    def params(node_id: str) -> dict[str, Any]:
        node = services.store.get(workflow_id).workflow.node(node_id)
        assert node is not None
        return dict(node.params)

    def select(node_id: str) -> None:
        node_at(page, node_id).locator(".node-title").click()
        expect(node_at(page, node_id)).to_have_class(re.compile(r"\bselected\b"))

    page.goto(f"{canvas_server.url}/#/w/{workflow_id}")
    show_whole_workflow(page)
    panel = page.get_by_role("complementary", name="Properties")

    # A stratified split: its class column shows (with the target's role), its time column not.
    select("split")
    stratify = panel.locator(".field", has=page.locator("#param-stratify_column"))
    expect(stratify.locator(".column-status .column-role")).to_have_text("target")
    expect(stratify.locator(".column-role")).to_have_class(re.compile(r"\brole-target\b"))
    expect(panel.locator("#param-time_column")).to_have_count(0)
    expect(panel.locator("#param-shuffle")).to_be_visible()

    # Time-ordered: the time column appears, the class column and the shuffle go.
    panel.locator("#param-method").select_option("time-ordered")
    expect(panel.locator("#param-time_column")).to_be_visible()
    expect(panel.locator("#param-stratify_column")).to_have_count(0)
    expect(panel.locator("#param-shuffle")).to_have_count(0)
    expect(panel.locator(".fields-hidden")).to_contain_text("3 parameters do not apply")
    wait_until(lambda: params("split").get("method") == "time-ordered", "the method saved")
    # the hidden params keep their values: switching back shows them as they were
    panel.locator("#param-method").select_option("stratified")
    expect(panel.locator("#param-stratify_column")).to_have_value("diagnosis")
    wait_until(lambda: params("split").get("method") == "stratified", "the method restored")
    shot(page, "forms-01-split")

    # The grid search: one row per hyperparameter, picked from the logistic regression's.
    select("search")
    editor = panel.locator(".field-search_space")
    rows = editor.locator(".space-row")
    expect(rows).to_have_count(1)
    first_param = rows.nth(0).get_by_role("combobox", name="Hyperparameter")
    expect(first_param).to_have_value("C")
    offered = first_param.locator("option").all_text_contents()
    assert any(o.startswith("max_iter") for o in offered), offered
    assert not any(o.startswith(("target", "features")) for o in offered), offered
    expect(rows.nth(0).locator(".space-chip")).to_have_count(5)
    status = editor.locator(".space-count")
    expect(status).to_have_text(f"5 candidates {TIMES} 5 folds = 25 fits")

    # A new row starts on the next hyperparameter at the model's own value; values are typed.
    editor.get_by_role("button", name="+ Add hyperparameter").click()
    second = rows.nth(1)
    expect(second.get_by_role("combobox", name="Hyperparameter")).to_have_value("max_iter")
    expect(second.locator(".space-chip .chip-name")).to_have_text(["1000"])
    add = second.get_by_role("textbox", name="Add a value of max_iter")
    add.fill("2.5")
    add.press("Enter")
    expect(second.locator(".field-error")).to_have_text("2.5 is not a whole number")
    add.fill("2000")
    add.press("Enter")
    expect(second.locator(".space-chip")).to_have_count(2)
    expect(status).to_have_text(f"5 {TIMES} 2 = 10 candidates {TIMES} 5 folds = 50 fits")
    wait_until(
        lambda: params("search")["space"][1:] == [{"param": "max_iter", "values": [1000, 2000]}],
        "the new row saved",
    )

    # Another hyperparameter: an enum's choices are toggles (none included).
    second.get_by_role("combobox", name="Hyperparameter").select_option("class_weight")
    choices = second.locator(".space-choice")
    expect(choices).to_have_text(["balanced", "none"])
    expect(choices.nth(0)).to_have_attribute("aria-pressed", "true")
    choices.nth(1).click()
    expect(choices.nth(1)).to_have_attribute("aria-pressed", "false")
    wait_until(
        lambda: (
            params("search")["space"][1:] == [{"param": "class_weight", "values": ["balanced"]}]
        ),
        "the enum row saved",
    )
    # A duplicate name is flagged under its row at once.
    second.get_by_role("combobox", name="Hyperparameter").select_option("C")
    expect(second.locator(".field-issue")).to_contain_text("C is listed twice")
    shot(page, "forms-02-search-space")
    second.get_by_role("button", name="Remove C").click()
    expect(rows).to_have_count(1)

    # Power users: the raw JSON, and back to the form.
    editor.get_by_role("button", name="Edit as JSON").click()
    expect(editor.locator("textarea")).to_have_value(re.compile(r'"param": "C"'))
    editor.get_by_role("button", name="Edit as form").click()
    expect(rows).to_have_count(1)
    wait_until(lambda: len(params("search")["space"]) == 1, "the removed row saved")
    assert errors == [], errors
