"""The Dagster UI at /dagster/ on the API's own port, behind the API's authentication.

Why: Dagster's webserver has no authentication and executes GraphQL mutations sent as GET, so any
web page could drive it (`reloadWorkspace`, launching or deleting runs) with an <img> tag. Under
`mlcanvas up` it listens only on a Unix socket that a browser cannot reach
(canvas_assets/orchestration/dagster_ui.py), and this route is the one way in. Each request passes
the API's Host and Origin checks (the app's middleware) and then these rules:

- The caller signs in as on the API: `Authorization: Bearer <token>`, or the loopback local
  admin (the Authorization header of a WebSocket handshake counts too).
- Reading (GET/HEAD pages, assets, logs; GraphQL queries and subscriptions) needs the viewer
  role. Anything that changes state (a GraphQL mutation, any other method such as Dagster's
  POST /report_asset_materialization) needs admin.
- A GraphQL mutation must come as POST with a JSON body (which a cross-site page cannot send
  without a CORS preflight): a mutation in a GET query string is refused whatever the role, and
  a GraphQL POST in any other content type is refused. The operation kind is read by parsing the
  document with graphql-core, so no spelling (aliases, comments, fragments, several operations,
  batches) hides a mutation; a document that does not parse counts as a mutation.
- Mutations inside a WebSocket (graphql-ws `start` / graphql-transport-ws `subscribe`) follow
  the same role rule; the connection is closed with 4403 otherwise.

Requests and answers are streamed through httpx over the webserver's socket; WebSockets through
the `websockets` library. The Authorization and Cookie headers are not passed on to Dagster.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import websockets
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.responses import JSONResponse
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection, connect, unix_connect

from canvas_assets import CanvasServices, DagsterReloader, Principal, Role
from graphql_api.auth import authenticate

log = logging.getLogger(__name__)

PREFIX = "/dagster"
TIMEOUT_SECONDS = 120.0  # the asset graph of 1000 assets answers in a few seconds here
_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
_NOT_FORWARDED = _HOP_BY_HOP | {b"host", b"authorization", b"cookie", b"content-length"}
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_mutation(document: str) -> bool:
    """True when the GraphQL document holds a mutation, or cannot be parsed to tell."""
    try:
        parsed = parse(document)
    except GraphQLError:
        return True
    return any(
        isinstance(d, OperationDefinitionNode) and d.operation is OperationType.MUTATION
        for d in parsed.definitions
    )


def _queries(body: Any) -> Iterable[Any]:
    """The `query` of a JSON GraphQL request or of each request in a batch."""
    for item in body if isinstance(body, list) else [body]:
        yield item.get("query") if isinstance(item, dict) else None


class Refused(Exception):
    """A request the proxy answers itself, with a status and a message saying how to proceed."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> JSONResponse:
        body = {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}
        return JSONResponse(body, status_code=self.status)


class DagsterProxy:
    """ASGI app forwarding /dagster/... to the Dagster webserver (see the module docstring)."""

    def __init__(
        self, services: CanvasServices, local_admin: bool, reloader: DagsterReloader
    ) -> None:
        self.services, self.local_admin = services, local_admin
        self.socket = reloader.socket
        upstream = urlsplit(reloader.url)
        self.origin = f"{upstream.scheme}://{upstream.netloc}"
        self.where = reloader.where
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if scope["type"] == "http":
                await self._http(scope, receive, send)
            elif scope["type"] == "websocket":
                await self._websocket(WebSocket(scope, receive, send))
        except Refused as refused:
            if scope["type"] == "http":
                await refused.response()(scope, receive, send)
            else:
                await WebSocket(scope, receive, send).close(4403, refused.message[:120])

    # -- who may do what --------------------------------------------------------------------

    def _principal(self, authorization: str | None) -> Principal:
        principal, problem = authenticate(self.services, authorization, self.local_admin)
        if principal is None:
            raise Refused(401, "UNAUTHENTICATED", f"the Dagster UI needs a sign-in: {problem}")
        return principal

    @staticmethod
    def _require(principal: Principal, role: Role, what: str) -> None:
        if not principal.role.allows(role):
            raise Refused(
                403,
                "FORBIDDEN",
                f"{what} in the Dagster UI needs the {role.value} role; token"
                f" {principal.name!r} has the {principal.role.value} role",
            )

    def _role_for(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Role:
        """The role a request needs; raises Refused for a request no role may send."""
        if not path.rstrip("/").endswith(f"{PREFIX}/graphql"):
            return Role.VIEWER if method in _READ_METHODS else Role.ADMIN
        if method in _READ_METHODS:
            documents = parse_qs(query).get("query", [])
            if any(is_mutation(d) for d in documents):
                raise Refused(
                    405,
                    "MUTATION_NOT_ALLOWED_VIA_GET",
                    "GraphQL mutations are accepted only as POST with a JSON body",
                )
            return Role.VIEWER
        if method != "POST" or "application/json" not in headers.get("content-type", ""):
            raise Refused(
                415,
                "JSON_REQUIRED",
                "GraphQL requests to the Dagster UI must be POST with Content-Type:"
                " application/json",
            )
        try:
            queries = list(_queries(json.loads(body)))
        except ValueError:
            raise Refused(400, "BAD_REQUEST", "the GraphQL request body is not JSON") from None
        if any(not isinstance(q, str) or is_mutation(q) for q in queries):
            return Role.ADMIN
        return Role.VIEWER

    # -- HTTP -------------------------------------------------------------------------------

    def _http_client(self) -> httpx.AsyncClient:
        if self._client is None:
            transport = httpx.AsyncHTTPTransport(uds=self.socket) if self.socket else None
            self._client = httpx.AsyncClient(transport=transport, timeout=TIMEOUT_SECONDS)
        return self._client

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        principal = self._principal(headers.get("authorization"))
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = _raw_path(scope)
        query = scope.get("query_string", b"").decode("latin-1")
        role = self._role_for(scope["method"], path, query, headers, body)
        self._require(principal, role, "changing anything" if role is Role.ADMIN else "reading")
        forwarded = [(k, v) for k, v in scope["headers"] if k.lower() not in _NOT_FORWARDED]
        url = f"{self.origin}{path}" + (f"?{query}" if query else "")
        client = self._http_client()
        request = client.build_request(scope["method"], url, headers=forwarded, content=body)
        try:
            response = await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise Refused(
                502,
                "DAGSTER_UI_UNAVAILABLE",
                f"the Dagster UI at {self.where} does not answer ({type(exc).__name__});"
                " `mlcanvas up` starts it and restarts it when it stops",
            ) from None
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": [
                        (k, v) for k, v in response.headers.raw if k.lower() not in _HOP_BY_HOP
                    ],
                }
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await response.aclose()

    # -- WebSocket --------------------------------------------------------------------------

    async def _websocket(self, websocket: WebSocket) -> None:
        principal = self._principal(websocket.headers.get("authorization"))
        self._require(principal, Role.VIEWER, "reading")
        path = _raw_path(websocket.scope)
        uri = f"{self.origin.replace('http', 'ws', 1)}{path}"
        protocols = [
            p.strip()
            for p in websocket.headers.get("sec-websocket-protocol", "").split(",")
            if p.strip()
        ]
        subprotocols: Any = protocols or None  # websockets types them as a NewType of str
        try:
            if self.socket:
                upstream = await unix_connect(self.socket, uri, subprotocols=subprotocols)
            else:
                upstream = await connect(uri, subprotocols=subprotocols)
        except (OSError, websockets.InvalidHandshake) as exc:
            raise Refused(
                502, "DAGSTER_UI_UNAVAILABLE", f"the Dagster UI does not answer: {exc}"
            ) from None
        async with upstream:
            await websocket.accept(subprotocol=upstream.subprotocol)
            admin = principal.role.allows(Role.ADMIN)
            tasks = [
                asyncio.create_task(self._to_dagster(websocket, upstream, admin)),
                asyncio.create_task(_to_browser(websocket, upstream)),
            ]
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            code = next((t.result() for t in done if not t.exception()), 1000)
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):  # the browser left
                await websocket.close(code)

    @staticmethod
    async def _to_dagster(websocket: WebSocket, upstream: ClientConnection, admin: bool) -> int:
        while True:
            try:
                message = await websocket.receive()
            except WebSocketDisconnect:
                return 1000
            if message["type"] == "websocket.disconnect":
                return 1000
            text = message.get("text")
            if text is not None:
                if not admin and _carries_mutation(text):
                    return 4403
                await upstream.send(text)
            elif message.get("bytes") is not None:
                await upstream.send(message["bytes"])


async def _to_browser(websocket: WebSocket, upstream: ClientConnection) -> int:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for message in upstream:
            if isinstance(message, str):
                await websocket.send_text(message)
            else:
                await websocket.send_bytes(message)
    return 1000


def _carries_mutation(text: str) -> bool:
    """A graphql-ws `start` or graphql-transport-ws `subscribe` message holding a mutation."""
    try:
        message = json.loads(text)
    except ValueError:
        return True
    if not isinstance(message, dict) or message.get("type") not in ("start", "subscribe"):
        return False
    payload = message.get("payload")
    query = payload.get("query") if isinstance(payload, dict) else None
    return not isinstance(query, str) or is_mutation(query)


def _raw_path(scope: Scope) -> str:
    """The request path as the client sent it (percent-escapes kept), which Dagster expects."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else scope["path"]
    return path.split("?", 1)[0]


def dagster_proxy_routes(
    services: CanvasServices, local_admin: bool, reloader: DagsterReloader
) -> list[Mount]:
    """The /dagster/ mount for create_app."""
    return [Mount(PREFIX, app=DagsterProxy(services, local_admin, reloader))]
