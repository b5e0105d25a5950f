"""applyGraphOps with autoRebase over the real server (SQLite and PostgreSQL): independent edits
from one base revision all land, overlapping ones are still RevisionConflict, and concurrent
editors over HTTP lose and duplicate nothing."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any

from canvas_assets import OpsBatch
from node_library.graph_ops import apply_ops
from tests.graphql_api.conftest import BOTH_STORES, ApiServer

# conflicts, retries and concurrent editors: the database is what is under test
pytestmark = BOTH_STORES

APPLY = """mutation($i: ApplyGraphOpsInput!) { applyGraphOps(input: $i) {
    __typename
    ... on OpsApplied { revision replayed rebasedOver { revision author batchId ops }
        workflow { nodes { id position { x y } } edges { id target targetPort } } }
    ... on RevisionConflict { message currentRevision opsSince { revision batchId } }
    ... on InvalidOpError { message index code } } }"""

NODES = [
    {"op": "add_node", "node": {"id": node_id, "type": node_type, "params": params}}
    for node_id, node_type, params in (
        ("orders", "sources.csv", {"path": "examples/sales.csv"}),
        ("stores", "sources.csv", {"path": "examples/stores.csv"}),
        ("big", "transforms.filter_rows", {"expression": "units > 5"}),
    )
]


def _create(api: ApiServer) -> str:
    created = api.gql(
        'mutation { createWorkflow(input: {name: "Shared"}) { ... on Workflow { id } } }',
        role="editor",
    )
    workflow_id: str = created["data"]["createWorkflow"]["id"]
    assert _apply(api, workflow_id, 1, NODES)["revision"] == 2
    return workflow_id


def _apply(
    api: ApiServer,
    workflow_id: str,
    base: int,
    ops: list[dict[str, Any]],
    batch_id: str | None = None,
    auto_rebase: bool | None = None,
) -> dict[str, Any]:
    given: dict[str, Any] = {"workflowId": workflow_id, "baseRevision": base, "ops": ops}
    if batch_id is not None:
        given["batchId"] = batch_id
    if auto_rebase is not None:
        given["autoRebase"] = auto_rebase
    body = api.gql(APPLY, {"i": given}, role="editor")
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["applyGraphOps"]
    return result


def _move(node_id: str, x: float, y: float = 0) -> dict[str, Any]:
    return {"op": "move_nodes", "positions": {node_id: {"x": x, "y": y}}}


def _edge(edge_id: str, source: str, target: str) -> dict[str, Any]:
    return {
        "op": "add_edge",
        "edge": {
            "id": edge_id,
            "source": source,
            "source_port": "data",
            "target": target,
            "target_port": "data",
        },
    }


def test_two_clients_moving_different_nodes_from_one_base_both_succeed_with_auto_rebase(
    api: ApiServer,
) -> None:
    workflow_id = _create(api)
    first = _apply(api, workflow_id, 2, [_move("orders", 10)], "ann-1", auto_rebase=True)
    assert first["__typename"] == "OpsApplied" and first["rebasedOver"] == []
    second = _apply(api, workflow_id, 2, [_move("stores", 20)], "bob-1", auto_rebase=True)
    assert second["__typename"] == "OpsApplied" and second["revision"] == 4
    assert [(b["revision"], b["batchId"]) for b in second["rebasedOver"]] == [(3, "ann-1")]
    assert second["rebasedOver"][0]["ops"] == [_move("orders", 10)]
    positions = {n["id"]: n["position"]["x"] for n in second["workflow"]["nodes"]}
    assert positions == {"orders": 10, "stores": 20, "big": 0}


def test_without_auto_rebase_a_stale_base_is_a_conflict_as_before(api: ApiServer) -> None:
    workflow_id = _create(api)
    assert _apply(api, workflow_id, 2, [_move("orders", 10)])["rebasedOver"] == []
    conflict = _apply(api, workflow_id, 2, [_move("stores", 20)], auto_rebase=False)
    assert conflict["__typename"] == "RevisionConflict" and conflict["currentRevision"] == 3


def test_moving_a_node_another_client_removed_is_a_conflict(api: ApiServer) -> None:
    workflow_id = _create(api)
    removed = _apply(api, workflow_id, 2, [{"op": "remove_node", "node_id": "stores"}])
    assert removed["revision"] == 3
    conflict = _apply(api, workflow_id, 2, [_move("stores", 5)], "late", auto_rebase=True)
    assert conflict["__typename"] == "RevisionConflict"
    assert conflict["currentRevision"] == 3 and conflict["opsSince"][0]["revision"] == 3
    assert "node:stores/position" in conflict["message"]
    assert api.services.store.get(workflow_id).revision == 3


def test_two_edges_into_one_input_from_one_base_refuse_the_second(api: ApiServer) -> None:
    workflow_id = _create(api)
    first = _apply(api, workflow_id, 2, [_edge("e1", "orders", "big")], auto_rebase=True)
    assert first["__typename"] == "OpsApplied"
    second = _apply(api, workflow_id, 2, [_edge("e2", "stores", "big")], auto_rebase=True)
    assert second["__typename"] == "RevisionConflict"
    assert "node:big/input:data" in second["message"]
    edges = api.services.store.get(workflow_id).workflow.edges
    assert [(e.id, e.target) for e in edges] == [("e1", "big")]


def test_a_retried_rebased_batch_is_applied_once(api: ApiServer) -> None:
    workflow_id = _create(api)
    _apply(api, workflow_id, 2, [_move("orders", 10)], auto_rebase=True)
    first = _apply(api, workflow_id, 2, [_move("stores", 20)], "bob-1", auto_rebase=True)
    again = _apply(api, workflow_id, 2, [_move("stores", 20)], "bob-1", auto_rebase=True)
    assert again["replayed"] is True and again["revision"] == first["revision"] == 4
    assert [b["revision"] for b in again["rebasedOver"]] == [3]
    batch_ids = [b.batch_id for b in api.services.store.ops_since(workflow_id, 0)]
    assert batch_ids.count("bob-1") == 1


THREADS = 8
BATCHES = 25


def test_concurrent_editors_with_auto_rebase_lose_and_duplicate_nothing(api: ApiServer) -> None:
    """8 clients x 25 batches, each moving its own node from its last known revision."""
    workflow_id = _create(api)
    ops = [
        {"op": "add_node", "node": {"id": f"mine_{t}", "type": "sources.csv"}}
        for t in range(THREADS)
    ]
    start_revision = _apply(api, workflow_id, 2, ops)["revision"]
    barrier = threading.Barrier(THREADS)
    acknowledged: list[list[tuple[str, int, float]]] = [[] for _ in range(THREADS)]
    conflicted: list[str] = []
    errors: list[BaseException] = []

    def client(t: int) -> None:
        base = start_revision
        try:
            barrier.wait()
            for k in range(BATCHES):
                batch_id = str(uuid.uuid4())
                result = _apply(api, workflow_id, base, [_move(f"mine_{t}", k, t)], batch_id, True)
                if result["__typename"] == "OpsApplied":
                    base = result["revision"]
                    acknowledged[t].append((batch_id, base, float(k)))
                else:
                    assert result["__typename"] == "RevisionConflict", result
                    conflicted.append(batch_id)
                    base = result["currentRevision"]
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=client, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors

    applied = {batch_id: revision for acks in acknowledged for batch_id, revision, _ in acks}
    assert len(applied) + len(conflicted) == THREADS * BATCHES
    log: list[OpsBatch] = api.services.store.ops_since(workflow_id, start_revision)
    assert Counter(b.batch_id for b in log) == Counter(list(applied))
    assert all(applied[b.batch_id] == b.revision for b in log)  # type: ignore[index]
    stored = api.services.store.get(workflow_id)
    replayed = api.services.store.version(workflow_id, start_revision)
    for batch in log:
        replayed = apply_ops(replayed, batch.ops)
    assert replayed == stored.workflow
    for t, acks in enumerate(acknowledged):
        if acks:
            node = stored.workflow.node(f"mine_{t}")
            assert node is not None and (node.position.x, node.position.y) == (acks[-1][2], t)
