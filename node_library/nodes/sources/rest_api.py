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

Headers are stored in the workflow like every param: put API keys in a header only for
workflows whose readers may see them. URLs in messages have credential-like query values masked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import httpx
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.nodes.sources.json_records import as_records, dig, records_frame
from node_library.safety.network import (
    MAX_RESPONSE_BYTES,
    HttpResult,
    RequestRefusedError,
    check_url_literal,
    safe_request,
)
from node_library.settings import NodeSettings

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_RESERVED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # all pages of one run together
_SECRET_PARAM = re.compile(r"key|token|secret|password|passwd|signature|sig|auth", re.I)


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


class RestApiParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field("", max_length=4096, description="http:// or https:// address to fetch.")
    method: Literal["GET", "POST"] = Field("GET", description="HTTP method.")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Request headers, e.g. Accept or Authorization."
    )
    query_params: dict[str, str] = Field(
        default_factory=dict, description="Query string parameters."
    )
    body: dict[str, Any] | list[Any] | None = Field(None, description="JSON body (POST only).")
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
    """The URL (plus `query`) with a password and credential-like query values masked."""
    try:
        parsed = httpx.URL(url)
        if query:
            parsed = parsed.copy_merge_params(dict(query))
    except (httpx.InvalidURL, TypeError, ValueError):
        return url
    if parsed.scheme not in ("http", "https"):
        return url
    items = [(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in parsed.params.multi_items()]
    shown = parsed.copy_with(query=urlencode(items, safe="*").encode() if items else None)
    if parsed.password:
        shown = shown.copy_with(username=parsed.username, password="***")  # noqa: S106 (a mask)
    return str(shown)


def _fetch_json(
    params: RestApiParams,
    settings: NodeSettings,
    extra_query: Mapping[str, str],
    client: httpx.Client,
    budget: list[int],
) -> Any:
    """One response's JSON; `budget` holds the bytes all pages together may still use."""
    query = {**params.query_params, **extra_query}
    shown = display_url(params.url, query)
    limit = min(MAX_RESPONSE_BYTES, budget[0])
    try:
        result: HttpResult = safe_request(
            params.method,
            params.url,
            settings,
            headers=params.headers,
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
        return "check the credentials in headers (e.g. Authorization) and their permissions"
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
                        params, settings, {pagination.page_param: str(number)}, client, budget
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
                document = _fetch_json(params, settings, extra, client, budget)
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
            records = page_records(_fetch_json(params, settings, {}, client, budget))
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


class RestApiNode(NodeType[RestApiParams]):
    type_id = "sources.rest_api"
    display_name = "REST API"
    category = "sources"
    description = "Fetch JSON records from an HTTP API, with page or cursor pagination."
    tags = ("http", "api", "rest", "json", "web")
    Params = RestApiParams
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)
    deterministic = False  # the remote data can change between runs

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
        for name in params.headers:
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

    def execute(
        self, ctx: ExecutionContext, params: RestApiParams, **inputs: Any
    ) -> dict[str, Any]:
        frame = fetch_records(params, ctx.settings, ctx)
        ctx.log(f"fetched {len(frame)} records from {display_url(params.url)}")
        return {"data": frame}
