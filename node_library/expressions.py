"""The safe expression language of filter rows and computed columns.

This module owns parsing, checking and vectorized evaluation of user expressions. User text is
parsed with `ast.parse(mode="eval")`, walked over an allowlist of node kinds, type-checked against
the upstream `TableSchema`, and compiled into closures over vectorized pandas/numpy operations (no
row-wise Python). Beyond `ast.parse`, which only builds a syntax tree, user text never reaches
`eval`, `exec`, `compile`, `DataFrame.query` or `DataFrame.eval`, and nothing in it can name a
Python object: names are columns, calls go to the fixed table `FUNCTIONS`.

The language, by example::

    price > 10                                   columns are bare identifiers
    col("Unit Price") * units                    col("...") for names that are not identifiers
    region == "north" and not is_null(units)     and / or / not on conditions
    (price > 10) & (units < 3) | flag            & | ^ ~ also combine conditions (mind the brackets)
    0 < discount <= 0.5                          chained comparisons
    region in ["north", "east"]                  in / not in take a list or tuple of literals
    email is not None                            is None / is not None test for missing values
    units * price * (1 - discount)               + - * / // % ** and unary minus on numbers
    first_name + " " + last_name                 + also joins strings
    if_else(units > 0, price / units, None)      None in a branch gives a missing value
    year(to_date(order_date)) >= 2020            text parsed to dates, then date parts
    signup > "2024-01-01"                        a text literal compared with a date is a date
    contains(lower(name), "ltd")                 string functions (literal search text)

Literals: integers (64-bit), floats, strings, True, False, None. Lists and tuples of literals are
allowed only on the right of `in` / `not in`.

Types. Every sub-expression has a logical dtype (node_library.schema.Dtype). Comparisons and
and/or/not give BOOLEAN; integer op integer gives INTEGER, except `/` (FLOAT) and `**` with an
exponent that is not a constant non-negative integer (FLOAT); anything with a FLOAT gives FLOAT.
Comparing a string with a number, arithmetic on booleans or dates, and non-boolean operands of
and/or/not/&/|/^/~ are type errors. CATEGORY columns behave as STRING columns (their values are read
as text). The inferred dtype is the logical dtype of what `evaluate` returns.

Missing values follow pandas with SQL's WHERE in mind: a comparison involving a missing value is
False (also for `!=`), `not_null`/`is not None` test for them, and a missing condition counts as
False wherever a condition is used (and, or, not, if_else). So `not (price > 10)` keeps rows where
price is missing; write `price <= 10` to drop them. Integer results with missing values (date
parts of NaT, len of a missing text, `//` and `%` by zero, if_else with None) come back as pandas'
nullable Int64, never as floats.

Integer overflow is an error, never a wrapped value: + - * and ** (by a whole constant) and unary
minus on integers check the range their operands' minimum and maximum imply, and when it leaves
64 bits, report the rows whose result does (float(x) computes beyond that range instead).

Names are read as written: a character that Python's NFKC normalization of identifiers would
replace (a fullwidth u U+FF55, the ligature fi U+FB01) is refused with its code point, not
folded onto another column.

Constants are computed while checking (so their errors come with a position): a power of two
constants only when the exponent's absolute value is at most 64 (so `9**9**9` is refused, never
computed); integer results must fit in 64 bits; a constant division by zero is an error, while
division by a zero in a column follows pandas (inf or NaN). to_date infers the format from the
first value and falls back to parsing each value on its own when that leaves values unparsed.

Functions (see FUNCTIONS for the one-line docs shown in the canvas): is_null, not_null, lower,
upper, strip, contains, startswith, endswith, len, year, month, day, hour, minute, weekday,
dayofyear, quarter, abs, round, log, exp, sqrt, float, clip, between, if_else, col, to_date.
Arity and argument dtypes are checked; the only keyword arguments are `round(x, ndigits=...)` and
`to_date(s, format=...)`.

Refused, each with an ExpressionError naming the construct and its position: attribute access,
subscripts, calls of anything not in FUNCTIONS (with a did-you-mean), lambda, comprehensions, `:=`,
f-strings, `*`/`**` unpacking, dicts, sets, `a if c else b`, `@`, `<<`, `>>`, names with double
underscores, bytes and complex literals.

Limits, checked before parsing: at most 2000 characters and bracket nesting of at most 50; after
parsing, at most 500 syntax nodes and an expression tree at most 100 levels deep. Positions are
1-based character offsets into the text (the column, for one-line expressions); messages about
multi-line text say "line L, column C".

When the schema is None (not known before a run), every column name is accepted with dtype UNKNOWN
and type checks involving it are lenient; `evaluate` then checks the expression again against the
real frame, so an unknown column or a type error still comes back as an ExpressionError.
"""

from __future__ import annotations

import ast
import bisect
import functools
import io
import keyword
import math
import operator
import re
import tokenize
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeAlias

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from node_library.checks import did_you_mean, missing_column
from node_library.contract import Issue, error
from node_library.schema import Dtype, TableSchema, dtype_of_pandas, schema_of_frame

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

MAX_LENGTH = 2000
MAX_NESTING = 50
MAX_NODES = 500
# Tree depth (a chain like a + b + c + ... nests to the left). Keeps the recursive checker and the
# compiled closures far below Python's recursion limit.
MAX_DEPTH = 100
MAX_CONSTANT_EXPONENT = 64
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# A runtime value: a pandas Series aligned with the frame, or a Python/pandas scalar (constants).
Value: TypeAlias = Any
Runner: TypeAlias = Callable[[pd.DataFrame], Value]


class ExpressionError(ValueError):
    """A problem with an expression: what (message, with its location), where, and how to fix it.

    `position` is the 1-based character offset in the text (the column for one-line text), None
    when the problem is not at one place. `construct` names what was refused or mistyped, e.g.
    "attribute access", "function '__import__'", "operator '@'", "column 'pricee'".
    `unknown_column` is set when the problem is a column missing from the input.
    """

    def __init__(
        self,
        message: str,
        position: int | None = None,
        construct: str = "",
        hint: str = "",
        *,
        unknown_column: str | None = None,
    ) -> None:
        self.message = message
        self.position = position
        self.construct = construct
        self.hint = hint
        self.unknown_column = unknown_column
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message}: {self.hint}" if self.hint else self.message


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
                raise _unknown_column(name, [str(c) for c in frame.columns], None)
        try:
            with np.errstate(all="ignore"):
                value = self._run(frame)
                return _finish(value, self.dtype, frame.index)
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
            f"an expression must be text, not {type(text).__name__}", None, "input"
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
                    update={"message": f"{issue.message}{_at(exc.position, text)}"}
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
                f"the expression gives {_a(compiled.dtype)} value, not a condition (True/False)",
                "compare it with something, e.g. `price > 10`, or test `not_null(price)`",
                param=param,
            )
        ]
    return [
        error(
            "expression_wrong_dtype",
            f"the expression gives {_a(compiled.dtype)} value; {_a(expect)} value is needed",
            f"change the expression so that it gives {_a(expect)} value",
            param=param,
        )
    ]


# -- helpers on values ------------------------------------------------------------------------

_ARTICLES = {
    Dtype.INTEGER: "an integer",
    Dtype.FLOAT: "a float",
    Dtype.BOOLEAN: "a boolean",
    Dtype.STRING: "a string",
    Dtype.DATETIME: "a datetime",
    Dtype.CATEGORY: "a category",
    Dtype.UNKNOWN: "an unknown",
}
_NUMBERS = (Dtype.INTEGER, Dtype.FLOAT)


def _a(dtype: Dtype) -> str:
    return _ARTICLES[dtype]


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _python_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _broadcast(value: Any, dtype: Dtype, index: pd.Index[Any]) -> pd.Series[Any]:
    """A constant as a Series over `index`, with the pandas dtype of its logical dtype."""
    missing = _is_missing(value)
    if dtype is Dtype.INTEGER:
        return pd.Series(
            pd.NA if missing else value, index=index, dtype="Int64" if missing else "int64"
        )
    if dtype is Dtype.FLOAT:
        return pd.Series(np.nan if missing else value, index=index, dtype="float64")
    if dtype is Dtype.BOOLEAN:
        return pd.Series(
            pd.NA if missing else value, index=index, dtype="boolean" if missing else "bool"
        )
    if dtype is Dtype.STRING:
        return pd.Series(None if missing else value, index=index, dtype="str")
    if dtype is Dtype.DATETIME:
        stamp = pd.NaT if missing else pd.Timestamp(value)
        series = pd.Series(stamp, index=index)
        return (
            series if pdt.is_datetime64_any_dtype(series.dtype) else series.astype("datetime64[ns]")
        )
    return pd.Series(value, index=index)


def _as_bool(value: Value) -> Value:
    """A condition with missing values counted as False, as a numpy-bool Series (or a bool)."""
    if isinstance(value, pd.Series):
        if value.dtype == bool:
            return value
        return pd.Series(value.to_numpy(dtype=bool, na_value=False), index=value.index)
    return False if _is_missing(value) else bool(value)


def _as_integer(series: pd.Series[Any]) -> pd.Series[Any]:
    """Integer-valued floats (NaN/inf for missing) as nullable Int64."""
    if pdt.is_integer_dtype(series.dtype):
        return series
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    missing = ~np.isfinite(values)
    data = np.where(missing, 0, values).astype("int64")
    return pd.Series(pd.arrays.IntegerArray(data, missing), index=series.index, name=series.name)


def _as_float(value: Value) -> Value:
    if isinstance(value, pd.Series):
        if pdt.is_float_dtype(value.dtype):
            return value
        extension = isinstance(value.dtype, pd.api.extensions.ExtensionDtype)
        return value.astype("Float64" if extension else "float64")
    return value if _is_missing(value) else float(value)


def _align_tz(value: Value, other: Value) -> Value:
    """A naive date constant next to a time-zone-aware date column, read in that time zone."""
    if (
        isinstance(value, pd.Timestamp)
        and value.tzinfo is None
        and isinstance(other, pd.Series)
        and isinstance(other.dtype, pd.DatetimeTZDtype)
    ):
        return value.tz_localize(other.dtype.tz)
    return value


def _conform(value: Value, dtype: Dtype) -> Value:
    """Make a Series' pandas dtype agree with the logical dtype the checker inferred."""
    if not isinstance(value, pd.Series) or dtype is Dtype.UNKNOWN:
        return value
    actual = dtype_of_pandas(value.dtype)
    if actual is dtype:
        return value
    if dtype is Dtype.INTEGER and actual is Dtype.FLOAT:
        return _as_integer(value)
    if dtype is Dtype.FLOAT and actual is Dtype.INTEGER:
        return _as_float(value)
    if dtype is Dtype.BOOLEAN:
        return value.astype("boolean")
    if dtype is Dtype.STRING:
        return value.astype("str")
    if dtype is Dtype.DATETIME:
        return pd.to_datetime(value)
    return value


def _finish(value: Value, dtype: Dtype, index: pd.Index[Any]) -> pd.Series[Any]:
    if isinstance(value, pd.Series):
        return _conform(value, dtype)  # type: ignore[no-any-return]  # Value is Any
    return _broadcast(value, dtype, index)


def _read_column(name: str) -> Runner:
    def read(frame: pd.DataFrame) -> Value:
        column = frame[name]
        if isinstance(column, pd.DataFrame):
            raise ExpressionError(
                f"the input has more than one column called {name!r}",
                None,
                f"column {name!r}",
                "rename the duplicate columns before this node",
            )
        if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object:
            return column.astype("str")  # categories and Python objects are read as text
        return column

    return read


def _constant_runner(value: Any) -> Runner:
    return lambda frame: value


def _unknown_column(
    name: str, names: Sequence[str], position: int | None, text: str = ""
) -> ExpressionError:
    suggestion = did_you_mean(name, names)
    if suggestion is not None:
        hint = f"did you mean {_spelled(suggestion)}?"
    elif names:
        shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
        hint = f"the columns are: {shown}"
    else:
        hint = "the input has no columns"
    if name in _LITERAL_SPELLINGS:
        hint = f"write {_LITERAL_SPELLINGS[name]} (capitalized); {hint}"
    elif name in FUNCTIONS:
        hint = f"{name} is a function: call it, e.g. {FUNCTIONS[name].signature}; {hint}"
    return ExpressionError(
        f"unknown column {name!r}{_at(position, text)}",
        position,
        f"column {name!r}",
        hint,
        unknown_column=name,
    )


def _spelled(column: str) -> str:
    """How to write a column in an expression: bare when it is a plain name, else col("...").

    Python reads identifiers in NFKC form (the ligature in "\ufb01eld" reads as "field"), so a name
    that normalization changes is not plain either."""
    plain = (
        column.isidentifier()
        and not keyword.iskeyword(column)
        and unicodedata.normalize("NFKC", column) == column
    )
    if plain and not (column.startswith("__") and column.endswith("__")):
        return column
    return f"col({column!r})"


def _at(position: int | None, text: str = "") -> str:
    """Where a 1-based character offset is, for messages: its line too when text has several."""
    if position is None:
        return ""
    starts = _line_starts(text)
    if len(starts) == 1:
        return f" (at column {position})"
    line = bisect.bisect_right(starts, position - 1)
    return f" (at line {line}, column {position - starts[line - 1]})"


_LITERAL_SPELLINGS = {
    "true": "True",
    "false": "False",
    "null": "None",
    "none": "None",
    "NULL": "None",
    "TRUE": "True",
    "FALSE": "False",
}


# -- the checker --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Typed:
    """One checked sub-expression: its logical dtype and how to compute it."""

    dtype: Dtype
    run: Runner
    position: int
    text: str
    is_constant: bool = False
    value: Any = None
    is_null: bool = False  # the literal None

    def described(self) -> str:
        return f"`{_shown(self.text)}` is {_a(self.dtype)}"


def _shown(text: str) -> str:
    """User text quoted in a message, cut short so that messages stay readable."""
    return text if len(text) <= 40 else text[:37] + "..."


def _constant(value: Any, dtype: Dtype, position: int, text: str) -> _Typed:
    return _Typed(dtype, _constant_runner(value), position, text, True, value)


_REFUSED: dict[type[ast.AST], tuple[str, str]] = {
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

_ARITHMETIC: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.FloorDiv: ("//", operator.floordiv),
    ast.Mod: ("%", operator.mod),
    ast.Pow: ("**", operator.pow),
}
_BITWISE: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.BitAnd: ("&", operator.and_),
    ast.BitOr: ("|", operator.or_),
    ast.BitXor: ("^", operator.xor),
}
_REFUSED_OPERATORS: dict[type[ast.operator], tuple[str, str]] = {
    ast.MatMult: ("@", "matrix multiplication is not supported; multiply numbers with *"),
    ast.LShift: ("<<", "bit shifts are not supported"),
    ast.RShift: (">>", "bit shifts are not supported"),
}
_COMPARISONS: dict[type[ast.cmpop], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
}
# Operator nodes are singletons of the tree, not parts the user wrote: not counted as nodes.
_UNCOUNTED = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


@functools.lru_cache(maxsize=512)
def _compile(text: str, schema: TableSchema | None, *, recheck: bool) -> CompiledExpression:
    try:
        tree, lead = _parse(text)
        checker = _Checker(text, lead, schema)
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
            f"the expression could not be checked ({type(exc).__name__}: {exc})",
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


def _parse(text: str) -> tuple[ast.Expression, int]:
    """Check the size limits, then parse. Returns the tree and the count of leading blanks."""
    _check_nesting(text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            None,
            "length",
            "shorten it, or split it into several computed columns",
        )
    source = text.lstrip()
    lead = len(text) - len(source)
    if not source:
        raise ExpressionError(
            "the expression is empty", None, "empty expression", "write e.g. `price > 10`"
        )
    _check_identifier_characters(text, lead)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(text, lead, exc) from None
    except (ValueError, UnicodeError) as exc:  # e.g. NUL characters, lone surrogates
        raise ExpressionError(
            f"the expression contains characters that are not allowed ({exc})",
            None,
            "characters",
            "remove control characters from the text",
        ) from None
    _check_tree_size(tree)
    return tree, lead


def _check_identifier_characters(text: str, lead: int) -> None:
    """Refuse a name with a character that Python's parser would silently replace.

    Python normalizes identifiers to NFKC, so `units` spelled with a fullwidth u (U+FF55) would
    read the column `units`: a lookalike in a name is an error naming the character, never
    folded quietly.
    Letters that NFKC keeps (é, ß, ü, Greek, CJK) stay allowed. Strings and comments are not
    names, so col("...") still reads a column whose name really has such a character.
    """
    if text.isascii():
        return
    starts = _line_starts(text[lead:])
    try:
        for token in tokenize.generate_tokens(io.StringIO(text[lead:]).readline):
            if token.type != tokenize.NAME or token.string.isascii():
                continue
            for offset, char in enumerate(token.string):
                if char.isascii() or unicodedata.normalize("NFKC", char) == char:
                    continue
                row, col = token.start
                position = lead + starts[min(row, len(starts)) - 1] + col + offset + 1
                folded = unicodedata.normalize("NFKC", char)
                name = unicodedata.name(char, f"U+{ord(char):04X}")
                raise ExpressionError(
                    f"the name {token.string!r} has the character {char!r} "
                    f"(U+{ord(char):04X} {name}), which Python reads as {folded!r}"
                    f"{_at(position, text)}",
                    position,
                    f"character U+{ord(char):04X}",
                    f"type {folded!r} instead, or write col({token.string!r}) if the column's "
                    "name really has this character",
                )
    except (tokenize.TokenError, SyntaxError):
        return  # ast.parse reports the syntax error itself


def _check_nesting(text: str) -> None:
    """Refuse brackets nested deeper than MAX_NESTING, skipping strings and comments.

    Only the first MAX_LENGTH + 1 characters are scanned: longer text is refused for its length.
    """
    if sum(text.count(b, 0, MAX_LENGTH + 1) for b in "([{") <= MAX_NESTING:
        return
    depth, i, end = 0, 0, min(len(text), MAX_LENGTH + 1)
    quote = ""
    while i < end:
        char = text[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
            i += 1
            continue
        if char in "'\"":
            quote = char * 3 if text.startswith(char * 3, i) else char
            i += len(quote)
            continue
        if char == "#":
            newline = text.find("\n", i)
            i = end if newline < 0 else newline
            continue
        if char in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise ExpressionError(
                    f"brackets are nested more than {MAX_NESTING} deep{_at(i + 1, text)}",
                    i + 1,
                    "nesting",
                    "remove redundant brackets, or split the expression into computed columns",
                )
        elif char in ")]}":
            depth = max(depth - 1, 0)
        i += 1


def _check_tree_size(tree: ast.AST) -> None:
    count, deepest = 0, 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, _UNCOUNTED):
            continue
        count += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if count > MAX_NODES:
        raise ExpressionError(
            f"the expression has {count} parts (names, literals, operations); "
            f"the limit is {MAX_NODES}",
            None,
            "size",
            "split it into several computed columns",
        )
    if deepest > MAX_DEPTH:
        raise ExpressionError(
            f"the expression is nested {deepest} levels deep; the limit is {MAX_DEPTH}",
            None,
            "nesting",
            "long chains like a + b + c + ... count as nesting; split it into computed columns",
        )


_SYNTAX_CHARACTERS = {
    "@": (
        "operator '@'",
        "'@' is not part of the language; write a column by its name (price) or col(\"name\")",
    ),
    "$": ("character '$'", 'write a column by its name (price) or col("name")'),
    "`": ("character '`'", 'quote text with "..." and write odd column names as col("...")'),
    "=": ("assignment '='", "to compare write =="),
    "!": ("character '!'", "write not x, or != to compare"),
    "?": ("character '?'", "write if_else(cond, a, b)"),
    ";": ("character ';'", "an expression is one formula; use and / or to combine conditions"),
}


_STRAY_TOKENS = frozenset(c for c in _SYNTAX_CHARACTERS if c != "=")


def _syntax_error(text: str, lead: int, exc: SyntaxError) -> ExpressionError:
    reason = exc.msg or "invalid syntax"
    if "\0" in text:
        nul = text.index("\0") + 1
        return ExpressionError(
            f"the NUL character is not allowed{_at(nul, text)}",
            nul,
            "character NUL",
            "remove control characters from the text",
        )
    position: int | None = None
    if exc.lineno is not None:
        starts = _line_starts(text[lead:])
        line = min(max(exc.lineno, 1), len(starts)) - 1
        position = min(lead + starts[line] + max(exc.offset or 1, 1), len(text))
    char = text[position - 1] if position is not None else ""
    if char not in _SYNTAX_CHARACTERS:
        # Python sometimes points next to the culprit (e.g. at the line start before '@').
        stray = _stray_character(text)
        if stray is not None:
            position, char = stray
    construct, hint = _SYNTAX_CHARACTERS.get(
        char, ("syntax", "check the brackets, quotes and operators around this place")
    )
    if char in _SYNTAX_CHARACTERS:
        message = f"{construct} is not allowed{_at(position, text)}"
    else:
        message = f"syntax error: {reason}{_at(position, text)}"
    return ExpressionError(message, position, construct, hint)


def _stray_character(text: str) -> tuple[int, str] | None:
    """The position and text of the first token that is never valid in the language."""
    starts = _line_starts(text)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.string in _STRAY_TOKENS and token.type in (tokenize.OP, tokenize.ERRORTOKEN):
                row, col = token.start
                return starts[min(row, len(starts)) - 1] + col + 1, token.string
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def _line_starts(source: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", source))]


@dataclass
class _CallSite:
    spec: FunctionSpec
    node: ast.Call
    position: int
    text: str
    args: dict[str, _Typed]
    literals: dict[str, Any]


class _Checker:
    """Walks the allowlisted tree, infers dtypes and builds the runner closures."""

    def __init__(self, text: str, lead: int, schema: TableSchema | None) -> None:
        self.text = text
        self.source = text[lead:]
        self.lead = lead
        self.schema = schema
        self.columns: set[str] = set()
        self.has_unknown_dtypes = False
        self.starts = _line_starts(self.source)

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
        raise ExpressionError(f"{message}{_at(position, self.text)}", position, construct, hint)

    def refuse(self, construct: str, position: int, hint: str) -> NoReturn:
        self.fail(f"{construct} is not allowed", position, construct, hint)

    # -- dispatch

    def visit(self, node: ast.AST) -> _Typed:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BoolOp):
            return self.boolean(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        construct, hint = _REFUSED.get(type(node), (type(node).__name__, "not supported"))
        position = self.position(node)
        if isinstance(node, ast.Attribute | ast.Subscript):
            position = self.end_index(node.value) + 1  # the '.' or the '['
        self.refuse(construct, position, hint)

    # -- leaves

    def constant(self, node: ast.Constant) -> _Typed:
        value, position, text = node.value, self.position(node), self.segment(node)
        if value is None:
            return _Typed(Dtype.UNKNOWN, _constant_runner(None), position, text, True, None, True)
        if isinstance(value, bool):
            return _constant(value, Dtype.BOOLEAN, position, text)
        if isinstance(value, int):
            if not INT64_MIN <= value <= INT64_MAX:
                self.fail(
                    "the integer is too large for 64 bits",
                    position,
                    "integer literal",
                    "write it as a float, e.g. 1e20",
                )
            return _constant(value, Dtype.INTEGER, position, text)
        if isinstance(value, float):
            return _constant(value, Dtype.FLOAT, position, text)
        if isinstance(value, str):
            return _constant(value, Dtype.STRING, position, text)
        kind = {bytes: "bytes literal", complex: "complex number"}.get(type(value), "'...'")
        self.refuse(kind, position, "use integers, floats, strings, True, False or None")

    def name(self, node: ast.Name) -> _Typed:
        if node.id.startswith("__") and node.id.endswith("__"):
            self.refuse(
                f"dunder name {node.id!r}",
                self.position(node),
                'names with double underscores are reserved; for such a column write col("...")',
            )
        return self.column(node.id, node)

    def column(self, name: str, node: ast.AST) -> _Typed:
        position = self.position(node)
        if self.schema is None:
            dtype = Dtype.UNKNOWN
        else:
            found = self.schema.dtype_of(name)
            if found is None:
                raise _unknown_column(name, self.schema.names, position, self.text)
            dtype = Dtype.STRING if found is Dtype.CATEGORY else found
        if dtype is Dtype.UNKNOWN:
            self.has_unknown_dtypes = True
        self.columns.add(name)
        return _Typed(dtype, _read_column(name), position, self.segment(node))

    # -- operators

    def binary(self, node: ast.BinOp) -> _Typed:
        kind = type(node.op)
        if kind in _REFUSED_OPERATORS:
            symbol, hint = _REFUSED_OPERATORS[kind]
            position = self.operator_position(node.left, node.right, symbol)
            self.refuse(f"operator '{symbol}'", position, hint)
        left, right = self.visit(node.left), self.visit(node.right)
        if kind in _BITWISE:
            symbol, function = _BITWISE[kind]
            position = self.operator_position(node.left, node.right, symbol)
            return self.logical(symbol, function, [left, right], position, self.segment(node))
        symbol, function = _ARITHMETIC[kind]
        position = self.operator_position(node.left, node.right, symbol)
        return self.arithmetic(symbol, function, left, right, position, self.segment(node))

    def arithmetic(
        self,
        symbol: str,
        function: Callable[[Any, Any], Any],
        left: _Typed,
        right: _Typed,
        position: int,
        text: str,
    ) -> _Typed:
        construct = f"operator '{symbol}'"
        for side in (left, right):
            if side.is_null:
                self.fail(
                    f"None cannot be used with '{symbol}'",
                    side.position,
                    construct,
                    "use if_else(is_null(x), ..., ...) to handle missing values",
                )
        kinds = {left.dtype, right.dtype}
        numeric = kinds <= {*_NUMBERS, Dtype.UNKNOWN}
        if symbol == "+" and Dtype.STRING in kinds and kinds <= {Dtype.STRING, Dtype.UNKNOWN}:
            dtype = Dtype.STRING if kinds == {Dtype.STRING} else Dtype.UNKNOWN
        elif not numeric:
            self.fail(
                f"cannot apply '{symbol}' to {left.dtype.value} and {right.dtype.value}: "
                f"{left.described()}, {right.described()}",
                position,
                construct,
                _arithmetic_hint(symbol, kinds),
            )
        elif symbol == "/":
            dtype = Dtype.FLOAT
        elif symbol == "**":
            return self.power(left, right, position, text)
        elif Dtype.UNKNOWN in kinds:
            dtype = Dtype.UNKNOWN
        else:
            dtype = Dtype.INTEGER if kinds == {Dtype.INTEGER} else Dtype.FLOAT
        if left.is_constant and right.is_constant:
            return self.fold_arithmetic(symbol, function, left, right, position, text)
        run_left, run_right = left.run, right.run
        if symbol in ("+", "-", "*") and dtype in (Dtype.INTEGER, Dtype.UNKNOWN):
            example = f"float({left.text}) {symbol} {right.text}"
            function = _checked_integer(
                function, symbol, position, text, _at(position, self.text), example
            )
        if symbol in ("//", "%") and dtype is Dtype.INTEGER:

            def run(frame: pd.DataFrame) -> Value:
                # pandas answers an integer division by zero with float inf/NaN: keep integers.
                return _conform(function(run_left(frame), run_right(frame)), Dtype.INTEGER)

        else:

            def run(frame: pd.DataFrame) -> Value:
                return function(run_left(frame), run_right(frame))

        return _Typed(dtype, run, position, text)

    def power(self, base: _Typed, exponent: _Typed, position: int, text: str) -> _Typed:
        if base.is_constant and exponent.is_constant:
            return self.fold_arithmetic("**", operator.pow, base, exponent, position, text)
        run_base, run_exponent = base.run, exponent.run
        whole = isinstance(exponent.value, int) and exponent.value >= 0
        if exponent.is_constant and whole and base.dtype in (Dtype.INTEGER, Dtype.UNKNOWN):
            power = exponent.value
            where, example = _at(position, self.text), f"float({base.text}) ** {power}"
            raised = _checked_integer(operator.pow, "**", position, text, where, example)
            return _Typed(base.dtype, lambda frame: raised(run_base(frame), power), position, text)

        def run(frame: pd.DataFrame) -> Value:
            return _as_float(run_base(frame)) ** _as_float(run_exponent(frame))

        return _Typed(Dtype.FLOAT, run, position, text)

    def fold_arithmetic(
        self,
        symbol: str,
        function: Callable[[Any, Any], Any],
        left: _Typed,
        right: _Typed,
        position: int,
        text: str,
    ) -> _Typed:
        construct = f"operator '{symbol}'"
        a, b = left.value, right.value
        if symbol == "**" and not abs(b) <= MAX_CONSTANT_EXPONENT:
            self.fail(
                f"the exponent {b!r} is too large for a power of constants; "
                f"the limit is {MAX_CONSTANT_EXPONENT}",
                position,
                construct,
                "use a smaller exponent",
            )
        try:
            value = function(a, b)
        except ZeroDivisionError:
            self.fail("division by zero", position, construct, "divide by a number other than 0")
        except OverflowError:
            self.fail(
                "the result is too large for a float", position, construct, "use smaller numbers"
            )
        if isinstance(value, complex):
            self.fail(
                "the result is not a real number",
                position,
                construct,
                "a negative number has no real fractional power",
            )
        if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            self.fail(
                "the result does not fit in a 64-bit integer",
                position,
                construct,
                "write a float to compute with large numbers, e.g. 2.0 ** 64",
            )
        dtype = {int: Dtype.INTEGER, float: Dtype.FLOAT, str: Dtype.STRING}[type(value)]
        return _constant(value, dtype, position, text)

    def unary(self, node: ast.UnaryOp) -> _Typed:
        operand = self.visit(node.operand)
        position, text = self.position(node), self.segment(node)
        if isinstance(node.op, ast.Not | ast.Invert):
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            self.require_condition(symbol, operand)
            if operand.is_constant:
                return _constant(not _as_bool(operand.value), Dtype.BOOLEAN, position, text)
            run_operand = operand.run
            return _Typed(
                Dtype.BOOLEAN, lambda frame: ~_as_bool(run_operand(frame)), position, text
            )
        symbol = "-" if isinstance(node.op, ast.USub) else "+"
        if operand.dtype not in (*_NUMBERS, Dtype.UNKNOWN) or operand.is_null:
            self.fail(
                f"unary '{symbol}' needs a number, but {operand.described()}",
                position,
                f"operator '{symbol}'",
                _arithmetic_hint(symbol, {operand.dtype}),
            )
        if operand.is_constant:
            value = -operand.value if symbol == "-" else operand.value
            if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
                self.fail("the integer is too large for 64 bits", position, "integer literal")
            return _constant(value, operand.dtype, position, text)
        if symbol == "+":
            return operand
        run_operand = operand.run
        # -x is 0 - x: the same overflow check (the negation of the smallest int64 wraps)
        where, example = _at(position, self.text), f"-float({operand.text})"
        negate = _checked_integer(operator.sub, "-", position, text, where, example)
        return _Typed(operand.dtype, lambda frame: negate(0, run_operand(frame)), position, text)

    def require_condition(self, symbol: str, operand: _Typed) -> None:
        if operand.dtype in (Dtype.BOOLEAN, Dtype.UNKNOWN) and not operand.is_null:
            return
        if symbol in ("&", "|", "^", "~"):
            hint = (
                f"'{symbol}' combines conditions only; mind that it binds tighter than comparisons:"
                " write (a > 1) & (b < 2), or use and / or / not"
            )
        else:
            hint = "compare it first, e.g. `price > 0`, or test `not_null(price)`"
        kind = "None" if operand.is_null else _a(operand.dtype)
        self.fail(
            f"'{symbol}' needs conditions (True/False), but `{_shown(operand.text)}` is {kind}",
            operand.position,
            f"operator '{symbol}'",
            hint,
        )

    def boolean(self, node: ast.BoolOp) -> _Typed:
        symbol, function = (
            ("and", operator.and_) if isinstance(node.op, ast.And) else ("or", operator.or_)
        )
        operands = [self.visit(v) for v in node.values]
        position = self.operator_position(node.values[0], node.values[1], symbol)
        return self.logical(symbol, function, operands, position, self.segment(node))

    def logical(
        self,
        symbol: str,
        function: Callable[[Any, Any], Any],
        operands: list[_Typed],
        position: int,
        text: str,
    ) -> _Typed:
        for operand in operands:
            self.require_condition(symbol, operand)
        if all(o.is_constant for o in operands):
            value = functools.reduce(function, (_as_bool(o.value) for o in operands))
            return _constant(bool(value), Dtype.BOOLEAN, position, text)
        runs = [o.run for o in operands]

        def run(frame: pd.DataFrame) -> Value:
            return functools.reduce(function, (_as_bool(r(frame)) for r in runs))

        return _Typed(Dtype.BOOLEAN, run, position, text)

    # -- comparisons

    def compare(self, node: ast.Compare) -> _Typed:
        special = [op for op in node.ops if isinstance(op, ast.In | ast.NotIn | ast.Is | ast.IsNot)]
        left_node: ast.AST = node.left
        if special and len(node.ops) > 1:
            symbol = _membership_symbol(special[0])
            position = self.operator_position(node.left, node.comparators[0], symbol.split()[0])
            self.refuse(
                f"chained '{symbol}'",
                position,
                "combine the tests with and, e.g. (x in [1, 2]) and (x > 0)",
            )
        left = self.visit(node.left)
        parts: list[_Typed] = []
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                position = self.operator_position(
                    left_node, right_node, _membership_symbol(op).split()[0]
                )
                return self.membership(left, right_node, isinstance(op, ast.NotIn), position, node)
            if isinstance(op, ast.Is | ast.IsNot):
                position = self.operator_position(left_node, right_node, "is")
                return self.null_test(left, right_node, isinstance(op, ast.IsNot), position, node)
            symbol, function = _COMPARISONS[type(op)]
            position = self.operator_position(left_node, right_node, symbol)
            right = self.visit(right_node)
            parts.append(self.comparison(symbol, function, left, right, position))
            left, left_node = right, right_node
        if len(parts) == 1:
            return parts[0]
        return self.logical("and", operator.and_, parts, parts[0].position, self.segment(node))

    def comparison(
        self,
        symbol: str,
        function: Callable[[Any, Any], Any],
        left: _Typed,
        right: _Typed,
        position: int,
    ) -> _Typed:
        construct = f"operator '{symbol}'"
        for side in (left, right):
            if side.is_null:
                self.fail(
                    f"comparing with None using '{symbol}' is always False",
                    side.position,
                    construct,
                    "test for missing values with `x is None` or `is_null(x)`",
                )
        left, right = self.comparable(
            left, right, f"compare {{}} with {{}} using '{symbol}'", position, construct
        )
        text = f"{left.text} {symbol} {right.text}"
        if left.is_constant and right.is_constant:
            return _constant(bool(function(left.value, right.value)), Dtype.BOOLEAN, position, text)
        run_left, run_right = left.run, right.run

        def run(frame: pd.DataFrame) -> Value:
            a, b = run_left(frame), run_right(frame)
            result = _as_bool(function(_align_tz(a, b), _align_tz(b, a)))
            if symbol == "!=":  # pandas says a missing value differs from everything; SQL says no
                for side in (a, b):
                    if isinstance(side, pd.Series):
                        result = result & side.notna().to_numpy()
            return result

        return _Typed(Dtype.BOOLEAN, run, position, text)

    def comparable(
        self, left: _Typed, right: _Typed, action: str, position: int, construct: str
    ) -> tuple[_Typed, _Typed]:
        """The two operands, with a text literal next to a date parsed into a date."""
        if left.dtype is Dtype.DATETIME and right.dtype is Dtype.STRING and right.is_constant:
            right = self.as_date(right)
        elif right.dtype is Dtype.DATETIME and left.dtype is Dtype.STRING and left.is_constant:
            left = self.as_date(left)
        a, b = left.dtype, right.dtype
        if Dtype.UNKNOWN in (a, b) or a is b or {a, b} <= set(_NUMBERS):
            return left, right
        if {a, b} == {Dtype.STRING, Dtype.DATETIME}:
            hint = "parse the text into dates first with to_date(...)"
        elif Dtype.STRING in (a, b):
            hint = 'compare text with text (quote it: "10") or numbers with numbers'
        else:
            hint = "compare values of the same kind"
        self.fail(
            "cannot " + action.format(a.value, b.value) + f": {left.described()}, "
            f"{right.described()}",
            position,
            construct,
            hint,
        )

    def as_date(self, literal: _Typed) -> _Typed:
        stamp: Any
        try:
            stamp = pd.Timestamp(literal.value)
        except (ValueError, TypeError, OverflowError):
            stamp = pd.NaT
        if stamp is pd.NaT:
            self.fail(
                f"{_shown(literal.text)} is not a date",
                literal.position,
                "date literal",
                'write dates like "2024-01-31" or "2024-01-31 13:45"',
            )
        return _constant(stamp, Dtype.DATETIME, literal.position, literal.text)

    def literal_item(self, node: ast.AST) -> _Typed:
        if isinstance(node, ast.Constant) or (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub | ast.UAdd)
            and isinstance(node.operand, ast.Constant)
        ):
            item = self.visit(node)
            if item.is_constant:
                return item
        self.fail(
            "only literal values are allowed in the list after in",
            self.position(node),
            "non-literal list item",
            "to compare with columns use == and combine with or",
        )

    def membership(
        self, left: _Typed, right_node: ast.AST, negate: bool, position: int, node: ast.AST
    ) -> _Typed:
        symbol = "not in" if negate else "in"
        if not isinstance(right_node, ast.List | ast.Tuple):
            self.fail(
                f"the right side of '{symbol}' must be a list of literals, like [1, 2]",
                self.position(right_node),
                f"operator '{symbol}'",
                "to test whether text contains other text use contains(s, sub)",
            )
        if left.is_null:
            self.fail(
                f"None {symbol} [...] is not a test of a column",
                left.position,
                f"operator '{symbol}'",
                "test for missing values with `x is None`",
            )
        items = []
        for element in right_node.elts:
            item = self.literal_item(element)
            if not item.is_null:
                item = self.comparable(
                    left, item, "look for {1} values among {0} values", item.position, "list item"
                )[1]
            items.append(item)
        values = [i.value for i in items if not i.is_null]
        has_null = len(values) < len(items)
        text = self.segment(node)
        if left.is_constant:
            found = any(left.value == v for v in values)
            return _constant(found != negate, Dtype.BOOLEAN, position, text)
        run_left = left.run

        def run(frame: pd.DataFrame) -> Value:
            column = run_left(frame)
            missing = column.isna().to_numpy()
            wanted = [_align_tz(v, column) for v in values]
            found = column.isin(wanted).to_numpy(dtype=bool, na_value=False) & ~missing
            if has_null:
                found |= missing
            elif negate:
                return pd.Series(~found & ~missing, index=column.index)
            return pd.Series(~found if negate else found, index=column.index)

        return _Typed(Dtype.BOOLEAN, run, position, text)

    def null_test(
        self, left: _Typed, right_node: ast.AST, negate: bool, position: int, node: ast.AST
    ) -> _Typed:
        symbol = "is not" if negate else "is"
        if not (isinstance(right_node, ast.Constant) and right_node.value is None):
            self.fail(
                f"'{symbol}' only tests for None",
                position,
                f"operator '{symbol}'",
                "write `x is None` / `x is not None`; compare values with == and !=",
            )
        text = self.segment(node)
        if left.is_constant:
            return _constant(_is_missing(left.value) != negate, Dtype.BOOLEAN, position, text)
        run_left = left.run
        if negate:
            return _Typed(Dtype.BOOLEAN, lambda frame: run_left(frame).notna(), position, text)
        return _Typed(Dtype.BOOLEAN, lambda frame: run_left(frame).isna(), position, text)

    # -- calls

    def call(self, node: ast.Call) -> _Typed:
        position = self.position(node)
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                method, owner = node.func.attr, self.segment(node.func.value)
                hint = (
                    f"write {method}({owner}) instead"
                    if method in FUNCTIONS
                    else _REFUSED[ast.Attribute][1]
                )
                self.refuse("attribute access", self.end_index(node.func.value) + 1, hint)
            self.visit(node.func)  # refuses whatever else was called
            self.refuse("call of a computed function", position, "call a function by its name")
        name = node.func.id
        spec = FUNCTIONS.get(name)
        if spec is None:
            suggestion = _FUNCTION_ALIASES.get(name.lower()) or did_you_mean(name, FUNCTIONS)
            listed = ", ".join(sorted(FUNCTIONS))
            hint = f"did you mean {suggestion}()? " if suggestion else ""
            self.fail(
                f"function {name!r} is not allowed",
                position,
                f"function {name!r}",
                f"{hint}the functions are: {listed}",
            )
        site = self.bind(spec, node, position)
        return _RULES[name](self, site)

    def bind(self, spec: FunctionSpec, node: ast.Call, position: int) -> _CallSite:
        usage = f"usage: {spec.signature}"
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                self.refuse(
                    "starred argument", self.position(argument), "pass arguments one by one"
                )
        given: dict[str, ast.AST] = {}
        if len(node.args) > len(spec.params):
            self.fail(
                f"{spec.name}() takes at most {len(spec.params)} argument"
                f"{'s' if len(spec.params) != 1 else ''}, got {len(node.args)}",
                self.position(node.args[len(spec.params)]),
                f"function '{spec.name}'",
                usage,
            )
        given.update(zip(spec.params, node.args, strict=False))
        for named in node.keywords:
            if named.arg is None:
                self.refuse("keyword unpacking '**'", self.position(named), usage)
            if named.arg not in spec.keywords:
                self.fail(
                    f"{spec.name}() has no keyword argument {named.arg!r}",
                    self.position(named),
                    f"keyword argument {named.arg!r}",
                    usage,
                )
            if named.arg in given:
                self.fail(
                    f"{spec.name}() got {named.arg!r} twice",
                    self.position(named),
                    f"keyword argument {named.arg!r}",
                    usage,
                )
            given[named.arg] = named.value
        missing = [p for p in spec.params[: spec.required] if p not in given]
        if missing:
            self.fail(
                f"{spec.name}() is missing its argument {missing[0]!r}",
                position,
                f"function '{spec.name}'",
                usage,
            )
        args: dict[str, _Typed] = {}
        literals: dict[str, Any] = {}
        for param, value in given.items():
            if param in spec.literals:
                literals[param] = self.literal_argument(spec, param, value)
            else:
                args[param] = self.visit(value)
        return _CallSite(spec, node, position, self.segment(node), args, literals)

    def literal_argument(self, spec: FunctionSpec, param: str, node: ast.AST) -> Any:
        kind = _LITERAL_KINDS[(spec.name, param)]
        value = self.visit(node) if isinstance(node, ast.Constant | ast.UnaryOp) else None
        if value is not None and value.is_constant and _literal_fits(value.value, kind):
            return value.value
        example = {str: '"text"', int: "2"}[kind[0]]
        self.fail(
            f"{spec.name}() needs a literal for {param!r}, like {example}",
            self.position(node),
            f"argument {param!r} of {spec.name}()",
            f"usage: {spec.signature}",
        )

    # -- helpers for the function rules

    def expect(
        self, site: _CallSite, param: str, allowed: Iterable[Dtype], what: str, hint: str = ""
    ) -> _Typed:
        argument = site.args[param]
        allowed = (*allowed, Dtype.UNKNOWN)
        if argument.is_null or argument.dtype not in allowed:
            kind = "None" if argument.is_null else _a(argument.dtype)
            shown = _shown(argument.text)
            self.fail(
                f"{site.spec.name}() needs {what} for {param!r}, but `{shown}` is {kind}",
                argument.position,
                f"argument {param!r} of {site.spec.name}()",
                hint or f"usage: {site.spec.signature}",
            )
        return argument

    def apply(
        self, site: _CallSite, dtype: Dtype, function: Callable[..., Value], args: list[_Typed]
    ) -> _Typed:
        """A call of `function` on the runtime values of args (the first one as a Series)."""
        if all(a.is_constant for a in args):
            return self.fold(site, dtype, function, args)
        runs = [a.run for a in args]
        first_dtype = args[0].dtype

        def run(frame: pd.DataFrame) -> Value:
            values = [r(frame) for r in runs]
            if not isinstance(values[0], pd.Series):
                index = next(v.index for v in values if isinstance(v, pd.Series))
                values[0] = _broadcast(values[0], first_dtype, index)
            return function(*values)

        return _Typed(dtype, run, site.position, site.text)

    def fold(
        self, site: _CallSite, dtype: Dtype, function: Callable[..., Value], args: list[_Typed]
    ) -> _Typed:
        """Compute a call of constants once, with the same code that runs on columns."""
        first = _broadcast(args[0].value, args[0].dtype, pd.RangeIndex(1))
        try:
            with np.errstate(all="ignore"):
                result = function(first, *(a.value for a in args[1:]))
        except ExpressionError:
            raise
        except Exception as exc:  # pandas raises many types; report it at the call
            self.fail(
                f"{site.spec.name}() failed: {_shown(str(exc))}",
                site.position,
                f"function '{site.spec.name}'",
            )
        value = _python_scalar(result.iloc[0] if isinstance(result, pd.Series) else result)
        if _is_missing(value):
            self.fail(
                f"`{_shown(site.text)}` is missing (null) for every row",
                site.position,
                f"function '{site.spec.name}'",
                "check the literal arguments",
            )
        return _constant(value, dtype, site.position, site.text)


def _integer_bounds(value: Value) -> tuple[int, int] | None:
    """The smallest and largest value of an integer operand; None when it is not integers."""
    if isinstance(value, pd.Series):
        if not pdt.is_integer_dtype(value.dtype):
            return None
        low, high = value.min(), value.max()
        return (0, 0) if _is_missing(low) else (int(low), int(high))
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return int(value), int(value)
    return None


def _checked_integer(
    function: Callable[[Any, Any], Any],
    symbol: str,
    position: int,
    text: str,
    where: str,
    example: str,
) -> Callable[[Value, Value], Value]:
    """`function` (+ - * or ** by a whole constant) on integers, refusing a result beyond 64 bits.

    numpy and pandas wrap int64 results around silently (units * 10**13 turns negative). The
    check costs a min and max per operand: the result's range follows exactly from the operands'
    ranges (Python integers do not overflow); only when that range leaves int64 is the operation
    repeated in floats to find the rows that really overflow (a float result at or beyond 2**63).
    """

    def compute(left: Value, right: Value) -> Value:
        result = function(left, right)
        bounds = _integer_bounds(left), _integer_bounds(right)
        if bounds[0] is None or bounds[1] is None:
            return result  # a float operand: the result is a float, it cannot wrap
        if _range_fits(function, bounds[0], bounds[1]):
            return result
        with np.errstate(all="ignore"):
            approximate = function(_as_float(left), _as_float(right))
        if isinstance(approximate, pd.Series):
            values = approximate.to_numpy(dtype="float64", na_value=np.nan)
            rows = np.flatnonzero(np.abs(values) >= 2.0**63)
            count = len(rows)
            first = f", first in row {approximate.index[rows[0]]!r}" if count else ""
        else:
            count = int(abs(float(approximate)) >= 2.0**63)
            first = ""
        if count:
            raise ExpressionError(
                f"{text} is beyond the 64-bit integer range in {count} "
                f"row{'s' if count != 1 else ''}{first}{where}",
                position,
                f"operator '{symbol}'",
                f"compute in floats: {example} (floats keep about 15 significant digits)",
            )
        return result

    return compute


def _range_fits(
    function: Callable[[Any, Any], Any], left: tuple[int, int], right: tuple[int, int]
) -> bool:
    if function is operator.pow:
        exponent = right[0]
        base = max(abs(left[0]), abs(left[1]))
        if base <= 1:
            return True
        return exponent <= 64 and base**exponent <= INT64_MAX
    corners: list[int] = [function(a, b) for a in left for b in right]
    return min(corners) >= INT64_MIN and max(corners) <= INT64_MAX


def _membership_symbol(op: ast.cmpop) -> str:
    return {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}[type(op)]


def _arithmetic_hint(symbol: str, kinds: set[Dtype]) -> str:
    if Dtype.BOOLEAN in kinds:
        return "turn a condition into a number with if_else(cond, 1, 0)"
    if Dtype.DATETIME in kinds:
        return "take date parts first, e.g. year(d) or month(d)"
    if Dtype.STRING in kinds:
        return "'+' joins two strings; other arithmetic needs numbers"
    return f"'{symbol}' needs numbers"


def _literal_fits(value: Any, kind: tuple[type, bool]) -> bool:
    expected, nullable = kind
    if value is None:
        return nullable
    return isinstance(value, expected) and not isinstance(value, bool)


# -- the functions -------------------------------------------------------------------------------

_Rule: TypeAlias = Callable[[_Checker, _CallSite], _Typed]
_RULES: dict[str, _Rule] = {}
_SPECS: list[FunctionSpec] = []
# (function, literal param) -> (Python type, None allowed)
_LITERAL_KINDS: dict[tuple[str, str], tuple[type, bool]] = {}


def _function(
    signature: str,
    doc: str,
    category: str,
    *,
    required: int | None = None,
    keywords: tuple[str, ...] = (),
    literals: dict[str, tuple[type, bool]] | None = None,
) -> Callable[[_Rule], _Rule]:
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

    def register(rule: _Rule) -> _Rule:
        _SPECS.append(spec)
        _RULES[name] = rule
        for param, kind in (literals or {}).items():
            _LITERAL_KINDS[(name, param)] = kind
        return rule

    return register


@_function("is_null(x)", "True where x is missing (None, NaN or NaT).", "missing values")
def _is_null(checker: _Checker, site: _CallSite) -> _Typed:
    return checker.apply(site, Dtype.BOOLEAN, lambda x: x.isna(), [site.args["x"]])


@_function("not_null(x)", "True where x is present (not None, NaN or NaT).", "missing values")
def _not_null(checker: _Checker, site: _CallSite) -> _Typed:
    return checker.apply(site, Dtype.BOOLEAN, lambda x: x.notna(), [site.args["x"]])


def _text_rule(method: str) -> _Rule:
    def rule(checker: _Checker, site: _CallSite) -> _Typed:
        s = checker.expect(site, "s", [Dtype.STRING], "text")
        return checker.apply(site, Dtype.STRING, lambda x: getattr(x.str, method)(), [s])

    return rule


_function("lower(s)", "The text in lower case.", "text")(_text_rule("lower"))
_function("upper(s)", "The text in upper case.", "text")(_text_rule("upper"))
_function("strip(s)", "The text without leading and trailing whitespace.", "text")(
    _text_rule("strip")
)


def _search_rule(method: str, param: str) -> _Rule:
    def rule(checker: _Checker, site: _CallSite) -> _Typed:
        s = checker.expect(site, "s", [Dtype.STRING], "text")
        needle = site.literals[param]
        if method == "contains":

            def search(x: Value) -> Value:
                return _as_bool(x.str.contains(needle, regex=False, na=False))

        else:

            def search(x: Value) -> Value:
                return _as_bool(getattr(x.str, method)(needle, na=False))

        return checker.apply(site, Dtype.BOOLEAN, search, [s])

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
def _len(checker: _Checker, site: _CallSite) -> _Typed:
    s = checker.expect(site, "s", [Dtype.STRING], "text")
    return checker.apply(site, Dtype.INTEGER, lambda x: _as_integer(x.str.len()), [s])


def _date_part_rule(attribute: str) -> _Rule:
    def rule(checker: _Checker, site: _CallSite) -> _Typed:
        d = site.args["d"]
        hint = f"parse text into dates first: {site.spec.name}(to_date({_shown(d.text)}))"
        if d.dtype is not Dtype.STRING:
            hint = f"usage: {site.spec.signature}"
        checker.expect(site, "d", [Dtype.DATETIME], "a date", hint)
        return checker.apply(
            site, Dtype.INTEGER, lambda x: _as_integer(getattr(x.dt, attribute)), [d]
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
def _to_date(checker: _Checker, site: _CallSite) -> _Typed:
    s = checker.expect(site, "s", [Dtype.STRING, Dtype.DATETIME], "text")
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

    return checker.apply(site, Dtype.DATETIME, parse, [s])


def _numeric_rule(function: Callable[[Value], Value], keep_dtype: bool) -> _Rule:
    def rule(checker: _Checker, site: _CallSite) -> _Typed:
        x = checker.expect(site, "x", _NUMBERS, "a number")
        dtype = x.dtype if keep_dtype else Dtype.FLOAT
        return checker.apply(site, dtype, function, [x])

    return rule


_function("abs(x)", "The absolute value of x.", "math")(_numeric_rule(lambda x: x.abs(), True))
_function(
    "float(x)",
    "x as a floating-point number, e.g. to compute beyond the 64-bit integer range.",
    "math",
)(_numeric_rule(_as_float, False))
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
def _round(checker: _Checker, site: _CallSite) -> _Typed:
    x = checker.expect(site, "x", _NUMBERS, "a number")
    ndigits = site.literals.get("ndigits", 0)
    if not -18 <= ndigits <= 18:
        checker.fail(
            "round() takes ndigits between -18 and 18",
            site.position,
            "argument 'ndigits' of round()",
            "usage: round(x, ndigits=0)",
        )
    return checker.apply(site, x.dtype, lambda v: v.round(ndigits), [x])


@_function("clip(x, lo, hi)", "x limited to the range lo..hi; None for no bound.", "math")
def _clip(checker: _Checker, site: _CallSite) -> _Typed:
    x = checker.expect(site, "x", _NUMBERS, "a number")
    bounds = [site.args["lo"], site.args["hi"]]
    for param, bound in zip(("lo", "hi"), bounds, strict=True):
        if not bound.is_null:
            checker.expect(site, param, _NUMBERS, "a number or None")
    kinds = {x.dtype, *(b.dtype for b in bounds if not b.is_null)}
    if Dtype.UNKNOWN in kinds:
        dtype = Dtype.UNKNOWN
    else:
        dtype = Dtype.FLOAT if Dtype.FLOAT in kinds else Dtype.INTEGER

    def clip(value: Value, lo: Value, hi: Value) -> Value:
        if dtype is Dtype.FLOAT:
            value, lo, hi = _as_float(value), _as_float(lo), _as_float(hi)
        if not isinstance(lo, pd.Series) and not isinstance(hi, pd.Series):
            return _conform(value.clip(lower=lo, upper=hi), dtype)
        # Series.clip fills missing bounds of nullable integers with -inf and fails; a missing
        # bound means "no bound" here, as it does for Series.clip on numpy dtypes.
        for bound, beyond in ((lo, operator.lt), (hi, operator.gt)):
            if bound is not None:
                value = value.mask(_as_bool(beyond(value, bound)), bound)
        return _conform(value, dtype)

    return checker.apply(site, dtype, clip, [x, *bounds])


@_function("between(x, lo, hi)", "True where lo <= x <= hi (both ends included).", "logic")
def _between(checker: _Checker, site: _CallSite) -> _Typed:
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
            checker.comparable(
                x, bound, "compare {} with {}", bound.position, f"argument {param!r} of between()"
            )[1]
        )
    return checker.apply(
        site,
        Dtype.BOOLEAN,
        lambda v, lo, hi: _as_bool(v.between(_align_tz(lo, v), _align_tz(hi, v))),
        [x, *bounds],
    )


@_function(
    "if_else(cond, a, b)", "a where cond is True, else b (a missing cond counts as False).", "logic"
)
def _if_else(checker: _Checker, site: _CallSite) -> _Typed:
    cond, a, b = site.args["cond"], site.args["a"], site.args["b"]
    checker.require_condition("if_else", cond)
    if a.is_null and b.is_null:
        checker.fail(
            "both branches of if_else() are None",
            site.position,
            "function 'if_else'",
            "give at least one branch a value",
        )
    if a.dtype is Dtype.DATETIME and b.dtype is Dtype.STRING and b.is_constant:
        b = checker.as_date(b)
    elif b.dtype is Dtype.DATETIME and a.dtype is Dtype.STRING and a.is_constant:
        a = checker.as_date(a)
    kinds = {t.dtype for t in (a, b) if not t.is_null}
    if len(kinds) == 1:
        dtype = kinds.pop()
    elif Dtype.UNKNOWN in kinds:
        dtype = Dtype.UNKNOWN
    elif kinds == set(_NUMBERS):
        dtype = Dtype.FLOAT
    else:
        checker.fail(
            f"the branches of if_else() have different types: {a.described()}, {b.described()}",
            b.position,
            "function 'if_else'",
            "give both branches the same type (numbers may mix integers and floats)",
        )
    if cond.is_constant:  # the branch is known now
        chosen = a if _as_bool(cond.value) else b
        if chosen.is_null:
            checker.fail(
                f"`{_shown(site.text)}` is missing (None) for every row",
                site.position,
                "function 'if_else'",
                "use a condition that depends on a column",
            )
        run_chosen = chosen.run
        value = chosen.value
        if chosen.is_constant:
            if dtype is Dtype.FLOAT:
                value = float(value)
            return _constant(value, dtype, site.position, site.text)
        return _Typed(
            dtype, lambda frame: _conform(run_chosen(frame), dtype), site.position, site.text
        )

    def choose(condition: Value, first: Value, second: Value) -> Value:
        condition = _as_bool(condition)
        first, second = _align_tz(first, second), _align_tz(second, first)
        if not isinstance(first, pd.Series):
            first = _broadcast(first, dtype, condition.index)
        if dtype is Dtype.FLOAT:  # nullable Int64 refuses float values in `where`
            first, second = _as_float(first), _as_float(second)
        return _conform(first.where(condition, second), dtype)

    return checker.apply(site, dtype, choose, [cond, a, b])


@_function(
    "col(name)",
    'The column called name, for names that are not identifiers, e.g. col("Unit Price").',
    "columns",
    literals={"name": (str, False)},
)
def _col(checker: _Checker, site: _CallSite) -> _Typed:
    return checker.column(site.literals["name"], site.node)


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec for spec in sorted(_SPECS, key=lambda s: s.name)
}

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


@dataclass(frozen=True)
class SyntaxSpec:
    """One operator, keyword or literal of the language, as the canvas documents it."""

    text: str
    kind: str  # "operator" (a symbol), "keyword" (a word operator) or "literal"
    doc: str  # one line
    example: str


SYNTAX: tuple[SyntaxSpec, ...] = (
    SyntaxSpec("+", "operator", "Adds numbers; joins text.", 'first + " " + last'),
    SyntaxSpec("-", "operator", "Subtracts numbers; before a number, negates it.", "price - cost"),
    SyntaxSpec("*", "operator", "Multiplies numbers.", "units * price"),
    SyntaxSpec("/", "operator", "Divides numbers; always gives a float.", "revenue / units"),
    SyntaxSpec("//", "operator", "Divides and rounds down.", "minutes // 60"),
    SyntaxSpec("%", "operator", "The remainder of a division.", "order_id % 10"),
    SyntaxSpec("**", "operator", "Raises to a power.", "side ** 2"),
    SyntaxSpec("==", "operator", "Equal to (= alone is not a comparison).", 'region == "north"'),
    SyntaxSpec("!=", "operator", "Not equal to; False where a value is missing.", "units != 0"),
    SyntaxSpec("<", "operator", "Less than; comparisons chain: 0 < x < 1.", "discount < 0.2"),
    SyntaxSpec("<=", "operator", "Less than or equal to.", "units <= 10"),
    SyntaxSpec(">", "operator", "Greater than; dates compare with date text.", "price > 10"),
    SyntaxSpec(">=", "operator", "Greater than or equal to.", 'ordered_at >= "2024-01-01"'),
    SyntaxSpec("&", "operator", "Both conditions (bracket each side).", "(a > 1) & (b < 2)"),
    SyntaxSpec("|", "operator", "Either condition (bracket each side).", "(a > 1) | (b < 2)"),
    SyntaxSpec("^", "operator", "Exactly one of two conditions.", "(a > 1) ^ (b < 2)"),
    SyntaxSpec("~", "operator", "The opposite of a condition.", "~(units > 3)"),
    SyntaxSpec("and", "keyword", "Both conditions hold.", "units > 0 and price > 0"),
    SyntaxSpec("or", "keyword", "At least one condition holds.", 'region == "north" or units > 5'),
    SyntaxSpec("not", "keyword", "The opposite of a condition.", "not is_null(units)"),
    SyntaxSpec("in", "keyword", "One of a list of literals.", 'region in ["north", "east"]'),
    SyntaxSpec("not in", "keyword", "None of a list of literals.", "units not in [0, 1]"),
    SyntaxSpec("is", "keyword", "With None: tests for missing values.", "email is None"),
    SyntaxSpec("is not", "keyword", "With None: tests for present values.", "email is not None"),
    SyntaxSpec("True", "literal", "The boolean true.", "flag == True"),
    SyntaxSpec("False", "literal", "The boolean false.", "flag == False"),
    SyntaxSpec("None", "literal", "A missing value.", "if_else(units > 0, price, None)"),
)

# Words that cannot be bare column names: such columns are written col("...").
RESERVED_WORDS: tuple[str, ...] = tuple(keyword.kwlist)


def column_reference(name: str) -> str:
    """How an expression refers to the column `name`: bare, or col("...") when it must be."""
    return _spelled(name)
