"""Server modes: the loopback-only local admin, and switchable introspection."""

from __future__ import annotations

import json
from pathlib import Path

from graphql_api.extensions import Limits
from graphql_api.server import is_loopback
from tests.graphql_api.conftest import ApiServer, make_api, start_server, stop_api


def test_local_admin_is_only_offered_on_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("10.1.2.3")


def test_with_local_admin_a_request_without_token_is_the_admin(tmp_path: Path) -> None:
    api, server, thread = make_api(tmp_path, local_admin=True)
    try:
        status, body = api.post(
            json.dumps(
                {"query": 'mutation { createWorkflow(input: {name: "Mine"}) { __typename } }'}
            )
        )
        assert status == 200 and body["data"]["createWorkflow"]["__typename"] == "Workflow"
        # a token that is sent must still be valid: no silent fallback to the local admin
        _, body = api.post(
            json.dumps({"query": "{ connectionRules { source } }"}), token="mlc_wrong"
        )
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    finally:
        stop_api(api, server, thread)


def test_introspection_can_be_switched_off(tmp_path: Path) -> None:
    api, server, thread = make_api(tmp_path)
    server.should_exit = True
    thread.join(10)
    closed, thread2, url = start_server(api.services, limits=Limits(introspection=False))
    try:
        off = ApiServer(url, api.services, api.tokens)
        body = off.gql("{ __schema { types { name } } }")
        assert "introspection" in json.dumps(body["errors"]).lower()
        assert "errors" not in off.gql("{ connectionRules { source } }")
    finally:
        stop_api(api, closed, thread2)
