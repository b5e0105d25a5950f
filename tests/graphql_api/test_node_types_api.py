"""The node_types domain over HTTP: the expression language reference the expression editor
completes and documents, and the widget hints the properties form reads from the param schemas.
Neither touches the database, so these run on SQLite only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from node_library.expressions import FUNCTIONS, SYNTAX
from tests.graphql_api.conftest import ApiServer, make_api, stop_api

LANGUAGE = """{ expressionLanguage {
    functions { name signature doc category params required keywords literals }
    syntax { text kind doc example }
    reservedWords } }"""


@pytest.fixture
def sqlite_api(tmp_path: Path) -> Iterator[ApiServer]:
    api, server, thread = make_api(tmp_path)
    yield api
    stop_api(api, server, thread)


def test_expression_language_lists_functions_syntax_and_reserved_words(
    sqlite_api: ApiServer,
) -> None:
    body = sqlite_api.gql(LANGUAGE, role="viewer")
    assert "errors" not in body, body
    language = body["data"]["expressionLanguage"]
    functions = {f["name"]: f for f in language["functions"]}
    assert set(functions) == set(FUNCTIONS)
    assert functions["round"] == {
        "name": "round",
        "signature": "round(x, ndigits=0)",
        "doc": FUNCTIONS["round"].doc,
        "category": "math",
        "params": ["x", "ndigits"],
        "required": 1,
        "keywords": ["ndigits"],
        "literals": ["ndigits"],
    }
    assert functions["col"]["literals"] == ["name"]
    assert all(f["doc"] and f["signature"].startswith(f"{f['name']}(") for f in functions.values())
    syntax = {s["text"]: s for s in language["syntax"]}
    assert len(syntax) == len(SYNTAX)
    assert syntax["=="]["kind"] == "operator"
    assert syntax["and"] == {
        "text": "and",
        "kind": "keyword",
        "doc": "Both conditions hold.",
        "example": "units > 0 and price > 0",
    }
    assert syntax["None"]["kind"] == "literal"
    assert {"class", "None", "and", "lambda"} <= set(language["reservedWords"])
    assert "units" not in language["reservedWords"]


def test_expression_language_needs_a_signed_in_caller(sqlite_api: ApiServer) -> None:
    body = sqlite_api.gql(LANGUAGE, role=None)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_param_schemas_carry_the_widget_hints(sqlite_api: ApiServer) -> None:
    body = sqlite_api.gql("{ nodeTypes { typeId paramsSchema } }", role="viewer")
    schemas = {t["typeId"]: t["paramsSchema"] for t in body["data"]["nodeTypes"]}
    assert schemas["transforms.filter_rows"]["properties"]["expression"]["x-widget"] == "expression"
    assert schemas["outputs.chart"]["properties"]["x"]["x-widget"] == "column"
    assert schemas["transforms.aggregate"]["properties"]["group_by"]["x-widget"] == "columns"
    join_key = schemas["transforms.join"]["$defs"]["JoinKey"]["properties"]
    assert (join_key["left"]["x-widget"], join_key["left"]["x-input-port"]) == ("column", "left")
    assert join_key["right"]["x-input-port"] == "right"
