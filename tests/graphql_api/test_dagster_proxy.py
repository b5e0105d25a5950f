"""The Dagster UI is served only behind the API: a real Dagster webserver on a Unix socket
(canvas_assets/orchestration/dagster_ui.py) reached through /dagster/ with the API's tokens, roles
and Origin checks; a mutation sent as GET, as a form or from a foreign page never reaches it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from canvas_assets import CanvasServices, DagsterReloader
from canvas_assets.orchestration.dagster_ui import sockets_for
from graphql_api.app import create_app
from graphql_api.dagster_proxy import is_mutation
from tests.canvas_assets.conftest import make_services
from tests.canvas_assets.test_schedule_daemon import DAGSTER_YAML, WORKSPACE_YAML
from tests.canvas_assets.toy_nodes import NODE_MODULE
from tests.services import REPO, canvas_env, free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

LOCATIONS = (
    "{ workspaceOrError { ... on Workspace { locationEntries { name updatedTimestamp } } } }"
)
RELOAD = "mutation { reloadWorkspace { __typename } }"
UI_COMMAND = (sys.executable, "-m", "canvas_assets.orchestration.dagster_ui")


@dataclass
class Proxied:
    api: str
    socket: Path
    services: CanvasServices
    tokens: dict[str, str]

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def dagster(self, query: str, role: str | None = "viewer") -> httpx.Response:
        return httpx.post(
            f"{self.api}/dagster/graphql",
            json={"query": query},
            headers=self.headers(role),
            timeout=60,
        )

    def loaded_at(self) -> float:
        """When the webserver last (re)loaded the code location, asked over its own socket."""
        transport = httpx.HTTPTransport(uds=str(self.socket))
        with httpx.Client(transport=transport, timeout=60) as client:
            body = client.post("http://localhost/dagster/graphql", json={"query": LOCATIONS}).json()
        (entry,) = body["data"]["workspaceOrError"]["locationEntries"]
        return float(entry["updatedTimestamp"])


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    root = tmp_path_factory.mktemp("proxy")
    services = make_services(root)
    home = services.config.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    _ = services.instance
    workspace = root / "workspace.yaml"
    workspace.write_text(WORKSPACE_YAML)
    socket = sockets_for(home).webserver
    log = root / "webserver.log"
    env = {**os.environ, **canvas_env(services, NODE_MODULE)}
    with open(log, "wb") as out:
        webserver = subprocess.Popen(
            [*UI_COMMAND, "--socket", str(socket), "-w", str(workspace)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    reloader = DagsterReloader(socket=str(socket))
    app = create_app(services, local_admin=False, frontend_dir=None, reloader=reloader)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    tokens = {role: services.tokens.create(f"test {role}", role)[1] for role in ("viewer", "admin")}
    proxied = Proxied(f"http://127.0.0.1:{port}", socket, services, tokens)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                proxied.loaded_at()
                break
            except (httpx.HTTPError, KeyError, ValueError):
                assert webserver.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.3)
        yield proxied
    finally:
        server.should_exit = True
        thread.join(10)
        webserver.terminate()
        try:
            webserver.wait(20)
        except subprocess.TimeoutExpired:
            webserver.kill()
            webserver.wait(10)
        services.store.dispose()


def test_a_viewer_gets_the_dagster_ui_page_and_its_graphql_answers(proxied: Proxied) -> None:
    page = httpx.get(f"{proxied.api}/dagster/", headers=proxied.headers("viewer"), timeout=60)
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert "/dagster/" in page.text  # the UI's own links carry the prefix it is served under
    answer = proxied.dagster(LOCATIONS)
    assert answer.status_code == 200
    (entry,) = answer.json()["data"]["workspaceOrError"]["locationEntries"]
    assert entry["name"] == "visual_ml_canvas"


def test_without_a_token_the_dagster_ui_is_refused(proxied: Proxied) -> None:
    for response in (
        httpx.get(f"{proxied.api}/dagster/", timeout=30),
        proxied.dagster(LOCATIONS, role=None),
    ):
        assert response.status_code == 401
        assert "needs a sign-in" in response.json()["errors"][0]["message"]


MUTATIONS_AS_GET = [
    RELOAD,
    "mutation M { reloadWorkspace { __typename } }",
    "mutation { r: reloadWorkspace { __typename } }",  # an alias
    "# a comment\nmutation{reloadWorkspace{__typename}}",
    "query Q { __typename } mutation M { reloadWorkspace { __typename } }",  # operationName=M
    "mutation {",  # does not parse: counts as a mutation
]


@pytest.mark.parametrize("document", MUTATIONS_AS_GET)
def test_a_mutation_sent_as_get_never_reaches_dagster_whatever_the_role_or_origin(
    proxied: Proxied, document: str
) -> None:
    before = proxied.loaded_at()
    url = f"{proxied.api}/dagster/graphql?query={quote(document)}&operationName=M"
    for headers in (
        proxied.headers("admin"),
        {**proxied.headers("admin"), "Origin": "http://evil.example"},
        {"Origin": "http://evil.example"},
    ):
        response = httpx.get(url, headers=headers, timeout=30)
        assert response.status_code in (401, 403, 405), response.text
    admin = httpx.get(url, headers=proxied.headers("admin"), timeout=30)
    assert admin.status_code == 405
    assert "only as POST with a JSON body" in admin.json()["errors"][0]["message"]
    assert proxied.loaded_at() == before  # nothing reloaded


def test_a_form_or_plain_text_post_carrying_a_mutation_is_refused(proxied: Proxied) -> None:
    before = proxied.loaded_at()
    url = f"{proxied.api}/dagster/graphql?query={quote(RELOAD)}"
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/graphql"):
        response = httpx.post(
            url,
            content=RELOAD,
            headers={**proxied.headers("admin"), "Content-Type": content_type},
            timeout=30,
        )
        assert response.status_code == 415, response.text
    assert proxied.loaded_at() == before


def test_mutations_need_the_admin_role_and_then_work(proxied: Proxied) -> None:
    before = proxied.loaded_at()
    refused = proxied.dagster(RELOAD, role="viewer")
    assert refused.status_code == 403
    assert "needs the admin role" in refused.json()["errors"][0]["message"]
    batch = httpx.post(  # a batch hiding a mutation behind a query
        f"{proxied.api}/dagster/graphql",
        json=[{"query": LOCATIONS}, {"query": RELOAD}],
        headers=proxied.headers("viewer"),
        timeout=30,
    )
    assert batch.status_code == 403
    other = httpx.post(  # Dagster's REST endpoints that write events
        f"{proxied.api}/dagster/report_asset_materialization/x",
        headers=proxied.headers("viewer"),
        timeout=30,
    )
    assert other.status_code == 403
    assert proxied.loaded_at() == before
    done = proxied.dagster(RELOAD, role="admin")
    assert done.status_code == 200 and "errors" not in done.json(), done.text
    assert proxied.loaded_at() > before


def _ws(proxied: Proxied, role: str, messages: list[dict[str, Any]]) -> list[Any]:
    """Send graphql-ws messages through the proxy; the answers until a pause or the close."""

    async def talk() -> list[Any]:
        received: list[Any] = []
        async with connect(
            proxied.api.replace("http", "ws", 1) + "/dagster/graphql",
            subprotocols=["graphql-ws"],  # type: ignore[list-item]
            additional_headers=proxied.headers(role),
        ) as ws:
            assert ws.subprotocol == "graphql-ws"
            for message in messages:
                await ws.send(json.dumps(message))
            try:
                while not received or received[-1].get("type") not in ("data", "error"):
                    received.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
            except TimeoutError:
                pass
            except ConnectionClosed as closed:
                received.append(("closed", closed.rcvd.code if closed.rcvd else None))
        return received

    return asyncio.run(talk())


def test_websocket_subscriptions_pass_and_a_mutation_over_the_websocket_needs_admin(
    proxied: Proxied,
) -> None:
    init = {"type": "connection_init", "payload": {}}
    logs = 'subscription { pipelineRunLogs(runId: "none") { __typename } }'
    query = {"id": "1", "type": "start", "payload": {"query": logs}}
    answers = _ws(proxied, "viewer", [init, query])
    assert answers[0] == {"type": "connection_ack"}
    assert any(a.get("type") == "data" for a in answers if isinstance(a, dict)), answers

    before = proxied.loaded_at()
    mutation = {"id": "2", "type": "start", "payload": {"query": RELOAD}}
    answers = _ws(proxied, "viewer", [init, mutation])
    assert answers[-1] == ("closed", 4403), answers
    assert proxied.loaded_at() == before

    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(_handshake_from(proxied, "http://evil.example"))
    assert refused.value.response.status_code == 403


async def _handshake_from(proxied: Proxied, origin: str) -> None:
    async with connect(
        proxied.api.replace("http", "ws", 1) + "/dagster/graphql",
        origin=origin,  # type: ignore[arg-type]
        additional_headers=proxied.headers("admin"),
    ):
        pass


def test_a_stopped_dagster_ui_is_a_clear_502(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    reloader = DagsterReloader(socket=str(tmp_path / "nothing.sock"))
    app = create_app(services, local_admin=True, frontend_dir=None, reloader=reloader)
    try:
        response = asyncio.run(_get(app, "/dagster/"))
    finally:
        services.store.dispose()
    assert response.status_code == 502
    assert "does not answer" in response.json()["errors"][0]["message"]


async def _get(app: Any, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.get(path)


def test_every_spelling_of_a_mutation_is_recognised() -> None:
    for document in MUTATIONS_AS_GET:
        assert is_mutation(document), document
    assert not is_mutation(LOCATIONS)
    assert not is_mutation("subscription { locationStateChangeEvents { event { message } } }")
    assert not is_mutation("query A { __typename } fragment F on Query { __typename }")
