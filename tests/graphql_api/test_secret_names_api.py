"""The secretNames query: the names of the server's secrets for the properties form's secret
picker, for editors only, never with a value."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.graphql_api.conftest import ApiServer, make_api, stop_api

GITHUB_VALUE = "ghp_" + "Z" * 36
QUERY = "{ secretNames }"


@pytest.fixture(scope="module")
def secret_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    home: Path = tmp_path_factory.mktemp("secret_names")
    api, server, thread = make_api(home)
    # As NodeSettings.from_env reads CANVAS_SECRET_GITHUB and CANVAS_SECRET_Weather_Key: names
    # lowercase. Set before the first request, which reads the settings per request.
    api.services.settings = api.services.settings.model_copy(
        update={
            "secrets": {
                "weather_key": SecretStr("3f9a" * 8),
                "github": SecretStr(GITHUB_VALUE),
            }
        }
    )
    yield api
    stop_api(api, server, thread)


def test_an_editor_gets_the_configured_secret_names_sorted(secret_api: ApiServer) -> None:
    body = secret_api.gql(QUERY, role="editor")
    assert body == {"data": {"secretNames": ["github", "weather_key"]}}


def test_the_answer_never_contains_a_secret_value(secret_api: ApiServer) -> None:
    for role in ("editor", "admin"):
        token = secret_api.tokens[role]
        status, body = secret_api.post(json.dumps({"query": QUERY}), token)
        text = json.dumps(body)
        assert status == 200 and "errors" not in body
        assert GITHUB_VALUE not in text and "3f9a" not in text


def test_a_viewer_is_refused_the_secret_names(secret_api: ApiServer) -> None:
    body = secret_api.gql(QUERY, role="viewer")
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "secretNames needs the editor role" in error["message"]


def test_without_a_token_the_secret_names_need_a_sign_in(secret_api: ApiServer) -> None:
    body = secret_api.gql(QUERY, role=None)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "github" not in json.dumps(body)


def test_a_server_without_secrets_answers_an_empty_list(tmp_path: Path) -> None:
    api, server, thread = make_api(tmp_path)
    try:
        assert api.gql(QUERY, role="editor") == {"data": {"secretNames": []}}
    finally:
        stop_api(api, server, thread)
