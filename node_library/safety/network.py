"""Outbound HTTP for user-supplied URLs, guarded against server-side request forgery (SSRF).

Policy: only http and https; the host is resolved with `getaddrinfo` (which also normalizes numeric
spellings such as `0x7f000001`, `2130706433` or `127.1`), and the request is refused when ANY
resolved address is private, loopback, link-local, multicast, reserved, unspecified or otherwise not
globally routable (IPv4-mapped, 6to4, Teredo and NAT64 IPv6 forms are judged by the IPv4 address
they carry), unless the host name or the address matches `NodeSettings.net_allowlist` (host names,
`.suffix` / `*.suffix` domain patterns, IP addresses or CIDR ranges).

`safe_request` follows redirects itself (at most MAX_REDIRECTS) and checks every hop. Each request
is sent to the address that was checked, not to a second DNS answer: the URL's host is replaced by
that IP, the Host header keeps the name, and for https the TLS SNI and certificate check keep the
name too (httpcore's `sni_hostname` extension). This closes the DNS-rebinding window between check
and connect. Proxies from the environment are ignored (`trust_env=False`), since a proxy would
connect to a name we did not check. Responses are bounded in size (decoded bytes, so compression
bombs stop too) and in total time per request (`NodeSettings.http_timeout_s`).

`check_url_literal` is the cheap, DNS-free subset for `validate`: scheme, host, numeric addresses
and `localhost` names. Names that need DNS are judged at run time.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from node_library.contract import Issue, error
from node_library.settings import NodeSettings

MAX_REDIRECTS = 5
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
ALLOWED_SCHEMES = ("http", "https")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
ALLOWLIST_HINT = (
    "if this internal service is trusted, add its host or address range to "
    "CANVAS_NET_ALLOWLIST (NodeSettings.net_allowlist)"
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RequestRefusedError(ValueError):
    """An outbound request that policy or limits refused; `code` and `hint` feed an Issue."""

    def __init__(self, message: str, code: str, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint

    def to_issue(self, param: str = "url") -> Issue:
        return error(self.code, str(self), self.hint, param=param)


class BlockedAddressError(RequestRefusedError):
    """The URL's scheme or one of its host's addresses is not allowed."""


@dataclass(frozen=True)
class CheckedTarget:
    url: httpx.URL  # the URL as written (host name kept)
    host: str  # ASCII (IDNA) host name or address literal
    addresses: tuple[str, ...]  # every address the host resolved to, all allowed
    connect_ip: str  # the checked address the request is sent to


@dataclass(frozen=True)
class HttpResult:
    status_code: int
    headers: httpx.Headers
    content: bytes
    url: httpx.URL  # final URL after redirects, with its host name
    redirects: tuple[str, ...] = ()


# -- address policy ---------------------------------------------------------------------------


def blocked_reason(address: IPAddress) -> str | None:
    """Why `address` is not a public destination, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            reason = blocked_reason(embedded)
            return f"{reason} (IPv4 {embedded} inside IPv6)" if reason else None
    for attribute, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(address, attribute):
            return label
    if not address.is_global:
        return "not publicly routable"
    return None


def is_allowlisted(host: str, address: IPAddress | None, allowlist: tuple[str, ...]) -> bool:
    """True when the host name or the address matches an entry of NodeSettings.net_allowlist."""
    host = host.lower().rstrip(".")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for raw in allowlist:
        entry = raw.strip().lower().rstrip(".")
        if not entry:
            continue
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            if entry.startswith(("*.", ".")):
                suffix = entry.lstrip("*")
                if host.endswith(suffix):
                    return True
            elif host == entry:
                return True
            continue
        if address is not None and address.version == network.version and address in network:
            return True
    return False


def parse_http_url(url: str | httpx.URL) -> httpx.URL:
    """The parsed URL, refused unless it is http(s) with a host."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise BlockedAddressError(
            f"{str(url)!r} is not a valid URL ({exc})",
            "invalid_url",
            "write a full URL such as https://api.example.com/items",
        ) from None
    scheme = parsed.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}://" if scheme else "no scheme"
        raise BlockedAddressError(
            f"{str(url)!r} uses {shown}; only http:// and https:// URLs may be fetched",
            "url_scheme_not_allowed",
            "use an http:// or https:// URL",
        )
    if not parsed.raw_host:
        raise BlockedAddressError(
            f"{str(url)!r} has no host name",
            "invalid_url",
            "write a full URL such as https://api.example.com/items",
        )
    return parsed


def _host_of(url: httpx.URL) -> str:
    return url.raw_host.decode("ascii").lower()


def _port_of(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _parse_address(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])


def _judge(url: httpx.URL, host: str, addresses: list[IPAddress], settings: NodeSettings) -> None:
    for address in addresses:
        reason = blocked_reason(address)
        if reason and not is_allowlisted(host, address, settings.net_allowlist):
            shown = host if host == str(address) else f"{host} ({address})"
            raise BlockedAddressError(
                f"{str(url)!r} is refused: {shown} is a {reason} address, and requests to "
                "private, loopback, link-local and other internal addresses are blocked",
                "address_blocked",
                ALLOWLIST_HINT,
            )


def check_url_literal(url: str | httpx.URL, settings: NodeSettings) -> httpx.URL:
    """Validate-time check without DNS: scheme, host, numeric addresses and localhost names."""
    parsed = parse_http_url(url)
    host = _host_of(parsed)
    if host == "localhost" or host.endswith(".localhost"):
        _judge(parsed, host, [ipaddress.ip_address("127.0.0.1")], settings)
        return parsed
    try:
        infos = socket.getaddrinfo(
            host, _port_of(parsed), type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
        )
    except (socket.gaierror, UnicodeError):
        return parsed  # a name: judged after DNS resolution at run time
    _judge(parsed, host, [_parse_address(str(info[4][0])) for info in infos], settings)
    return parsed


def check_url(url: str | httpx.URL, settings: NodeSettings) -> CheckedTarget:
    """Run-time check: resolve the host and refuse if any of its addresses is not allowed."""
    parsed = parse_http_url(url)
    host = _host_of(parsed)
    try:
        infos = socket.getaddrinfo(host, _port_of(parsed), type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RequestRefusedError(
            f"the host {host!r} of {str(parsed)!r} could not be resolved ({exc})",
            "host_not_found",
            "check the spelling of the host name and the network/DNS of the server",
        ) from None
    addresses = list(dict.fromkeys(_parse_address(str(info[4][0])) for info in infos))
    if not addresses:
        raise RequestRefusedError(f"the host {host!r} resolved to no address", "host_not_found")
    _judge(parsed, host, addresses, settings)
    return CheckedTarget(
        url=parsed,
        host=host,
        addresses=tuple(str(a) for a in addresses),
        connect_ip=str(addresses[0]),
    )


# -- requests ---------------------------------------------------------------------------------


def _pinned(target: CheckedTarget) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
    """The URL with its host replaced by the checked IP, plus the Host header and TLS name."""
    url = target.url
    host_header = target.url.netloc.decode("ascii").rsplit("@", 1)[-1]
    extensions: dict[str, Any] = {}
    if url.scheme == "https":
        extensions["sni_hostname"] = target.host
    return url.copy_with(host=target.connect_ip), {"Host": host_header}, extensions


def safe_request(
    method: str,
    url: str,
    settings: NodeSettings,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    json_body: Any = None,
    max_bytes: int = MAX_RESPONSE_BYTES,
    client: httpx.Client | None = None,
) -> HttpResult:
    """Send one request under the policy above and return the whole (bounded) response.

    Raises BlockedAddressError for a refused URL on any hop, RequestRefusedError for too many
    redirects, an oversized response or a response slower than settings.http_timeout_s, and the
    httpx transport errors (connect failures, timeouts) unchanged.
    """
    current = parse_http_url(url)
    if params:
        current = current.copy_merge_params(dict(params))
    method = method.upper()
    send_headers = dict(headers or {})
    body = json_body
    redirects: list[str] = []
    own_client = client is None
    http = client or httpx.Client(
        timeout=httpx.Timeout(settings.http_timeout_s), follow_redirects=False, trust_env=False
    )
    try:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                target = check_url(current, settings)
            except BlockedAddressError as exc:
                if not redirects:
                    raise
                raise BlockedAddressError(
                    f"{url!r} redirected to a refused address: {exc}", exc.code, exc.hint
                ) from None
            pinned_url, host_header, extensions = _pinned(target)
            request = http.build_request(
                method,
                pinned_url,
                headers={**send_headers, **host_header},
                json=body if body is not None and method != "GET" else None,
                extensions=extensions,
            )
            deadline = time.monotonic() + settings.http_timeout_s
            response = http.send(request, stream=True, follow_redirects=False)
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    following = current.join(location)
                    redirects.append(str(following))
                    if response.status_code == 303 or (
                        response.status_code in (301, 302) and method == "POST"
                    ):
                        method, body = "GET", None
                    if following.raw_host.decode("ascii").lower() != target.host:
                        # Credentials meant for one host are not handed to the next.
                        send_headers = {
                            k: v
                            for k, v in send_headers.items()
                            if k.lower() not in ("authorization", "cookie")
                        }
                    current = following
                    continue
                content = _read_bounded(response, str(current), max_bytes, deadline)
                return HttpResult(
                    status_code=response.status_code,
                    headers=response.headers,
                    content=content,
                    url=current,
                    redirects=tuple(redirects),
                )
            finally:
                response.close()
        raise RequestRefusedError(
            f"{url!r} redirected more than {MAX_REDIRECTS} times (last: {redirects[-1]})",
            "too_many_redirects",
            "point the node at the final URL",
        )
    finally:
        if own_client:
            http.close()


def _read_bounded(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(url, max_bytes)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(url, max_bytes)
        if time.monotonic() > deadline:
            raise RequestRefusedError(
                f"{url!r} took longer than the HTTP time limit to answer",
                "http_timeout",
                "ask for less data per request, or raise NodeSettings.http_timeout_s",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(url: str, max_bytes: int) -> RequestRefusedError:
    return RequestRefusedError(
        f"the response of {url!r} is larger than {max_bytes // (1024 * 1024)} MB",
        "response_too_large",
        "ask for less data per request, e.g. with pagination",
    )
