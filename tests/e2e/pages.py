"""Small helpers the browser tests share: screenshots, node locators, page-error capture and
waiting on the server's state."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import SCREENSHOTS


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot as tests/e2e/screenshots/<name>.png when asked to
    (CANVAS_E2E_SCREENSHOTS=1); a failing test's pages are saved anyway (conftest.py)."""
    if os.environ.get("CANVAS_E2E_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def node_at(page: Any, node_id: str) -> Any:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def watch_errors(page: Any) -> list[str]:
    """Uncaught page errors and HTTP errors seen by the page, for a final `== []` check."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and errors.append(f"{r.status} {r.url}")
        ),
    )
    return errors


def wait_until(predicate: Callable[[], object], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def show_whole_workflow(page: Any) -> None:
    """Fit the view to the whole workflow with the F shortcut, as a user would: a workflow opens
    at a legible zoom, so a wide one does not show (or render) every node at first. Waits out the
    200 ms fit animation so later drags hit the nodes where they rest. The first view is set once
    the nodes are measured, so the key waits for a drawn node (and that moment) first."""
    page.locator(".react-flow__node").first.wait_for()
    page.wait_for_timeout(300)
    page.keyboard.press("f")
    page.wait_for_timeout(400)
