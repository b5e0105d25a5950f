"""Keeps the Dagster UI following edits: a debounced, one-at-a-time reload of our code location.

After a graph edit, a workflow created, imported or deleted, or a schedule change, the API calls
`DagsterReloader.request()`. That returns at once; a background thread waits until no request has
come for DEBOUNCE_SECONDS (2 s), then asks the Dagster webserver to reload the code location with
its GraphQL mutation `reloadRepositoryLocation(repositoryLocationName: "visual_ml_canvas")`.
Under `mlcanvas up` the webserver listens on a Unix socket (dagster_ui.py) named by
CANVAS_DAGSTER_SOCKET, under the path prefix /dagster; CANVAS_DAGSTER_URL names a webserver on TCP
instead (default http://127.0.0.1:3000). The webserver reloads the one code server `up` runs,
which replaces its child process and answers once the replaced child is gone (code_server.py),
so reloads no longer add processes. One reload at a time: requests that arrive during a reload
(3 s at 10 assets, 10 s at 1000 here) cause exactly one more afterwards; with the code server's
own one-at-a-time reloads, at most two children are alive at any moment. A webserver that is
down or answers with an error is logged, never raised: the canvas does not depend on the Dagster
UI. Nothing here is on the click-to-run path (runs go to the engine, which plans from the store,
not from the code location).

How the dagster-daemon picks up new definitions (read in dagster 1.13 `_daemon/controller.py` and
confirmed on dagster-io/dagster PRs #6077, #14637 and #26268):
- Under `mlcanvas up` the daemon's workspace is the same `grpc_server` location as the
  webserver's: the one code server. The webserver's reload replaces that server's child, and the
  daemon's controller refreshes its workspace every RELOAD_WORKSPACE_INTERVAL = 60 s, which for a
  grpc_server location means fetching the current definitions from the server again. (With a
  python_module workspace, as in some tests, the daemon runs code servers of its own and drops
  them on that refresh, so the next use imports canvas_assets.definitions again; the outcome for
  schedules is the same.)
- The scheduler evaluates at most once a minute (it sleeps to the next minute boundary), keyed on
  the schedule's name and code location; a schedule first seen as RUNNING starts ticking from
  that moment (no catch-up of earlier ticks).
- So a schedule created, changed, enabled or disabled takes effect in the daemon on its own, with
  no request from us, after up to 60 s (workspace refresh) plus up to 60 s (the scheduler's next
  minute boundary); there is no API to make the daemon reload sooner short of restarting it.
  Measured here: a "* * * * *" schedule created while the daemon ran was seen after 109 s and
  produced its first run after 169 s. A schedule whose tick falls within those two minutes after
  it was created misses that one tick; the next one runs.
- A schedule switched on or off in the Dagster UI stores that state in the instance, which then
  overrides the default status we compile from `enabled` until it is reset in the Dagster UI.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

import httpx

DAGSTER_URL_ENV = "CANVAS_DAGSTER_URL"
DAGSTER_SOCKET_ENV = "CANVAS_DAGSTER_SOCKET"
DEFAULT_DAGSTER_URL = "http://127.0.0.1:3000"
SOCKET_PATH_PREFIX = "/dagster"  # dagster_ui.py serves the UI under this prefix
LOCATION_NAME = "visual_ml_canvas"  # workspace.yaml's location_name
DEBOUNCE_SECONDS = 2.0
TIMEOUT_SECONDS = 60.0  # a reload of 1000 assets takes about 10 s here
log = logging.getLogger(__name__)

RELOAD_MUTATION = """
mutation Reload($location: String!) {
  reloadRepositoryLocation(repositoryLocationName: $location) {
    __typename
    ... on WorkspaceLocationEntry { locationOrLoadError { __typename
      ... on PythonError { message } } }
    ... on PythonError { message }
    ... on RepositoryLocationNotFound { message }
    ... on UnauthorizedError { message }
    ... on ReloadNotSupported { message }
  }
}
"""


class DagsterReloader:
    """Debounced reloads of one code location in the Dagster webserver; thread-safe."""

    def __init__(
        self,
        url: str | None = None,
        location: str = LOCATION_NAME,
        socket: str | None = None,
        debounce_seconds: float = DEBOUNCE_SECONDS,
        timeout_seconds: float = TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # a socket given or set in the environment wins over a URL from the environment only
        self.socket = socket or (None if url else os.environ.get(DAGSTER_SOCKET_ENV)) or None
        default = f"http://localhost{SOCKET_PATH_PREFIX}" if self.socket else DEFAULT_DAGSTER_URL
        self.url = (url or os.environ.get(DAGSTER_URL_ENV) or default).rstrip("/")
        self.location = location
        self.debounce_seconds = debounce_seconds
        self.timeout_seconds = timeout_seconds
        self._clock = clock
        self._wake = threading.Condition()
        self._due: float | None = None  # when the pending reload may start
        self._thread: threading.Thread | None = None
        self.reloads = 0  # reloads attempted (for tests and logs)
        self.last_result = ""  # "ok", or what went wrong

    def request(self) -> None:
        """Ask for a reload DEBOUNCE_SECONDS after the last request; returns at once."""
        with self._wake:
            self._due = self._clock() + self.debounce_seconds
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._serve, name="dagster-reload", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no reload is pending or running (tests, shutdown); False on timeout."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    @property
    def where(self) -> str:
        """The webserver's address for messages: its socket, or its URL."""
        return f"unix:{self.socket}" if self.socket else self.url

    def client(self) -> httpx.Client:
        """An HTTP client that reaches the webserver (over its Unix socket when it has one)."""
        transport = httpx.HTTPTransport(uds=self.socket) if self.socket else None
        return httpx.Client(transport=transport, timeout=self.timeout_seconds)

    def _serve(self) -> None:
        while True:
            with self._wake:
                while self._due is not None and self._clock() < self._due:
                    self._wake.wait(max(0.0, self._due - self._clock()))
                if self._due is None:
                    self._thread = None
                    return
                self._due = None
            self._reload()  # outside the lock: requests during a reload schedule one more

    def _reload(self) -> None:
        self.reloads += 1
        started = time.perf_counter()
        try:
            with self.client() as client:
                response = client.post(
                    f"{self.url}/graphql",
                    json={"query": RELOAD_MUTATION, "variables": {"location": self.location}},
                )
            response.raise_for_status()
            self.last_result = _problem(response.json()) or "ok"
        except (httpx.HTTPError, ValueError) as exc:
            self.last_result = f"the Dagster webserver at {self.where} is not reachable: {exc}"
        if self.last_result == "ok":
            log.info("Dagster reloaded %s in %.1fs", self.location, time.perf_counter() - started)
        else:
            log.warning("Dagster UI not refreshed: %s", self.last_result)


def _problem(body: object) -> str:
    """What went wrong in a reload answer, or "" when it worked."""
    if not isinstance(body, dict):
        return f"unexpected answer {body!r:.200}"
    if body.get("errors"):
        return f"GraphQL errors: {body['errors']!r:.500}"
    result = (body.get("data") or {}).get("reloadRepositoryLocation") or {}
    kind = result.get("__typename")
    if kind == "WorkspaceLocationEntry":
        loaded = result.get("locationOrLoadError") or {}
        if loaded.get("__typename") == "PythonError":
            return f"the code location failed to load: {loaded.get('message', '')[:500]}"
        return ""
    return f"{kind}: {result.get('message', '')[:500]}"
