"""Work whose cost a caller controls (validating a workflow reads its sources' schemas, status
fingerprints them) runs in worker threads, never on the API's event loop: one slow validation,
which any viewer can trigger, must not stall everyone else's requests."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest

from node_library.registry import NodeRegistry
from tests.canvas_assets.toy_nodes import NODE_MODULE
from tests.graphql_api.conftest import ApiServer, make_api, stop_api

SLOW_SECONDS = 2.0
SLOW_WORKFLOW = {
    "slug": "slow_schema",
    "name": "Slow schema",
    "nodes": [
        {"id": "slow", "type": "toy.slow_schema", "params": {"seconds": SLOW_SECONDS}},
    ],
    "edges": [],
}


@pytest.fixture(scope="module")
def slow_api(tmp_path_factory: pytest.TempPathFactory):
    registry = NodeRegistry.from_entry_points(extra=[NODE_MODULE])
    api, server, thread = make_api(tmp_path_factory.mktemp("slow"), registry=registry)
    created = api.gql(
        "mutation($d: JSON!) { importWorkflow(document: $d) { ... on Workflow { id } } }",
        {"d": SLOW_WORKFLOW},
    )
    assert created["data"]["importWorkflow"]["id"], created
    yield api
    stop_api(api, server, thread)


def _time_of(call) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


@pytest.mark.parametrize(
    "query",
    [
        '{ validateWorkflow(id: "slow_schema") { __typename } }',
        '{ nodeStatuses(workflowId: "slow_schema") { __typename } }',
        'mutation { launchRun(input: {workflowId: "slow_schema"}) { __typename } }',
        'mutation { applyGraphOps(input: {workflowId: "slow_schema", baseRevision: 1, ops: [{op:'
        ' "set_label", node_id: "slow", label: "Slow"}]}) { __typename } }',
    ],
)
def test_a_slow_schema_does_not_stall_other_requests(slow_api: ApiServer, query: str) -> None:
    answers: list[dict] = []
    slow = threading.Thread(target=lambda: answers.append(slow_api.gql(query)))
    slow.start()
    time.sleep(0.3)  # the slow request is inside its resolver by now
    body = json.dumps({"query": "{ workflows { items { slug } } }"}).encode()
    request = urllib.request.Request(
        f"{slow_api.url}/graphql",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {slow_api.tokens['viewer']}",
        },
    )
    took = _time_of(lambda: urllib.request.urlopen(request, timeout=30).read())
    slow.join(timeout=30)
    assert took < SLOW_SECONDS / 2, f"a cheap query waited {took:.2f} s behind a slow one"
    assert answers and not answers[0].get("errors"), answers
    (result,) = answers[0]["data"].values()
    assert result["__typename"] in ("ValidationReport", "NodeStatuses", "RunLaunched", "OpsApplied")
