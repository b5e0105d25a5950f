"""Workflows over HTTP against a running uvicorn server, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from tests.graphql_api.conftest import BOTH_STORES, ApiServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((REPO / "canvas_assets/examples/sales_by_region.json").read_text())

WORKFLOW_FIELDS = """... on Workflow { id slug name revision nodes { id type params } edges { id } }
    ... on UserError { __typename message }"""


def test_node_types_describe_ports_and_param_schemas(api: ApiServer) -> None:
    data = api.gql(
        """{ nodeTypes { typeId category displayName
        inputs { name dataType } outputs { name dataType } paramsSchema } }""",
        role="viewer",
    )
    by_id = {t["typeId"]: t for t in data["data"]["nodeTypes"]}
    csv = by_id["sources.csv"]
    assert csv["outputs"] == [{"name": "data", "dataType": "dataframe"}]
    assert csv["paramsSchema"]["properties"]["delimiter"]["default"] == ","
    join = by_id["transforms.join"]
    assert [p["name"] for p in join["inputs"]] == ["left", "right"]
    assert len(by_id) >= 21


@BOTH_STORES
def test_create_rename_duplicate_export_import_delete(api: ApiServer) -> None:
    created = api.gql(
        f"""mutation {{ createWorkflow(input: {{name: "Churn study"}}) {{
        {WORKFLOW_FIELDS} }} }}""",
        role="editor",
    )["data"]["createWorkflow"]
    assert created["slug"] == "churn_study" and created["revision"] == 1

    renamed = api.gql(
        f"""mutation {{ renameWorkflow(id: "{created["id"]}", name: "Churn v2") {{
        {WORKFLOW_FIELDS} }} }}""",
        role="editor",
    )["data"]["renameWorkflow"]
    assert renamed["name"] == "Churn v2" and renamed["revision"] == 2

    copy = api.gql(
        f"""mutation {{ duplicateWorkflow(id: "churn_study") {{
        {WORKFLOW_FIELDS} }} }}""",
        role="editor",
    )["data"]["duplicateWorkflow"]
    assert copy["slug"] == "churn_v2_copy" and copy["id"] != created["id"]

    imported = api.gql(
        f"""mutation($d: JSON!) {{ importWorkflow(document: $d) {{
        {WORKFLOW_FIELDS} }} }}""",
        {"d": EXAMPLE},
        role="editor",
    )["data"]["importWorkflow"]
    assert imported["slug"] == "sales_by_region" and len(imported["nodes"]) == 5
    again = api.gql(
        f"""mutation($d: JSON!) {{ importWorkflow(document: $d) {{
        {WORKFLOW_FIELDS} }} }}""",
        {"d": EXAMPLE},
        role="editor",
    )["data"]["importWorkflow"]
    assert again["slug"] == "sales_by_region_2"

    exported = api.gql('{ exportWorkflow(id: "sales_by_region") }', role="viewer")
    assert (
        exported["data"]["exportWorkflow"]["nodes"] == EXAMPLE["nodes"]
        or len(exported["data"]["exportWorkflow"]["nodes"]) == 5
    )

    deleted = api.gql(
        f"""mutation {{ deleteWorkflow(id: "{copy["id"]}") {{
        ... on Deleted {{ id }} ... on NotFoundError {{ message }} }} }}""",
        role="editor",
    )
    assert deleted["data"]["deleteWorkflow"]["id"] == copy["id"]
    page = api.gql("{ workflows(first: 10) { items { slug } hasMore } }", role="viewer")
    slugs = {w["slug"] for w in page["data"]["workflows"]["items"]}
    assert slugs == {"churn_study", "sales_by_region", "sales_by_region_2"}


def test_missing_workflow_is_a_typed_not_found_result(api: ApiServer) -> None:
    data = api.gql(
        '{ workflow(id: "nope") { __typename ... on NotFoundError { message } } }', role="viewer"
    )
    result = data["data"]["workflow"]
    assert result["__typename"] == "NotFoundError" and "nope" in result["message"]


def test_invalid_names_and_documents_are_typed_errors_and_change_nothing(api: ApiServer) -> None:
    data = api.gql(
        """mutation { createWorkflow(input: {name: "  "}) {
        __typename ... on UserError { message } } }""",
        role="editor",
    )
    assert data["data"]["createWorkflow"]["__typename"] == "InvalidInputError"
    data = api.gql(
        """mutation($d: JSON!) { importWorkflow(document: $d) {
        __typename ... on UserError { message } } }""",
        {"d": {"nodes": "x"}},
        role="editor",
    )
    result = data["data"]["importWorkflow"]
    assert result["__typename"] == "InvalidInputError" and "slug" in result["message"]
    assert (
        api.gql("{ workflows { items { id } } }", role="viewer")["data"]["workflows"]["items"] == []
    )


def test_validate_inline_document_returns_issues_and_inferred_columns(api: ApiServer) -> None:
    document = json.loads(json.dumps(EXAMPLE))
    document["nodes"][2]["params"]["expression"] = "units * unit_prise"
    data = api.gql(
        """query($d: JSON!) { validateWorkflow(document: $d) {
        ... on ValidationReport { ok issues { code nodeId param message hint }
            schemas { nodeId port columns { name dtype } } } } }""",
        {"d": document},
        role="viewer",
    )
    report = data["data"]["validateWorkflow"]
    assert report["ok"] is False
    issue = report["issues"][0]
    assert issue["nodeId"] == "revenue" and issue["code"] == "missing_column"
    assert "unit_price" in issue["hint"]
    schemas = {(s["nodeId"], s["port"]): s["columns"] for s in report["schemas"]}
    assert {"name": "units", "dtype": "integer"} in schemas[("orders", "data")]
    assert ("revenue", "data") not in schemas  # an erroring node has no known output


def test_node_statuses_say_missing_before_any_run(api: ApiServer) -> None:
    api.gql(
        """mutation($d: JSON!) { importWorkflow(document: $d) { __typename } }""",
        {"d": EXAMPLE},
        role="editor",
    )
    data = api.gql(
        """{ nodeStatuses(workflowId: "sales_by_region") {
        ... on NodeStatuses { revision nodes { nodeId state reason } } } }""",
        role="viewer",
    )
    nodes = data["data"]["nodeStatuses"]["nodes"]
    assert {n["state"] for n in nodes} == {"missing"}
    assert {n["reason"] for n in nodes} == {"never run"}
