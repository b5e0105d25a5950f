"""The ASGI app: GraphQL over HTTP (POST JSON only, plus multipart file uploads that carry a
preflight header) and websockets (graphql-transport-ws) at /graphql, downloads of stored results
at /files (see files/routes.py), /healthz, and the built canvas at / (while
canvas_frontend/dist/index.html is missing, a page saying how to build it, status 503).

Authentication: `Authorization: Bearer <token>` on HTTP, or {"authorization": "Bearer <token>"}
in the websocket connection_init payload. The embedded default may sign every request in as the
local admin, but only while the server is bound to a loopback address (see server.py), and every
request and WebSocket passes the Host and Origin checks of exposure.py first. An open WebSocket
re-checks its token every `Limits.principal_recheck_seconds` and is closed with 4401 once the
token is revoked or its role changes (the client reconnects and signs in again).

Requests the GraphQL layer cannot take (not JSON, not a JSON object, nested too deeply, a wrong
content type) get a 400 with a JSON error in the GraphQL shape, never a plain-text or 500 answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketClose, WebSocketState
from strawberry.asgi import GraphQL
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from canvas_assets import CanvasServices, DagsterReloader, Principal, RunLauncher
from graphql_api.auth import authenticate
from graphql_api.context import Context
from graphql_api.dagster_proxy import dagster_proxy_routes
from graphql_api.exposure import Exposure, GuardHostAndOrigin
from graphql_api.extensions import MAX_JSON_DEPTH, Limits, json_depth_exceeds
from graphql_api.files.routes import (
    RequirePreflightForMultipart,
    file_routes,
    multipart_body_limit,
)
from graphql_api.outages import is_outage, outage_message
from graphql_api.rate_limit import RateLimiter, RateLimitOperations, root_field_counts
from graphql_api.schema import build_schema
from graphql_api.workflows.changes import ChangeHub

log = logging.getLogger("graphql_api")
FRONTEND_DIR = Path(__file__).resolve().parent.parent / "canvas_frontend" / "dist"
# Mutations that change what the Dagster code location shows (assets, groups, schedules); runs
# are not among them: the click-to-run path never waits for Dagster.
DAGSTER_VISIBLE_MUTATIONS = frozenset(
    {
        "applyGraphOps",
        "createWorkflow",
        "createFromTemplate",
        "duplicateWorkflow",
        "importWorkflow",
        "deleteWorkflow",
        "renameWorkflow",
        "createSchedule",
        "updateSchedule",
        "deleteSchedule",
    }
)


class ReloadDagsterOnEdits(SchemaExtension):
    """After a mutation that changes graphs or schedules, ask for a debounced reload of the
    Dagster UI's code location (canvas_assets/orchestration/dagster_reload.py); never blocks the
    response."""

    def __init__(self, reloader: DagsterReloader) -> None:
        super().__init__()
        self.reloader = reloader

    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.operation_type is not OperationType.MUTATION or context.result is None:
            return
        fields = root_field_counts(context.graphql_document, context.operation_name)
        if context.result.data and fields.keys() & DAGSTER_VISIBLE_MUTATIONS:
            self.reloader.request()


class CanvasGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        services: CanvasServices,
        limits: Limits,
        local_admin: bool,
        reloader: DagsterReloader | None = None,
        rate_limiter: RateLimiter | None = None,
        **kwargs: Any,
    ) -> None:
        self.reloader = reloader or DagsterReloader()
        self.rate_limiter = rate_limiter or RateLimiter.from_env()
        super().__init__(
            build_schema(
                limits,
                extra=[
                    lambda: ReloadDagsterOnEdits(self.reloader),
                    lambda: RateLimitOperations(self.rate_limiter),
                ],
            ),
            **kwargs,
        )
        self.services = services
        self.launcher = RunLauncher(services)
        self.changes = ChangeHub()
        self.limits = limits
        self.local_admin = local_admin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._serve_websocket(WebSocket(scope, receive=receive, send=send))
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            response = JSONResponse(
                {"errors": [{"message": exc.reason, "extensions": {"code": "BAD_REQUEST"}}]},
                status_code=exc.status_code,
            )
        await response(scope, receive, send)

    async def _serve_websocket(self, websocket: WebSocket) -> None:
        context = await self.get_context(websocket, websocket)
        watch = asyncio.create_task(self._recheck_principal(context, websocket))
        try:
            await self.run(websocket, context=context)
        finally:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch

    async def _recheck_principal(self, context: Context, websocket: WebSocket) -> None:
        """Close the connection once its token is revoked or changes role: a lookup by token
        id every few seconds, so revocation from the CLI or another API process reaches open
        subscriptions too. The principal is read each time, since connection_init sets it."""
        tokens = self.services.tokens
        while True:
            await asyncio.sleep(self.limits.principal_recheck_seconds)
            principal = context.principal
            if principal is None or principal == tokens.local_admin():
                continue
            try:
                role = await asyncio.to_thread(tokens.is_active, principal.token_id)
            except Exception as exc:  # keep watching: the next check may get through
                if is_outage(exc):
                    message = outage_message(exc, self.services)
                    log.warning("could not re-check token %s: %s", principal.token_id, message)
                else:
                    log.exception("could not re-check token %s", principal.token_id)
                continue
            if role == principal.role:
                continue
            reason = "token revoked" if role is None else f"token role changed to {role.value}"
            if websocket.application_state is WebSocketState.CONNECTED:
                with contextlib.suppress(RuntimeError):
                    await websocket.close(code=4401, reason=reason)
            return

    def parse_json(self, data: str | bytes) -> Any:
        """Request bodies (and multipart `operations`): one JSON object, of bounded nesting."""
        try:
            value = json.loads(data)
        except RecursionError:
            raise HTTPException(400, _too_deep("the request body")) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise HTTPException(400, f"the request body is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise HTTPException(
                400,
                'the request body must be one JSON object such as {"query": "...",'
                f' "variables": {{...}}}}, not {_json_kind(value)}',
            )
        if not isinstance(value.get("operationName"), str | None):
            raise HTTPException(400, "operationName must be a string or null")
        if json_depth_exceeds(value, MAX_JSON_DEPTH + 2):  # + the body and `variables`
            raise HTTPException(400, _too_deep("the request body"))
        return value

    def decode_json(self, data: str | bytes) -> object:
        """WebSocket messages: a nesting Python cannot parse is reported as invalid JSON."""
        try:
            return json.loads(data)
        except RecursionError:
            raise json.JSONDecodeError(_too_deep("the message"), "", 0) from None

    def _authenticate(self, authorization: str | None) -> tuple[Principal | None, str]:
        return authenticate(self.services, authorization, self.local_admin)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        principal, problem = self._authenticate(request.headers.get("authorization"))
        return Context(
            services=self.services,
            launcher=self.launcher,
            changes=self.changes,
            principal=principal,
            auth_problem=problem,
            request_id=uuid.uuid4().hex[:12],
            max_page_size=self.limits.max_page_size,
            client_address=request.client.host if request.client else "",
            response=response if isinstance(response, Response) else None,
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        params = context.connection_params or {}
        authorization = params.get("authorization") or params.get("Authorization")
        if authorization is not None or context.principal is None:
            principal, problem = self._authenticate(
                str(authorization) if authorization is not None else None
            )
            context.principal, context.auth_problem = principal, problem
        return None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "a JSON array (batched operations are not supported)"
    if isinstance(value, str):
        return "a JSON string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a JSON number"


def _too_deep(what: str) -> str:
    return f"{what} nests lists/objects more than {MAX_JSON_DEPTH} levels deep; flatten it"


class BodyLimit:
    """Refuses request bodies over the limit before they reach GraphQL (413, JSON error).
    Multipart requests (file uploads) have their own, larger limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, multipart_max_bytes: int = 0) -> None:
        self.app, self.max_bytes = app, max_bytes
        self.multipart_max_bytes = multipart_max_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
        limit = self.multipart_max_bytes if multipart else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(int(declared), limit, scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge(seen)
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge as exc:
            await self._refuse(exc.size, limit, scope, receive, send)

    async def _refuse(
        self, size: int, limit: int, scope: Scope, receive: Receive, send: Send
    ) -> None:
        body = {
            "errors": [
                {
                    "message": f"request body is {size} bytes; the limit is {limit}",
                    "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                }
            ]
        }
        await JSONResponse(body, status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


CANVAS_NOT_BUILT_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Visual ML Canvas: the canvas is not built</title></head>
<body style="font-family: sans-serif; max-width: 42rem; margin: 3rem auto; line-height: 1.5">
<h1>The canvas is not built</h1>
<p>This server runs, but the browser canvas has not been built yet
(<code>canvas_frontend/dist/index.html</code> is missing). Build it from the repository root:</p>
<pre>make frontend</pre>
<p>or start everything with <code>make run</code>, which builds it first. Then reload this page
(the server needs no restart).</p>
<p>Meanwhile: the GraphQL API at <a href="/graphql">/graphql</a> and the Dagster UI at
<a href="/dagster/">/dagster/</a>.</p>
</body>
</html>
"""


class Canvas:
    """The built canvas at / (and every path no other route takes). While it is not built, a
    page saying so and how to build it, with status 503; once `make frontend` has built it, the
    canvas itself, without restarting the server."""

    def __init__(self, frontend_dir: Path) -> None:
        self.frontend_dir = frontend_dir
        self._static: StaticFiles | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.frontend_dir / "index.html").is_file():
            if self._static is None:
                self._static = StaticFiles(directory=self.frontend_dir, html=True)
            await self._static(scope, receive, send)
        elif scope["type"] == "websocket":
            await WebSocketClose()(scope, receive, send)
        else:
            page = HTMLResponse(
                CANVAS_NOT_BUILT_PAGE, status_code=503, headers={"Cache-Control": "no-store"}
            )
            await page(scope, receive, send)


async def healthz(request: Request) -> Response:
    return Response(json.dumps({"ok": True}), media_type="application/json")


def create_app(
    services: CanvasServices,
    *,
    limits: Limits | None = None,
    local_admin: bool = False,
    frontend_dir: Path | None = FRONTEND_DIR,
    reloader: DagsterReloader | None = None,
    exposure: Exposure | None = None,
    rate_limiter: RateLimiter | None = None,
) -> Starlette:
    """The app; `exposure` defaults to the loopback names plus CANVAS_ALLOWED_HOSTS/_ORIGINS and
    `rate_limiter` to CANVAS_RATE_LIMIT (server.py adds the address it binds to)."""
    limits = limits or Limits()
    graphql = CanvasGraphQL(
        services,
        limits,
        local_admin,
        reloader,
        rate_limiter,
        graphql_ide="graphiql" if limits.introspection else None,
        allow_queries_via_get=False,
        multipart_uploads_enabled=True,
    )
    routes: list[Route | WebSocketRoute | Mount] = [
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *file_routes(services, local_admin),
        *dagster_proxy_routes(services, local_admin, graphql.reloader),
    ]
    if frontend_dir is not None:
        routes.append(Mount("/", Canvas(frontend_dir)))
    app = Starlette(routes=routes)
    app.add_middleware(RequirePreflightForMultipart)
    app.add_middleware(
        BodyLimit, max_bytes=limits.max_body_bytes, multipart_max_bytes=multipart_body_limit()
    )
    # outermost: a refused Host or Origin reaches nothing else
    app.add_middleware(GuardHostAndOrigin, exposure=exposure or Exposure.from_env())
    return app
