"""Templates over HTTP: list the examples, create a workflow from one, import a bad file."""

from __future__ import annotations

from tests.graphql_api.conftest import ApiServer

RESULT = """__typename ... on Workflow { id slug name nodeCount nodes { id } }
    ... on UserError { message }"""


def test_templates_list_the_examples_with_their_node_counts(api: ApiServer) -> None:
    data = api.gql("{ templates { id name description nodeCount nodeTypes } }", role="viewer")
    templates = {t["id"]: t for t in data["data"]["templates"]}
    sales = templates["sales_by_region"]
    assert sales["name"] == "Sales by region"
    assert sales["nodeCount"] == 5
    assert "sources.csv" in sales["nodeTypes"]
    assert sales["nodeTypes"] == sorted(sales["nodeTypes"])
    assert "iris_enriched" in templates


def test_create_from_template_copies_the_example_under_a_free_slug(api: ApiServer) -> None:
    query = f"""mutation($t: ID!) {{ createFromTemplate(templateId: $t) {{ {RESULT} }} }}"""
    first = api.gql(query, {"t": "sales_by_region"}, role="editor")["data"]["createFromTemplate"]
    second = api.gql(query, {"t": "sales_by_region"}, role="editor")["data"]["createFromTemplate"]
    assert first["__typename"] == "Workflow"
    assert first["slug"] == "sales_by_region" and second["slug"] == "sales_by_region_2"
    assert first["nodeCount"] == len(first["nodes"]) == 5
    listed = api.gql("{ workflows { items { slug nodeCount } } }", role="viewer")
    counts = {w["slug"]: w["nodeCount"] for w in listed["data"]["workflows"]["items"]}
    assert counts == {"sales_by_region": 5, "sales_by_region_2": 5}


def test_an_unknown_template_is_a_not_found_result_naming_the_templates(api: ApiServer) -> None:
    data = api.gql(
        f"""mutation {{ createFromTemplate(templateId: "nope") {{ {RESULT} }} }}""",
        role="editor",
    )["data"]["createFromTemplate"]
    assert data["__typename"] == "NotFoundError"
    assert "no template 'nope'" in data["message"] and "sales_by_region" in data["message"]


def test_a_viewer_cannot_create_from_a_template(api: ApiServer) -> None:
    status, body = api.post(
        '{"query": "mutation { createFromTemplate(templateId: \\"sales_by_region\\") '
        '{ __typename } }"}',
        api.tokens["viewer"],
    )
    assert status == 200 and body["errors"], body
    assert api.services.store.list() == []


def test_importing_a_file_that_is_not_json_names_the_problem_and_creates_nothing(
    api: ApiServer,
) -> None:
    """The canvas sends the file's text as it is, so the server's parser names what is wrong."""
    query = f"""mutation($d: JSON!) {{ importWorkflow(document: $d) {{ {RESULT} }} }}"""
    broken = api.gql(query, {"d": '{"name": "x", '}, role="editor")["data"]["importWorkflow"]
    assert broken["__typename"] == "InvalidInputError"
    assert "not valid JSON" in broken["message"] and "line 1" in broken["message"]
    invalid = api.gql(query, {"d": '{"name": "x"}'}, role="editor")["data"]["importWorkflow"]
    assert invalid["__typename"] == "InvalidInputError"
    assert "slug: Field required" in invalid["message"]
    assert api.services.store.list() == []
