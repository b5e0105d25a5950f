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
from node_library.registry import default_registry
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


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request, tmp_path: Path) -> Iterator[ApiServer]:
    home = tmp_path / "home"
    database_url = (
        f"sqlite:///{home / 'canvas.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    config = CanvasConfig(
        home=home,
        database_url=database_url,
        artifacts=str(home / "artifacts"),
        s3_endpoint_url=None,
        dagster_home=home,
    )
    home.mkdir(parents=True)
    services = CanvasServices(
        config, default_registry(), NodeSettings(data_roots=((REPO / "data").resolve(),))
    )
    server, thread, url = start_server(services)
    api = ApiServer(url, services)
    for role in ("viewer", "editor", "admin"):
        api.tokens[role] = services.tokens.create(f"test {role}", role)[1]
    yield api
    server.should_exit = True
    thread.join(timeout=10)
    services.store.dispose()
