"""Who may reach the API from a browser: the `Host` names it answers to and the web origins
whose pages may talk to it.

Why: with the loopback local admin on, any web page the user has open could otherwise drive the
API as admin, either directly (a cross-site POST or a WebSocket, which browsers open to any
origin without asking) or by DNS rebinding (a hostile name that resolves to 127.0.0.1, so the
browser treats the API as that site's own). So every request and every WebSocket handshake is
checked before it reaches a route:

- `Host` must be one of the allowed host names, with any port: by default the loopback names
  (localhost, 127.0.0.1, [::1]) plus the address the server is bound to, or the machine's host
  name when it is bound to a wildcard such as 0.0.0.0; `CANVAS_ALLOWED_HOSTS` (comma-separated;
  `*.example.com` matches subdomains, `*` anything) adds more. Else 400. A rebinding page
  sends its own name as Host, so it is refused.
- `Origin`, when present, must be the API's own origin (the same host and port as the validated
  Host, so the canvas served here, or a dev server that proxies to it, just works) or be listed
  in `CANVAS_ALLOWED_ORIGINS` (comma-separated `scheme://host[:port]`). Else 403 (a WebSocket
  handshake is refused with the same JSON answer). Browsers always send Origin on WebSockets
  and on cross-site POSTs; a request without one (curl, the CLI, another server) cannot come
  from a web page's script and passes: it still needs a token unless local admin is on.

Starlette's TrustedHostMiddleware is not used: it answers in plain text without naming the
setting, and it cuts an IPv6 Host such as `[::1]:8000` at its first colon.

/healthz is exempt from the Host check (probes call it by the pod's address and it tells
nothing). Errors use the GraphQL shape ({"errors": [{"message", "extensions": {"code"}}]}).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

HOSTS_SETTING = "CANVAS_ALLOWED_HOSTS"
ORIGINS_SETTING = "CANVAS_ALLOWED_ORIGINS"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_WILDCARD_BINDS = frozenset({"", "0.0.0.0", "::", "[::]"})  # noqa: S104  # names, not a bind
_EXEMPT_PATHS = frozenset({"/healthz"})


def _host_name(value: str) -> str:
    """The host part of a Host header or host setting, lowercased, IPv6 in brackets."""
    value = value.strip().lower().rstrip(".")
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    if value.count(":") > 1:  # a bare IPv6 address in a setting
        try:
            return f"[{ipaddress.IPv6Address(value)}]"
        except ValueError:
            return value
    return value


def _origin(value: str) -> str:
    """`scheme://host[:port]` lowercased, or "" when the text is not an origin."""
    parts = urlsplit(value.strip().lower())
    if not parts.scheme or not parts.netloc or parts.path.strip("/") or parts.query:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Exposure:
    """The allowed Host names and extra browser origins (see the module docstring)."""

    hosts: tuple[str, ...] = LOOPBACK_HOSTS
    origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, bound_host: str | None = None) -> Exposure:
        """Loopback names, the bound address unless it is a wildcard, and the two settings.

        Raises ValueError naming the setting when an origin is not `scheme://host[:port]`."""
        hosts = list(LOOPBACK_HOSTS)
        if bound_host is not None and bound_host.strip() not in _WILDCARD_BINDS:
            hosts.append(_host_name(bound_host))
        elif bound_host is not None:  # every interface: the machine's own names too
            hosts += [_host_name(socket.gethostname()), _host_name(socket.getfqdn())]
        hosts += [_host_name(h) for h in _split(os.environ.get(HOSTS_SETTING, ""))]
        origins = []
        for text in _split(os.environ.get(ORIGINS_SETTING, "")):
            origin = _origin(text)
            if not origin:
                raise ValueError(
                    f"{ORIGINS_SETTING}: {text!r} is not an origin; write scheme://host[:port],"
                    " e.g. https://canvas.example.com"
                )
            origins.append(origin)
        return cls(tuple(dict.fromkeys(hosts)), tuple(dict.fromkeys(origins)))

    def allows_host(self, host_header: str) -> bool:
        name = _host_name(host_header)
        if not name:
            return False
        for allowed in self.hosts:
            if allowed == "*" or allowed == name:
                return True
            if allowed.startswith("*.") and name.endswith(allowed[1:]):
                return True
        return False

    def allows_origin(self, origin_header: str, host_header: str) -> bool:
        origin = _origin(origin_header)
        if not origin:
            return False  # "null" (sandboxed frames, file://) or garbage
        if origin.split("://", 1)[1] == host_header.strip().lower():
            return True  # the page was served by this API (or a proxy in front of it)
        return origin in self.origins


def _split(text: str) -> Iterable[str]:
    return (part.strip() for part in text.split(",") if part.strip())


class GuardHostAndOrigin:
    """ASGI middleware applying an `Exposure` to every HTTP request and WebSocket handshake."""

    def __init__(self, app: ASGIApp, exposure: Exposure) -> None:
        self.app, self.exposure = app, exposure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host, origin = headers.get("host", ""), headers.get("origin")
        refusal: JSONResponse | None = None
        if scope["path"] not in _EXEMPT_PATHS and not self.exposure.allows_host(host):
            refusal = _error(
                400,
                "HOST_NOT_ALLOWED",
                f"this API does not answer to the host name {host!r} (Host header); if it is"
                f" meant to be reached under that name, add it to {HOSTS_SETTING}"
                " (comma-separated host names)",
            )
        elif origin is not None and not self.exposure.allows_origin(origin, host):
            refusal = _error(
                403,
                "ORIGIN_NOT_ALLOWED",
                f"requests from web pages at {origin!r} are refused: that is not this API's own"
                f" origin; to let that site's pages use the API, add it to {ORIGINS_SETTING}"
                " (comma-separated scheme://host[:port])",
            )
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await refusal(scope, receive, send)
        else:
            await _refuse_handshake(refusal, scope, receive, send)


def _error(status: int, code: str, message: str) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)


async def _refuse_handshake(
    refusal: JSONResponse, scope: Scope, receive: Receive, send: Send
) -> None:
    """Refuse before accepting: an HTTP answer with the JSON error where the server supports
    denial responses (uvicorn does), else a close that the server turns into HTTP 403."""
    message = await receive()
    assert message["type"] == "websocket.connect", message
    if "websocket.http.response" in scope.get("extensions", {}):
        await refusal(scope, receive, send)  # Response sends websocket.http.response.* here
    else:
        await send({"type": "websocket.close", "code": 4403})
