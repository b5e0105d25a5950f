"""Authentication, roles, limits and error masking, over HTTP against a running server."""

from __future__ import annotations

import json
import logging

import pytest

from tests.graphql_api.conftest import ApiServer


def _errors(body: dict) -> list[dict]:
    return body.get("errors") or []


def test_a_request_without_token_is_refused_with_how_to_sign_in(api: ApiServer) -> None:
    status, body = api.post(json.dumps({"query": "{ nodeTypes { typeId } }"}))
    assert status == 200
    error = _errors(body)[0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Authorization: Bearer" in error["message"]


def test_a_wrong_token_is_refused(api: ApiServer) -> None:
    _, body = api.post(json.dumps({"query": "{ nodeTypes { typeId } }"}), token="mlc_" + "x" * 43)
    assert "not recognised" in _errors(body)[0]["message"]


def test_a_viewer_cannot_call_a_mutation_and_nothing_changes(api: ApiServer) -> None:
    body = api.gql('mutation { createWorkflow(input: {name: "x"}) { __typename } }', role="viewer")
    error = _errors(body)[0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "editor" in error["message"] and "viewer" in error["message"]
    assert api.services.store.list() == []


def test_a_revoked_token_stops_working(api: ApiServer) -> None:
    principal, secret = api.services.tokens.create("temp", "viewer")
    _, body = api.post(json.dumps({"query": "{ connectionRules { source } }"}), secret)
    assert not _errors(body)
    api.services.tokens.revoke(principal.token_id)
    _, body = api.post(json.dumps({"query": "{ connectionRules { source } }"}), secret)
    assert _errors(body)[0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_40_level_deep_query_is_refused(api: ApiServer) -> None:
    query = "{ workflows { items { " + "document " * 1 + "} } }"
    deep = "{ nodeTypes " + "{ inputs " * 40 + "{ name }" + " }" * 40 + " }"
    body = api.gql(deep)
    assert "exceeds maximum operation depth" in _errors(body)[0]["message"]
    assert not _errors(api.gql(query))


@pytest.mark.parametrize("through_fragments", [False, True])
def test_300_aliases_are_refused(api: ApiServer, through_fragments: bool) -> None:
    if through_fragments:
        fragment = (
            "fragment F on NodeTypeSpec { " + " ".join(f"a{i}: typeId" for i in range(300)) + " }"
        )
        query = "{ nodeTypes { ...F } } " + fragment
    else:
        query = "{ " + " ".join(f"a{i}: connectionRules {{ source }}" for i in range(300)) + " }"
    body = api.gql(query)
    message = _errors(body)[0]["message"]
    assert "aliases found. Allowed: 30" in message or "alias" in message.lower(), message


def test_an_oversized_body_is_refused_with_413_before_it_is_read(api: ApiServer) -> None:
    import http.client
    from urllib.parse import urlparse

    url = urlparse(api.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.putrequest("POST", "/graphql")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Authorization", f"Bearer {api.tokens['admin']}")
    conn.putheader("Content-Length", "3000000")
    conn.endheaders()  # the body never follows: the server must answer from the header alone
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    assert response.status == 413
    assert "3000000 bytes; the limit is 2000000" in _errors(body)[0]["message"]


def test_queries_over_get_are_refused(api: ApiServer) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{api.url}/graphql?query=%7BconnectionRules%7Bsource%7D%7D",
        headers={"Authorization": f"Bearer {api.tokens['admin']}", "Accept": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code in (400, 404, 405)


def test_a_form_encoded_mutation_is_refused(api: ApiServer) -> None:
    status, _ = api.post(
        "query=mutation%7BcreateWorkflow%7D",
        api.tokens["admin"],
        content_type="application/x-www-form-urlencoded",
    )
    assert status in (400, 415)
    assert api.services.store.list() == []


def test_page_sizes_are_bounded(api: ApiServer) -> None:
    body = api.gql("{ workflows(first: 100000) { hasMore } }")
    assert "first must be between 1 and 500" in _errors(body)[0]["message"]


def test_internal_errors_are_masked_with_a_correlation_id_in_the_log(
    api: ApiServer, monkeypatch, caplog
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail: password=hunter2")

    monkeypatch.setattr(api.services.store, "list", broken)
    with caplog.at_level(logging.ERROR, logger="graphql_api"):
        body = api.gql("{ workflows { hasMore } }")
    error = _errors(body)[0]
    assert "hunter2" not in json.dumps(body)
    correlation = error["extensions"]["correlationId"]
    assert correlation in error["message"]
    assert any(correlation in r.getMessage() for r in caplog.records)
