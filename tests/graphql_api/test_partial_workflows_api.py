"""A workflow with an error in one node over the API: nodeStatuses answers for every node (the
broken one and those after it invalid, naming why), nodeOutput shows the valid nodes' results and
says what blocks the others, and launchRun runs the valid branch while a run that needs the broken
node is refused naming only it."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from canvas_assets import Selection
from tests.graphql_api.conftest import REPO, ApiServer, make_api, stop_api
from tests.services import start_engine

EXAMPLE = json.loads((REPO / "canvas_assets/examples/sales_by_region.json").read_text())
VALID = ["orders", "non_empty", "revenue", "totals"]

STATUSES = """query($w: ID!) { nodeStatuses(workflowId: $w) {
    __typename
    ... on NodeStatuses { nodes { nodeId state reason cacheKey
        issues { code nodeId message hint } blockedBy { nodeId label } } }
    ... on UserError { message } } }"""
OUTPUT = """query($w: ID!, $n: String!) { nodeOutput(workflowId: $w, nodeId: $n) {
    __typename
    ... on OutputPreview { nodeId current }
    ... on DataFramePreview { totalRows }
    ... on UserError { message }
    ... on NoResultError { state reason earlierCacheKey
        issues { code nodeId message hint } blockedBy { nodeId label } } } }"""
LAUNCH = """mutation($i: LaunchRunInput!) { launchRun(input: $i) {
    __typename
    ... on RunLaunched { runId nodes statuses { nodeId state } }
    ... on InvalidWorkflowError { message issues { code nodeId message } }
    ... on UserError { message } } }"""
EVENTS = """subscription($id: ID!) { runEvents(runId: $id) { kind nodeId status } }"""


def broken_chart() -> dict[str, Any]:
    """The sales example with its chart naming a misspelled column and a report after it."""
    document = copy.deepcopy(EXAMPLE)
    chart = next(n for n in document["nodes"] if n["id"] == "chart")
    chart["params"]["y"] = "revenu"
    document["nodes"].append(
        {
            "id": "report",
            "type": "outputs.report",
            "label": "Sales report",
            "params": {"title": "Sales", "format": "html"},
        }
    )
    document["edges"].append(
        {
            "id": "e_chart_report",
            "source": "chart",
            "source_port": "plot",
            "target": "report",
            "target_port": "item1",
        }
    )
    return document


def test_statuses_and_outputs_answer_for_every_node_while_a_chart_is_broken(
    api: ApiServer,
) -> None:
    slug = api.services.import_workflow(json.dumps(broken_chart())).workflow.slug
    report = api.services.run(slug, node="totals", selection=Selection.UPSTREAM)
    assert report.success and report.executed == VALID

    answer = api.gql(STATUSES, {"w": slug}, role="viewer")["data"]["nodeStatuses"]
    assert answer["__typename"] == "NodeStatuses", answer
    nodes = {n["nodeId"]: n for n in answer["nodes"]}
    assert {n: nodes[n]["state"] for n in nodes} == {
        **dict.fromkeys(VALID, "fresh"),
        "chart": "invalid",
        "report": "invalid",
    }
    assert all(nodes[n]["issues"] == [] and nodes[n]["blockedBy"] == [] for n in VALID)
    chart = nodes["chart"]
    assert chart["cacheKey"] == "" and "'revenu'" in chart["reason"]
    assert [(i["code"], i["nodeId"]) for i in chart["issues"]] == [("missing_column", "chart")]
    assert chart["blockedBy"] == []
    after = nodes["report"]
    assert [i["code"] for i in after["issues"]] == ["upstream_invalid"]
    assert after["reason"] == after["issues"][0]["message"]
    assert '"Revenue chart" (chart)' in after["reason"]
    assert after["blockedBy"] == [{"nodeId": "chart", "label": "Revenue chart"}]

    totals = api.gql(OUTPUT, {"w": slug, "n": "totals"}, role="viewer")["data"]["nodeOutput"]
    assert totals["__typename"] == "DataFramePreview", totals
    assert totals["current"] is True and totals["totalRows"] > 0

    own = api.gql(OUTPUT, {"w": slug, "n": "chart"}, role="viewer")["data"]["nodeOutput"]
    assert own["__typename"] == "NoResultError", own
    assert own["state"] == "invalid" and own["earlierCacheKey"] is None
    assert "'revenu'" in own["reason"] and "'revenu'" in own["message"]
    assert [i["code"] for i in own["issues"]] == ["missing_column"] and own["blockedBy"] == []

    blocked = api.gql(OUTPUT, {"w": slug, "n": "report"}, role="viewer")["data"]["nodeOutput"]
    assert blocked["__typename"] == "NoResultError", blocked
    assert blocked["state"] == "invalid"
    assert '"Revenue chart" (chart)' in blocked["message"]
    assert blocked["blockedBy"] == [{"nodeId": "chart", "label": "Revenue chart"}]


@pytest.fixture
def engine_api(tmp_path: Path) -> Iterator[ApiServer]:
    api, server, thread = make_api(tmp_path)
    engine = start_engine(api.services)
    yield api
    stop_api(api, server, thread)
    engine.stop_soon()


@pytest.mark.integration  # a real engine process
def test_the_valid_branch_launches_and_runs_and_run_all_names_only_the_broken_chart(
    engine_api: ApiServer,
) -> None:
    api = engine_api
    slug = api.services.import_workflow(json.dumps(broken_chart())).workflow.slug

    refused = api.gql(LAUNCH, {"i": {"workflowId": slug, "selection": "ALL"}}, role="editor")
    refused = refused["data"]["launchRun"]
    assert refused["__typename"] == "InvalidWorkflowError", refused
    assert {(i["code"], i["nodeId"]) for i in refused["issues"]} == {("missing_column", "chart")}
    assert api.services.instance.get_runs() == []

    launched = api.gql(
        LAUNCH,
        {"i": {"workflowId": slug, "selection": "UPSTREAM", "node": "totals"}},
        role="editor",
    )["data"]["launchRun"]
    assert launched["__typename"] == "RunLaunched", launched
    assert launched["nodes"] == VALID
    states = {s["nodeId"]: s["state"] for s in launched["statuses"]}
    assert states["chart"] == states["report"] == "invalid"
    events = api.subscribe(EVENTS, {"id": launched["runId"]}, role="editor")
    finished = events[-1]["data"]["runEvents"]
    assert finished["kind"] == "run_finished" and finished["status"] == "SUCCESS", events
    succeeded = {
        e["data"]["runEvents"]["nodeId"]
        for e in events
        if e["data"]["runEvents"]["kind"] == "succeeded"
    }
    assert succeeded == set(VALID)
