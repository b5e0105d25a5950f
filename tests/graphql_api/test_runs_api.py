"""Runs over the API: launch, live events over the websocket subscription, run details, cancel,
privacy. The full path runs on PostgreSQL with artifacts in SeaweedFS S3."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from pathlib import Path

import pytest

from node_library.registry import NodeRegistry
from tests.canvas_assets.toy_nodes import NODE_MODULE
from tests.graphql_api.conftest import REPO, ApiServer, make_api, stop_api
from tests.services import start_engine

pytestmark = pytest.mark.integration  # starts engines and other product processes

EXAMPLE = json.loads((REPO / "canvas_assets/examples/sales_by_region.json").read_text())
NODES = ["orders", "non_empty", "revenue", "totals", "chart"]

LAUNCH = """mutation($i: LaunchRunInput!) { launchRun(input: $i) {
    __typename
    ... on RunLaunched { runId nothingToDo nodes statuses { nodeId state } }
    ... on InvalidWorkflowError { message issues { code nodeId hint } }
    ... on UserError { message } } }"""
EVENTS = """subscription($id: ID!) { runEvents(runId: $id) {
    kind nodeId message durationS rows status } }"""


def _import(api: ApiServer, document: dict) -> None:
    result = api.gql(
        "mutation($d: JSON!) { importWorkflow(document: $d) { __typename } }",
        {"d": document},
        role="editor",
    )
    assert result["data"]["importWorkflow"]["__typename"] == "Workflow", result


@pytest.fixture
def s3_api(tmp_path: Path, pg_url: str, s3_service):
    bucket = f"api-{uuid.uuid4().hex[:8]}"
    s3_service.client().create_bucket(Bucket=bucket)
    api, server, thread = make_api(
        tmp_path, pg_url, f"s3://{bucket}/artifacts", s3_service.endpoint_url
    )
    api.bucket = bucket
    engine = start_engine(api.services)
    yield api
    stop_api(api, server, thread)
    engine.stop_soon()


def test_a_run_launched_over_the_api_streams_its_events_in_order(s3_api, s3_service) -> None:
    api = s3_api
    _import(api, EXAMPLE)
    launched = api.gql(LAUNCH, {"i": {"workflowId": "sales_by_region"}}, role="editor")
    result = launched["data"]["launchRun"]
    assert result["__typename"] == "RunLaunched" and result["nodes"] == NODES
    run_id = result["runId"]

    payloads = api.subscribe(EVENTS, {"id": run_id}, role="viewer")
    events = [p["data"]["runEvents"] for p in payloads]
    kinds = [(e["kind"], e["nodeId"]) for e in events]
    assert kinds[:5] == [("queued", n) for n in NODES]
    for earlier, later in itertools.pairwise(NODES):
        assert kinds.index(("succeeded", earlier)) < kinds.index(("started", later))
    totals = next(e for e in events if e["kind"] == "succeeded" and e["nodeId"] == "totals")
    assert totals["rows"] == 4 and totals["durationS"] >= 0
    assert events[-1] == {
        "kind": "run_finished",
        "nodeId": None,
        "message": "",
        "durationS": None,
        "rows": None,
        "status": "SUCCESS",
    }

    keys = [
        o["Key"]
        for o in s3_service.client()
        .list_objects_v2(Bucket=api.bucket, Prefix="artifacts/sales_by_region/")
        .get("Contents", [])
    ]
    assert any(k.startswith("artifacts/sales_by_region/chart/") for k in keys)

    run = api.gql(
        """query($id: ID!) { run(id: $id) { ... on Run { status trigger
        steps { nodeId status rowsOut durationS } } } }""",
        {"id": run_id},
        role="viewer",
    )["data"]["run"]
    assert run["status"] == "SUCCESS" and run["trigger"] == "api"
    assert {s["nodeId"]: s["status"] for s in run["steps"]} == dict.fromkeys(NODES, "succeeded")
    listed = api.gql('{ runs(workflowId: "sales_by_region") { id status } }', role="viewer")
    assert listed["data"]["runs"][0]["id"] == run_id

    again = api.gql(LAUNCH, {"i": {"workflowId": "sales_by_region"}}, role="editor")
    assert again["data"]["launchRun"]["nothingToDo"] is True
    assert {s["state"] for s in again["data"]["launchRun"]["statuses"]} == {"fresh"}
    # each status names the run and asset of its latest result (the canvas links to the Dagster UI)
    statuses = api.gql(
        """{ nodeStatuses(workflowId: "sales_by_region") { ... on NodeStatuses {
        nodes { nodeId lastRunId lastRunAt assetKey } } } }""",
        role="viewer",
    )["data"]["nodeStatuses"]["nodes"]
    totals_status = next(s for s in statuses if s["nodeId"] == "totals")
    assert totals_status["lastRunId"] == run_id and totals_status["lastRunAt"]
    assert totals_status["assetKey"] == ["sales_by_region", "totals"]

    cancel = api.gql(
        "mutation($id: ID!) { cancelRun(id: $id) { __typename ... on UserError { message } } }",
        {"id": run_id},
        role="editor",
    )["data"]["cancelRun"]
    assert cancel["__typename"] == "InvalidInputError" and "already finished" in cancel["message"]

    reexecute = api.gql(
        """mutation($id: ID!) { reexecuteRun(id: $id) { __typename
        ... on UserError { message } } }""",
        {"id": run_id},
        role="editor",
    )["data"]["reexecuteRun"]
    assert reexecute["__typename"] == "InvalidInputError"
    assert "only a failed or canceled run" in reexecute["message"]


def test_launching_an_invalid_workflow_returns_its_issues_and_launches_nothing(
    api: ApiServer,
) -> None:
    document = json.loads(json.dumps(EXAMPLE))
    document["nodes"][1]["params"]["expression"] = "unitz > 0"
    _import(api, document)
    result = api.gql(LAUNCH, {"i": {"workflowId": "sales_by_region"}}, role="editor")["data"][
        "launchRun"
    ]
    assert result["__typename"] == "InvalidWorkflowError"
    assert result["issues"][0]["nodeId"] == "non_empty"
    assert "units" in result["issues"][0]["hint"]
    assert api.services.instance.get_runs() == []


def test_a_viewer_cannot_launch_runs(api: ApiServer) -> None:
    _import(api, EXAMPLE)
    body = api.gql(LAUNCH, {"i": {"workflowId": "sales_by_region"}}, role="viewer")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api.services.instance.get_runs() == []


@pytest.fixture
def engine_api(tmp_path: Path):
    """The API with an engine serving its instance (on SQLite: the run path on PostgreSQL is
    test_a_run_launched_over_the_api_streams_its_events_in_order's)."""
    api, server, thread = make_api(tmp_path)
    engine = start_engine(api.services)
    yield api
    stop_api(api, server, thread)
    engine.stop_soon()


def test_another_users_private_run_is_invisible(engine_api: ApiServer) -> None:
    api = engine_api
    _import(api, EXAMPLE)
    launched = api.gql(
        LAUNCH, {"i": {"workflowId": "sales_by_region", "private": True}}, role="editor"
    )["data"]["launchRun"]
    run_id = launched["runId"]
    own = api.subscribe(EVENTS, {"id": run_id}, role="editor")
    assert own[-1]["data"]["runEvents"]["status"] == "SUCCESS"

    other = api.subscribe(EVENTS, {"id": run_id}, role="viewer")
    assert "no run" in json.dumps(other[0]["errors"])
    seen = api.gql("query($id: ID!) { run(id: $id) { __typename } }", {"id": run_id}, role="viewer")
    assert seen["data"]["run"]["__typename"] == "NotFoundError"
    admin = api.gql("query($id: ID!) { run(id: $id) { __typename } }", {"id": run_id}, role="admin")
    assert admin["data"]["run"]["__typename"] == "Run"


def test_a_subscription_without_a_token_is_refused(api: ApiServer) -> None:
    payloads = api.subscribe(EVENTS, {"id": "x"}, role=None)
    assert "not signed in" in json.dumps(payloads[0]["errors"])


RUN = (
    """query($id: ID!) { run(id: $id) { ... on Run { status trigger steps { nodeId status } } } }"""
)


def test_a_run_in_flight_survives_an_api_restart(tmp_path: Path) -> None:
    """The engine runs the run; a new API process (same instance) recovers its status."""
    registry = NodeRegistry.from_entry_points(extra=[NODE_MODULE])
    api, server, thread = make_api(tmp_path, registry=registry)
    engine = start_engine(api.services, node_modules=NODE_MODULE)
    try:
        document = {
            "slug": "slow",
            "name": "Slow",
            "nodes": [
                {"id": "numbers", "type": "toy.numbers", "params": {"rows": 5}},
                {"id": "nap", "type": "toy.sleep", "params": {"seconds": 4, "steps": 4}},
            ],
            "edges": [
                {"id": "e1", "source": "numbers", "source_port": "data"}
                | {"target": "nap", "target_port": "data"}
            ],
        }
        _import(api, document)
        launched = api.gql(
            LAUNCH, {"i": {"workflowId": "slow", "trigger": "MANUAL"}}, role="editor"
        )["data"]["launchRun"]
        run_id = launched["runId"]
        deadline = time.monotonic() + 60
        while True:
            steps = api.gql(RUN, {"id": run_id})["data"]["run"]["steps"]
            if any(s["nodeId"] == "nap" and s["status"] == "running" for s in steps):
                break
            assert time.monotonic() < deadline, steps
            time.sleep(0.1)
        stop_api(api, server, thread)  # the API goes away mid-run

        api, server, thread = make_api(tmp_path, registry=registry)
        events = api.subscribe(EVENTS, {"id": run_id})
        assert events[-1]["data"]["runEvents"]["status"] == "SUCCESS"
        run = api.gql(RUN, {"id": run_id})["data"]["run"]
        assert run["status"] == "SUCCESS" and run["trigger"] == "manual"
        assert {s["nodeId"]: s["status"] for s in run["steps"]} == {
            "numbers": "succeeded",
            "nap": "succeeded",
        }
    finally:
        stop_api(api, server, thread)
        engine.stop()
