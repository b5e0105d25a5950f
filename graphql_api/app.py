"""The ASGI app: GraphQL over HTTP (POST JSON only, plus multipart file uploads that carry a
preflight header) and websockets (graphql-transport-ws) at /graphql, downloads of stored results
at /files (see files/routes.py), /healthz, and the built canvas at / when it exists.

Authentication: `Authorization: Bearer <token>` on HTTP, or {"authorization": "Bearer <token>"}
in the websocket connection_init payload. The embedded default may sign every request in as the
local admin, but only while the server is bound to a loopback address (see server.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphql import FieldNode, OperationDefinitionNode
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from canvas_assets import CanvasServices, DagsterReloader, Principal, RunLauncher
from graphql_api.auth import authenticate
from graphql_api.context import Context
from graphql_api.extensions import Limits
from graphql_api.files.routes import (
    RequirePreflightForMultipart,
    file_routes,
    multipart_body_limit,
)
from graphql_api.schema import build_schema
from graphql_api.workflows.changes import ChangeHub

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
    Dagster UI's code location (canvas_assets/dagster_sync.py); never blocks the response."""

    def __init__(self, reloader: DagsterReloader) -> None:
        super().__init__()
        self.reloader = reloader

    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.operation_type is not OperationType.MUTATION or context.result is None:
            return
        if context.result.data and _root_fields(context) & DAGSTER_VISIBLE_MUTATIONS:
            self.reloader.request()


def _root_fields(context: Any) -> set[str]:
    document = context.graphql_document
    names: set[str] = set()
    for definition in document.definitions if document is not None else ():
        if isinstance(definition, OperationDefinitionNode):
            selections = definition.selection_set.selections
            names.update(s.name.value for s in selections if isinstance(s, FieldNode))
    return names


class CanvasGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        services: CanvasServices,
        limits: Limits,
        local_admin: bool,
        reloader: DagsterReloader | None = None,
        **kwargs: Any,
    ) -> None:
        self.reloader = reloader or DagsterReloader()
        super().__init__(
            build_schema(limits, extra=[lambda: ReloadDagsterOnEdits(self.reloader)]), **kwargs
        )
        self.services = services
        self.launcher = RunLauncher(services)
        self.changes = ChangeHub()
        self.limits = limits
        self.local_admin = local_admin

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


async def healthz(request: Request) -> Response:
    return Response(json.dumps({"ok": True}), media_type="application/json")


def create_app(
    services: CanvasServices,
    *,
    limits: Limits | None = None,
    local_admin: bool = False,
    frontend_dir: Path | None = FRONTEND_DIR,
    reloader: DagsterReloader | None = None,
) -> Starlette:
    limits = limits or Limits()
    graphql = CanvasGraphQL(
        services,
        limits,
        local_admin,
        reloader,
        graphql_ide="graphiql" if limits.introspection else None,
        allow_queries_via_get=False,
        multipart_uploads_enabled=True,
    )
    routes: list[Route | WebSocketRoute | Mount] = [
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *file_routes(services, local_admin),
    ]
    if frontend_dir is not None and (frontend_dir / "index.html").is_file():
        routes.append(Mount("/", StaticFiles(directory=frontend_dir, html=True)))
    app = Starlette(routes=routes)
    app.add_middleware(RequirePreflightForMultipart)
    app.add_middleware(
        BodyLimit, max_bytes=limits.max_body_bytes, multipart_max_bytes=multipart_body_limit()
    )
    return app
