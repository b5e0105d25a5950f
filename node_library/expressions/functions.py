"""The function table of the language (`FUNCTIONS`): each function's spec, as the canvas shows it
in autocomplete, and its rule, which checks the arguments' dtypes and builds the vectorized runner.

A call can only reach the functions registered here; each takes and gives whole columns.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from node_library.expressions.call_site import CallSite, apply, expect
from node_library.expressions.check_compare import as_date, comparable
from node_library.expressions.check_logic import require_condition
from node_library.expressions.errors import shown
from node_library.expressions.typed import NUMBERS, Typed, constant
from node_library.expressions.values import (
    Value,
    align_tz,
    as_bool,
    as_float,
    as_integer,
    broadcast,
    conform,
)
from node_library.schema import Dtype

if TYPE_CHECKING:
    from node_library.expressions.checker import Checker


@dataclass(frozen=True)
class FunctionSpec:
    """One function of the language, as the canvas shows it in autocomplete."""

    name: str
    signature: str
    doc: str  # one line
    category: str  # "missing values", "text", "dates", "math", "logic", "columns"
    params: tuple[str, ...]
    required: int  # how many leading params must be given
    keywords: tuple[str, ...] = ()  # params that may also be passed by name
    literals: tuple[str, ...] = ()  # params that take a literal, not a column or expression


Rule: TypeAlias = Callable[["Checker", CallSite], Typed]
RULES: dict[str, Rule] = {}
_SPECS: list[FunctionSpec] = []
# (function, literal param) -> (Python type, None allowed)
LITERAL_KINDS: dict[tuple[str, str], tuple[type, bool]] = {}


def _function(
    signature: str,
    doc: str,
    category: str,
    *,
    required: int | None = None,
    keywords: tuple[str, ...] = (),
    literals: dict[str, tuple[type, bool]] | None = None,
) -> Callable[[Rule], Rule]:
    name, _, rest = signature.partition("(")
    params = tuple(p.split("=")[0].strip() for p in rest.rstrip(")").split(",") if p.strip())
    spec = FunctionSpec(
        name=name,
        signature=signature,
        doc=doc,
        category=category,
        params=params,
        required=len(params) if required is None else required,
        keywords=keywords,
        literals=tuple(literals or ()),
    )

    def register(rule: Rule) -> Rule:
        _SPECS.append(spec)
        RULES[name] = rule
        for param, kind in (literals or {}).items():
            LITERAL_KINDS[(name, param)] = kind
        return rule

    return register


@_function("is_null(x)", "True where x is missing (None, NaN or NaT).", "missing values")
def _is_null(checker: Checker, site: CallSite) -> Typed:
    return apply(checker, site, Dtype.BOOLEAN, lambda x: x.isna(), [site.args["x"]])


@_function("not_null(x)", "True where x is present (not None, NaN or NaT).", "missing values")
def _not_null(checker: Checker, site: CallSite) -> Typed:
    return apply(checker, site, Dtype.BOOLEAN, lambda x: x.notna(), [site.args["x"]])


def _text_rule(method: str) -> Rule:
    def rule(checker: Checker, site: CallSite) -> Typed:
        s = expect(checker, site, "s", [Dtype.STRING], "text")
        return apply(checker, site, Dtype.STRING, lambda x: getattr(x.str, method)(), [s])

    return rule


_function("lower(s)", "The text in lower case.", "text")(_text_rule("lower"))
_function("upper(s)", "The text in upper case.", "text")(_text_rule("upper"))
_function("strip(s)", "The text without leading and trailing whitespace.", "text")(
    _text_rule("strip")
)


def _search_rule(method: str, param: str) -> Rule:
    def rule(checker: Checker, site: CallSite) -> Typed:
        s = expect(checker, site, "s", [Dtype.STRING], "text")
        needle = site.literals[param]
        if method == "contains":

            def search(x: Value) -> Value:
                return as_bool(x.str.contains(needle, regex=False, na=False))

        else:

            def search(x: Value) -> Value:
                return as_bool(getattr(x.str, method)(needle, na=False))

        return apply(checker, site, Dtype.BOOLEAN, search, [s])

    return rule


_function(
    "contains(s, sub)",
    "True where the text contains sub (a literal, case-sensitive, not a pattern).",
    "text",
    literals={"sub": (str, False)},
)(_search_rule("contains", "sub"))
_function(
    "startswith(s, prefix)",
    "True where the text starts with prefix (a literal).",
    "text",
    literals={"prefix": (str, False)},
)(_search_rule("startswith", "prefix"))
_function(
    "endswith(s, suffix)",
    "True where the text ends with suffix (a literal).",
    "text",
    literals={"suffix": (str, False)},
)(_search_rule("endswith", "suffix"))


@_function("len(s)", "The number of characters in the text.", "text")
def _len(checker: Checker, site: CallSite) -> Typed:
    s = expect(checker, site, "s", [Dtype.STRING], "text")
    return apply(checker, site, Dtype.INTEGER, lambda x: as_integer(x.str.len()), [s])


def _date_part_rule(attribute: str) -> Rule:
    def rule(checker: Checker, site: CallSite) -> Typed:
        d = site.args["d"]
        hint = f"parse text into dates first: {site.spec.name}(to_date({shown(d.text)}))"
        if d.dtype is not Dtype.STRING:
            hint = f"usage: {site.spec.signature}"
        expect(checker, site, "d", [Dtype.DATETIME], "a date", hint)
        return apply(
            checker, site, Dtype.INTEGER, lambda x: as_integer(getattr(x.dt, attribute)), [d]
        )

    return rule


for _name, _attribute, _doc in (
    ("year", "year", "The year of the date, e.g. 2024."),
    ("month", "month", "The month of the date, 1 to 12."),
    ("day", "day", "The day of the month, 1 to 31."),
    ("hour", "hour", "The hour of the time, 0 to 23."),
    ("minute", "minute", "The minute of the time, 0 to 59."),
    ("weekday", "day_of_week", "The day of the week, Monday=0 to Sunday=6."),
    ("dayofyear", "day_of_year", "The day of the year, 1 to 366."),
    ("quarter", "quarter", "The quarter of the year, 1 to 4."),
):
    _function(f"{_name}(d)", _doc, "dates")(_date_part_rule(_attribute))


@_function(
    "to_date(s, format=None)",
    'Text parsed into dates; unparseable text becomes missing. format like "%d/%m/%Y".',
    "dates",
    required=1,
    keywords=("format",),
    literals={"format": (str, True)},
)
def _to_date(checker: Checker, site: CallSite) -> Typed:
    s = expect(checker, site, "s", [Dtype.STRING, Dtype.DATETIME], "text")
    date_format = site.literals.get("format")

    def parse(x: Value) -> Value:
        if pdt.is_datetime64_any_dtype(x.dtype):
            return x
        with warnings.catch_warnings():
            # pandas warns when it falls back to parsing element by element; that is intended.
            warnings.simplefilter("ignore", UserWarning)
            dates: Any = pd.to_datetime(x, errors="coerce", format=date_format)
            if date_format is None and dates.isna().sum() > x.isna().sum():
                dates = pd.to_datetime(x, errors="coerce", format="mixed")
        return dates

    return apply(checker, site, Dtype.DATETIME, parse, [s])


def _numeric_rule(function: Callable[[Value], Value], keep_dtype: bool) -> Rule:
    def rule(checker: Checker, site: CallSite) -> Typed:
        x = expect(checker, site, "x", NUMBERS, "a number")
        dtype = x.dtype if keep_dtype else Dtype.FLOAT
        return apply(checker, site, dtype, function, [x])

    return rule


_function("abs(x)", "The absolute value of x.", "math")(_numeric_rule(lambda x: x.abs(), True))
_function(
    "float(x)",
    "x as a floating-point number, e.g. to compute beyond the 64-bit integer range.",
    "math",
)(_numeric_rule(as_float, False))
_function("log(x)", "The natural logarithm of x (NaN for x < 0, -inf for 0).", "math")(
    _numeric_rule(np.log, False)
)
_function("exp(x)", "e raised to the power x.", "math")(_numeric_rule(np.exp, False))
_function("sqrt(x)", "The square root of x (NaN for x < 0).", "math")(_numeric_rule(np.sqrt, False))


@_function(
    "round(x, ndigits=0)",
    "x rounded to ndigits decimals (halves to even); negative ndigits round to tens, hundreds...",
    "math",
    required=1,
    keywords=("ndigits",),
    literals={"ndigits": (int, False)},
)
def _round(checker: Checker, site: CallSite) -> Typed:
    x = expect(checker, site, "x", NUMBERS, "a number")
    ndigits = site.literals.get("ndigits", 0)
    if not -18 <= ndigits <= 18:
        checker.fail(
            "round() takes ndigits between -18 and 18",
            site.position,
            "argument 'ndigits' of round()",
            "usage: round(x, ndigits=0)",
        )
    return apply(checker, site, x.dtype, lambda v: v.round(ndigits), [x])


@_function("clip(x, lo, hi)", "x limited to the range lo..hi; None for no bound.", "math")
def _clip(checker: Checker, site: CallSite) -> Typed:
    x = expect(checker, site, "x", NUMBERS, "a number")
    bounds = [site.args["lo"], site.args["hi"]]
    for param, bound in zip(("lo", "hi"), bounds, strict=True):
        if not bound.is_null:
            expect(checker, site, param, NUMBERS, "a number or None")
    kinds = {x.dtype, *(b.dtype for b in bounds if not b.is_null)}
    if Dtype.UNKNOWN in kinds:
        dtype = Dtype.UNKNOWN
    else:
        dtype = Dtype.FLOAT if Dtype.FLOAT in kinds else Dtype.INTEGER

    def clip(value: Value, lo: Value, hi: Value) -> Value:
        if dtype is Dtype.FLOAT:
            value, lo, hi = as_float(value), as_float(lo), as_float(hi)
        if not isinstance(lo, pd.Series) and not isinstance(hi, pd.Series):
            return conform(value.clip(lower=lo, upper=hi), dtype)
        # Series.clip fills missing bounds of nullable integers with -inf and fails; a missing
        # bound means "no bound" here, as it does for Series.clip on numpy dtypes.
        for bound, beyond in ((lo, operator.lt), (hi, operator.gt)):
            if bound is not None:
                value = value.mask(as_bool(beyond(value, bound)), bound)
        return conform(value, dtype)

    return apply(checker, site, dtype, clip, [x, *bounds])


@_function("between(x, lo, hi)", "True where lo <= x <= hi (both ends included).", "logic")
def _between(checker: Checker, site: CallSite) -> Typed:
    x = site.args["x"]
    bounds = []
    for param in ("lo", "hi"):
        bound = site.args[param]
        if x.is_null or bound.is_null:
            checker.fail(
                "between() needs values, not None",
                (x if x.is_null else bound).position,
                f"argument {param!r} of between()",
                "test for missing values with is_null(x)",
            )
        bounds.append(
            comparable(
                checker,
                x,
                bound,
                "compare {} with {}",
                bound.position,
                f"argument {param!r} of between()",
            )[1]
        )
    return apply(
        checker,
        site,
        Dtype.BOOLEAN,
        lambda v, lo, hi: as_bool(v.between(align_tz(lo, v), align_tz(hi, v))),
        [x, *bounds],
    )


@_function(
    "if_else(cond, a, b)", "a where cond is True, else b (a missing cond counts as False).", "logic"
)
def _if_else(checker: Checker, site: CallSite) -> Typed:
    cond, a, b = site.args["cond"], site.args["a"], site.args["b"]
    require_condition(checker, "if_else", cond)
    if a.is_null and b.is_null:
        checker.fail(
            "both branches of if_else() are None",
            site.position,
            "function 'if_else'",
            "give at least one branch a value",
        )
    if a.dtype is Dtype.DATETIME and b.dtype is Dtype.STRING and b.is_constant:
        b = as_date(checker, b)
    elif b.dtype is Dtype.DATETIME and a.dtype is Dtype.STRING and a.is_constant:
        a = as_date(checker, a)
    kinds = {t.dtype for t in (a, b) if not t.is_null}
    if len(kinds) == 1:
        dtype = kinds.pop()
    elif Dtype.UNKNOWN in kinds:
        dtype = Dtype.UNKNOWN
    elif kinds == set(NUMBERS):
        dtype = Dtype.FLOAT
    else:
        checker.fail(
            f"the branches of if_else() have different types: {a.described()}, {b.described()}",
            b.position,
            "function 'if_else'",
            "give both branches the same type (numbers may mix integers and floats)",
        )
    if cond.is_constant:  # the branch is known now
        chosen = a if as_bool(cond.value) else b
        if chosen.is_null:
            checker.fail(
                f"`{shown(site.text)}` is missing (None) for every row",
                site.position,
                "function 'if_else'",
                "use a condition that depends on a column",
            )
        run_chosen = chosen.run
        value = chosen.value
        if chosen.is_constant:
            if dtype is Dtype.FLOAT:
                value = float(value)
            return constant(value, dtype, site.position, site.text)
        return Typed(
            dtype, lambda frame: conform(run_chosen(frame), dtype), site.position, site.text
        )

    def choose(condition: Value, first: Value, second: Value) -> Value:
        condition = as_bool(condition)
        first, second = align_tz(first, second), align_tz(second, first)
        if not isinstance(first, pd.Series):
            first = broadcast(first, dtype, condition.index)
        if dtype is Dtype.FLOAT:  # nullable Int64 refuses float values in `where`
            first, second = as_float(first), as_float(second)
        return conform(first.where(condition, second), dtype)

    return apply(checker, site, dtype, choose, [cond, a, b])


@_function(
    "col(name)",
    'The column called name, for names that are not identifiers, e.g. col("Unit Price").',
    "columns",
    literals={"name": (str, False)},
)
def _col(checker: Checker, site: CallSite) -> Typed:
    return checker.column(site.literals["name"], site.node)


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec for spec in sorted(_SPECS, key=lambda s: s.name)
}
