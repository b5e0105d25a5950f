"""The core of the checker: walks the allowlisted syntax tree and builds the runner closures.

`Checker` maps ast positions back to the user's text, raises the errors, checks the leaves
(literals and column names) itself and hands each family of expressions to its module:
arithmetic (check_arith), conditions (check_logic), comparisons (check_compare) and function
calls (check_calls). Anything else is refused with the hint of the grammar's table.
"""

from __future__ import annotations

import ast
from typing import NoReturn

from node_library.expressions import check_arith, check_calls, check_compare, check_logic
from node_library.expressions.columns import unknown_column
from node_library.expressions.errors import ExpressionError, line_starts, located_at
from node_library.expressions.grammar import REFUSED, UNKNOWN_CONSTRUCT
from node_library.expressions.typed import Typed, constant
from node_library.expressions.values import INT64_MAX, INT64_MIN, constant_runner, read_column
from node_library.schema import Dtype, TableSchema


class Checker:
    """Walks the allowlisted tree, infers dtypes and builds the runner closures."""

    def __init__(self, text: str, lead: int, schema: TableSchema | None) -> None:
        self.text = text
        self.source = text[lead:]
        self.lead = lead
        self.schema = schema
        self.columns: set[str] = set()
        self.has_unknown_dtypes = False
        self.starts = line_starts(self.source)

    # -- positions and errors

    def index(self, lineno: int, col_offset: int) -> int:
        """0-based character index in `text` of an ast (line, utf-8 byte offset) position."""
        line = min(max(lineno, 1), len(self.starts)) - 1
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.source)
        prefix = self.source[start:end].encode("utf-8", "surrogatepass")[:col_offset]
        return self.lead + start + len(prefix.decode("utf-8", "ignore"))

    def position(self, node: ast.AST) -> int:
        return self.index(getattr(node, "lineno", 1), getattr(node, "col_offset", 0)) + 1

    def end_index(self, node: ast.AST) -> int:
        lineno = getattr(node, "end_lineno", None) or getattr(node, "lineno", 1)
        return self.index(
            lineno if isinstance(lineno, int) else 1, getattr(node, "end_col_offset", 0)
        )

    def operator_position(self, left: ast.AST, right: ast.AST, symbol: str) -> int:
        start = self.end_index(left)
        end = self.index(getattr(right, "lineno", 1), getattr(right, "col_offset", 0))
        found = self.text.find(symbol, start, max(end, start))
        return (found if found >= 0 else start) + 1

    def segment(self, node: ast.AST) -> str:
        return (ast.get_source_segment(self.source, node) or "").strip()

    def fail(self, message: str, position: int | None, construct: str, hint: str = "") -> NoReturn:
        raise ExpressionError(
            f"{message}{located_at(position, self.text)}", position, construct, hint
        )

    def refuse(self, construct: str, position: int, hint: str) -> NoReturn:
        self.fail(f"{construct} is not allowed", position, construct, hint)

    # -- dispatch

    def visit(self, node: ast.AST) -> Typed:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return check_arith.binary(self, node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not | ast.Invert):
                return check_logic.negation(self, node)
            return check_arith.unary(self, node)
        if isinstance(node, ast.BoolOp):
            return check_logic.boolean(self, node)
        if isinstance(node, ast.Compare):
            return check_compare.compare(self, node)
        if isinstance(node, ast.Call):
            return check_calls.call(self, node)
        construct, hint = REFUSED.get(type(node), UNKNOWN_CONSTRUCT)
        position = self.position(node)
        if isinstance(node, ast.Attribute | ast.Subscript):
            position = self.end_index(node.value) + 1  # the '.' or the '['
        self.refuse(construct, position, hint)

    # -- leaves

    def constant(self, node: ast.Constant) -> Typed:
        value, position, text = node.value, self.position(node), self.segment(node)
        if value is None:
            return Typed(Dtype.UNKNOWN, constant_runner(None), position, text, True, None, True)
        if isinstance(value, bool):
            return constant(value, Dtype.BOOLEAN, position, text)
        if isinstance(value, int):
            if not INT64_MIN <= value <= INT64_MAX:
                self.fail(
                    "the integer is too large for 64 bits",
                    position,
                    "integer literal",
                    "write it as a float, e.g. 1e20",
                )
            return constant(value, Dtype.INTEGER, position, text)
        if isinstance(value, float):
            return constant(value, Dtype.FLOAT, position, text)
        if isinstance(value, str):
            return constant(value, Dtype.STRING, position, text)
        kind = {bytes: "text with a b prefix", complex: "a complex number"}.get(
            type(value), "'...'"
        )
        self.refuse(kind, position, 'use numbers, text in quotes ("..."), True, False or None')

    def name(self, node: ast.Name) -> Typed:
        if node.id.startswith("__") and node.id.endswith("__"):
            self.refuse(
                f"the name {node.id!r}",
                self.position(node),
                'names that start and end with __ are reserved; for such a column write col("...")',
            )
        return self.column(node.id, node)

    def column(self, name: str, node: ast.AST) -> Typed:
        position = self.position(node)
        if self.schema is None:
            dtype = Dtype.UNKNOWN
        else:
            found = self.schema.dtype_of(name)
            if found is None:
                raise unknown_column(name, self.schema.names, position, self.text)
            dtype = Dtype.STRING if found is Dtype.CATEGORY else found
        if dtype is Dtype.UNKNOWN:
            self.has_unknown_dtypes = True
        self.columns.add(name)
        return Typed(dtype, read_column(name), position, self.segment(node))
