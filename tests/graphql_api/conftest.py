"""A real uvicorn server running the API app on a free port, on SQLite or PostgreSQL."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from canvas_assets import CanvasServices
from canvas_assets.config import CanvasConfig
from graphql_api.app import create_app
from graphql_api.extensions import Limits
from node_library.registry import NodeRegistry, default_registry
from node_library.settings import NodeSettings

REPO = Path(__file__).resolve().parents[2]


@dataclass
class ApiServer:
    url: str
    services: CanvasServices
    tokens: dict[str, str] = field(default_factory=dict)  # role -> secret

    def post(
        self, body: bytes | str, token: str | None = None, content_type: str = "application/json"
    ) -> tuple[int, dict[str, Any]]:
        data = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(f"{self.url}/graphql", data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            try:
                return exc.code, json.loads(payload or b"{}")
            except json.JSONDecodeError:
                return exc.code, {"raw": payload.decode(errors="replace")}

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def subscribe(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        role: str | None = "admin",
        timeout: float = 120,
        max_payloads: int | None = None,
        on_subscribed: Any = None,
    ) -> list[dict[str, Any]]:
        """Run a subscription over graphql-transport-ws; returns every payload until complete
        (or the first error payload)."""
        from websockets.sync.client import connect

        payloads: list[dict[str, Any]] = []
        with connect(self.ws_url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
            init: dict[str, Any] = {"type": "connection_init", "payload": {}}
            if role:
                init["payload"]["authorization"] = f"Bearer {self.tokens[role]}"
            ws.send(json.dumps(init))
            ack = json.loads(ws.recv(timeout=10))
            assert ack["type"] == "connection_ack", ack
            ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": query, "variables": variables or {}},
                    }
                )
            )
            if on_subscribed is not None:
                on_subscribed()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if message["type"] == "next":
                    payloads.append(message["payload"])
                    if message["payload"].get("errors") or len(payloads) == max_payloads:
                        break
                elif message["type"] == "error":
                    payloads.append({"errors": message["payload"]})
                    break
                elif message["type"] == "complete":
                    break
                elif message["type"] == "ping":
                    ws.send(json.dumps({"type": "pong"}))
        return payloads

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, role: str | None = "admin"
    ) -> dict[str, Any]:
        token = self.tokens.get(role) if role else None
        status, body = self.post(json.dumps({"query": query, "variables": variables or {}}), token)
        assert status == 200, (status, body)
        return body


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    services: CanvasServices, limits: Limits | None = None, local_admin: bool = False
) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = _free_port()
    app = create_app(services, limits=limits, local_admin=local_admin, frontend_dir=None)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def make_api(
    tmp_path: Path,
    database_url: str | None = None,
    artifacts: str | None = None,
    endpoint: str | None = None,
    local_admin: bool = False,
    registry: NodeRegistry | None = None,
    data_root: Path | None = None,
) -> tuple[ApiServer, uvicorn.Server, threading.Thread]:
    home = tmp_path / "home"
    home.mkdir(parents=True, exist_ok=True)
    config = CanvasConfig(
        home=home,
        database_url=database_url or f"sqlite:///{home / 'canvas.db'}",
        artifacts=artifacts or str(home / "artifacts"),
        s3_endpoint_url=endpoint,
        dagster_home=home,
    )
    services = CanvasServices(
        config,
        registry or default_registry(),
        NodeSettings(
            data_roots=((data_root or REPO / "data").resolve(),), s3_endpoint_url=endpoint
        ),
    )
    server, thread, url = start_server(services, local_admin=local_admin)
    api = ApiServer(url, services)
    for role in ("viewer", "editor", "admin"):
        api.tokens[role] = services.tokens.create(f"test {role}", role)[1]
    return api, server, thread


def stop_api(api: ApiServer, server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    thread.join(timeout=10)
    api.services.store.dispose()


# The API on both stores, for the tests where the database matters (revisions, conflicts,
# retries, live fan-out, CRUD): `@BOTH_STORES` on a test, or as a module's `pytestmark`. The
# store's own tests (tests/canvas_assets/test_store*.py) run every store operation on both.
BOTH_STORES = pytest.mark.parametrize("api", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ApiServer]:
    """The API on SQLite (or on PostgreSQL too, where a test asks with BOTH_STORES)."""
    variant = getattr(request, "param", "sqlite")
    database_url = request.getfixturevalue("pg_url") if variant == "postgresql" else None
    api, server, thread = make_api(tmp_path, database_url)
    yield api
    stop_api(api, server, thread)
