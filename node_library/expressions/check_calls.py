"""Checking calls: only the functions of the table can be called, by name, with their arguments
bound to the function's params (arity, keywords, literal-only params) before its rule runs."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from node_library.checks import did_you_mean
from node_library.expressions.call_site import CallSite
from node_library.expressions.functions import FUNCTIONS, LITERAL_KINDS, RULES, FunctionSpec
from node_library.expressions.grammar import REFUSED
from node_library.expressions.typed import Typed

if TYPE_CHECKING:
    from node_library.expressions.checker import Checker

# What other tools (pandas, SQL, spreadsheets) call these functions: the did-you-mean of a call.
_FUNCTION_ALIASES = {
    "isnull": "is_null",
    "isna": "is_null",
    "notnull": "not_null",
    "notna": "not_null",
    "where": "if_else",
    "iif": "if_else",
    "ifelse": "if_else",
    "length": "len",
    "dayofweek": "weekday",
    "day_of_week": "weekday",
    "day_of_year": "dayofyear",
    "date": "to_date",
    "to_datetime": "to_date",
    "column": "col",
    "ln": "log",
}


def call(checker: Checker, node: ast.Call) -> Typed:
    position = checker.position(node)
    if not isinstance(node.func, ast.Name):
        if isinstance(node.func, ast.Attribute):
            method, owner = node.func.attr, checker.segment(node.func.value)
            hint = (
                f"write {method}({owner}) instead"
                if method in FUNCTIONS
                else REFUSED[ast.Attribute][1]
            )
            checker.refuse(REFUSED[ast.Attribute][0], checker.end_index(node.func.value) + 1, hint)
        checker.visit(node.func)  # refuses whatever else was called
        checker.refuse(
            "calling the result of an expression",
            position,
            "call a function by its name, e.g. abs(x)",
        )
    name = node.func.id
    spec = FUNCTIONS.get(name)
    if spec is None:
        suggestion = _FUNCTION_ALIASES.get(name.lower()) or did_you_mean(name, FUNCTIONS)
        listed = ", ".join(sorted(FUNCTIONS))
        hint = f"did you mean {suggestion}()? " if suggestion else ""
        checker.fail(
            f"function {name!r} is not allowed",
            position,
            f"function {name!r}",
            f"{hint}the functions are: {listed}",
        )
    site = _bind(checker, spec, node, position)
    return RULES[name](checker, site)


def _bind(checker: Checker, spec: FunctionSpec, node: ast.Call, position: int) -> CallSite:
    usage = f"usage: {spec.signature}"
    for argument in node.args:
        if isinstance(argument, ast.Starred):
            checker.refuse(
                REFUSED[ast.Starred][0], checker.position(argument), REFUSED[ast.Starred][1]
            )
    given: dict[str, ast.AST] = {}
    if len(node.args) > len(spec.params):
        checker.fail(
            f"{spec.name}() takes at most {len(spec.params)} argument"
            f"{'s' if len(spec.params) != 1 else ''}, got {len(node.args)}",
            checker.position(node.args[len(spec.params)]),
            f"function '{spec.name}'",
            usage,
        )
    given.update(zip(spec.params, node.args, strict=False))
    for named in node.keywords:
        if named.arg is None:
            checker.refuse("'**' before an argument", checker.position(named), usage)
        if named.arg not in spec.keywords:
            checker.fail(
                f"{spec.name}() has no argument named {named.arg!r}",
                checker.position(named),
                f"argument {named.arg!r}",
                usage,
            )
        if named.arg in given:
            checker.fail(
                f"{spec.name}() got {named.arg!r} twice",
                checker.position(named),
                f"argument {named.arg!r}",
                usage,
            )
        given[named.arg] = named.value
    missing = [p for p in spec.params[: spec.required] if p not in given]
    if missing:
        checker.fail(
            f"{spec.name}() is missing its argument {missing[0]!r}",
            position,
            f"function '{spec.name}'",
            usage,
        )
    args: dict[str, Typed] = {}
    literals: dict[str, Any] = {}
    for param, value in given.items():
        if param in spec.literals:
            literals[param] = _literal_argument(checker, spec, param, value)
        else:
            args[param] = checker.visit(value)
    return CallSite(spec, node, position, checker.segment(node), args, literals)


def _literal_argument(checker: Checker, spec: FunctionSpec, param: str, node: ast.AST) -> Any:
    kind = LITERAL_KINDS[(spec.name, param)]
    value = checker.visit(node) if isinstance(node, ast.Constant | ast.UnaryOp) else None
    if value is not None and value.is_constant and _literal_fits(value.value, kind):
        return value.value
    example = {str: '"text"', int: "2"}[kind[0]]
    checker.fail(
        f"{spec.name}() needs a literal for {param!r}, like {example}",
        checker.position(node),
        f"argument {param!r} of {spec.name}()",
        f"usage: {spec.signature}",
    )


def _literal_fits(value: Any, kind: tuple[type, bool]) -> bool:
    expected, nullable = kind
    if value is None:
        return nullable
    return isinstance(value, expected) and not isinstance(value, bool)
