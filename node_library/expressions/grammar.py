"""The allowlist of the language: the operators it computes with (and the Python functions that
compute them on Series and constants alike), and the syntax it refuses, each with a hint."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

ARITHMETIC: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.FloorDiv: ("//", operator.floordiv),
    ast.Mod: ("%", operator.mod),
    ast.Pow: ("**", operator.pow),
}
BITWISE: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.BitAnd: ("&", operator.and_),
    ast.BitOr: ("|", operator.or_),
    ast.BitXor: ("^", operator.xor),
}
COMPARISONS: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
}

REFUSED_OPERATORS: dict[type[ast.operator], tuple[str, str]] = {
    ast.MatMult: ("@", "matrix multiplication is not supported; multiply numbers with *"),
    ast.LShift: ("<<", "bit shifts are not supported"),
    ast.RShift: (">>", "bit shifts are not supported"),
}
# Constructs the language refuses: (what the message calls it, the hint). Messages speak the
# language of docs/expression-language.md, never the names of Python's syntax tree.
_LOOP = (
    "a loop with 'for'",
    "expressions work on whole columns at once: write what one value is, e.g. price * 2",
)
_BRACES = ("'{...}'", "to test for one of several values write x in [1, 2]")
_FORMATTED = ("text with an f prefix", 'join text with +, e.g. first + " " + last')
_NOT_A_WORD = "it is not a word of the expression language"
REFUSED: dict[type[ast.AST], tuple[str, str]] = {
    ast.Attribute: (
        "'.' after a value",
        "expressions read columns by name and call the listed functions; "
        'for a column whose name contains a dot write col("a.b")',
    ),
    ast.Subscript: (
        "indexing with [...]",
        'for a column with an unusual name write col("...")',
    ),
    ast.Slice: ("slicing with ':'", "expressions work on whole columns; slicing is not supported"),
    ast.Lambda: ("'lambda'", "expressions cannot define functions; use the listed functions"),
    ast.ListComp: _LOOP,
    ast.SetComp: _LOOP,
    ast.DictComp: _LOOP,
    ast.GeneratorExp: _LOOP,
    ast.NamedExpr: (
        "assigning a value",
        "an expression computes a value and cannot store one: to compare write ==; "
        "to add a column use a Computed column node",
    ),
    ast.JoinedStr: _FORMATTED,
    ast.FormattedValue: _FORMATTED,
    ast.Starred: ("'*' before an argument", "pass the arguments one by one"),
    ast.Dict: _BRACES,
    ast.Set: _BRACES,
    ast.IfExp: ("'a if c else b'", "write if_else(c, a, b)"),
    ast.Await: ("'await'", _NOT_A_WORD),
    ast.Yield: ("'yield'", _NOT_A_WORD),
    ast.YieldFrom: ("'yield'", _NOT_A_WORD),
    ast.List: ("a list [...]", "lists are only allowed after in / not in, e.g. x in [1, 2]"),
    ast.Tuple: (
        "a comma between values",
        "commas separate the arguments of a function, or the values of a list after in / not "
        "in, e.g. x in (1, 2)",
    ),
}
# What a node kind the table does not know is called (a newer Python's syntax).
UNKNOWN_CONSTRUCT = ("this construct", "it is not part of the expression language")
