"""Node output previews and result downloads over HTTP against a running server, on SQLite and
PostgreSQL. Results come from running the bundled example workflows."""

from __future__ import annotations

import http.client
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from canvas_assets.storage.artifacts import ArtifactRef
from node_library.datatypes import DataType
from tests.graphql_api.conftest import ApiServer

REPO = Path(__file__).resolve().parents[2]

OUTPUT = """query($w: ID!, $n: String!, $port: String, $key: String, $offset: Int! = 0,
    $limit: Int! = 100, $sort: String, $desc: Boolean! = false, $where: String) {
  nodeOutput(workflowId: $w, nodeId: $n, port: $port, cacheKey: $key, offset: $offset,
      limit: $limit, sortBy: $sort, descending: $desc, where: $where) {
    __typename
    ... on OutputPreview { nodeId port cacheKey dataType current downloadUrl }
    ... on DataFramePreview { totalRows storedRows where offset limit sortBy descending rows
      rowNumbers
      columns { name dtype nullCount count min max mean std p25 median p75 distinctCount
        histogram { start end count } topValues { value count } earliest latest } }
    ... on MetricsPreview { values }
    ... on PlotPreview { figure }
    ... on JsonPreview { value }
    ... on FilePreview { name mediaType sizeBytes }
    ... on UserError { message }
    ... on NoResultError { state reason earlierCacheKey }
    ... on InvalidInputError { field hint position }
  }
}"""


def _run_example(api: ApiServer, name: str) -> str:
    stored = api.services.import_workflow(
        (REPO / f"canvas_assets/examples/{name}.json").read_text()
    )
    report = api.services.run(stored.workflow.slug)
    assert report.success, report.nodes
    return stored.workflow.slug


def _output(api: ApiServer, workflow: str, node: str, role: str = "viewer", **args: Any) -> dict:
    body = api.gql(OUTPUT, {"w": workflow, "n": node, **args}, role=role)
    assert "errors" not in body, body
    return body["data"]["nodeOutput"]


def _get(api: ApiServer, path: str, token: str | None) -> tuple[int, dict[str, str], bytes]:
    """A GET with the path sent exactly as given (no normalization of '..' or escapes)."""
    url = urlparse(api.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    conn.close()
    return result


def test_a_table_result_pages_and_sorts_with_column_stats(api: ApiServer) -> None:
    slug = _run_example(api, "iris_enriched")
    page = _output(api, slug, "joined", limit=5)
    assert page["__typename"] == "DataFramePreview" and page["current"] is True
    assert re.fullmatch(r"[0-9a-f]{32}", page["cacheKey"])
    assert page["downloadUrl"] == f"/files/{slug}/joined/{page['cacheKey']}/data"
    assert (page["totalRows"], len(page["rows"]), page["rowNumbers"]) == (150, 5, [0, 1, 2, 3, 4])
    columns = {c["name"]: c for c in page["columns"]}
    sepal = columns["sepal length (cm)"]
    assert (sepal["dtype"], sepal["nullCount"], sepal["min"], sepal["max"]) == (
        "float",
        0,
        4.3,
        7.9,
    )
    assert abs(sepal["mean"] - 5.8433) < 1e-3 and sepal["std"] > 0
    species = columns["species"]
    assert species["distinctCount"] == 3 and species["mean"] is None
    assert {(v["value"], v["count"]) for v in species["topValues"]} == {
        ("setosa", 50),
        ("versicolor", 50),
        ("virginica", 50),
    }
    names = [c["name"] for c in page["columns"]]
    assert page["rows"][0][names.index("species")] == "setosa"

    tail = _output(api, slug, "joined", offset=148, limit=5)
    assert tail["rowNumbers"] == [148, 149] and len(tail["rows"]) == 2

    top = _output(api, slug, "joined", limit=3, sort="sepal length (cm)", desc=True)
    assert [r[0] for r in top["rows"]] == [7.9, 7.7, 7.7]
    assert top["sortBy"] == "sepal length (cm)" and top["descending"] is True
    assert top["rowNumbers"][0] != 0

    wrong = _output(api, slug, "joined", sort="sepal_length")
    assert wrong["__typename"] == "InvalidInputError" and wrong["field"] == "sortBy"
    assert "sepal length (cm)" in wrong["hint"]
    too_many = _output(api, slug, "joined", limit=5000)
    assert too_many["__typename"] == "InvalidInputError" and too_many["field"] == "limit"


def test_a_chart_previews_as_a_plotly_figure_and_metrics_as_their_values(
    api: ApiServer,
) -> None:
    slug = _run_example(api, "sales_by_region")
    chart = _output(api, slug, "chart")
    assert chart["__typename"] == "PlotPreview" and chart["dataType"] == "plot"
    assert chart["figure"]["data"][0]["type"] == "bar"
    assert "Revenue by region" in json.dumps(chart["figure"]["layout"])

    totals = _output(api, slug, "totals")
    assert totals["totalRows"] == 4
    assert {c["name"] for c in totals["columns"]} == {"region", "revenue", "orders", "mean_units"}

    # No built-in node emits metrics yet: store a metrics result the way an evaluation node's
    # run would, under a cache key of its own, and read it back by that key.
    key = "0123456789abcdef" * 2
    api.services.artifacts.write(
        ArtifactRef(slug, "chart", key, "plot"),
        DataType.METRICS,
        {"accuracy": 0.93, "log_loss": float("nan")},
    )
    metrics = _output(api, slug, "chart", key=key)
    assert metrics["__typename"] == "MetricsPreview" and metrics["current"] is False
    assert metrics["values"] == {"accuracy": 0.93, "log_loss": None}


def test_a_file_result_previews_and_downloads_for_signed_in_viewers(api: ApiServer) -> None:
    slug = _run_example(api, "iris_enriched")
    file = _output(api, slug, "export")
    assert file["__typename"] == "FilePreview"
    assert (file["name"], file["mediaType"]) == ("iris_enriched.csv", "text/csv")
    url = file["downloadUrl"]
    assert url == f"/files/{slug}/export/{file['cacheKey']}/file"

    status, headers, body = _get(api, url, None)
    assert status == 401 and headers["content-type"] == "application/json"
    assert json.loads(body)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    status, _, body = _get(api, url, "mlc_" + "x" * 43)
    assert status == 401 and "not recognised" in json.loads(body)["errors"][0]["message"]

    status, headers, body = _get(api, url, api.tokens["viewer"])
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"].startswith('attachment; filename="iris_enriched.csv"')
    assert headers["x-content-type-options"] == "nosniff"
    assert len(body) == file["sizeBytes"] and body.count(b"\n") == 151

    table = _output(api, slug, "joined", limit=0)
    status, headers, body = _get(api, table["downloadUrl"], api.tokens["viewer"])
    assert status == 200 and f'filename="{slug}_joined_data.csv"' in headers["content-disposition"]
    assert body.splitlines()[0].startswith(b"sepal length (cm),") and body.count(b"\n") == 151


def test_downloads_refuse_bad_cache_keys_and_path_tricks_with_json_errors(
    api: ApiServer,
) -> None:
    slug = _run_example(api, "iris_enriched")
    key = _output(api, slug, "export")["cacheKey"]
    viewer = api.tokens["viewer"]
    refused = {
        f"/files/{slug}/export/nothex/file": 400,
        f"/files/{slug}/export/{key.upper()}/file": 400,
        f"/files/{slug}/export/{'0' * 32}/file": 404,
        f"/files/{slug}/nobody/{key}/file": 404,
        f"/files/{slug}/export/{key}/data": 404,
        f"/files/no_such_workflow/export/{key}/file": 404,
        "/files/../../etc/passwd": 400,
        f"/files/%2e%2e/export/{key}/file": 400,
        f"/files/{slug}/export/{key}/..%2f..%2f..%2fcanvas.db": 404,
        f"/files/{slug}/export/../../../../etc/passwd": 404,
        f"/files/{slug}/export/{key}/file/extra": 404,
        f"/files/{slug}/export/{key}/%2e%2e": 400,
    }
    for path, expected in refused.items():
        status, headers, body = _get(api, path, viewer)
        assert status == expected, (path, status, body[:200])
        assert headers["content-type"] == "application/json", path
        assert json.loads(body)["errors"][0]["message"], path


def test_an_earlier_result_stays_reachable_by_its_cache_key_after_a_param_change(
    api: ApiServer,
) -> None:
    slug = _run_example(api, "iris_enriched")
    before = _output(api, slug, "export")
    stored = api.services.store.get(slug)
    document = stored.workflow.model_dump(mode="json")
    export = next(n for n in document["nodes"] if n["id"] == "export")
    export["params"]["file_name"] = "iris_v2.csv"
    api.services.store.save(type(stored.workflow).model_validate(document), stored.revision)

    now = _output(api, slug, "export")
    assert now["__typename"] == "NoResultError"
    assert now["state"] == "stale" and "params changed" in now["reason"]
    assert "cache key" in now["message"]
    assert now["earlierCacheKey"] == before["cacheKey"]  # what the canvas shows meanwhile

    earlier = _output(api, slug, "export", key=before["cacheKey"])
    assert earlier["__typename"] == "FilePreview" and earlier["current"] is False
    assert earlier["name"] == "iris_enriched.csv" and earlier["cacheKey"] == before["cacheKey"]
    joined = _output(api, slug, "joined", limit=1)  # upstream of the edit: still current
    assert joined["__typename"] == "DataFramePreview" and joined["current"] is True


def test_a_node_that_never_ran_has_no_result_and_says_why(api: ApiServer) -> None:
    api.services.import_workflow((REPO / "canvas_assets/examples/sales_by_region.json").read_text())
    result = _output(api, "sales_by_region", "chart")
    assert result["__typename"] == "NoResultError"
    assert (result["state"], result["reason"]) == ("missing", "never run")
    assert result["earlierCacheKey"] is None


def test_unknown_workflows_nodes_ports_and_malformed_cache_keys_are_typed_errors(
    api: ApiServer,
) -> None:
    api.services.import_workflow((REPO / "canvas_assets/examples/sales_by_region.json").read_text())
    cases = [
        ({"w": "nope", "n": "chart"}, "NotFoundError", None),
        ({"w": "sales_by_region", "n": "nope"}, "NotFoundError", None),
        ({"w": "sales_by_region", "n": "chart", "port": "data"}, "InvalidInputError", "port"),
        (
            {"w": "sales_by_region", "n": "chart", "key": "../../../x"},
            "InvalidInputError",
            "cacheKey",
        ),
        ({"w": "sales_by_region", "n": "chart", "key": "f" * 32}, "NotFoundError", None),
        ({"w": "sales_by_region", "n": "chart", "offset": -1}, "InvalidInputError", "offset"),
    ]
    for variables, typename, field in cases:
        result = api.gql(OUTPUT, variables, role="viewer")["data"]["nodeOutput"]
        assert result["__typename"] == typename, (variables, result)
        assert result["message"]
        if field:
            assert result["field"] == field
    missing_node = api.gql(OUTPUT, {"w": "sales_by_region", "n": "nope"}, role="viewer")
    assert "chart" in missing_node["data"]["nodeOutput"]["message"]  # lists the nodes


def test_node_output_needs_a_signed_in_caller(api: ApiServer) -> None:
    body = api.gql(OUTPUT, {"w": "x", "n": "y"}, role=None)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def _revenue_frame() -> Any:
    """The `revenue` node's table computed with plain pandas from the example's CSV."""
    import pandas as pd

    orders = pd.read_csv(REPO / "data/examples/sales.csv", parse_dates=["ordered_at"])
    kept = orders[(orders["units"] > 0) & (orders["discount"] < 0.2)].reset_index(drop=True)
    kept["revenue"] = (kept["units"] * kept["unit_price"] * (1 - kept["discount"])).round(2)
    return kept


def test_node_output_filters_rows_with_an_expression(api: ApiServer) -> None:
    slug = _run_example(api, "sales_by_region")
    frame = _revenue_frame()
    condition = 'units > 3 and region == "west"'
    expected = frame[(frame["units"] > 3) & (frame["region"] == "west")]
    assert 0 < len(expected) < len(frame)

    page = _output(api, slug, "revenue", where=condition, limit=10)
    assert page["__typename"] == "DataFramePreview", page
    assert (page["totalRows"], page["storedRows"]) == (len(expected), len(frame))
    assert page["where"] == condition
    names = [c["name"] for c in page["columns"]]
    assert page["rowNumbers"] == expected.index[:10].tolist()
    assert [r[names.index("order_id")] for r in page["rows"]] == expected["order_id"][:10].tolist()

    # Filter, then sort, then page: the top revenues among the matching rows.
    top = _output(
        api, slug, "revenue", where=condition, sort="revenue", desc=True, offset=1, limit=3
    )
    want = expected.sort_values("revenue", ascending=False, kind="stable")["revenue"]
    assert [r[names.index("revenue")] for r in top["rows"]] == want.iloc[1:4].tolist()
    assert top["totalRows"] == len(expected)

    # Column stats describe the whole stored result, with quartiles and a histogram.
    revenue = next(c for c in page["columns"] if c["name"] == "revenue")
    assert revenue["count"] == len(frame) and revenue["nullCount"] == 0
    assert abs(revenue["median"] - frame["revenue"].median()) < 1e-9
    assert sum(b["count"] for b in revenue["histogram"]) == len(frame)
    region = next(c for c in page["columns"] if c["name"] == "region")
    assert region["distinctCount"] == frame["region"].nunique()

    empty = _output(api, slug, "revenue", where="units > 1000")
    assert (empty["totalRows"], empty["rows"]) == (0, [])


def test_node_output_rejects_a_hostile_where_expression(api: ApiServer) -> None:
    slug = _run_example(api, "sales_by_region")
    hostile = [
        "__import__('os').system('id')",
        "units.__class__.__mro__",
        "open('/etc/passwd')",
        "(lambda: 1)()",
        "9 ** 9 ** 9 ** 9 > 0",
    ]
    for condition in hostile:
        result = _output(api, slug, "revenue", where=condition)
        assert result["__typename"] == "InvalidInputError", (condition, result)
        assert result["field"] == "where" and result["hint"], condition
        assert result["message"].startswith("where: ")
    typo = _output(api, slug, "revenue", where="unitz > 3")
    assert typo["__typename"] == "InvalidInputError"
    assert (typo["field"], typo["position"]) == ("where", 1)
    assert "unitz" in typo["message"] and "units" in typo["hint"]
    not_a_condition = _output(api, slug, "revenue", where="units * 2")
    assert not_a_condition["field"] == "where" and "condition" in not_a_condition["message"]
    on_a_chart = _output(api, slug, "chart", where="units > 3")
    assert on_a_chart["__typename"] == "InvalidInputError" and on_a_chart["field"] == "where"
