"""Compiling expression text into a `CompiledExpression` (parsed, checked against a schema, ready
to evaluate on frames), and the problems of an expression as Issues for the canvas."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from node_library.checks import missing_column
from node_library.contract import Issue, error
from node_library.expressions.checker import Checker
from node_library.expressions.columns import unknown_column
from node_library.expressions.errors import ExpressionError, located_at
from node_library.expressions.parse import parse
from node_library.expressions.typed import with_article
from node_library.expressions.values import Runner, finish
from node_library.schema import Dtype, TableSchema, schema_of_frame


@dataclass(frozen=True)
class CompiledExpression:
    """A checked expression, ready to evaluate on frames with the schema it was checked against."""

    text: str
    dtype: Dtype
    columns: frozenset[str]
    _run: Runner = field(repr=False, compare=False)
    # True when a referenced column had no known dtype: evaluate() checks again on the real frame.
    _recheck: bool = field(default=False, repr=False, compare=False)

    def evaluate(self, frame: pd.DataFrame) -> pd.Series[Any]:
        """The value for every row of `frame`, as a Series with `frame.index`."""
        if self._recheck:
            return _compile(self.text, schema_of_frame(frame), recheck=False).evaluate(frame)
        for name in sorted(self.columns):
            if name not in frame.columns:
                raise unknown_column(name, [str(c) for c in frame.columns], None)
        try:
            with np.errstate(all="ignore"):
                value = self._run(frame)
                return finish(value, self.dtype, frame.index)
        except ExpressionError:
            raise
        except Exception as exc:  # pandas raises many types; the user gets one clear error
            raise ExpressionError(
                f"could not evaluate the expression: {exc}",
                None,
                "evaluation",
                "check that the columns hold the types the expression expects",
            ) from exc


def compile_expression(text: str, schema: TableSchema | None) -> CompiledExpression:
    """Parse and check `text` against `schema` (None: not known yet). Raises ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError(
            f"an expression must be text, not {_kind_of(text)}",
            None,
            "input",
            'write the expression as text, e.g. "price > 10"',
        )
    return _compile(text, schema, recheck=True)


def expression_issues(
    text: str, schema: TableSchema | None, *, param: str, expect: Dtype | None = None
) -> list[Issue]:
    """The problems of `text` as Issues for the canvas; empty when it is fine. Never raises."""
    try:
        compiled = compile_expression(text, schema)
    except ExpressionError as exc:
        if exc.unknown_column is not None and schema is not None:
            issue = missing_column(exc.unknown_column, schema, param=param)
            if exc.position is not None:
                issue = issue.model_copy(
                    update={"message": f"{issue.message}{located_at(exc.position, text)}"}
                )
            return [issue]
        return [error("invalid_expression", exc.message, exc.hint, param=param)]
    except Exception as exc:  # a bug here must not break validation of the whole workflow
        return [
            error(
                "invalid_expression",
                f"the expression could not be checked: {exc}",
                "simplify the expression",
                param=param,
            )
        ]
    if expect is None or compiled.dtype in (expect, Dtype.UNKNOWN):
        return []
    if expect is Dtype.FLOAT and compiled.dtype is Dtype.INTEGER:
        return []
    if expect is Dtype.BOOLEAN:
        return [
            error(
                "expression_not_boolean",
                f"the expression gives {with_article(compiled.dtype)} value, "
                "not a condition (True/False)",
                "compare it with something, e.g. `price > 10`, or test `not_null(price)`",
                param=param,
            )
        ]
    return [
        error(
            "expression_wrong_dtype",
            f"the expression gives {with_article(compiled.dtype)} value; "
            f"{with_article(expect)} value is needed",
            f"change the expression so that it gives {with_article(expect)} value",
            param=param,
        )
    ]


@functools.lru_cache(maxsize=512)
def _compile(text: str, schema: TableSchema | None, *, recheck: bool) -> CompiledExpression:
    try:
        tree, lead = parse(text)
        checker = Checker(text, lead, schema)
        result = checker.visit(tree.body)
    except ExpressionError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise ExpressionError(
            "the expression is too complex to check",
            None,
            "complexity",
            "split it into several computed columns",
        ) from exc
    except Exception as exc:  # a checker bug must still come out as an ExpressionError
        raise ExpressionError(
            f"the expression could not be checked ({exc})",
            None,
            "internal error",
            "simplify the expression, and report this as a bug",
        ) from exc
    if result.is_null:
        raise ExpressionError(
            "the expression is always None", 1, "None", "write an expression that uses a column"
        )
    return CompiledExpression(
        text=text,
        dtype=result.dtype,
        columns=frozenset(checker.columns),
        _run=result.run,
        _recheck=recheck and checker.has_unknown_dtypes,
    )


def _kind_of(value: object) -> str:
    """What a value that is not text is, in the words of the canvas (not Python's type names)."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "True or False"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "another kind of value"
