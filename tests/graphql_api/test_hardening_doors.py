"""The API's doors Host and Origin checks against web pages and DNS rebinding, open
WebSockets that lose their token, typed errors for malformed, deeply nested and non-object
bodies, suggestions hidden with introspection off, a clear error when the database is down, and
rate limits on expensive operations. All against a real uvicorn server."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from graphql_api.exposure import Exposure
from graphql_api.extensions import Limits
from graphql_api.rate_limit import parse_setting
from tests.graphql_api.conftest import ApiServer, make_api, start_server, stop_api
from tests.services import _admin_conninfo, create_test_database, drop_test_database

CREATE = 'mutation { createWorkflow(input: {name: "From a page"}) { __typename } }'
IMPORT = "mutation($d: JSON!) { importWorkflow(document: $d) { __typename } }"


@pytest.fixture
def local_api(tmp_path: Path) -> Iterator[ApiServer]:
    """The embedded default: loopback, requests without a token are the local admin."""
    api, server, thread = make_api(tmp_path, local_admin=True)
    yield api
    stop_api(api, server, thread)


def _request(
    api: ApiServer,
    body: str | bytes,
    headers: dict[str, str] | None = None,
    method: str = "POST",
    path: str = "/graphql",
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """A raw request, so Host and Origin can be anything; returns status, headers, JSON body."""
    url = urlparse(api.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    conn.putrequest(method, path, skip_host="Host" in all_headers)
    payload = body.encode() if isinstance(body, str) else body
    for name, value in {**all_headers, "Content-Length": str(len(payload))}.items():
        conn.putheader(name, value)
    conn.endheaders(payload)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    answer = dict(response.getheaders())
    try:
        return response.status, answer, json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return response.status, answer, {"raw": raw.decode(errors="replace")}


def _query(query: str, variables: dict[str, Any] | None = None) -> str:
    return json.dumps({"query": query, "variables": variables or {}})


def _message(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["message"])


# -- Host and Origin ------------------------------------------------------------------------


def test_a_mutation_posted_from_a_foreign_origin_is_refused_and_changes_nothing(
    local_api: ApiServer,
) -> None:
    status, _, body = _request(local_api, _query(CREATE), {"Origin": "http://evil.example"})
    assert status == 403
    assert body["errors"][0]["extensions"]["code"] == "ORIGIN_NOT_ALLOWED"
    assert "http://evil.example" in _message(body) and "CANVAS_ALLOWED_ORIGINS" in _message(body)
    assert local_api.services.store.list() == []


def test_a_simple_cross_site_request_cannot_run_a_mutation_even_without_an_origin_check(
    local_api: ApiServer,
) -> None:
    # text/plain and form posts need no CORS preflight, so a page can send them blind
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        status, _, body = _request(local_api, _query(CREATE), {"Content-Type": content_type})
        assert status == 400, (content_type, body)
        assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert local_api.services.store.list() == []


def test_a_dns_rebinding_host_is_refused_with_the_setting_to_change(local_api: ApiServer) -> None:
    port = urlparse(local_api.url).port
    status, _, body = _request(
        local_api, _query("{ connectionRules { source } }"), {"Host": f"rebind.evil:{port}"}
    )
    assert status == 400
    assert "rebind.evil" in _message(body) and "CANVAS_ALLOWED_HOSTS" in _message(body)
    with pytest.raises(InvalidStatus) as refused:
        connect(
            local_api.ws_url,
            subprotocols=["graphql-transport-ws"],
            additional_headers={"Host": f"rebind.evil:{port}"},
            open_timeout=10,
        )
    assert refused.value.response.status_code == 400
    # the probe of an orchestrator, which calls by address, is not a browser's business
    status, _, body = _request(local_api, b"", {"Host": "10.0.0.7:80"}, "GET", "/healthz")
    assert status == 200 and body == {"ok": True}


def test_a_websocket_from_a_foreign_origin_is_refused_at_the_handshake(
    local_api: ApiServer,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(
            local_api.ws_url,
            subprotocols=["graphql-transport-ws"],
            origin="http://evil.example",
            open_timeout=10,
        )
    response = refused.value.response
    assert response.status_code == 403
    assert b"CANVAS_ALLOWED_ORIGINS" in response.body


def test_the_canvas_on_its_own_origin_and_token_clients_without_origin_still_work(
    local_api: ApiServer,
) -> None:
    own = local_api.url  # http://127.0.0.1:<port>, as the canvas served at / sends it
    status, _, body = _request(local_api, _query(CREATE), {"Origin": own})
    assert status == 200 and body["data"]["createWorkflow"]["__typename"] == "Workflow"
    # a dev server on another port that proxies with its own Host is its own origin too
    status, _, body = _request(
        local_api,
        _query("{ connectionRules { source } }"),
        {"Origin": "http://localhost:5173", "Host": "localhost:5173"},
    )
    assert status == 200 and "errors" not in body
    with connect(
        local_api.ws_url,
        subprotocols=["graphql-transport-ws"],
        origin=own,
        open_timeout=10,
    ) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
    # curl, the CLI, another server: no Origin, a token
    status, _, body = _request(
        local_api,
        _query("{ workflows { items { name } } }"),
        {"Authorization": f"Bearer {local_api.tokens['viewer']}"},
    )
    assert status == 200 and body["data"]["workflows"]["items"] == [{"name": "From a page"}]


def test_allowed_hosts_and_origins_come_from_the_bound_address_and_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Exposure.from_env("127.0.0.1").allows_host("[::1]:8000")
    assert not Exposure.from_env("0.0.0.0").allows_host("0.0.0.0:8000")
    assert Exposure.from_env("10.1.2.3").allows_host("10.1.2.3:8000")
    assert Exposure.from_env("0.0.0.0").allows_host(f"{socket.gethostname()}:8000")
    monkeypatch.setenv("CANVAS_ALLOWED_HOSTS", "canvas.example.com, *.corp.example")
    monkeypatch.setenv("CANVAS_ALLOWED_ORIGINS", "https://app.example.com")
    exposure = Exposure.from_env("0.0.0.0")
    assert exposure.allows_host("canvas.example.com") and exposure.allows_host("a.corp.example")
    assert not exposure.allows_host("corp.example.evil") and not exposure.allows_host("")
    assert exposure.allows_origin("https://app.example.com", "canvas.example.com")
    assert exposure.allows_origin("https://canvas.example.com", "canvas.example.com")
    assert not exposure.allows_origin("null", "canvas.example.com")
    assert not exposure.allows_origin("https://canvas.example.com.evil", "canvas.example.com")
    monkeypatch.setenv("CANVAS_ALLOWED_ORIGINS", "app.example.com/path")
    with pytest.raises(ValueError, match=re.escape("ORIGINS: 'app.example.com/path' is not")):
        Exposure.from_env()


# -- a revoked token on an open WebSocket ---------------------------------------------------


def test_revoking_a_token_closes_its_open_subscription_within_seconds(tmp_path: Path) -> None:
    api, server, thread = make_api(tmp_path)
    server.should_exit = True
    thread.join(10)
    quick, thread2, url = start_server(api.services, Limits(principal_recheck_seconds=0.2))
    try:
        tokens = api.services.tokens
        principal, secret = tokens.create("watcher", "viewer")
        assert tokens.is_active(principal.token_id) == "viewer"
        created = ApiServer(url, api.services, api.tokens).gql(
            'mutation { createWorkflow(input: {name: "W"}) { ... on Workflow { id } } }'
        )
        workflow_id = created["data"]["createWorkflow"]["id"]
        api_url = ApiServer(url, api.services)
        with connect(api_url.ws_url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
            init = {"type": "connection_init", "payload": {"authorization": f"Bearer {secret}"}}
            ws.send(json.dumps(init))
            assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
            query = (
                "subscription($w: ID!) { workflowChanged(workflowId: $w, sinceRevision: 0)"
                " { revision } }"
            )
            subscribe = {"query": query, "variables": {"w": workflow_id}}
            ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
            # the batch that created the workflow: the subscription is open and streaming
            assert json.loads(ws.recv(timeout=10))["type"] == "next"
            assert tokens.revoke(principal.token_id)
            revoked_at = time.monotonic()
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=5)
        assert time.monotonic() - revoked_at < 3
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4401, "token revoked")
        assert tokens.is_active(principal.token_id) is None
        assert tokens.is_active(tokens.local_admin().token_id) == "admin"
    finally:
        stop_api(api, quick, thread2)


# -- malformed, non-object and deeply nested input --------------------------------------------


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("[1, 2]", "not a JSON array"),
        ('"x"', "not a JSON string"),
        ("null", "not null"),
        ("5", "not a JSON number"),
        ('{"query": 5}', "`query` must be a string"),
        ('{"query": "{ nodeTypes { typeId } }", "operationName": 5}', "operationName must be"),
        ('{"query": "{ nodeTypes { typeId } }", "variables": [1]}', "`variables` must be"),
        ("{not json", "not valid JSON"),
    ],
)
def test_a_body_that_is_not_one_json_object_gets_a_400_saying_what_is_wrong(
    local_api: ApiServer, body: str, says: str
) -> None:
    status, headers, answer = _request(local_api, body)
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert says in _message(answer)


def test_json_nested_deeper_than_64_levels_is_refused_wherever_it_comes(
    local_api: ApiServer,
) -> None:
    # a body nested far beyond Python's recursion limit
    status, _, body = _request(local_api, "[" * 100_000 + "]" * 100_000)
    assert status == 400 and "more than 64 levels" in _message(body)
    deep: Any = "leaf"
    for _ in range(70):
        deep = [deep]
    status, _, body = _request(local_api, _query(IMPORT, {"d": deep}))
    assert status == 400 and "more than 64 levels" in _message(body)
    # the same inline in the query, and as a variable of a subscription over a WebSocket
    literal = "[" * 70 + "]" * 70
    status, _, body = _request(
        local_api, _query(f"mutation {{ importWorkflow(document: {literal}) {{ __typename }} }}")
    )
    assert status == 200 and "more than 64 levels" in _message(body)
    payloads = local_api.subscribe(
        "subscription($r: ID!) { runEvents(runId: $r) { kind } }", {"r": deep}, role=None
    )
    assert "variable $r nests" in json.dumps(payloads)
    assert local_api.services.store.list() == []
    # 60 levels are fine: the value reaches the resolver, which says what is wrong with it
    shallow: Any = "leaf"
    for _ in range(60):
        shallow = [shallow]
    status, _, body = _request(local_api, _query(IMPORT, {"d": shallow}))
    assert status == 200 and "levels" not in json.dumps(body)


def test_suggestions_that_spell_out_the_schema_are_hidden_when_introspection_is_off(
    tmp_path: Path,
) -> None:
    api, server, thread = make_api(tmp_path)
    typo = "{ workflowz { hasMore } }"
    assert "Did you mean 'workflow'" in _message(api.gql(typo))
    server.should_exit = True
    thread.join(10)
    closed, thread2, url = start_server(api.services, limits=Limits(introspection=False))
    try:
        off = ApiServer(url, api.services, api.tokens)
        message = _message(off.gql(typo))
        assert message == "Cannot query field 'workflowz' on type 'Query'."
        bad_argument = off.gql('{ workflows(serch: "x") { hasMore } }')
        assert "Unknown argument 'serch'" in _message(bad_argument)
        assert "search" not in json.dumps(bad_argument)
    finally:
        stop_api(api, closed, thread2)


# -- the database behind the store ------------------------------------------------------------


def _terminate_connections(database: str) -> None:
    with psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        )


@pytest.fixture
def pg_database() -> Iterator[tuple[str, str]]:
    from tests.services import postgres_available, service_unavailable

    if not postgres_available():
        service_unavailable("PostgreSQL", "start PostgreSQL on 127.0.0.1:5432")
    name, url = create_test_database()
    try:
        yield name, url
    finally:
        drop_test_database(name)


def test_the_api_recovers_when_the_database_drops_its_connections(
    tmp_path: Path, pg_database: tuple[str, str]
) -> None:
    name, url = pg_database
    api, server, thread = make_api(tmp_path, url)
    try:
        assert "errors" not in api.gql("{ workflows { hasMore } }")
        _terminate_connections(name)  # what a database restart does to pooled connections
        assert "errors" not in api.gql("{ workflows { hasMore } }")
    finally:
        stop_api(api, server, thread)


def test_a_lost_database_gives_a_clear_error_that_keeps_the_password_out(
    tmp_path: Path, pg_database: tuple[str, str]
) -> None:
    name, url = pg_database
    # the local server trusts its clients, so any password connects; it must never be shown
    with_password = url.replace("postgres@", "postgres:s3cret-pw@", 1)
    api, server, thread = make_api(tmp_path, with_password)
    try:
        assert "errors" not in api.gql("{ workflows { hasMore } }")
        drop_test_database(name)
        body = api.gql("{ workflows { hasMore } }")  # the token is still cached
        error = body["errors"][0]
        assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        assert (
            "the workflow store at postgresql+psycopg://postgres:***@127.0.0.1"
            in (error["message"])
        )
        assert (
            name in error["message"] and "check that the database is running" in (error["message"])
        )
        # a token not seen before must be looked up, and that fails the same clear way
        status, body = api.post(_query("{ workflows { hasMore } }"), "mlc_" + "x" * 43)
        assert status == 200
        assert "the token could not be checked: the workflow store at" in _message(body)
        assert "s3cret-pw" not in json.dumps(body)
    finally:
        stop_api(api, server, thread)


# -- rate limits ------------------------------------------------------------------------------


def test_an_import_over_its_rate_limit_gets_429_with_retry_after_and_imports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANVAS_RATE_LIMIT", "importWorkflow=2/minute")
    api, server, thread = make_api(tmp_path)
    document = {"schema_version": 1, "id": "imported", "slug": "imported", "name": "Imported"}
    editor = {"Authorization": f"Bearer {api.tokens['editor']}"}
    try:
        for _ in range(2):
            status, _, body = _request(api, _query(IMPORT, {"d": document}), editor)
            assert status == 200 and body["data"]["importWorkflow"]["__typename"] == "Workflow"
        status, headers, body = _request(api, _query(IMPORT, {"d": document}), editor)
        assert status == 429 and 1 <= int(headers["retry-after"]) <= 60
        error = body["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert "importWorkflow is limited to 2 per minute" in error["message"]
        assert "CANVAS_RATE_LIMIT" in error["message"]
        assert len(api.services.store.list()) == 2
        # budgets are per caller: another token still has its own
        admin = {"Authorization": f"Bearer {api.tokens['admin']}"}
        status, _, _ = _request(api, _query(IMPORT, {"d": document}), admin)
        assert status == 200
        # aliases and fragments cannot batch past a budget: 3 imports in one request
        fragment = "fragment F on Mutation { a: importWorkflow(document: $d) { __typename } }"
        batch = (
            "mutation($d: JSON!) { ...F b: importWorkflow(document: $d) { __typename }"
            " ... on Mutation { c: importWorkflow(document: $d) { __typename } } } " + fragment
        )
        viewer_free = {"Authorization": f"Bearer {api.services.tokens.create('x', 'editor')[1]}"}
        status, _, body = _request(api, _query(batch, {"d": document}), viewer_free)
        assert status == 429 and body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert len(api.services.store.list()) == 3
    finally:
        stop_api(api, server, thread)


def test_the_rate_limit_setting_overrides_lifts_and_explains_its_mistakes() -> None:
    assert parse_setting("")["launchRun"] == "60/minute"
    assert parse_setting("launchRun=5/second")["launchRun"] == "5/second"
    assert "launchRun" not in parse_setting("launchRun=off")
    assert parse_setting("off") == {}
    with pytest.raises(ValueError, match=re.escape("CANVAS_RATE_LIMIT: 'lots' for launchRun")):
        parse_setting("launchRun=lots")
    with pytest.raises(ValueError, match=re.escape("is not field=AMOUNT/PERIOD")):
        parse_setting("launchRun")
