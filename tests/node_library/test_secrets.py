"""Secrets: named server secrets in the REST source, literal secrets refused in every node's
params, and masking in messages, logs, reports and exports (node_library.secrets)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from node_library.contract import LineageNode, NodeError, RecordingContext, WorkflowInfo, error
from node_library.graph import Node, Workflow, load_workflow
from node_library.graph_ops import OpError, UpdateParamsOp, apply_ops_checked
from node_library.nodes.sources.rest_api import RestApiNode
from node_library.registry import default_registry
from node_library.reports.document import build_document
from node_library.secrets import (
    MASK,
    find_secrets,
    mask_secrets,
    redact_url,
    redact_workflow,
)
from node_library.settings import NodeSettings
from node_library.validation import validate_workflow
from tests.services import LocalHttpServer, Reply

REST = RestApiNode()
TOKEN = "tok-8f3a9c1e55d04b7a"
REGISTRY = default_registry()


def _settings(**secrets: str) -> NodeSettings:
    return NodeSettings(
        net_allowlist=("127.0.0.1",),
        http_timeout_s=5,
        secrets={name: SecretStr(value) for name, value in secrets.items()},
    )


def _rest_workflow(params: dict[str, Any], type_version: int = RestApiNode.version) -> Workflow:
    node = Node(id="api", type=REST.type_id, type_version=type_version, params=params)
    return Workflow(slug="w", name="w", nodes=[node])


def _issues(workflow: Workflow, settings: NodeSettings, code: str) -> list[Any]:
    result = validate_workflow(workflow, REGISTRY, settings)
    return [i for i in result.issues if i.code == code]


def _echo_auth(server: LocalHttpServer) -> str:
    return server.route(
        "/me",
        handler=lambda r: Reply.json(
            [{"auth": r.headers.get("authorization"), "key": r.headers.get("x-api-key")}]
        ),
    )


def test_a_bearer_secret_named_in_params_reaches_the_server_and_only_the_name_is_stored(
    local_http_server: LocalHttpServer,
) -> None:
    url = _echo_auth(local_http_server)
    params = {"url": url, "auth": "bearer", "auth_secret": "github"}
    settings = _settings(github=TOKEN)
    workflow = _rest_workflow(params)

    assert validate_workflow(workflow, REGISTRY, settings).ok
    ctx = RecordingContext(settings=settings)
    frame = REST.execute(ctx, REST.Params.model_validate(params))["data"]

    assert frame["auth"].tolist() == [f"Bearer {TOKEN}"]
    assert TOKEN not in workflow.to_json() and '"github"' in workflow.to_json()


def test_basic_auth_secret_headers_and_secret_query_params_are_resolved_inside_execute(
    local_http_server: LocalHttpServer,
) -> None:
    seen: list[Any] = []

    def handler(request: Any) -> Reply:
        seen.append(request)
        return Reply.json({"error": "nope"}, status=403)

    url = local_http_server.route("/basic", handler=handler)
    params = {
        "url": url,
        "auth": "basic",
        "auth_username": "ann",
        "auth_secret": "pw",
        "secret_headers": {"X-Api-Key": "weather"},
        "secret_query_params": {"appid": "weather"},
    }
    settings = _settings(pw="hunter2-hunter2", weather="w-77aa1c9e")
    with pytest.raises(NodeError) as caught:
        REST.execute(RecordingContext(settings=settings), REST.Params.model_validate(params))

    request = seen[0]
    assert request.headers["authorization"] == "Basic YW5uOmh1bnRlcjItaHVudGVyMg=="
    assert request.headers["x-api-key"] == "w-77aa1c9e" and request.query["appid"] == "w-77aa1c9e"
    # the 403 message shows the URL, never the secret query value nor the password
    message = caught.value.issue.message
    assert "appid=***" in message and "w-77aa1c9e" not in message and "hunter2" not in message


def test_a_missing_server_secret_is_an_issue_naming_the_setting_to_create(
    local_http_server: LocalHttpServer,
) -> None:
    url = local_http_server.route("/x", json=[])
    params = {"url": url, "secret_headers": {"X-Api-Key": "weather"}}
    (issue,) = _issues(_rest_workflow(params), _settings(), "missing_secret")
    assert issue.param == "secret_headers" and "'weather' is not set" in issue.message
    assert "CANVAS_SECRET_WEATHER" in issue.hint

    with pytest.raises(NodeError) as caught:
        REST.execute(RecordingContext(settings=_settings()), REST.Params.model_validate(params))
    assert caught.value.issue.code == "missing_secret"
    assert "CANVAS_SECRET_WEATHER" in caught.value.issue.hint
    assert not local_http_server.requests


def test_secrets_come_from_canvas_secret_environment_variables_and_never_show_in_a_dump(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CANVAS_SECRET_GITHUB", TOKEN)
    settings = NodeSettings.from_env()
    assert settings.secrets["github"].get_secret_value() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in settings.model_dump_json()
    # every value the process loaded is masked in any later message
    assert mask_secrets(f"upstream said: {TOKEN} is wrong") == f"upstream said: {MASK} is wrong"


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"headers": {"Authorization": f"Bearer {TOKEN}"}}, "headers.Authorization"),
        ({"headers": {"Cookie": "session=abc"}}, "headers.Cookie"),
        ({"headers": {"X-Api-Key": "k1"}}, "headers.X-Api-Key"),
        ({"query_params": {"access_token": "abc"}}, "query_params.access_token"),
        ({"url": "https://ann:hunter2@api.example.com/v1"}, "url"),
        ({"url": "https://api.example.com/v1?sig=abc&page=2"}, "url"),
        ({"url": "https://api.example.com/v1?api_key=abc"}, "url"),
    ],
)
def test_a_literal_secret_in_params_is_refused_with_a_hint_that_never_repeats_it(
    params: dict[str, Any], path: str
) -> None:
    workflow = _rest_workflow({"url": "https://api.example.com/v1", **params})
    (issue,) = _issues(workflow, _settings(), "secret_in_params")
    assert issue.node_id == "api" and issue.message.startswith(path)
    assert "CANVAS_SECRET_<NAME>" in issue.hint and "secret_headers" in issue.hint
    for secret in ("hunter2", TOKEN, "session=abc", "k1", "=abc"):
        assert secret not in str(issue)


@pytest.mark.parametrize(
    "value",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + "a1B2" * 9,
        "github_pat_11ABCDEFG0123456789_abcdefghijkl",
        "sk-proj-abcdefghijklmnopqrstuvwx",
        "Bearer eyJhbGciOi.abc123",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
    ],
)
def test_a_credential_shaped_value_is_refused_in_any_param_of_any_node(value: str) -> None:
    found = find_secrets({"title": f"see {value}"} if "\n" in value else {"notes": value})
    assert len(found) == 1 and value not in found[0].what


def test_ordinary_params_that_mention_tokens_or_keys_are_not_secrets() -> None:
    ordinary = {
        "column": "token_count",
        "expression": "token_count > 3 and password_column != ''",
        "key": "exports/2026/sales_a8f9c2e1b4d7.csv",  # an S3 object key
        "title": "Token frequencies",
        "columns": {"api_token": "string", "password": "string"},  # a column map
        "cursor_param": "token",
        "next_cursor_path": "meta.next_token",
        "url": "https://api.example.com/v1?page=2&token_type=bearer",
        "headers": {"Accept": "application/json"},
    }
    assert find_secrets(ordinary, column_maps=frozenset({"columns"})) == []


def test_a_batch_that_brings_a_literal_secret_is_refused_and_an_inherited_one_is_not() -> None:
    base = _rest_workflow({"url": "https://api.example.com/v1"})
    literal = {"url": "https://api.example.com/v1", "headers": {"Authorization": "Bearer abc"}}
    with pytest.raises(OpError) as caught:
        apply_ops_checked(base, [UpdateParamsOp(node_id="api", params=literal)], REGISTRY)
    assert caught.value.code == "secret_in_params" and "abc" not in str(caught.value)

    # an old workflow that already holds one can still be edited (validation keeps reporting it)
    legacy = _rest_workflow(literal)
    edited = {**literal, "records_path": "data"}
    after, validation = apply_ops_checked(
        legacy, [UpdateParamsOp(node_id="api", params=edited)], REGISTRY
    )
    assert after.nodes[0].params["records_path"] == "data"
    assert [i.code for i in validation.errors] == ["secret_in_params"]


def test_migrating_a_version_1_rest_node_keeps_its_clear_text_header_and_marks_it_invalid() -> None:
    document = _rest_workflow(
        {"url": "https://api.example.com/v1", "headers": {"Authorization": f"Bearer {TOKEN}"}},
        type_version=1,
    ).model_dump(mode="json")

    migrated = load_workflow(document, REGISTRY)

    node = migrated.nodes[0]
    assert node.type_version == 2 and node.params["headers"]["Authorization"] == f"Bearer {TOKEN}"
    (issue,) = _issues(migrated, _settings(), "secret_in_params")
    assert issue.param == "headers" and TOKEN not in str(issue)
    # an export masks it, and keeps secret names as they are
    named = migrated.model_copy(
        update={"nodes": [node.model_copy(update={"params": {**node.params, "auth_secret": "gh"}})]}
    )
    exported = redact_workflow(named, REGISTRY).to_json()
    assert TOKEN not in exported and '"Authorization": "***"' in exported
    assert '"auth_secret": "gh"' in exported


def test_a_url_password_is_masked_in_validation_and_run_messages() -> None:
    url = "http://ann:hunter2@127.0.0.1:9/x?api_key=abc123&page=2"
    result = validate_workflow(_rest_workflow({"url": url}), REGISTRY, NodeSettings())
    blocked = [i for i in result.issues if i.code == "address_blocked"]
    assert blocked and all("hunter2" not in str(i) and "abc123" not in str(i) for i in blocked)
    assert redact_url(url) == "http://ann:***@127.0.0.1:9/x?api_key=***&page=2"
    # any issue, of any node, at any time: the message is masked where it is made
    issue = error("boom", f"could not reach {url}", "Authorization: Bearer abc.def-123456")
    assert "hunter2" not in str(issue) and "abc.def-123456" not in issue.hint


def test_run_logs_are_masked() -> None:
    ctx = RecordingContext(settings=_settings())
    ctx.log('response {"password": "hunter2"} from https://ann:pw9@h/x')
    assert ctx.events[0][1] == 'response {"password": "***"} from https://ann:***@h/x'


def test_report_parameters_hide_literal_secrets_and_credential_shapes() -> None:
    params = {
        "url": "https://ann:hunter2@api.example.com/v1",
        "headers": {"Authorization": f"Bearer {TOKEN}"},
        "records_path": "data.items",
        "body": {"note": "AKIAIOSFODNN7EXAMPLE"},
    }
    api = LineageNode("api", REST.type_id, "REST API", "", params, {})
    report = LineageNode("report", "outputs.report", "Report", "", {}, {"item1": ("api", "data")})
    workflow = WorkflowInfo("w", "w", lineage={"api": api, "report": report})
    document = build_document(
        title="t",
        subtitle="",
        notes="",
        max_rows=5,
        values=[("item1", {"a": 1})],
        workflow=workflow,
        node_id="report",
    )
    shown = repr(document)
    assert "data.items" in shown
    for secret in ("hunter2", TOKEN, "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in shown
