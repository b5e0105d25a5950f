"""REST API source: JSON records fetched over HTTP(S), with optional page or cursor pagination.

Every request goes through `node_library.safety.network.safe_request`: http/https only, the host's
addresses checked after DNS resolution on every redirect hop (private, loopback, link-local and
other internal addresses are refused unless allowlisted in NodeSettings.net_allowlist), the
connection pinned to the checked address, and each response bounded in size and time.

The records are found at `records_path` in each JSON response and flattened like the JSON file
source (nested objects become dotted columns). Pagination:
- `page`: the page number goes in the query parameter `page_param`, from `start`, until a page has
  no records or `max_pages` pages were read;
- `cursor`: the first request has no cursor; each next one sends the value found at
  `next_cursor_path` of the previous response in the query parameter `cursor_param`, until that
  value is missing, null or empty (or repeats), or `max_pages` pages were read.
Reaching max_pages while more pages remain is logged, not silently ignored. Each response is
bounded by safety.network.MAX_RESPONSE_BYTES and all pages of a run by MAX_TOTAL_BYTES.

Credentials never sit in params (docs/operating/secrets.md): the server sets named secrets
(`CANVAS_SECRET_<NAME>`, NodeSettings.secrets) and the params hold only their names, resolved inside
`execute`: `auth` bearer (`Authorization: Bearer <secret>`) or basic (`auth_username` and the secret
as password) with `auth_secret`; `secret_headers` (header -> secret name, e.g. X-Api-Key) and
`secret_query_params` (query parameter -> secret name, e.g. api_key). `headers` and `query_params`
are for plain values; a literal credential there is refused by validation (secret_in_params, the
check over every node's params in node_library.validation). URLs in messages and logs show
credentials masked (node_library.secrets.redact_url), and secret values are masked everywhere.

Version 2 added the secret params. Migrating a version 1 node keeps every param as it was: a
clear-text credential saved in `headers` or `query_params` is not dropped (it cannot be moved to a
server setting by a migration), and validation marks the node invalid until it is replaced by a
named secret; exports mask it meanwhile.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from node_library import widgets
from node_library.contract import ExecutionContext, Issue, NodeError, NodeParams, PortSchema, error
from node_library.io.json_records import as_records, dig, records_frame
from node_library.node_kinds.sources import SourceNode
from node_library.safety.network import (
    MAX_RESPONSE_BYTES,
    HttpResult,
    RequestRefusedError,
    check_url_literal,
    safe_request,
)
from node_library.secrets import (
    MASK,
    SECRET_NAME_HINT,
    MissingSecretError,
    has_secret,
    redact_url,
    remember_secret_values,
    resolve_secret,
    secret_env_name,
    secret_name_problem,
)
from node_library.settings import NodeSettings

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_RESERVED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # all pages of one run together


class NoPagination(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["none"] = Field("none", description="One request.")


class PagePagination(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["page"] = Field("page", description="Numbered pages.")
    page_param: str = Field(
        "page",
        min_length=1,
        max_length=100,
        description="Query parameter that carries the page number.",
    )
    start: int = Field(1, ge=0, le=1_000_000, description="Number of the first page.")
    max_pages: int = Field(10, ge=1, le=10_000, description="Stop after this many pages.")


class CursorPagination(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["cursor"] = Field("cursor", description="Each response names the next page.")
    cursor_param: str = Field(
        "cursor",
        min_length=1,
        max_length=100,
        description="Query parameter that carries the cursor.",
    )
    next_cursor_path: str = Field(
        "next_cursor",
        min_length=1,
        max_length=500,
        description="Dotted path of the next cursor in each response, e.g. 'meta.next'.",
    )
    max_pages: int = Field(10, ge=1, le=10_000, description="Stop after this many pages.")


Pagination = Annotated[
    NoPagination | PagePagination | CursorPagination, Field(discriminator="mode")
]


class RestApiParams(NodeParams):
    url: str = Field("", max_length=4096, description="http:// or https:// address to fetch.")
    method: Literal["GET", "POST"] = Field("GET", description="HTTP method.")
    auth: Literal["none", "bearer", "basic"] = Field(
        "none",
        description="Authentication with a server secret: bearer sends 'Authorization: Bearer "
        "<secret>', basic sends auth_username with the secret as password.",
    )
    auth_secret: str = Field(
        "",
        max_length=64,
        description="Name of the server secret for auth (set as CANVAS_SECRET_<NAME> on the "
        "server); never the secret itself.",
        json_schema_extra=SECRET_NAME_HINT | widgets.visible_when(auth=["bearer", "basic"]),
    )
    auth_username: str = Field(
        "",
        max_length=200,
        description="User name for basic auth.",
        json_schema_extra=widgets.visible_when(auth=["basic"]),
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Plain request headers, e.g. Accept. Credentials go in secret_headers.",
    )
    secret_headers: dict[str, str] = Field(
        default_factory=dict,
        description="Headers whose value is a server secret: header name -> secret name, "
        "e.g. X-Api-Key -> weather.",
        json_schema_extra=SECRET_NAME_HINT,
    )
    query_params: dict[str, str] = Field(
        default_factory=dict,
        description="Plain query string parameters. Credentials go in secret_query_params.",
    )
    secret_query_params: dict[str, str] = Field(
        default_factory=dict,
        description="Query parameters whose value is a server secret: parameter -> secret "
        "name, e.g. api_key -> weather.",
        json_schema_extra=SECRET_NAME_HINT,
    )
    body: dict[str, Any] | list[Any] | None = Field(
        None,
        description="JSON body (POST only).",
        json_schema_extra=widgets.visible_when(method=["POST"]),
    )
    records_path: str = Field(
        "",
        max_length=500,
        description="Dotted path to the list of records in the response, "
        "e.g. 'data.items'; empty when the response is the list.",
    )
    pagination: Pagination = Field(
        default_factory=NoPagination,
        description="How to fetch further pages: none, page or cursor.",
    )


def display_url(url: str, query: Mapping[str, str] | None = None) -> str:
    """The URL (plus `query`, which overrides its own values) as messages show it: password and
    credentials masked, MASK kept readable."""
    if query:
        try:
            parts = urlsplit(url)
            merged = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **query}
            url = urlunsplit(parts._replace(query=urlencode(merged, safe="*")))
        except ValueError:
            return MASK  # not parseable: better hidden than leaked
    return redact_url(url)


class _Credentials:
    """The resolved secrets of one run: headers and query values to send, never to show."""

    def __init__(self, params: RestApiParams, settings: NodeSettings) -> None:
        try:
            self.headers = {
                name: resolve_secret(settings, secret)
                for name, secret in params.secret_headers.items()
            }
            self.query = {
                name: resolve_secret(settings, secret)
                for name, secret in params.secret_query_params.items()
            }
            if params.auth == "bearer":
                token = resolve_secret(settings, params.auth_secret)
                self.headers["Authorization"] = f"Bearer {token}"
            elif params.auth == "basic":
                password = resolve_secret(settings, params.auth_secret)
                pair = f"{params.auth_username}:{password}".encode()
                self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
                remember_secret_values([self.headers["Authorization"]])
        except MissingSecretError as exc:
            where = _where(params, exc.name)
            raise NodeError(error("missing_secret", str(exc), exc.hint, param=where)) from None
        # what messages show in place of the secret query values
        self.shown_query = {name: MASK for name in params.secret_query_params}

    def request_headers(self, params: RestApiParams) -> dict[str, str]:
        return {**params.headers, **self.headers}


def _where(params: RestApiParams, secret: str) -> str:
    """The param that names `secret`, for the issue's location."""
    if params.auth != "none" and params.auth_secret.lower() == secret.lower():
        return "auth_secret"
    if any(s.lower() == secret.lower() for s in params.secret_headers.values()):
        return "secret_headers"
    return "secret_query_params"


def _fetch_json(
    params: RestApiParams,
    settings: NodeSettings,
    extra_query: Mapping[str, str],
    client: httpx.Client,
    budget: list[int],
    credentials: _Credentials,
) -> Any:
    """One response's JSON; `budget` holds the bytes all pages together may still use."""
    query = {**params.query_params, **credentials.query, **extra_query}
    shown = display_url(
        params.url, {**params.query_params, **credentials.shown_query, **extra_query}
    )
    limit = min(MAX_RESPONSE_BYTES, budget[0])
    try:
        result: HttpResult = safe_request(
            params.method,
            params.url,
            settings,
            headers=credentials.request_headers(params),
            params=query,
            json_body=params.body if params.method == "POST" else None,
            max_bytes=limit,
            client=client,
        )
    except RequestRefusedError as exc:
        if exc.code == "response_too_large" and limit < MAX_RESPONSE_BYTES:
            raise NodeError(
                error(
                    "response_too_large",
                    f"all pages of {display_url(params.url)} together exceed "
                    f"{MAX_TOTAL_BYTES // (1024 * 1024)} MB",
                    "lower max_pages, or filter on the server with query_params",
                    param="pagination",
                )
            ) from None
        raise NodeError(exc.to_issue("url")) from None
    except httpx.TimeoutException:
        raise NodeError(
            error(
                "http_timeout",
                f"{shown} did not answer within {settings.http_timeout_s:g} s",
                "try again later, ask for less data per page, or raise NodeSettings.http_timeout_s",
                param="url",
            )
        ) from None
    except httpx.HTTPError as exc:
        raise NodeError(
            error(
                "http_unreachable",
                f"could not reach {shown}: {exc}",
                "check the URL and that the service is up",
                param="url",
            )
        ) from None
    budget[0] -= len(result.content)
    if result.status_code >= 400:
        snippet = result.content[:300].decode("utf-8", "replace").strip()
        raise NodeError(
            error(
                "http_error",
                f"{params.method} {shown} answered HTTP "
                f"{result.status_code}" + (f": {snippet}" if snippet else ""),
                _status_hint(result.status_code),
                param="url",
            )
        )
    try:
        return json.loads(result.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        kind = result.headers.get("content-type", "unknown type")
        raise NodeError(
            error(
                "invalid_json",
                f"{shown} did not answer with JSON ({kind}): {exc}",
                "point the node at a JSON API endpoint",
                param="url",
            )
        ) from None


def _status_hint(status: int) -> str:
    if status in (401, 403):
        return (
            "check the credentials (the server secrets named in auth_secret, secret_headers "
            "and secret_query_params) and their permissions"
        )
    if status == 404:
        return "check the URL path"
    if status == 429:
        return "the API is rate limiting: fetch fewer pages or try again later"
    if status >= 500:
        return "the service failed; try again later"
    return "check the URL, query_params and body against the API's documentation"


def fetch_records(
    params: RestApiParams, settings: NodeSettings, ctx: ExecutionContext | None = None
) -> pd.DataFrame:
    """All records of all pages, as one dataframe."""
    label = "the response"
    records: list[Any] = []
    budget = [MAX_TOTAL_BYTES]
    credentials = _Credentials(params, settings)
    pagination = params.pagination
    with httpx.Client(
        timeout=httpx.Timeout(settings.http_timeout_s), follow_redirects=False, trust_env=False
    ) as client:

        def page_records(document: Any) -> list[Any]:
            value = dig(document, params.records_path, label=label, param="records_path")
            return as_records(value, label=label, param="records_path", dotted=params.records_path)

        if isinstance(pagination, PagePagination):
            for index in range(pagination.max_pages):
                number = pagination.start + index
                found = page_records(
                    _fetch_json(
                        params,
                        settings,
                        {pagination.page_param: str(number)},
                        client,
                        budget,
                        credentials,
                    )
                )
                if ctx:
                    ctx.progress(index + 1, pagination.max_pages, f"page {number}")
                if not found:
                    break
                records.extend(found)
            else:
                _log(ctx, f"stopped after max_pages={pagination.max_pages} pages; more may exist")
        elif isinstance(pagination, CursorPagination):
            cursor: str | None = None
            seen: set[str] = set()
            for index in range(pagination.max_pages):
                extra = {pagination.cursor_param: cursor} if cursor is not None else {}
                document = _fetch_json(params, settings, extra, client, budget, credentials)
                records.extend(page_records(document))
                if ctx:
                    ctx.progress(index + 1, pagination.max_pages)
                cursor = _next_cursor(document, pagination.next_cursor_path)
                if cursor is None or cursor in seen:
                    break
                seen.add(cursor)
            else:
                _log(ctx, f"stopped after max_pages={pagination.max_pages} pages; more may exist")
        else:
            records = page_records(_fetch_json(params, settings, {}, client, budget, credentials))
    return records_frame(records)


def _next_cursor(document: Any, dotted: str) -> str | None:
    value: Any = document
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    if value is None or value == "" or value is False:
        return None
    if isinstance(value, (dict, list)):
        raise NodeError(
            error(
                "bad_cursor",
                f"the value at {dotted!r} is a {type(value).__name__}, not a cursor",
                "point next_cursor_path at the string or number naming the next page",
                param="pagination.next_cursor_path",
            )
        )
    return str(value)


def _log(ctx: ExecutionContext | None, message: str) -> None:
    if ctx:
        ctx.log(message)


def _secret_issues(params: RestApiParams, settings: NodeSettings) -> list[Issue]:
    """Secret names that are missing, malformed or unset, and headers set twice."""
    issues: list[Issue] = []
    named: list[tuple[str, str]] = [
        *((f"secret_headers.{h}", s) for h, s in params.secret_headers.items()),
        *((f"secret_query_params.{q}", s) for q, s in params.secret_query_params.items()),
    ]
    if params.auth != "none":
        if params.auth_secret.strip():
            named.append(("auth_secret", params.auth_secret))
        else:
            issues.append(
                error(
                    "missing_param",
                    f"auth is {params.auth} but no secret is named",
                    "set auth_secret to the name of a server secret (CANVAS_SECRET_<NAME>)",
                    param="auth_secret",
                )
            )
        if params.auth == "basic" and not params.auth_username.strip():
            issues.append(
                error(
                    "missing_param",
                    "basic auth needs a user name",
                    "set auth_username",
                    param="auth_username",
                )
            )
    for where, name in named:
        problem = secret_name_problem(name)
        if problem:
            issues.append(
                error(
                    "invalid_secret_name",
                    f"{where}: {problem}",
                    "give the name of a server secret, e.g. weather for CANVAS_SECRET_WEATHER; "
                    "never the secret itself",
                    param=where.split(".")[0],
                )
            )
        elif not has_secret(settings, name):
            issues.append(
                error(
                    "missing_secret",
                    f"{where}: the secret {name!r} is not set on this server",
                    f"set the environment variable {secret_env_name(name)} on the server (API, "
                    "engine and workers) and restart it, or name a secret that exists",
                    param=where.split(".")[0],
                )
            )
    plain = {h.lower() for h in params.headers}
    secret = {h.lower() for h in params.secret_headers}
    if params.auth != "none":
        secret.add("authorization")
    for header in sorted(plain & secret):
        issues.append(
            error(
                "duplicate_header",
                f"the {header} header is set twice (as a plain and as a secret header)",
                f"remove {header} from headers",
                param="headers",
            )
        )
    if "authorization" in {h.lower() for h in params.secret_headers} and params.auth != "none":
        issues.append(
            error(
                "duplicate_header",
                "the Authorization header is set by auth and by secret_headers",
                "keep one: auth (bearer/basic) or the secret header",
                param="secret_headers",
            )
        )
    return issues


class RestApiNode(SourceNode[RestApiParams]):
    type_id = "sources.rest_api"
    display_name = "REST API"
    description = "Fetch JSON records from an HTTP API, with page or cursor pagination."
    tags = ("http", "api", "rest", "json", "web")
    version = 2
    Params = RestApiParams
    deterministic = False  # the remote data can change between runs
    # 1 -> 2 added the secret params (all default to "none"/empty): every saved param is kept,
    # a clear-text credential too, which validation then refuses (see the module docstring).
    migrations = {1: dict}

    def validate(
        self, params: RestApiParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not params.url.strip():
            issues.append(
                error(
                    "missing_param", "no URL given", "enter the API's https:// address", param="url"
                )
            )
        else:
            try:
                check_url_literal(params.url, settings)
            except RequestRefusedError as exc:
                issues.append(exc.to_issue("url"))
        for name in [*params.headers, *params.secret_headers]:
            if not _HEADER_NAME.match(name):
                issues.append(
                    error(
                        "invalid_header",
                        f"{name!r} is not a valid header name",
                        "use letters, digits and '-' only",
                        param="headers",
                    )
                )
            elif name.lower() in _RESERVED_HEADERS:
                issues.append(
                    error(
                        "invalid_header",
                        f"the {name} header is set by the node",
                        f"remove {name} from headers",
                        param="headers",
                    )
                )
        issues.extend(_secret_issues(params, settings))
        for name, value in params.headers.items():
            if "\r" in value or "\n" in value:
                issues.append(
                    error(
                        "invalid_header",
                        f"the value of header {name!r} has a line break",
                        "remove the line break",
                        param="headers",
                    )
                )
        if params.body is not None and params.method == "GET":
            issues.append(
                error(
                    "body_with_get",
                    "a GET request has no body",
                    "set method to POST, or move the values to query_params",
                    param="body",
                )
            )
        return issues

    def infer_schema(
        self, params: RestApiParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": None}  # known only from a response

    def compute(
        self, ctx: ExecutionContext, params: RestApiParams, **inputs: Any
    ) -> dict[str, Any]:
        frame = fetch_records(params, ctx.settings, ctx)
        ctx.log(f"fetched {len(frame)} records from {display_url(params.url)}")
        return {"data": frame}
