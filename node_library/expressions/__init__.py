"""The safe expression language of filter rows and computed columns.

This package owns parsing, checking and vectorized evaluation of user expressions. User text is
parsed with `ast.parse(mode="eval")`, walked over an allowlist of node kinds, type-checked against
the upstream `TableSchema`, and compiled into closures over vectorized pandas/numpy operations (no
row-wise Python). Beyond `ast.parse`, which only builds a syntax tree, user text never reaches
`eval`, `exec`, `compile`, `DataFrame.query` or `DataFrame.eval`, and nothing in it can name a
Python object: names are columns, calls go to the fixed table `FUNCTIONS`.

The language as users write it (examples, types, missing values, overflow, functions, what is
refused, limits) is described in docs/expression-language.md.

Where things are: `parse` reads text into a syntax tree within the size limits; `checker` walks
the tree and hands each family of expressions to `check_arith`, `check_logic`, `check_compare` or
`check_calls`; `functions` is the function table; `compiled` holds `CompiledExpression` and the
entry points; `syntax` is the editor's reference. `errors`, `values`, `typed`, `grammar` and
`columns` hold what these share.
"""

from node_library.expressions import grammar
from node_library.expressions.columns import column_reference
from node_library.expressions.compiled import (
    CompiledExpression,
    compile_expression,
    expression_issues,
)
from node_library.expressions.errors import ExpressionError
from node_library.expressions.functions import FUNCTIONS, FunctionSpec
from node_library.expressions.parse import MAX_DEPTH, MAX_LENGTH, MAX_NESTING, MAX_NODES
from node_library.expressions.syntax import RESERVED_WORDS, SYNTAX, SyntaxSpec

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NESTING",
    "MAX_NODES",
    "RESERVED_WORDS",
    "SYNTAX",
    "CompiledExpression",
    "ExpressionError",
    "FunctionSpec",
    "SyntaxSpec",
    "column_reference",
    "compile_expression",
    "expression_issues",
]

# Read by the language reference test, which checks that every operator the checker computes with
# is documented in SYNTAX.
_ARITHMETIC = grammar.ARITHMETIC
_BITWISE = grammar.BITWISE
_COMPARISONS = grammar.COMPARISONS
