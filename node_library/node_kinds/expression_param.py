"""The `expression` param of the transforms that evaluate one (filter rows, computed column):
its checks before a run, and its compilation over the real frame with errors as NodeErrors."""

from __future__ import annotations

import pandas as pd

from node_library.contract import Issue, NodeError, error
from node_library.expressions import (
    CompiledExpression,
    ExpressionError,
    compile_expression,
    expression_issues,
)
from node_library.schema import Dtype, TableSchema, schema_of_frame


def expression_param_issues(
    expression: str,
    schema: TableSchema | None,
    *,
    missing: tuple[str, str],
    expect: Dtype | None = None,
) -> list[Issue]:
    """Issues of the `expression` param; `missing` is the (message, hint) when it is blank."""
    if not expression.strip():
        message, hint = missing
        return [error("missing_expression", message, hint, param="expression")]
    return expression_issues(expression, schema, param="expression", expect=expect)


def compile_for_frame(expression: str, frame: pd.DataFrame, *, hint: str) -> CompiledExpression:
    """`expression` compiled over `frame`; `hint` is the fix shown when the error has none."""
    try:
        return compile_expression(expression, schema_of_frame(frame))
    except ExpressionError as exc:
        raise NodeError(
            error("invalid_expression", exc.message, exc.hint or hint, param="expression")
        ) from exc
