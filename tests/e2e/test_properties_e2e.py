"""The properties form in a real browser against a real API server (see conftest.py): the
expression editor (completion of columns and functions from the keyboard, the server's error
inline with its hint and the place underlined, cleared once fixed), the row editor of the
aggregate's aggregations, the column picker of the chart's x, and the secret picker of the REST
source (with the toolbar's way to the Dagster UI). Every edit is checked in the server's stored
document, not only on the screen."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from node_library.graph import Workflow
from node_library.settings import NodeSettings
from tests.e2e.conftest import REPO, CanvasServer
from tests.e2e.pages import node_at, shot, wait_until, watch_errors

EXAMPLE = REPO / "canvas_assets" / "examples" / "sales_by_region.json"


def _shot(page: Any, name: str) -> None:
    shot(page, f"properties-{name}")


class Stored:
    def __init__(self, server: CanvasServer, document: str | None = None) -> None:
        self.services = server.services
        imported = self.services.import_workflow(document or EXAMPLE.read_text())
        self.workflow_id = imported.workflow.id

    @property
    def doc(self) -> Workflow:
        return self.services.store.get(self.workflow_id).workflow

    def params(self, node_id: str) -> dict[str, Any]:
        node = self.doc.node(node_id)
        assert node is not None
        return dict(node.params)

    def wait_for(self, node_id: str, what: str, check: Any) -> dict[str, Any]:
        wait_until(lambda: check(self.params(node_id)), what)
        return self.params(node_id)


def _select(page: Any, node_id: str) -> None:
    from playwright.sync_api import expect

    node_at(page, node_id).locator(".node-title").click()
    expect(node_at(page, node_id)).to_have_class(re.compile(r"\bselected\b"))


def test_expression_editor_completes_columns_and_shows_the_servers_error_inline(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = Stored(canvas_server)
    page.goto(f"{canvas_server.url}/#/w/{stored.workflow_id}")
    expect(page.get_by_role("heading", name="Sales by region")).to_be_visible()
    _select(page, "non_empty")
    panel = page.get_by_role("complementary", name="Properties")
    editor = panel.locator("#param-expression")
    expect(editor).to_have_value("units > 0 and discount < 0.2")
    suggestions = panel.locator(".suggest-item")

    # Type from scratch: "uni" offers the input's columns starting with it, with their dtypes;
    # Down moves to the second, Enter inserts it.
    editor.fill("")
    editor.press_sequentially("uni")
    expect(suggestions).to_have_count(2)
    expect(suggestions.nth(0)).to_contain_text("units")
    expect(suggestions.nth(0)).to_contain_text("integer")
    expect(suggestions.nth(1)).to_contain_text("unit_price")
    expect(suggestions.nth(1)).to_contain_text("float")
    expect(suggestions.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(suggestions.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(editor).to_have_value("unit_price")
    expect(suggestions).to_have_count(0)

    # After an operand only operator words fit; Tab inserts "and ".
    editor.press_sequentially(" > 1 an")
    expect(suggestions.first).to_contain_text("and")
    page.keyboard.press("Tab")
    expect(editor).to_have_value("unit_price > 1 and ")
    expect(editor).to_be_focused()

    # Functions come with their signature and doc; the caret lands between the brackets and
    # the signature of the call shows while typing its arguments.
    editor.press_sequentially("roun")
    expect(suggestions.first).to_contain_text("round")
    expect(panel.locator(".suggest-footer")).to_contain_text("round(x, ndigits=0)")
    _shot(page, "01-completion")
    page.keyboard.press("Enter")
    expect(editor).to_have_value("unit_price > 1 and round()")
    editor.press_sequentially("disc")
    page.keyboard.press("Enter")
    expect(editor).to_have_value("unit_price > 1 and round(discount)")
    expect(panel.locator(".expr-signature")).to_contain_text("round(x, ndigits=0)")
    # Escape closes the list without inserting anything.
    page.keyboard.press("End")
    editor.press_sequentially(" < 0.2 or reg")
    expect(suggestions.first).to_contain_text("region")
    page.keyboard.press("Escape")
    expect(suggestions).to_have_count(0)
    expect(editor).to_have_value("unit_price > 1 and round(discount) < 0.2 or reg")
    _shot(page, "01-signature")

    # A misspelt column: the server's issue shows under the editor with its hint, the word is
    # marked in the text, the node gets its badge.
    editor.fill("units > 0 and discout < 0.2")
    issue = panel.locator(".expr-issue")
    expect(issue).to_contain_text("discout")
    expect(issue).to_contain_text("Fix: did you mean 'discount'?")
    expect(panel.locator(".expr-mark")).to_have_text("discout")
    expect(editor).to_have_attribute("aria-invalid", "true")
    expect(node_at(page, "non_empty").locator(".node-issues-error")).to_be_visible()
    stored.wait_for(
        "non_empty", "the misspelt expression saved", lambda p: "discout" in p["expression"]
    )
    _shot(page, "02-inline-error")

    # Clicking the message selects the place; typing over it fixes it and the issue goes away.
    issue.locator("button").click()
    selected = editor.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)")
    assert selected == "discout"
    page.keyboard.type("discount")
    expect(editor).to_have_value("units > 0 and discount < 0.2")
    expect(issue).to_have_count(0)
    expect(panel.locator(".expr-mark")).to_have_count(0)
    expect(node_at(page, "non_empty").locator(".node-issues-error")).to_have_count(0)
    params = stored.wait_for(
        "non_empty",
        "the fixed expression saved",
        lambda p: p["expression"] == "units > 0 and discount < 0.2",
    )
    assert params == {"expression": "units > 0 and discount < 0.2"}
    _shot(page, "03-fixed")
    assert errors == [], errors


def test_aggregate_rows_and_chart_column_picker_save_to_the_server(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    stored = Stored(canvas_server)
    page.goto(f"{canvas_server.url}/#/w/{stored.workflow_id}")
    expect(page.get_by_role("heading", name="Sales by region")).to_be_visible()
    panel = page.get_by_role("complementary", name="Properties")

    # The aggregate: group_by as chips with the dtype, the aggregations as rows (no raw JSON).
    _select(page, "totals")
    chips = panel.locator(".chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("region")
    expect(chips.first).to_contain_text("string")
    rows = panel.locator("#param-aggregations .row-item")
    expect(rows).to_have_count(3)
    expect(panel.locator("#param-aggregations-1-column")).to_have_value("order_id")
    expect(panel.locator("#param-aggregations-1-function")).to_have_value("count")
    expect(panel.locator("textarea.json")).to_have_count(0)

    # Add a row: pick its column from the combobox with the keyboard, its function from the
    # select, type its output name. One row, saved as the list's fourth item.
    panel.get_by_role("button", name="+ Add aggregation").click()
    expect(rows).to_have_count(4)
    column = panel.locator("#param-aggregations-3-column")
    column.press_sequentially("disc")
    expect(panel.locator(".suggest-item").first).to_contain_text("discount")
    page.keyboard.press("Enter")
    expect(column).to_have_value("discount")
    panel.locator("#param-aggregations-3-function").select_option("max")
    panel.locator("#param-aggregations-3-as").fill("max_discount")
    params = stored.wait_for(
        "totals",
        "the new aggregation saved",
        lambda p: len(p["aggregations"]) == 4 and p["aggregations"][3].get("as") == "max_discount",
    )
    assert params["aggregations"][3] == {
        "column": "discount",
        "function": "max",
        "as": "max_discount",
    }
    assert params["aggregations"][:3] == [
        {"column": "revenue", "function": "sum", "as": "revenue"},
        {"column": "order_id", "function": "count", "as": "orders"},
        {"column": "units", "function": "mean", "as": "mean_units"},
    ]

    # Moving a row up reorders the list; removing one drops it.
    panel.get_by_role("button", name="Move aggregation 4 up").click()
    stored.wait_for(
        "totals",
        "the row moved up",
        lambda p: (
            [a["as"] for a in p["aggregations"]]
            == ["revenue", "orders", "max_discount", "mean_units"]
        ),
    )
    panel.get_by_role("button", name="Remove aggregation 4").click()
    stored.wait_for(
        "totals",
        "the row removed",
        lambda p: [a["as"] for a in p["aggregations"]] == ["revenue", "orders", "max_discount"],
    )
    _shot(page, "04-aggregate-rows")

    # The chart's x: focusing the picker lists every column of its input (the aggregate's
    # output, with the new column) with dtypes; a click picks one.
    _select(page, "chart")
    x = panel.locator("#param-x")
    x_field = panel.locator(".field", has=page.locator("#param-x"))
    expect(x).to_have_value("region")
    x.click()
    options = panel.locator(".suggest-item")
    expect(options).to_have_count(4)
    expect(options.filter(has_text="max_discount")).to_contain_text("float")
    options.filter(has_text="orders").click()
    expect(x).to_have_value("orders")
    expect(x_field.locator(".column-status .dtype")).to_have_text("integer")
    stored.wait_for("chart", "x saved", lambda p: p.get("x") == "orders")

    # A name the input lacks may be typed; it is flagged, and the server's issue shows under it.
    x.fill("nope")
    page.keyboard.press("Escape")
    expect(x_field.locator(".column-missing")).to_have_text("not in the input")
    expect(x_field.locator(".field-issue")).to_contain_text("nope")
    stored.wait_for("chart", "the unknown x saved", lambda p: p.get("x") == "nope")
    _shot(page, "05-chart-unknown-column")
    x.fill("reg")
    page.keyboard.press("Enter")
    expect(x).to_have_value("region")
    expect(panel.locator(".column-missing")).to_have_count(0)
    expect(panel.locator(".field-issue")).to_have_count(0)
    params = stored.wait_for("chart", "x back to region", lambda p: p.get("x") == "region")
    assert params["y"] == "revenue" and params["kind"] == "bar"
    _shot(page, "06-chart-picked")

    # The dark theme (the system's, by default) draws the same pickers from its own tokens.
    page.emulate_media(color_scheme="dark")
    panel.locator("#param-y").click()
    expect(options).to_have_count(4)
    _shot(page, "07-dark")
    assert errors == [], errors


def test_join_keys_pick_from_their_own_input_and_maps_edit_as_rows(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    services = canvas_server.services
    iris = services.import_workflow(
        (REPO / "canvas_assets" / "examples" / "iris_enriched.json").read_text()
    ).workflow
    page.goto(f"{canvas_server.url}/#/w/{iris.id}")
    panel = page.get_by_role("complementary", name="Properties")

    # A join key's left column comes from the left input, its right one from the right input.
    _select(page, "joined")
    options = panel.locator(".suggest-item")
    panel.locator("#param-keys-0-left").click()
    expect(options.filter(has_text="sepal length (cm)")).to_have_count(1)
    expect(options.filter(has_text="habitat")).to_have_count(0)
    page.keyboard.press("Escape")
    panel.locator("#param-keys-0-right").click()
    expect(options.filter(has_text="habitat")).to_have_count(1)
    expect(options.filter(has_text="sepal length (cm)")).to_have_count(0)
    options.filter(has_text="species").click()
    wait_until(
        lambda: (
            services.store.get(iris.id).workflow.node("joined").params["keys"]  # type: ignore[union-attr]
            == [{"left": "target", "right": "species"}]
        ),
        "the right key saved",
    )
    _shot(page, "08-join-keys")

    # A map keyed by columns (convert types: column -> type) is edited as rows.
    document = EXAMPLE.read_text().replace(
        '"edges": [',
        '"edges": [{"id": "e_types", "source": "orders", "source_port": "data", '
        '"target": "types", "target_port": "data"},',
    )
    document = document.replace(
        '"nodes": [',
        '"nodes": [{"id": "types", "type": "transforms.convert_types", "type_version": 1, '
        '"label": "Types", "params": {}, "position": {"x": 260, "y": 300}},',
    )
    stored = Stored(canvas_server, document)
    page.goto(f"{canvas_server.url}/#/w/{stored.workflow_id}")
    _select(page, "types")
    panel.get_by_role("button", name="+ Add column").click()
    key = panel.locator("#param-columns-0-key")
    key.press_sequentially("reg")
    # the new workflow's columns arrive with its validation: pick once they are offered
    expect(options.filter(has_text="region")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(key).to_have_value("region")
    panel.locator("#param-columns-0-value").select_option("category")
    stored.wait_for(
        "types", "region -> category", lambda p: p.get("columns") == {"region": "category"}
    )
    panel.get_by_role("button", name="+ Add column").click()
    # The new row's empty key is not saved while it is being typed; the first row stays.
    expect(panel.locator("#param-columns-1-key")).to_have_value("")
    panel.locator("#param-columns-1-key").press_sequentially("units")
    page.keyboard.press("Escape")
    panel.locator("#param-columns-1-value").select_option("float")
    stored.wait_for(
        "types",
        "two conversions",
        lambda p: p.get("columns") == {"region": "category", "units": "float"},
    )
    panel.get_by_role("button", name="Remove column 1").click()
    stored.wait_for(
        "types", "one conversion left", lambda p: p.get("columns") == {"units": "float"}
    )
    expect(panel.locator("#param-columns-0-key")).to_have_value("units")
    _shot(page, "09-column-map")
    assert errors == [], errors


def test_secret_params_pick_the_servers_secret_names_and_flag_unset_ones(
    canvas_server: CanvasServer, browser_page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    services = canvas_server.services
    # The server's secrets: the store validates edits with NodeSettings.from_env(), the API's
    # queries with services.settings (read per request), so both are set.
    secrets = {"CANVAS_SECRET_GITHUB": "ghp_" + "Q" * 36, "CANVAS_SECRET_WEATHER": "w" * 9}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    services.settings = services.settings.model_copy(
        update={"secrets": NodeSettings.from_env().secrets}
    )
    node = {
        "id": "issues",
        "type": "sources.rest_api",
        "type_version": 2,
        "label": "Issues",
        "params": {"url": "https://example.com/issues", "auth": "bearer", "auth_secret": "github"},
        "position": {"x": 0, "y": 0},
    }
    document = {"schema_version": 1, "slug": "rest", "name": "REST", "nodes": [node], "edges": []}
    stored = Stored(canvas_server, json.dumps(document))
    page.goto(f"{canvas_server.url}/#/w/{stored.workflow_id}")
    _select(page, "issues")
    panel = page.get_by_role("complementary", name="Properties")
    options = panel.locator(".suggest-item")
    status = panel.locator(".secret-status")

    # A name, not a password: a text combobox offering the server's names (never their values).
    auth_secret = panel.locator("#param-auth_secret")
    expect(auth_secret).to_have_value("github")
    expect(auth_secret).to_have_attribute("type", "text")
    expect(auth_secret).to_have_attribute("role", "combobox")
    auth_secret.click()
    expect(options).to_have_text(["github", "weather"])
    expect(status).to_have_count(0)

    # A map of secret names: free keys, each value picked from the same names; a name the server
    # does not have says at once which variable to set.
    panel.locator("#param-secret_headers").get_by_role("button", name="+ Add entry").click()
    panel.locator("#param-secret_headers-0-key").fill("X-Api-Key")
    value = panel.locator("#param-secret_headers-0-value")
    value.fill("wether")
    expect(status).to_have_text("not set on the server: set CANVAS_SECRET_WETHER and restart")
    expect(node_at(page, "issues").locator(".node-issues-error")).to_be_visible()
    stored.wait_for(
        "issues", "the unset name saved", lambda p: p["secret_headers"] == {"X-Api-Key": "wether"}
    )
    page.keyboard.press("Escape")
    _shot(page, "10-secret-not-set")
    value.fill("")
    expect(options).to_have_text(["github", "weather"])
    _shot(page, "11-secret-picker")
    options.filter(has_text="weather").click()
    expect(value).to_have_value("weather")
    expect(status).to_have_count(0)

    # Once saved, the server's issue (missing_secret, with the same variable) takes the line.
    auth_secret.fill("wether")
    expect(panel.locator(".field-issue")).to_contain_text("CANVAS_SECRET_WETHER")
    expect(status).to_have_count(0)
    auth_secret.fill("")
    auth_secret.press_sequentially("git")
    page.keyboard.press("Enter")
    expect(auth_secret).to_have_value("github")
    stored.wait_for(
        "issues",
        "both names saved",
        lambda p: p["auth_secret"] == "github" and p["secret_headers"] == {"X-Api-Key": "weather"},
    )
    expect(node_at(page, "issues").locator(".node-issues-error")).to_have_count(0)

    # The way to the Dagster UI (served by the API at /dagster/) opens in a new tab.
    dagster = page.get_by_role("link", name="Dagster")
    expect(dagster).to_have_attribute("href", "/dagster/")
    expect(dagster).to_have_attribute("target", "_blank")
    expect(dagster).to_have_attribute("title", re.compile("lineage.*runs.*materializations"))
    assert errors == [], errors
