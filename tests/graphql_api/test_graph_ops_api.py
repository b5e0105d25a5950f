"""Editing over the API: atomic batches with a base revision, conflicts that carry what changed,
idempotent retries, refused ops that change nothing, and live changes to other editors."""

from __future__ import annotations

import threading
import time

from tests.graphql_api.conftest import BOTH_STORES, ApiServer

APPLY = """mutation($i: ApplyGraphOpsInput!) { applyGraphOps(input: $i) {
    __typename
    ... on OpsApplied { revision replayed workflow { nodes { id params } edges { id } }
        validation { ok issues { code nodeId param hint } } }
    ... on RevisionConflict { message currentRevision opsSince { revision author kind ops } }
    ... on InvalidOpError { message index code hint nodeId }
    ... on NotFoundError { message } } }"""


def _create(api: ApiServer) -> str:
    created = api.gql(
        'mutation { createWorkflow(input: {name: "Edit me"}) { ... on Workflow { id } } }',
        role="editor",
    )
    return created["data"]["createWorkflow"]["id"]


def _apply(
    api: ApiServer, workflow_id: str, base: int, ops: list, batch_id=None, role="editor"
) -> dict:
    body = api.gql(
        APPLY,
        {"i": {"workflowId": workflow_id, "baseRevision": base, "ops": ops, "batchId": batch_id}},
        role=role,
    )
    assert "errors" not in body, body
    return body["data"]["applyGraphOps"]


SOURCE = {
    "op": "add_node",
    "node": {"id": "orders", "type": "sources.csv", "params": {"path": "examples/sales.csv"}},
}
FILTER = {
    "op": "add_node",
    "node": {"id": "big", "type": "transforms.filter_rows", "params": {"expression": "unitz > 5"}},
}
EDGE = {
    "op": "add_edge",
    "edge": {
        "id": "e1",
        "source": "orders",
        "source_port": "data",
        "target": "big",
        "target_port": "data",
    },
}


@BOTH_STORES
def test_a_batch_applies_atomically_and_returns_the_new_revision_and_issues(api: ApiServer) -> None:
    workflow_id = _create(api)
    result = _apply(api, workflow_id, 1, [SOURCE, FILTER, EDGE])
    assert result["__typename"] == "OpsApplied" and result["revision"] == 2
    assert [n["id"] for n in result["workflow"]["nodes"]] == ["orders", "big"]
    issue = result["validation"]["issues"][0]  # saved, but flagged for the canvas
    assert issue["nodeId"] == "big" and issue["code"] == "missing_column"
    assert "units" in issue["hint"]

    fixed = _apply(
        api,
        workflow_id,
        2,
        [{"op": "update_params", "node_id": "big", "params": {"expression": "units > 5"}}],
    )
    assert fixed["revision"] == 3 and fixed["validation"]["ok"] is True


@BOTH_STORES
def test_a_stale_base_revision_is_a_conflict_carrying_the_ops_since(api: ApiServer) -> None:
    workflow_id = _create(api)
    _apply(api, workflow_id, 1, [SOURCE])
    conflict = _apply(api, workflow_id, 1, [FILTER])
    assert conflict["__typename"] == "RevisionConflict"
    assert conflict["currentRevision"] == 2
    assert [b["revision"] for b in conflict["opsSince"]] == [2]
    assert conflict["opsSince"][0]["ops"][0]["node"]["id"] == "orders"
    nodes = api.gql(
        f'{{ workflow(id: "{workflow_id}") {{ ... on Workflow {{ revision nodes {{ id }} }} }} }}',
        role="viewer",
    )["data"]["workflow"]
    assert nodes == {"revision": 2, "nodes": [{"id": "orders"}]}


def test_ops_naming_missing_nodes_or_ports_are_refused_and_change_nothing(api: ApiServer) -> None:
    workflow_id = _create(api)
    _apply(api, workflow_id, 1, [SOURCE, FILTER])
    missing_node = _apply(
        api, workflow_id, 2, [{"op": "update_params", "node_id": "ghost", "params": {}}]
    )
    assert missing_node["__typename"] == "InvalidOpError" and missing_node["index"] == 0
    assert "ghost" in missing_node["message"]
    bad_port = _apply(
        api,
        workflow_id,
        2,
        [
            {"op": "set_label", "node_id": "big", "label": "Big orders"},
            {
                "op": "add_edge",
                "edge": {
                    "id": "e1",
                    "source": "orders",
                    "source_port": "rows",
                    "target": "big",
                    "target_port": "data",
                },
            },
        ],
    )
    assert bad_port["__typename"] == "InvalidOpError" and bad_port["index"] == 1
    assert "rows" in bad_port["message"]
    unknown = _apply(api, workflow_id, 2, [{"op": "explode"}])
    assert unknown["__typename"] == "InvalidOpError" and unknown["code"] == "invalid_op"
    state = api.gql(
        f'{{ workflow(id: "{workflow_id}") {{ ... on Workflow {{ revision'
        " nodes { label } edges { id } } } }",
        role="viewer",
    )["data"]["workflow"]
    assert state == {"revision": 2, "nodes": [{"label": ""}, {"label": ""}], "edges": []}


@BOTH_STORES
def test_a_retried_batch_is_applied_once(api: ApiServer) -> None:
    workflow_id = _create(api)
    first = _apply(api, workflow_id, 1, [SOURCE], batch_id="b-1")
    again = _apply(api, workflow_id, 1, [SOURCE], batch_id="b-1")
    assert first["revision"] == again["revision"] == 2
    assert again["replayed"] is True
    assert len(api.services.store.ops_since(workflow_id, 0)) == 2  # create + one batch


def test_a_viewer_cannot_edit(api: ApiServer) -> None:
    workflow_id = _create(api)
    body = api.gql(
        APPLY, {"i": {"workflowId": workflow_id, "baseRevision": 1, "ops": [SOURCE]}}, role="viewer"
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api.services.store.get(workflow_id).revision == 1


@BOTH_STORES
def test_other_editors_see_each_batch_live_with_its_revision(api: ApiServer) -> None:
    workflow_id = _create(api)
    subscribed = threading.Event()
    received: list[dict] = []

    def listen() -> None:
        received.extend(
            api.subscribe(
                "subscription($id: ID!) { workflowChanged(workflowId: $id) {"
                " revision author kind ops } }",
                {"id": workflow_id},
                role="viewer",
                timeout=30,
                max_payloads=2,
                on_subscribed=subscribed.set,
            )
        )

    listener = threading.Thread(target=listen)
    listener.start()
    assert subscribed.wait(10)
    time.sleep(0.3)  # let the server register the subscription
    started = time.monotonic()
    _apply(api, workflow_id, 1, [SOURCE])
    _apply(api, workflow_id, 2, [FILTER])
    listener.join(30)
    changes = [p["data"]["workflowChanged"] for p in received]
    assert [c["revision"] for c in changes] == [2, 3]
    assert changes[0]["ops"][0]["node"]["id"] == "orders"
    assert changes[0]["author"] == api.services.tokens.authenticate(api.tokens["editor"]).token_id
    assert time.monotonic() - started < 5
