"""Files in the canvas, in a real browser against a real API server (see conftest.py): "Upload…"
under a CSV source's path stores a file and sets the path (and the sniffed delimiter) as one undo
step; files dragged from the desktop become the source node that reads them where they are
dropped, and a file no source reads gets a notice naming the kinds that are; the run reads the
uploaded files; "Browse…" lists the data folders, previews a file as its node reads it and sets
the chosen path."""

from __future__ import annotations

import base64
import io
import json
import re
from typing import Any

import pandas as pd

from tests.e2e.conftest import CanvasServer
from tests.e2e.pages import node_at, shot, wait_until, watch_errors

RUN_TIMEOUT_MS = 120_000
ORDERS_CSV = b"order_id;region;units\n1;west;3\n2;east;4\n3;west;5\n"
WORKFLOW = {
    "schema_version": 1,
    "slug": "files",
    "name": "Files",
    "nodes": [
        {
            "id": "orders",
            "type": "sources.csv",
            "type_version": 1,
            "label": "Orders",
            "params": {},
            "position": {"x": 0, "y": 80},
        }
    ],
    "edges": [],
    "groups": [],
    "settings": {"executor": "local"},
}

# Drops files on the canvas the way a desktop drag does: a DataTransfer holding File objects.
DROP_FILES = """([files, x, y]) => {
  const transfer = new DataTransfer();
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name));
  }
  const canvas = document.querySelector(".canvas");
  for (const type of ["dragenter", "dragover", "drop"]) {
    const at = { clientX: x, clientY: y };
    canvas.dispatchEvent(
      new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer, ...at }),
    );
  }
}"""


def _parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"sku": ["a", "b", "c", "d"], "price": [1.5, 2.0, 3.25, 4.0]}).to_parquet(
        buffer, index=False
    )
    return buffer.getvalue()


def test_upload_button_and_desktop_drops_make_sources_that_run_and_browse_picks_a_file(
    canvas_server: CanvasServer, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    errors = watch_errors(page)
    services = canvas_server.services
    workflow_id = services.import_workflow(json.dumps(WORKFLOW)).workflow.id

    def params(node_id: str) -> dict[str, Any]:
        node = services.store.get(workflow_id).workflow.node(node_id)
        return {} if node is None else dict(node.params)

    page.goto(f"{canvas_server.url}/#/w/{workflow_id}")
    expect(page.get_by_role("heading", name="Files")).to_be_visible()
    node_at(page, "orders").locator(".node-title").click()
    panel = page.get_by_role("complementary", name="Properties")

    # Upload…: the stored file's path and the sniffed ';' land on the node in one edit.
    with page.expect_file_chooser() as chooser:
        panel.get_by_role("button", name="Upload…").click()
    assert chooser.value.element.get_attribute("accept").startswith(".csv,.tsv")
    chooser.value.set_files(
        files=[{"name": "Orders 2026.csv", "mimeType": "text/csv", "buffer": ORDERS_CSV}]
    )
    wait_until(lambda: params("orders").get("path", "").endswith("_Orders_2026.csv"), "upload")
    uploaded = params("orders")
    assert uploaded["path"].startswith("uploads/") and uploaded["delimiter"] == ";"
    expect(panel.locator("#param-path")).to_have_value(uploaded["path"])
    shot(page, "files-01-uploaded")
    page.get_by_title("Undo (Ctrl+Z)").click()
    wait_until(lambda: "delimiter" not in params("orders"), "one undo takes the upload back")
    expect(panel.locator("#param-path")).to_have_value("")
    page.get_by_title("Redo (Ctrl+Shift+Z)").click()
    wait_until(lambda: params("orders") == uploaded, "redo sets it again")

    # Drop a Parquet file and a picture: the first becomes a Parquet source at the drop point,
    # the second is refused with the kinds the canvas reads.
    box = page.locator(".canvas").bounding_box()
    drop_x, drop_y = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4
    files = [
        ["prices.parquet", base64.b64encode(_parquet_bytes()).decode()],
        ["photo.png", base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()],
    ]
    page.evaluate(DROP_FILES, [files, drop_x, drop_y])
    expect(page.locator(".notice-error")).to_contain_text(
        "Cannot add “photo.png”: .png files are not data the canvas reads. Supported: CSV"
    )
    dropped = node_at(page, "parquet")
    expect(dropped).to_contain_text("prices.parquet")
    wait_until(lambda: "path" in params("parquet"), "the dropped node saved")
    node = services.store.get(workflow_id).workflow.node("parquet")
    assert node is not None and node.type == "sources.parquet"
    assert node.params["path"].startswith("uploads/") and node.params["path"].endswith(
        "_prices.parquet"
    )
    drawn = dropped.bounding_box()
    assert abs(drawn["x"] - drop_x) < 40 and abs(drawn["y"] - drop_y) < 40, (drawn, drop_x)
    shot(page, "files-02-dropped")

    # Run: both sources read their uploaded files.
    page.get_by_role("button", name="Run", exact=True).click()
    expect(node_at(page, "orders").locator(".node-run-succeeded")).to_contain_text(
        "3 rows", timeout=RUN_TIMEOUT_MS
    )
    expect(node_at(page, "parquet").locator(".node-run-succeeded")).to_contain_text("4 rows")
    expect(page.locator(".run-status")).to_have_text("SUCCESS")

    # Browse…: opens on the uploads folder, climbs to the top, previews the repository's sales
    # example as the CSV node reads it, and uses it.
    node_at(page, "orders").locator(".node-title").click()
    panel.get_by_role("button", name="Browse…").click()
    dialog = page.get_by_role("dialog", name="Data files")
    crumbs = dialog.get_by_role("navigation", name="Folder")
    expect(crumbs).to_have_text(re.compile("Data / uploads"))
    expect(dialog.get_by_role("button", name=re.compile("prices.parquet"))).to_be_visible()
    dialog.get_by_role("button", name="Data", exact=True).click()
    dialog.get_by_role("button", name="examples/", exact=True).click()
    dialog.get_by_role("button", name=re.compile("sales.csv")).click()
    preview = dialog.get_by_role("region", name="Preview")
    expect(preview.locator("th").first).to_have_text("order_idinteger")
    expect(preview.locator("tbody tr")).to_have_count(20)
    expect(dialog.locator("tr.selected")).to_contain_text(re.compile(r"\d+(\.\d)? KiB"))
    shot(page, "files-03-browse")
    dialog.get_by_role("button", name="Use this file").click()
    expect(dialog).to_have_count(0)
    wait_until(lambda: params("orders").get("path") == "examples/sales.csv", "browse sets path")
    assert params("orders")["delimiter"] == ","
    assert errors == []
