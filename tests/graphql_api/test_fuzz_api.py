"""A bounded fuzz run against the real API: schemathesis generates queries and mutations from the
checked-in SDL (every field, with generated arguments), and hypothesis generates multipart
uploads; any 5xx or masked internal error fails the test.

The JSON scalar gets values shaped like what the API takes (workflow documents, graph
operations, node params) mixed with arbitrary JSON, and ID arguments are drawn from the stored
examples' ids and slugs as well as from noise, so the fuzzer reaches past "not found". The size
is set for CI (about a minute on 2 cores); CANVAS_FUZZ_EXAMPLES raises it for a deeper run.
"""

from __future__ import annotations

import json
import os
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.graphql import nodes

from canvas_assets.examples import seed_examples
from tests.graphql_api.conftest import ApiServer, make_api, stop_api

SDL = Path(__file__).resolve().parents[2] / "graphql_api" / "schema.graphql"
EXAMPLES = int(os.environ.get("CANVAS_FUZZ_EXAMPLES", "30"))
IDS = ["sales_by_region", "iris_enriched", "breast_cancer_classification", "no_such_workflow"]
NODE_TYPES = ["sources.csv_file", "transforms.filter_rows", "models.random_forest_classifier"]

text = st.text(alphabet=string.printable + "éü€\u200b\x00", max_size=40)
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
json_any = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "op", "type", "params", "node", "x"]) | text,
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
node_json = st.fixed_dictionaries(
    {"id": text, "type": st.sampled_from(NODE_TYPES) | text, "params": json_any},
    optional={"position": st.fixed_dictionaries({"x": json_leaf, "y": json_leaf})},
)
graph_op = st.one_of(
    st.fixed_dictionaries({"op": st.just("add_node"), "node": node_json}),
    st.fixed_dictionaries(
        {
            "op": st.sampled_from(["update_params", "remove_node", "set_label", "move_nodes"]),
            "node_id": text,
            "params": json_any,
        }
    ),
    st.fixed_dictionaries(
        {
            "op": st.just("add_edge"),
            "edge": st.fixed_dictionaries({"source": text, "target": text, "id": text}),
        }
    ),
    json_any,
)
workflow_json = st.fixed_dictionaries(
    {
        "name": text,
        "nodes": st.lists(node_json, max_size=3),
        "edges": st.lists(json_any, max_size=2),
    },
    optional={"schema_version": json_leaf, "slug": text, "settings": json_any},
)


def _to_node(value: Any) -> graphql.ValueNode:
    """A JSON value as a GraphQL literal (the JSON scalar's input)."""
    if value is None:
        return nodes.Null
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return nodes.List([_to_node(v) for v in value])
    return nodes.Object(
        [
            graphql.ObjectFieldNode(name=graphql.NameNode(value=_name(k)), value=_to_node(v))
            for k, v in value.items()
        ]
    )


def _name(key: str) -> str:
    """GraphQL object literal keys are names; fold other text onto one."""
    cleaned = "".join(c for c in key if c.isascii() and (c.isalnum() or c == "_"))
    return cleaned if cleaned and not cleaned[0].isdigit() else f"k_{cleaned}"


schemathesis.graphql.scalar("JSON", st.one_of(workflow_json, graph_op, json_any).map(_to_node))
schemathesis.graphql.scalar("DateTime", st.datetimes().map(lambda d: nodes.String(d.isoformat())))
schemathesis.graphql.scalar("Upload", st.one_of(st.none(), text).map(_to_node))
schemathesis.graphql.scalar("ID", st.one_of(st.sampled_from(IDS), text).map(nodes.String))

schema = schemathesis.graphql.from_path(SDL)


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    home = tmp_path_factory.mktemp("fuzz")
    (home / "data").mkdir()
    # uploads land in a data root of the test's own, never in the repository's data/
    api, server, thread = make_api(home, data_root=home / "data")
    seed_examples(api.services.store, api.services.registry)
    yield api
    stop_api(api, server, thread)


def _internal_errors(body: Any) -> list[Any]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return [e for e in errors or [] if (e.get("extensions") or {}).get("code") == "INTERNAL"]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_server_error(case: Any, fuzz_api: ApiServer) -> None:
    response = case.call(
        base_url=f"{fuzz_api.url}/graphql",
        headers={"Authorization": f"Bearer {fuzz_api.tokens['admin']}"},
    )
    assert response.status_code < 500, (case.body, response.text[:2000])
    assert response.status_code in (200, 400, 413, 429), (case.body, response.text[:2000])
    body = response.json()
    assert not _internal_errors(body), (case.body, body)


UPLOAD_QUERY = (
    "mutation($file: Upload!, $folder: String!) { uploadDataFile(file: $file, folder: $folder)"
    " { __typename ... on UploadedFile { path } ... on InvalidInputError { message } } }"
)
payloads = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.lists(text, min_size=1, max_size=4), min_size=1, max_size=6).map(
        lambda rows: "\n".join(",".join(r) for r in rows).encode()
    ),
    json_any.map(lambda v: json.dumps(v).encode()),
    st.just(b"PK\x03\x04" + b"\x00" * 40),  # a broken zip (xlsx) header
    st.just(b"PAR1" + b"\x00" * 16 + b"PAR1"),  # a broken parquet file
)


@settings(
    max_examples=EXAMPLES * 3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(
    content=payloads,
    filename=st.one_of(st.sampled_from(["a.csv", "b.xlsx", "c.parquet", "../../etc/x.csv"]), text),
    folder=st.one_of(st.sampled_from(["uploads", "../..", "/etc", "a/b"]), text),
)
def test_no_generated_upload_gets_a_server_error(
    fuzz_api: ApiServer, content: bytes, filename: str, folder: str
) -> None:
    import httpx

    operations = json.dumps({"query": UPLOAD_QUERY, "variables": {"file": None, "folder": folder}})
    response = httpx.post(
        f"{fuzz_api.url}/graphql",
        headers={
            "Authorization": f"Bearer {fuzz_api.tokens['admin']}",
            "Apollo-Require-Preflight": "true",
        },
        data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename or "x", content, "application/octet-stream")},
        timeout=30,
    )
    assert response.status_code < 500, response.text[:2000]
    body = response.json()
    assert not _internal_errors(body), body
    result = (body.get("data") or {}).get("uploadDataFile")
    if result and result["__typename"] == "UploadedFile":
        stored = Path(result["path"])
        assert ".." not in stored.parts and not stored.is_absolute(), result
