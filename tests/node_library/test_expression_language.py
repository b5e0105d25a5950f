"""The expression language's reference as the canvas shows it: every operator the checker knows is
documented, every documented example compiles, and column_reference writes any column name so
that it reads back as that column."""

from __future__ import annotations

import ast
import re

import pytest

from node_library import expressions
from node_library.expressions import (
    FUNCTIONS,
    RESERVED_WORDS,
    SYNTAX,
    column_reference,
    compile_expression,
    expression_issues,
)
from node_library.schema import Column, Dtype, TableSchema

SCHEMA = TableSchema(
    columns=tuple(
        Column(name=name, dtype=dtype)
        for name, dtype in [
            ("first", Dtype.STRING),
            ("last", Dtype.STRING),
            ("region", Dtype.STRING),
            ("email", Dtype.STRING),
            ("price", Dtype.FLOAT),
            ("cost", Dtype.FLOAT),
            ("revenue", Dtype.FLOAT),
            ("discount", Dtype.FLOAT),
            ("units", Dtype.INTEGER),
            ("minutes", Dtype.INTEGER),
            ("order_id", Dtype.INTEGER),
            ("side", Dtype.INTEGER),
            ("a", Dtype.INTEGER),
            ("b", Dtype.INTEGER),
            ("flag", Dtype.BOOLEAN),
            ("ordered_at", Dtype.DATETIME),
        ]
    )
)


def test_every_operator_of_the_checker_is_documented() -> None:
    documented = {s.text for s in SYNTAX}
    checker_symbols = {
        symbol
        for table in (expressions._ARITHMETIC, expressions._BITWISE, expressions._COMPARISONS)
        for symbol, _ in table.values()
    }
    assert checker_symbols <= documented
    assert {"and", "or", "not", "in", "not in", "is", "is not", "~"} <= documented
    assert {"True", "False", "None"} <= documented
    assert not documented & set(FUNCTIONS), "a function is documented as syntax"


@pytest.mark.parametrize("spec", SYNTAX, ids=lambda s: s.text)
def test_every_syntax_example_compiles_and_uses_its_syntax(spec: expressions.SyntaxSpec) -> None:
    compile_expression(spec.example, SCHEMA)
    assert spec.text in spec.example
    assert spec.kind in ("operator", "keyword", "literal")
    assert spec.doc.endswith(".") and "\n" not in spec.doc


def test_reserved_words_never_read_as_a_column_name() -> None:
    for word in RESERVED_WORDS:
        try:
            node = ast.parse(word, mode="eval").body
        except SyntaxError:
            continue
        assert not isinstance(node, ast.Name), word
    assert "match" not in RESERVED_WORDS  # a soft keyword is a fine column name


@pytest.mark.parametrize(
    "name",
    ["units", "Unit Price", "class", "None", "it's", 'say "hi"', "a.b", "__x__", "\ufb01eld", "é"],
)
def test_column_reference_reads_back_as_the_column(name: str) -> None:
    schema = TableSchema(columns=(Column(name=name, dtype=Dtype.INTEGER),))
    compiled = compile_expression(f"{column_reference(name)} > 1", schema)
    assert compiled.columns == frozenset({name})
    assert (column_reference(name) == name) == (name in ("units", "é"))


# The expression editor finds the place an issue points at by this pattern at the end of the
# message (canvas_frontend/src/graph/expressionComplete.ts `issueRange`).
POSITION = re.compile(r"\(at (?:line (\d+), )?column (\d+)\)$")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("units > 0 and discout < 0.2", None, 15),  # an unknown column
        ("units > > 2", None, 9),  # a syntax error
        ("price.real > 1", None, 6),  # a refused construct
        ("(units > 0 and\n  upper(units) == 'A')", 2, 9),  # a type error, on line 2
    ],
)
def test_issue_messages_end_with_the_position_the_editor_reads(
    text: str, line: int | None, column: int
) -> None:
    [issue] = expression_issues(text, SCHEMA, param="expression")
    found = POSITION.search(issue.message)
    assert found, issue.message
    assert (found[1] and int(found[1]), int(found[2])) == (line, column), issue.message
