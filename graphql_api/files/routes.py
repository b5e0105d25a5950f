"""Plain HTTP next to GraphQL: downloads of stored results, and the guard on multipart uploads.

GET /files/{slug}/{node_id}/{cache_key}/{port} streams one stored result as an attachment: a file
result with its own name and media type, a table as CSV, a JSON value as JSON. It signs in through
the same `Authorization: Bearer <token>` header as /graphql (the local admin of the embedded
default included) and needs the viewer role. Every path part is checked against a strict pattern
(slugs, node ids and ports: lowercase names; the cache key: 32 hex digits) before anything is read,
so '..', encoded slashes or other tricks never reach storage. Errors are JSON in the GraphQL shape
({"errors": [{"message", "extensions": {"code"}}]}): 400 bad path, 401 not signed in, 403 role too
low, 404 no such result. The file name in Content-Disposition is reduced to safe ASCII for
`filename=` and given whole, percent-encoded, in `filename*=` (RFC 6266).

Results are immutable (addressed by cache key), so responses may be cached privately.

`RequirePreflightForMultipart`: a multipart/form-data POST is a "simple" request that any web page
can make a browser send without asking (no CORS preflight), and with the local admin sign-in it
would carry no token at all. GraphQL multipart requests must therefore carry a header a form cannot
set: `Apollo-Require-Preflight` (what Apollo's upload clients send) or `GraphQL-Require-Preflight`,
with any non-empty value; without one they get a 400 JSON error before GraphQL reads the body.
`multipart_body_limit` is the body size allowed for such requests: the upload cap plus room for
the operations and map fields.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from canvas_assets import (
    CanvasServices,
    NotFound,
    OutputNotFound,
    PreviewError,
    Role,
    UploadPolicy,
    download_output,
)
from graphql_api.auth import authenticate

PREFLIGHT_HEADERS = (b"apollo-require-preflight", b"graphql-require-preflight")
# Starlette parses multipart bodies with python-multipart; without it uploads cannot work.
MULTIPART_PARSER = importlib.util.find_spec("python_multipart") is not None
MULTIPART_ENVELOPE_BYTES = 1024 * 1024
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._ -]+")


def error_response(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers or None)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the full name percent-encoded (RFC 6266)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    fallback = _UNSAFE_NAME_CHARS.sub("_", base).strip(" .") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(base, safe='')}"


def file_routes(services: CanvasServices, local_admin: bool) -> list[Route]:
    async def download(request: Request) -> Response:
        principal, problem = authenticate(
            services, request.headers.get("authorization"), local_admin
        )
        if principal is None:
            return error_response(
                401,
                "UNAUTHENTICATED",
                f"not signed in: {problem}",
                **{"WWW-Authenticate": "Bearer"},
            )
        if not principal.role.allows(Role.VIEWER):
            return error_response(
                403,
                "FORBIDDEN",
                f"downloads need the viewer role; token {principal.name!r} has the"
                f" {principal.role.value} role",
            )
        params = request.path_params
        try:
            found = await asyncio.to_thread(
                download_output,
                services,
                params["slug"],
                params["node_id"],
                params["cache_key"],
                params["port"],
            )
        except PreviewError as exc:
            message = f"{exc}; {exc.hint}" if exc.hint else str(exc)
            return error_response(400, "BAD_USER_INPUT", message)
        except (NotFound, OutputNotFound) as exc:
            return error_response(404, "NOT_FOUND", str(exc))
        headers = {
            "Content-Disposition": content_disposition(found.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, max-age=86400, immutable",
        }
        if found.size_bytes is not None:
            headers["Content-Length"] = str(found.size_bytes)
        return StreamingResponse(found.chunks, media_type=found.media_type, headers=headers)

    async def malformed(request: Request) -> Response:
        return error_response(
            404,
            "NOT_FOUND",
            "downloads live at /files/<workflow slug>/<node id>/<cache key>/<port>",
        )

    return [
        Route("/files/{slug}/{node_id}/{cache_key}/{port}", download, methods=["GET"]),
        Route("/files/{rest:path}", malformed, methods=["GET"]),
    ]


def multipart_body_limit() -> int:
    return UploadPolicy.from_env().max_bytes + MULTIPART_ENVELOPE_BYTES


class RequirePreflightForMultipart:
    """Refuses multipart requests without a preflight header (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _is_multipart(scope) and not MULTIPART_PARSER:
            response = error_response(
                501,
                "UPLOADS_UNAVAILABLE",
                "file uploads need the python-multipart package on the server",
            )
            await response(scope, receive, send)
            return
        if scope["type"] == "http" and not _preflighted(scope):
            response = error_response(
                400,
                "PREFLIGHT_REQUIRED",
                "multipart requests must send the header 'Apollo-Require-Preflight: true' (or"
                " 'GraphQL-Require-Preflight: 1'); it keeps other web pages from posting forms"
                " to this API",
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _is_multipart(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return bool(content_type == b"multipart/form-data")


def _preflighted(scope: Scope) -> bool:
    if not _is_multipart(scope):
        return True
    headers = dict(scope.get("headers") or [])
    return any(headers.get(name, b"").strip() for name in PREFLIGHT_HEADERS)
