"""The workflow list in a real browser: the first-run page, starting from an example, create,
rename, duplicate, export, import (good and bad files), delete, the theme and missing pages
(see conftest.py for the server and browser)."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

from tests.e2e.conftest import CanvasServer
from tests.e2e.pages import shot, watch_errors

DARK_BG = "rgb(11, 17, 32)"  # --bg of :root[data-theme="dark"] in styles.css


def _gql(server: CanvasServer, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL call as the canvas makes it (loopback: signed in as the local admin)."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        f"{server.url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    assert not payload.get("errors"), payload
    return payload["data"]


def _row(page: Any, name: str) -> Any:
    return page.locator(".wf-row").filter(
        has=page.locator(".wf-name", has_text=re.compile(f"^{re.escape(name)}$"))
    )


def test_a_fresh_server_teaches_the_first_steps_and_opens_an_example_in_one_click(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    page.goto(f"{canvas_server.url}/")
    expect(page).to_have_title("Workflows · Visual ML Canvas")
    expect(page.get_by_role("heading", name="Start from an example")).to_be_visible()
    expect(page.get_by_role("button", name="Create an empty workflow")).to_be_visible()
    steps = page.get_by_role("list", name="How a workflow is built").locator("li")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text("Drag a data source")
    expect(steps.nth(2)).to_contain_text("Run")
    shot(page, "workflows-01-first-run")

    page.get_by_role("button", name="Start from “Sales by region”").click()
    expect(page.get_by_role("heading", name="Sales by region")).to_be_visible()
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page).to_have_title("Sales by region · Visual ML Canvas")
    stored = canvas_server.services.store.list()
    assert [s.workflow.slug for s in stored] == ["sales_by_region"]
    assert page.url.endswith(f"#/w/{stored[0].id}")
    assert len(stored[0].workflow.nodes) == 5
    shot(page, "workflows-02-example-opened")
    assert errors == [], errors


def test_create_rename_duplicate_export_import_and_delete_from_the_list(
    canvas_server: CanvasServer, browser_page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    services = canvas_server.services
    sales = services.create_from_template("sales_by_region")
    page.goto(f"{canvas_server.url}/")
    expect(_row(page, "Sales by region")).to_contain_text("5 nodes")

    # Create asks for a name and opens the new, empty workflow with its hint.
    page.get_by_role("button", name="New workflow").click()
    page.get_by_label("Name of the new workflow").fill("Churn study")
    page.get_by_role("button", name="Create and open").click()
    expect(page.get_by_role("heading", name="Churn study")).to_be_visible()
    empty = page.get_by_role("region", name="This workflow is empty")
    expect(empty).to_contain_text("Drag a data source from the palette")
    expect(empty.get_by_role("button", name="Open an example")).to_be_visible()
    shot(page, "workflows-03-new-empty-canvas")
    # The hint's button opens an example as a new workflow.
    empty.get_by_role("button", name="Open an example").click()
    empty.get_by_role("button", name="Open the “Iris enriched” example").click()
    expect(page.get_by_role("heading", name="Iris enriched")).to_be_visible()
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page.get_by_role("region", name="This workflow is empty")).to_have_count(0)
    page.get_by_role("button", name="Back to workflows").click()
    expect(_row(page, "Iris enriched")).to_contain_text("5 nodes")
    expect(_row(page, "Churn study")).to_contain_text("0 nodes")

    # Rename inline.
    row = _row(page, "Sales by region")
    row.get_by_role("button", name="Rename").click()
    page.get_by_label("New name").fill("Regional sales")
    page.get_by_label("New name").press("Enter")
    expect(_row(page, "Regional sales")).to_be_visible()
    assert services.store.get(sales.id).workflow.name == "Regional sales"

    # Duplicate.
    _row(page, "Regional sales").get_by_role("button", name="Duplicate").click()
    expect(page.get_by_role("status")).to_contain_text("Duplicated as “Regional sales (copy)”")
    expect(_row(page, "Regional sales (copy)")).to_contain_text("5 nodes")

    # Export downloads <slug>.json holding exactly what exportWorkflow answers.
    with page.expect_download() as download_info:
        _row(page, "Regional sales").get_by_role("button", name="Export JSON").click()
    download = download_info.value
    assert download.suggested_filename == "sales_by_region.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    exported = _gql(canvas_server, "query($id: ID!) { exportWorkflow(id: $id) }", {"id": sales.id})
    assert json.loads(saved.read_text()) == exported["exportWorkflow"]

    # A malformed file and an invalid document: the server's message, and nothing created.
    count = len(services.store.list())
    file_input = page.locator('input[type="file"]')
    file_input.set_input_files(
        {"name": "broken.json", "mimeType": "application/json", "buffer": b'{"name": "x", '}
    )
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Could not import broken.json")
    expect(alert).to_contain_text("not valid JSON")
    expect(alert).to_contain_text("Nothing was imported")
    shot(page, "workflows-04-import-error")
    file_input.set_input_files(
        {"name": "no_slug.json", "mimeType": "application/json", "buffer": b'{"name": "x"}'}
    )
    expect(page.get_by_role("alert")).to_contain_text("slug: Field required")
    assert len(services.store.list()) == count

    # The exported file imports back as a new workflow next to the original.
    file_input.set_input_files(str(saved))
    expect(page.get_by_role("status")).to_contain_text("Imported “Regional sales”")
    expect(page.locator(".wf-row-new")).to_contain_text("sales_by_region_2")
    assert len(services.store.list()) == count + 1
    assert {s.workflow.slug for s in services.store.list()} >= {"sales_by_region_2"}

    # Delete asks first and says what goes.
    copy_row = _row(page, "Regional sales (copy)")
    copy_row.get_by_role("button", name="Delete").click()
    confirm = copy_row.get_by_role("group", name="Confirm delete")
    expect(confirm).to_contain_text("Delete “Regional sales (copy)” for everyone?")
    expect(confirm).to_contain_text("5 nodes")
    expect(confirm).to_contain_text("cannot be undone")
    shot(page, "workflows-05-delete-confirm")
    confirm.get_by_role("button", name="Cancel").click()
    assert len(services.store.list()) == count + 1
    copy_row.get_by_role("button", name="Delete").click()
    copy_row.get_by_role("button", name="Delete workflow").click()
    expect(_row(page, "Regional sales (copy)")).to_have_count(0)
    assert "Regional sales (copy)" not in {s.workflow.name for s in services.store.list()}
    shot(page, "workflows-06-list")
    assert errors == [], errors


def test_the_theme_toggle_switches_to_dark_and_the_choice_survives_a_reload(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.emulate_media(color_scheme="light")
    services = canvas_server.services
    sales = services.create_from_template("sales_by_region")
    page.goto(f"{canvas_server.url}/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "light")

    toggle = page.get_by_role("button", name=re.compile(r"^Theme: "))
    toggle.click()  # system -> light
    expect(toggle).to_have_attribute("data-theme-preference", "light")
    toggle.click()  # light -> dark
    expect(toggle).to_have_attribute("data-theme-preference", "dark")
    expect(html).to_have_attribute("data-theme", "dark")
    assert page.evaluate("localStorage.getItem('mlcanvas.theme')") == "dark"
    shot(page, "workflows-07-list-dark")

    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    root_background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert DARK_BG in (background, root_background)

    # The canvas follows it (React Flow's own parts too), and "system" follows the OS.
    page.goto(f"{canvas_server.url}/#/w/{sales.id}")
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page.locator(".react-flow.dark")).to_have_count(1)
    shot(page, "workflows-08-canvas-dark")
    toggle = page.get_by_role("button", name=re.compile(r"^Theme: "))
    toggle.click()  # dark -> system (light here)
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")


def test_a_missing_workflow_or_page_says_so_with_a_way_back(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{canvas_server.url}/#/w/no-such-workflow")
    expect(
        page.get_by_text(re.compile("no workflow with id or slug 'no-such-workflow'"))
    ).to_be_visible()
    page.get_by_role("button", name="Back to workflows").click()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()

    page.goto(f"{canvas_server.url}/#/settings/nothing")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page).to_have_title("Page not found · Visual ML Canvas")
    page.get_by_role("link", name="Back to workflows").click()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()
