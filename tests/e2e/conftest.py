"""End-to-end fixtures: a real API server serving the built canvas, and headless Chromium.

- `canvas_server` (function scope): the API app served by uvicorn in a thread on a free port, with
  `frontend_dir=canvas_frontend/dist` and `local_admin=True` (the browser needs no token), and a
  real engine executing its runs; SQLite and local artifacts, a data folder of its own first and
  the repository's `data/` as data roots. Every test finds it empty: no workflows, schedules,
  runs, results or data files. The processes are shared by the browser tests of a worker
  (starting an engine costs seconds of CPU) and stopped after its last test; between two tests
  `empty_services` cancels what still runs and empties every store, so no test sees another's state.
- `chromium` (module scope): Debian's /usr/bin/chromium through Playwright (never a downloaded
  browser). Without Chromium or the `playwright` package the test is skipped, or fails under
  CI=true.
- `browser_page` (function scope): a page in a fresh browser context of that Chromium.
- `SCREENSHOTS`: tests/e2e/screenshots/ (ignored by git). A failing test leaves a screenshot of
  each of its pages there; `pages.shot` saves the named screenshots of a passing run only when
  CANVAS_E2E_SCREENSHOTS=1 (to look at the screens, e.g. after a UI change).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from canvas_assets import CanvasServices
from canvas_assets.config import CanvasConfig
from graphql_api.app import create_app
from node_library.registry import default_registry
from node_library.settings import NodeSettings
from tests.services import EngineProcess, empty_services, service_unavailable, start_engine

REPO = Path(__file__).resolve().parents[2]
# CANVAS_E2E_DIST points the tests at another build (e.g. `vite build --outDir /tmp/dist-x`) so
# parallel work does not race on canvas_frontend/dist.
DIST = Path(os.environ.get("CANVAS_E2E_DIST") or REPO / "canvas_frontend" / "dist")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHROMIUM_HOW = "install it with `apt-get install -y chromium` (never `playwright install`)"


@dataclass
class CanvasServer:
    url: str
    services: CanvasServices


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class _Stack:
    """The processes browser tests share: the API server (a thread here) and the engine."""

    server: CanvasServer
    uvicorn: uvicorn.Server
    thread: threading.Thread
    engine: EngineProcess
    data: Path
    settings: NodeSettings
    used: bool = False  # a test had it: the next one finds it emptied

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        self.thread.join(timeout=10)
        self.engine.stop_soon()
        self.server.services.store.dispose()


def _start_stack(root: Path) -> _Stack:
    if not (DIST / "index.html").is_file():
        pytest.fail(
            f"the built canvas is missing ({DIST / 'index.html'}); run `make frontend` first",
            pytrace=False,
        )
    home = root / "home"
    home.mkdir(parents=True)
    data = root / "data"
    data.mkdir()
    settings = NodeSettings(data_roots=(data.resolve(), (REPO / "data").resolve()))
    services = CanvasServices(
        CanvasConfig(
            home=home,
            database_url=f"sqlite:///{home / 'canvas.db'}",
            artifacts=str(home / "artifacts"),
            s3_endpoint_url=None,
            dagster_home=home,
        ),
        default_registry(),
        # a data folder of the tests' own first (the engine reads the same roots), then the repo's
        settings,
    )
    # the engine executes the runs the canvas launches; it warms up while uvicorn starts
    engine = start_engine(services)
    port = _free_port()
    app = create_app(services, local_admin=True, frontend_dir=DIST)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    engine.wait_ready()
    return _Stack(
        CanvasServer(f"http://127.0.0.1:{port}", services), server, thread, engine, data, settings
    )


@pytest.fixture(scope="session")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Stack]:
    """The worker's API server and engine, started by its first browser test and stopped after
    its last test. Not once per run of browser tests: pytest-xdist hands a worker browser and
    other modules in turn, so the stack was started up to three times per worker (20-50 s each
    on a busy machine), while between uses it costs an engine's poll of its instance once a
    second."""
    stack = _start_stack(tmp_path_factory.mktemp("canvas_stack"))
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def canvas_server(shared_stack: _Stack) -> Iterator[CanvasServer]:
    stack = shared_stack
    if stack.used:
        empty_services(stack.server.services, stack.engine, stack.settings, stack.data)
    stack.used = True
    yield stack.server


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One Chromium per test module; each test gets its own context (cookies, storage, pages),
    so tests share nothing but the browser's start-up cost. Not per session: Playwright's sync
    API keeps an event loop running while it is started, and later tests in the same process
    (asyncio.run in the API's tests) must not find one."""
    if not CHROMIUM.is_file():
        service_unavailable(f"Chromium ({CHROMIUM})", CHROMIUM_HOW)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_unavailable("The Python `playwright` package", "install the dev extras")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(chromium: Any) -> Any:
    """A page in a fresh context of the shared browser (close it with its context)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    _OPEN_PAGES.append(page)
    return page


# the pages of the running test, for a screenshot when it fails
_OPEN_PAGES: list[Any] = []


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    page = new_page(chromium)
    try:
        yield page
    finally:
        page.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing test leaves a screenshot of each of its open pages (taken before its fixtures
    close them)."""
    report = yield
    if report.when == "call" and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(_OPEN_PAGES):
            if not page.is_closed():
                path = SCREENSHOTS / f"FAILED-{item.name}-{number}.png"
                page.screenshot(path=str(path), full_page=True)
                report.sections.append(("screenshot", str(path)))
    if report.when == "teardown":
        _OPEN_PAGES.clear()
    return report
