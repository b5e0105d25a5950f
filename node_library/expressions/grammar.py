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
REFUSED: dict[type[ast.AST], tuple[str, str]] = {
    ast.Attribute: (
        "attribute access",
        "expressions read columns by name and call the listed functions; "
        'for a column whose name contains a dot write col("a.b")',
    ),
    ast.Subscript: (
        "subscript",
        'indexing with [...] is not supported; for a column with an unusual name write col("...")',
    ),
    ast.Slice: ("slice", "slicing is not supported"),
    ast.Lambda: ("lambda", "expressions cannot define functions; use the listed functions"),
    ast.ListComp: ("list comprehension", "expressions work on whole columns; no loops needed"),
    ast.SetComp: ("set comprehension", "expressions work on whole columns; no loops needed"),
    ast.DictComp: ("dict comprehension", "expressions work on whole columns; no loops needed"),
    ast.GeneratorExp: ("generator expression", "expressions work on whole columns"),
    ast.NamedExpr: (
        "assignment ':='",
        "expressions cannot assign; use a computed column node to add a column",
    ),
    ast.JoinedStr: ("f-string", 'join text with +, e.g. first + " " + last'),
    ast.FormattedValue: ("f-string", 'join text with +, e.g. first + " " + last'),
    ast.Starred: ("starred argument", "pass the arguments one by one"),
    ast.Dict: ("dict", "dicts are not supported"),
    ast.Set: ("set", "write a list after in: x in [1, 2]"),
    ast.IfExp: ("conditional expression 'a if c else b'", "write if_else(c, a, b)"),
    ast.Await: ("await", "not supported in expressions"),
    ast.Yield: ("yield", "not supported in expressions"),
    ast.YieldFrom: ("yield", "not supported in expressions"),
    ast.List: ("list", "lists are only allowed after in / not in, e.g. x in [1, 2]"),
    ast.Tuple: ("tuple", "tuples are only allowed after in / not in, e.g. x in (1, 2)"),
}
