"""A call of a function of the language with its arguments checked (`CallSite`), and what the
function rules use on it: `expect` checks an argument's dtype, `apply` builds the runner (or folds
a call of constants into one)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from node_library.expressions.errors import ExpressionError, shown
from node_library.expressions.typed import Typed, constant, with_article
from node_library.expressions.values import Value, broadcast, is_missing, python_scalar
from node_library.schema import Dtype

if TYPE_CHECKING:
    from node_library.expressions.checker import Checker
    from node_library.expressions.functions import FunctionSpec


@dataclass
class CallSite:
    spec: FunctionSpec
    node: ast.Call
    position: int
    text: str
    args: dict[str, Typed]
    literals: dict[str, Any]


def expect(
    checker: Checker,
    site: CallSite,
    param: str,
    allowed: Iterable[Dtype],
    what: str,
    hint: str = "",
) -> Typed:
    argument = site.args[param]
    allowed = (*allowed, Dtype.UNKNOWN)
    if argument.is_null or argument.dtype not in allowed:
        kind = "None" if argument.is_null else with_article(argument.dtype)
        quoted = shown(argument.text)
        checker.fail(
            f"{site.spec.name}() needs {what} for {param!r}, but `{quoted}` is {kind}",
            argument.position,
            f"argument {param!r} of {site.spec.name}()",
            hint or f"usage: {site.spec.signature}",
        )
    return argument


def apply(
    checker: Checker,
    site: CallSite,
    dtype: Dtype,
    function: Callable[..., Value],
    args: list[Typed],
) -> Typed:
    """A call of `function` on the runtime values of args (the first one as a Series)."""
    if all(a.is_constant for a in args):
        return _fold(checker, site, dtype, function, args)
    runs = [a.run for a in args]
    first_dtype = args[0].dtype

    def run(frame: pd.DataFrame) -> Value:
        values = [r(frame) for r in runs]
        if not isinstance(values[0], pd.Series):
            index = next(v.index for v in values if isinstance(v, pd.Series))
            values[0] = broadcast(values[0], first_dtype, index)
        return function(*values)

    return Typed(dtype, run, site.position, site.text)


def _fold(
    checker: Checker,
    site: CallSite,
    dtype: Dtype,
    function: Callable[..., Value],
    args: list[Typed],
) -> Typed:
    """Compute a call of constants once, with the same code that runs on columns."""
    first = broadcast(args[0].value, args[0].dtype, pd.RangeIndex(1))
    try:
        with np.errstate(all="ignore"):
            result = function(first, *(a.value for a in args[1:]))
    except ExpressionError:
        raise
    except Exception as exc:  # pandas raises many types; report it at the call
        checker.fail(
            f"{site.spec.name}() failed: {shown(str(exc))}",
            site.position,
            f"function '{site.spec.name}'",
        )
    value = python_scalar(result.iloc[0] if isinstance(result, pd.Series) else result)
    if is_missing(value):
        checker.fail(
            f"`{shown(site.text)}` is missing (null) for every row",
            site.position,
            f"function '{site.spec.name}'",
            "check the literal arguments",
        )
    return constant(value, dtype, site.position, site.text)
