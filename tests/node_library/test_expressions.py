"""The safe expression language: results equal hand-written pandas, inferred dtypes equal evaluated
dtypes, and every hostile input is refused with a specific ExpressionError."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from node_library.contract import Issue
from node_library.expressions import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    CompiledExpression,
    ExpressionError,
    compile_expression,
    expression_issues,
)
from node_library.schema import Dtype, TableSchema, dtype_of_pandas, schema_of_frame

# -- fixtures ---------------------------------------------------------------------------------


def numpy_frame() -> pd.DataFrame:
    """Numpy dtypes, pandas' default `str` strings, missing values where the dtype allows them."""
    return pd.DataFrame(
        {
            "price": [1.5, None, 3.0, 10.0, 0.0],
            "units": [1, 2, 0, 5, 3],
            "name": ["Ab", None, "cd ", "Acme Ltd", "x"],
            "flag": [True, False, True, False, True],
            "when": pd.to_datetime(
                [
                    "2020-01-05 10:30",
                    "NaT",
                    "2021-03-04 00:00",
                    "2024-12-31 23:59",
                    "2022-07-01 00:00",
                ]
            ),
            "Unit Price": [10, 20, 30, 40, 50],
            "region": pd.Categorical(["north", "south", None, "north", "east"]),
            "day": ["2020-01-02", "not a date", None, "2023-05-06", "2021-12-31"],
        },
        index=pd.Index([10, 11, 12, 13, 14], name="row"),
    )


def full_frame() -> pd.DataFrame:
    """The same columns with no missing values at all."""
    frame = numpy_frame()
    frame["price"] = frame["price"].fillna(2.0)
    frame["name"] = frame["name"].fillna("filled")
    frame["when"] = frame["when"].fillna(pd.Timestamp("2019-02-03"))
    frame["region"] = frame["region"].fillna("north")
    frame["day"] = frame["day"].fillna("2020-02-02")
    return frame


def nullable_frame() -> pd.DataFrame:
    """The same logical dtypes as pandas extension dtypes with pd.NA."""
    frame = numpy_frame()
    frame["price"] = frame["price"].astype("Float64")
    frame["units"] = pd.array([1, None, 0, 5, 3], dtype="Int64")
    frame["name"] = frame["name"].astype("string")
    frame["flag"] = pd.array([True, None, True, False, True], dtype="boolean")
    frame["Unit Price"] = frame["Unit Price"].astype("Int64")
    frame["day"] = frame["day"].astype("string")
    return frame


FRAMES: dict[str, Callable[[], pd.DataFrame]] = {
    "numpy": numpy_frame,
    "no_missing": full_frame,
    "nullable": nullable_frame,
}
SCHEMA = schema_of_frame(numpy_frame())


def values(series: pd.Series[Any]) -> list[Any]:
    """Plain values with every kind of missing value as None, for comparisons."""
    return [None if pd.isna(v) else v for v in series.tolist()]


def evaluate(text: str, frame: pd.DataFrame | None = None) -> pd.Series[Any]:
    frame = numpy_frame() if frame is None else frame
    return compile_expression(text, schema_of_frame(frame)).evaluate(frame)


def refused(text: str, schema: TableSchema | None = SCHEMA) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text, schema)
    return caught.value


# -- good expressions equal hand-written pandas -----------------------------------------------

F = pd.DataFrame
HAND_WRITTEN: list[tuple[str, Callable[[F], Any]]] = [
    ("price > 2", lambda f: f.price > 2),
    ("price >= 1.5", lambda f: f.price >= 1.5),
    ("units == 2", lambda f: f.units == 2),
    ("units != 2", lambda f: f.units != 2),
    ("name < 'b'", lambda f: f.name < "b"),
    ("0 < units <= 2", lambda f: (f.units > 0) & (f.units <= 2)),
    ("units in [0, 5]", lambda f: f.units.isin([0, 5])),
    ("units not in (0, 5)", lambda f: ~f.units.isin([0, 5])),
    ("name in ['Ab', 'x']", lambda f: f.name.isin(["Ab", "x"])),
    ("price is None", lambda f: f.price.isna()),
    ("name is not None", lambda f: f.name.notna()),
    ("price > 1 and units < 5", lambda f: (f.price > 1) & (f.units < 5)),
    ("price > 1 or flag", lambda f: (f.price > 1) | f.flag),
    ("not flag", lambda f: ~f.flag),
    ("(units > 1) & flag", lambda f: (f.units > 1) & f.flag),
    ("(units > 1) ^ flag", lambda f: (f.units > 1) ^ f.flag),
    ("~flag | (units == 0)", lambda f: ~f.flag | (f.units == 0)),
    ("units + 1", lambda f: f.units + 1),
    ("units - price", lambda f: f.units - f.price),
    ("units * price", lambda f: f.units * f.price),
    ("units / 2", lambda f: f.units / 2),
    ("units // 2", lambda f: f.units // 2),
    ("units % 2", lambda f: f.units % 2),
    ("-units", lambda f: -f.units),
    ("+price", lambda f: f.price),
    ("units ** 2", lambda f: f.units**2),
    ("price ** 0.5", lambda f: f.price**0.5),
    ("units ** units", lambda f: f.units.astype(float) ** f.units.astype(float)),
    ("2 ** units", lambda f: 2.0 ** f.units.astype(float)),
    ("units ** -1", lambda f: f.units.astype(float) ** -1),
    ("name + '!'", lambda f: f.name + "!"),
    ("'<' + name + '>'", lambda f: "<" + f.name + ">"),
    ("col('Unit Price') * units", lambda f: f["Unit Price"] * f.units),
    ("region == 'north'", lambda f: f.region == "north"),
    ("upper(region)", lambda f: f.region.astype("str").str.upper()),
    ("is_null(price)", lambda f: f.price.isna()),
    ("not_null(when)", lambda f: f.when.notna()),
    ("lower(name)", lambda f: f.name.str.lower()),
    ("upper(name)", lambda f: f.name.str.upper()),
    ("strip(name)", lambda f: f.name.str.strip()),
    ("contains(name, 'c')", lambda f: f.name.str.contains("c", regex=False, na=False)),
    ("contains(name, '.')", lambda f: f.name.str.contains(".", regex=False, na=False)),
    ("startswith(name, 'A')", lambda f: f.name.str.startswith("A", na=False)),
    ("endswith(name, 'd')", lambda f: f.name.str.endswith("d", na=False)),
    ("len(name)", lambda f: f.name.str.len()),
    ("year(when)", lambda f: f.when.dt.year),
    ("month(when)", lambda f: f.when.dt.month),
    ("day(when)", lambda f: f.when.dt.day),
    ("hour(when)", lambda f: f.when.dt.hour),
    ("minute(when)", lambda f: f.when.dt.minute),
    ("weekday(when)", lambda f: f.when.dt.day_of_week),
    ("dayofyear(when)", lambda f: f.when.dt.day_of_year),
    ("quarter(when)", lambda f: f.when.dt.quarter),
    ("when > '2021-01-01'", lambda f: f.when > pd.Timestamp("2021-01-01")),
    ("year(to_date(day))", lambda f: pd.to_datetime(f.day, errors="coerce").dt.year),
    ("to_date(day, format='%Y-%m-%d')", lambda f: pd.to_datetime(f.day, errors="coerce")),
    ("abs(units - 3)", lambda f: (f.units - 3).abs()),
    ("round(price / 3, 2)", lambda f: (f.price / 3).round(2)),
    ("round(price, ndigits=0)", lambda f: f.price.round(0)),
    ("round(units * 7, -1)", lambda f: (f.units * 7).round(-1)),
    ("log(price)", lambda f: np.log(f.price)),
    ("exp(units)", lambda f: np.exp(f.units)),
    ("sqrt(price)", lambda f: np.sqrt(f.price)),
    ("clip(units, 1, 3)", lambda f: f.units.clip(1, 3)),
    ("clip(price, None, 2.5)", lambda f: f.price.clip(upper=2.5)),
    ("between(units, 1, 3)", lambda f: f.units.between(1, 3)),
    ("between(when, '2020-01-01', '2022-12-31')", lambda f: f.when.between("2020", "2022-12-31")),
    ("if_else(flag, units, 0)", lambda f: f.units.where(f.flag, 0)),
    ("if_else(units > 1, price, -1.0)", lambda f: f.price.where(f.units > 1, -1.0)),
    ("if_else(flag, name, 'none')", lambda f: f.name.where(f.flag, "none")),
    ("if_else(flag, 'yes', 'no')", lambda f: pd.Series(np.where(f.flag, "yes", "no"), f.index)),
    ("1 + 2 * 3", lambda f: pd.Series(7, index=f.index)),
    ("'a' + 'b'", lambda f: pd.Series("ab", index=f.index)),
    ("2 ** 10", lambda f: pd.Series(1024, index=f.index)),
    ("True", lambda f: pd.Series(True, index=f.index)),
    ("year(to_date('2020-02-03'))", lambda f: pd.Series(2020, index=f.index)),
]


@pytest.mark.parametrize(("text", "hand"), HAND_WRITTEN, ids=[t for t, _ in HAND_WRITTEN])
def test_good_expression_gives_the_same_values_as_hand_written_pandas(
    text: str, hand: Callable[[F], Any]
) -> None:
    frame = full_frame() if "to_date" in text else numpy_frame()
    result = evaluate(text, frame)
    with np.errstate(all="ignore"):
        expected = hand(frame)
    assert result.index.equals(frame.index)
    got, want = values(result), values(expected)
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        if isinstance(a, float) and isinstance(b, float):
            assert a == pytest.approx(b) or (math.isinf(a) and a == b), (got, want)
        else:
            assert a == b, (got, want)


# -- inferred dtype equals the evaluated dtype ------------------------------------------------

DTYPE_CASES = [text for text, _ in HAND_WRITTEN] + [
    "units // 0",
    "units % 0",
    "price // 0",
    "units / 0",
    "if_else(flag, units, None)",
    "if_else(flag, None, price)",
    "if_else(flag, name, None)",
    "if_else(flag, flag, None)",
    "if_else(flag, when, None)",
    "if_else(flag, when, '2020-01-01')",
    "if_else(units > 2, units, price)",
    "if_else(True, units, 1.5)",
    "clip(units, 0.5, None)",
    "clip(units, units, 3)",
    "between(3, units, 5)",
    "name not in ['Ab', None]",
    "region not in ['north']",
    "len(strip(name)) + 1",
    "to_date(day)",
    "day > 'a'",
    "flag",
    "name",
    "region",
    "when",
    "units",
    "price != 3",
    "not (price > 2)",
    "is_null(region)",
    "'x' + lower(region)",
    "quarter(to_date(day)) * 1.5",
    "abs(price)",
    "round(units)",
    "-price * 2",
    "1",
    "1.5",
    "'text'",
    "to_date('2021-05-06')",
    "False",
]


@pytest.mark.parametrize("frame_kind", list(FRAMES))
@pytest.mark.parametrize("text", DTYPE_CASES)
def test_inferred_dtype_equals_the_dtype_of_the_evaluated_result(
    text: str, frame_kind: str
) -> None:
    frame = FRAMES[frame_kind]()
    compiled = compile_expression(text, schema_of_frame(frame))
    result = compiled.evaluate(frame)
    assert dtype_of_pandas(result.dtype) is compiled.dtype, (str(result.dtype), compiled.dtype)
    assert len(result) == len(frame) and result.index.equals(frame.index)


@pytest.mark.parametrize("text", DTYPE_CASES)
def test_expression_checked_without_a_schema_gives_the_same_result(text: str) -> None:
    frame = numpy_frame()
    with_schema = compile_expression(text, schema_of_frame(frame)).evaluate(frame)
    without = compile_expression(text, None).evaluate(frame)
    pd.testing.assert_series_equal(with_schema, without)


def test_empty_frame_gives_an_empty_result_of_the_inferred_dtype() -> None:
    frame = numpy_frame().iloc[0:0]
    for text in ("price > 1", "units + 1", "1", "to_date('2020-01-01')", "lower(name)"):
        compiled = compile_expression(text, schema_of_frame(frame))
        result = compiled.evaluate(frame)
        assert len(result) == 0 and dtype_of_pandas(result.dtype) is compiled.dtype


def test_constant_result_is_broadcast_over_the_frame_index() -> None:
    frame = numpy_frame()
    result = evaluate("1 + 2", frame)
    assert result.tolist() == [3] * len(frame) and result.index.equals(frame.index)
    assert result.dtype == np.int64


# -- types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dtype"),
    [
        ("units > 1", Dtype.BOOLEAN),
        ("units + units", Dtype.INTEGER),
        ("units / units", Dtype.FLOAT),
        ("units // 2", Dtype.INTEGER),
        ("units + price", Dtype.FLOAT),
        ("units ** 2", Dtype.INTEGER),
        ("units ** units", Dtype.FLOAT),
        ("name + name", Dtype.STRING),
        ("len(name)", Dtype.INTEGER),
        ("year(when)", Dtype.INTEGER),
        ("to_date(day)", Dtype.DATETIME),
        ("if_else(flag, units, price)", Dtype.FLOAT),
        ("if_else(flag, units, 1)", Dtype.INTEGER),
        ("region", Dtype.STRING),
        ("log(units)", Dtype.FLOAT),
    ],
)
def test_result_dtype_is_inferred_before_running(text: str, dtype: Dtype) -> None:
    assert compile_expression(text, SCHEMA).dtype is dtype


def test_columns_lists_every_referenced_column() -> None:
    compiled = compile_expression("price > 1 and col('Unit Price') < units", SCHEMA)
    assert compiled.columns == frozenset({"price", "Unit Price", "units"})


def test_string_compared_to_number_is_a_type_error_naming_both_dtypes() -> None:
    exc = refused("name > 10")
    assert "cannot compare string with integer" in exc.message
    assert exc.construct == "operator '>'" and exc.position == 6


def test_lower_of_a_number_is_a_type_error() -> None:
    exc = refused("lower(price)")
    assert "lower() needs text" in exc.message and "`price` is a float" in exc.message
    assert exc.position == 7


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("price and flag", "'and' needs conditions"),
        ("not units", "'not' needs conditions"),
        ("units & 1", "'&' needs conditions"),
        ("price > 1 & units < 2", "binds tighter than comparisons"),
        ("flag + 1", "cannot apply '+' to boolean and integer"),
        ("when - when", "cannot apply '-' to datetime and datetime"),
        ("name * 2", "cannot apply '*' to string and integer"),
        ("name % 2", "cannot apply '%' to string and integer"),
        ("year(day)", "year(to_date(day))"),
        ("if_else(flag, name, 1)", "different types"),
        ("if_else(price, 1, 2)", "needs conditions"),
        ("when > 'soon'", "'soon' is not a date"),
        ("name > when", "to_date"),
        ("units in ['a']", "cannot look for string values among integer values"),
        ("price == None", "x is None"),
        ("price is 1", "'is' only tests for None"),
        ("None", "always None"),
        ("if_else(flag, None, None)", "both branches"),
        ("between(units, None, 3)", "not None"),
        ("contains(name, region)", "needs a literal for 'sub'"),
        ("round(price, units)", "needs a literal for 'ndigits'"),
        ("round(price, 99)", "between -18 and 18"),
        ("col(name)", "needs a literal for 'name'"),
        ("len(name, 2)", "takes at most 1 argument"),
        ("clip(units)", "missing its argument 'lo'"),
        ("round(price, digits=2)", "no argument named 'digits'"),
        ("lower(s=name)", "no argument named 's'"),
        ("sqrt(-1)", "missing (null) for every row"),
        ("to_date('nonsense')", "missing (null) for every row"),
    ],
)
def test_mistyped_expression_is_refused_with_a_specific_message(text: str, fragment: str) -> None:
    assert fragment in str(refused(text))


# -- missing values ---------------------------------------------------------------------------


def test_comparisons_with_missing_values_are_false() -> None:
    frame = numpy_frame()
    assert values(evaluate("price > 0", frame)) == [True, False, True, True, False]
    assert values(evaluate("price != 3", frame)) == [True, False, False, True, True]
    assert values(evaluate("name != 'Ab'", frame)) == [False, False, True, True, True]
    assert values(evaluate("when != '2020-01-05 10:30'", frame)) == [False, False, True, True, True]
    assert values(evaluate("name not in ['x']", frame)) == [True, False, True, True, False]


def test_comparisons_with_nullable_missing_values_are_false_not_na() -> None:
    frame = nullable_frame()
    result = evaluate("units > 0 and flag", frame)
    assert result.dtype == bool and values(result) == [True, False, False, False, True]
    assert values(evaluate("not flag", frame)) == [False, True, False, True, False]


def test_is_null_detects_nan_none_and_nat() -> None:
    frame = numpy_frame()
    assert values(evaluate("is_null(price)", frame)) == [False, True, False, False, False]
    assert values(evaluate("is_null(name)", frame)) == [False, True, False, False, False]
    assert values(evaluate("is_null(when)", frame)) == [False, True, False, False, False]
    assert values(evaluate("is_null(region)", frame)) == [False, False, True, False, False]
    assert values(evaluate("is_null(units)", nullable_frame())) == [False, True] + [False] * 3


def test_none_in_a_list_matches_missing_values() -> None:
    frame = numpy_frame()
    assert values(evaluate("name in ['x', None]", frame)) == [False, True, False, False, True]
    assert values(evaluate("name not in ['x', None]", frame)) == [True, False, True, True, False]


def test_integer_division_by_zero_gives_missing_integers() -> None:
    result = evaluate("units // (units - units)")
    assert str(result.dtype) == "Int64" and result.isna().all()


def test_if_else_with_none_gives_a_nullable_column_of_the_other_branch_dtype() -> None:
    result = evaluate("if_else(units > 1, units, None)")
    assert str(result.dtype) == "Int64"
    assert values(result) == [None, 2, None, 5, 3]


def test_date_literals_compare_with_time_zone_aware_dates() -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2020-01-01", "2021-06-01"]).tz_localize("UTC")})
    assert values(evaluate("at > '2020-06-01'", frame)) == [False, True]
    assert values(evaluate("between(at, '2019-01-01', '2020-12-31')", frame)) == [True, False]


# -- hostile input ----------------------------------------------------------------------------

HOSTILE: list[tuple[str, str, str]] = [
    ("__import__('os')", "function '__import__'", "function '__import__' is not allowed"),
    ("x.__class__", "'.' after a value", "'.' after a value is not allowed (at column 2)"),
    ("price.__class__.__mro__", "'.' after a value", "'.' after a value is not allowed"),
    ("name.lower()", "'.' after a value", "write lower(name) instead"),
    ("price[0]", "indexing with [...]", "indexing with [...] is not allowed (at column 6)"),
    ("@price > 1", "operator '@'", "operator '@' is not allowed (at column 1)"),
    ("a @ b", "operator '@'", "operator '@' is not allowed (at column 3)"),
    ("9**9**9", "operator '**'", "the exponent 387420489 is too large"),
    ("2 ** 64", "operator '**'", "does not fit in a 64-bit integer"),
    ("1e308 ** 2", "operator '**'", "too large for a float"),
    ("(-8) ** 0.5", "operator '**'", "not a real number"),
    ("1 / 0", "operator '/'", "division by zero"),
    ("lambda: 1", "'lambda'", "'lambda' is not allowed (at column 1)"),
    ("(lambda: 1)()", "'lambda'", "'lambda' is not allowed"),
    ("[x for x in y]", "a loop with 'for'", "a loop with 'for' is not allowed"),
    ("{x for x in y}", "a loop with 'for'", "work on whole columns at once"),
    ("(x for x in y)", "a loop with 'for'", "a loop with 'for' is not allowed"),
    ("open('f')", "function 'open'", "function 'open' is not allowed (at column 1)"),
    ("eval('1')", "function 'eval'", "function 'eval' is not allowed"),
    ("(y := 1)", "assigning a value", "assigning a value is not allowed (at column 2)"),
    ("y := 1", "assigning a value", "assigning a value is not allowed (at column 3)"),
    ("f'{x}'", "text with an f prefix", "text with an f prefix is not allowed"),
    ("abs(*x)", "'*' before an argument", "'*' before an argument is not allowed"),
    ("abs(**x)", "'**' before an argument", "'**' before an argument is not allowed"),
    ("__class__", "the name '__class__'", "the name '__class__' is not allowed"),
    ("x << 2", "operator '<<'", "operator '<<' is not allowed"),
    ("x if y else 1", "'a if c else b'", "write if_else(c, a, b)"),
    ("x if y", "word 'if'", "'if' is not a word of the expression language (at column 3)"),
    ("{'a': 1}", "'{...}'", "'{...}' is not allowed"),
    ("[1, 2]", "a list [...]", "only allowed after in"),
    ("1, 2", "a comma between values", "the values of a list after in"),
    ("x in y", "operator 'in'", "must be a list of literals"),
    ("x in [y]", "non-literal list item", "only literal values are allowed"),
    ("x in [1] in [2]", "chained 'in'", "chained 'in' is not allowed"),
    ("b'x'", "text with a b prefix", "text with a b prefix is not allowed"),
    ("1j", "a complex number", "a complex number is not allowed"),
    ("99999999999999999999", "integer literal", "too large for 64 bits"),
    ("a = 1", "assignment '='", "to compare write =="),
    ("$price", "character '$'", "character '$' is not allowed"),
    ("price >", "syntax", "the expression ends after '>' (at column 7)"),
    ("'open", "syntax", "the text in quotes is never closed (at column 1)"),
    ("(price", "syntax", "'(' is never closed (at column 1): add the closing ')'"),
    ("price)", "syntax", "unmatched ')': nothing opens it (at column 6)"),
    ("(x]", "syntax", "']' closes the '(' opened before it"),
    ("import os", "word 'import'", 'for a column named import write col("import")'),
    ("pr ice", "syntax", "'pr' and 'ice' follow each other with nothing between them"),
    ("price\n+ 1", "syntax", "a line break ends the expression before this (at line 2"),
    ("07", "syntax", "a whole number cannot start with 0"),
    ("1abc", "syntax", 'col("1st")'),
    ("x: 1", "syntax", "the expression cannot be read at ':' (at column 2)"),
    ("\u20ac", "syntax", "the character '\u20ac' (U+20AC) is not allowed here"),
    ("price > 1\x00", "character NUL", "NUL character is not allowed"),
    ("price(1)", "function 'price'", "function 'price' is not allowed"),
    ("await x", "'await'", "'await' is not allowed"),
]


@pytest.mark.parametrize(
    ("text", "construct", "fragment"), HOSTILE, ids=[repr(t) for t, _, _ in HOSTILE]
)
def test_hostile_input_is_refused_naming_the_construct(
    text: str, construct: str, fragment: str
) -> None:
    schema = TableSchema.of(price="float", x="integer", y="integer", a="integer", b="integer")
    exc = refused(text, schema)
    assert exc.construct == construct
    assert fragment in str(exc)


# Words of Python's grammar and parser that must never reach a user: messages speak the
# expression language (docs/expression-language.md).
PYTHON_WORDING = (
    ":=",
    "walrus",
    "namedexpr",
    "ast.",
    "python",
    "syntax error",
    "invalid syntax",
    "string literal",
    "decimal literal",
    "keyword argument",
    "comprehension",
    "generator",
    "f-string",
    "dunder",
    "subscript",
    "attribute",
    "starred",
    "unpacking",
    "eof",
    "octal",
    "tuple",
    "dict",
)
PYTHON_STATEMENTS = [
    "import os",
    "from os import path",
    "def f(): pass",
    "x = 1",
    "global x",
    "del x",
    "assert x",
    "yield x",
    "return 1",
    "async",
    "pass",
    "class A: pass",
    "with x: pass",
    "try: pass",
    "lambda",
    "print 'x'",
    "x: int",
    "*price",
    "price\\\n",
    "abs(x=1, 2)",
    "(1 for x in y",
    '"""abc',
    "price ==",
    "1..2",
    "0777",
    "0b2",
    "price if",
    "[x for x in y if x]",
    "{**x}",
    "f(x for x in y)",
    "x[1:2]",
    "abs(1)(2)",
]


@pytest.mark.parametrize(
    "text", [t for t, _, _ in HOSTILE] + PYTHON_STATEMENTS, ids=lambda t: repr(t)
)
def test_messages_speak_the_expression_language_not_python(text: str) -> None:
    schema = TableSchema.of(price="float", x="integer", y="integer", a="integer", b="integer")
    try:
        compile_expression(text, schema)
    except ExpressionError as exc:
        said = f"{exc.message} {exc.hint}".lower()
        # the user's own text may be quoted back; anything else is our wording
        said = said.replace(text.lower(), "")
        assert not [w for w in PYTHON_WORDING if w in said], str(exc)
        assert exc.position is None or "(at " in exc.message
    else:
        pytest.fail(f"{text!r} compiled")


def test_power_tower_is_refused_without_being_computed() -> None:
    exc = refused("9**9**9")
    assert "exponent 387420489" in exc.message and "limit is 64" in exc.message
    assert exc.position == 2


def test_ten_thousand_nested_parentheses_are_a_clear_error() -> None:
    exc = refused("(" * 10_000 + "1" + ")" * 10_000)
    assert exc.construct == "nesting" and "nested more than 50 deep" in exc.message
    exc = refused("(" * 60 + "price" + ")" * 60)
    assert exc.construct == "nesting" and exc.position == 51


def test_one_megabyte_expression_is_refused_for_its_length() -> None:
    exc = refused("price + " * (1 << 17))
    assert exc.message == "expression is 1048576 characters long; the limit is 2000"
    assert exc.position is None


def test_expression_with_too_many_parts_is_refused() -> None:
    exc = refused("+".join(["x"] * 300), TableSchema.of(x="integer"))
    assert exc.construct == "size" and "the limit is 500" in exc.message


def test_deep_chains_are_refused_before_they_can_exhaust_the_stack() -> None:
    assert refused("-" * 500 + "1").construct == "size"
    assert refused("-" * 150 + "1").construct == "nesting"
    assert refused("not " * 200 + "flag").construct == "nesting"
    deepest_allowed = "+".join(["units"] * MAX_DEPTH)
    assert compile_expression(deepest_allowed, SCHEMA).evaluate(numpy_frame()).iloc[0] == MAX_DEPTH


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = "contains(name, '" + "(" * 80 + "')"
    assert len(text) < MAX_LENGTH
    assert values(evaluate(text)) == [False, False, False, False, False]


def test_unknown_function_suggests_a_known_one() -> None:
    exc = refused("lowr(name)")
    assert exc.construct == "function 'lowr'" and "did you mean lower()?" in exc.hint
    assert "did you mean is_null()?" in refused("isnull(price)").hint


def test_filter_rejects_unknown_column_with_suggestion() -> None:
    exc = refused("pricee > 1")
    assert exc.unknown_column == "pricee" and exc.position == 1
    assert exc.construct == "column 'pricee'" and "did you mean price?" in exc.hint
    hint = refused("col('Unit price') > 1").hint
    assert "did you mean col('Unit Price')?" in hint


def test_lowercase_true_is_explained() -> None:
    assert "write True" in refused("flag == true").hint


def test_positions_count_characters_across_lines_and_non_ascii_text() -> None:
    schema = TableSchema.of(**{"prix €": "float", "price": "float"})
    exc = refused("col('prix €') + price.real", schema)
    assert exc.position == 22 and "(at column 22)" in exc.message
    exc = refused("(price > 1 and\n  price.real)", schema)
    assert exc.position == 23 and "(at line 2, column 8)" in exc.message
    assert "(at line 2, column 3)" in refused("price >\n  @x", schema).message


def test_leading_blanks_and_comments_are_allowed() -> None:
    assert values(evaluate("  \n price > 2  # expensive ones")) == [False, False, True, True, False]


def test_no_input_crashes_the_checker() -> None:
    weird = [
        "",
        " ",
        "(",
        ")",
        "[" * 40,
        "'''",
        "\\",
        "\ud800",
        "price >" + " " * 1990,
        "é" * 2000,
        "x" * 2001,
        "(((" * 30,
        "1" * 2000,
        "not " * 499 + "x",
        "--" * 999 + "1",
    ]
    for text in weird:
        with pytest.raises(ExpressionError):
            compile_expression(text, SCHEMA)
    with pytest.raises(ExpressionError):
        compile_expression(None, SCHEMA)  # type: ignore[arg-type]


def test_user_text_never_reaches_eval_or_query(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("user text reached eval/exec/query")

    import builtins

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(pd.DataFrame, "query", forbidden)
    monkeypatch.setattr(pd.DataFrame, "eval", forbidden)
    monkeypatch.setattr(pd, "eval", forbidden)
    text = "if_else(price > 1 and contains(name, 'A'), units * 2, round(price)) + year(when)"
    compile_expression(text + " + 0", SCHEMA).evaluate(full_frame())


# -- without a schema -------------------------------------------------------------------------


def test_without_a_schema_any_column_name_is_accepted_as_unknown() -> None:
    compiled = compile_expression("anything * 2 > other", None)
    assert compiled.dtype is Dtype.BOOLEAN and compiled.columns == {"anything", "other"}
    assert compile_expression("anything * 2", None).dtype is Dtype.UNKNOWN


def test_without_a_schema_evaluate_names_an_unknown_column() -> None:
    compiled = compile_expression("pricee > 1", None)
    with pytest.raises(ExpressionError) as caught:
        compiled.evaluate(numpy_frame())
    assert caught.value.unknown_column == "pricee" and "did you mean price?" in str(caught.value)


def test_without_a_schema_evaluate_reports_type_errors() -> None:
    compiled = compile_expression("lower(price)", None)
    with pytest.raises(ExpressionError, match="lower\\(\\) needs text"):
        compiled.evaluate(numpy_frame())


def test_evaluate_names_a_column_missing_from_the_frame() -> None:
    compiled = compile_expression("price > 1", TableSchema.of(price="float"))
    with pytest.raises(ExpressionError, match="unknown column 'price'"):
        compiled.evaluate(pd.DataFrame({"prices": [1.0]}))


# -- expression_issues ------------------------------------------------------------------------


def test_issues_are_empty_for_a_good_filter() -> None:
    assert expression_issues("price > 1", SCHEMA, param="expression", expect=Dtype.BOOLEAN) == []


def test_issues_report_unknown_column_as_missing_column_with_did_you_mean() -> None:
    [issue] = expression_issues("pricee > 1", SCHEMA, param="expression")
    assert isinstance(issue, Issue)
    assert issue.code == "missing_column" and issue.param == "expression"
    assert "did you mean 'price'?" in issue.hint and "(at column 1)" in issue.message


def test_issues_report_a_refused_construct_with_its_position_and_a_fix() -> None:
    [issue] = expression_issues("x.__class__", TableSchema.of(x="integer"), param="expression")
    assert issue.code == "invalid_expression"
    assert issue.message == "'.' after a value is not allowed (at column 2)"
    assert issue.hint


def test_filter_expression_that_is_not_boolean_is_an_issue() -> None:
    [issue] = expression_issues("price * 2", SCHEMA, param="expression", expect=Dtype.BOOLEAN)
    assert issue.code == "expression_not_boolean" and "float" in issue.message
    assert expression_issues("price", None, param="expression", expect=Dtype.BOOLEAN) == []


def test_issues_never_raise() -> None:
    for text in ["", "(" * 10_000, "x" * 3000, "__import__('os')", "\x00"]:
        [issue] = expression_issues(text, SCHEMA, param="expression")
        assert issue.code == "invalid_expression" and issue.message
    [issue] = expression_issues(12345, SCHEMA, param="expression")  # type: ignore[arg-type]
    assert issue.code == "invalid_expression"


# -- the function table -----------------------------------------------------------------------


def test_function_table_has_the_documented_functions_with_one_line_docs() -> None:
    expected = {
        "is_null", "not_null", "lower", "upper", "strip", "contains", "startswith", "endswith",
        "len", "year", "month", "day", "hour", "minute", "weekday", "dayofyear", "quarter",
        "abs", "round", "log", "exp", "sqrt", "float", "clip", "between", "if_else", "col",
            "to_date",
    }  # fmt: skip
    assert set(FUNCTIONS) == expected
    for name, spec in FUNCTIONS.items():
        assert spec.name == name and spec.signature.startswith(name + "(")
        assert spec.doc and "\n" not in spec.doc and spec.category


def test_compiled_expression_is_immutable_and_reusable() -> None:
    compiled = compile_expression("units * 2", SCHEMA)
    assert isinstance(compiled, CompiledExpression)
    with pytest.raises(AttributeError):
        compiled.text = "other"  # type: ignore[misc]
    first, second = compiled.evaluate(numpy_frame()), compiled.evaluate(full_frame())
    assert values(first) == values(second) == [2, 4, 0, 10, 6]


# -- lookalike letters and integer overflow ---------------------------------------------------


def test_a_fullwidth_lookalike_letter_in_a_name_is_refused_not_folded_onto_another_column() -> None:
    schema = TableSchema.of(price=Dtype.FLOAT, units=Dtype.INTEGER)
    with pytest.raises(ExpressionError) as caught:
        compile_expression("price > 1 and \uff55nits > 3", schema)
    error = caught.value
    assert error.position == 15 and error.construct == "character U+FF55"
    assert "FULLWIDTH LATIN SMALL LETTER U" in error.message and "'u'" in error.message
    assert 'col("\uff55nits")' in error.hint or "col('\uff55nits')" in error.hint


def test_letters_that_normalization_keeps_and_lookalikes_inside_strings_are_allowed() -> None:
    frame = pd.DataFrame({"größe": [1, 5], "\uff55nits": [2, 9]})
    schema = schema_of_frame(frame)
    assert compile_expression("größe > 3", schema).evaluate(frame).tolist() == [False, True]
    assert compile_expression('col("\uff55nits") > 3', schema).evaluate(frame).tolist() == [
        False,
        True,
    ]


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("units * 10000000000000", "*"),
        ("units + 9223372036854775000", "+"),
        ("0 - units - 9223372036854775000", "-"),
        ("units ** 5", "**"),
    ],
)
def test_integer_overflow_is_reported_with_the_rows_and_a_float_rewrite(
    text: str, symbol: str
) -> None:
    frame = pd.DataFrame({"units": [1, 2, 3_000_000]}, index=["a", "b", "c"])
    compiled = compile_expression(text, schema_of_frame(frame))
    with pytest.raises(ExpressionError) as caught:
        compiled.evaluate(frame)
    error = caught.value
    assert error.construct == f"operator '{symbol}'"
    assert "beyond the 64-bit integer range in 1 row, first in row 'c'" in error.message
    assert "float(" in error.hint


def test_integer_arithmetic_within_range_stays_exact_and_float_computes_beyond_it() -> None:
    frame = pd.DataFrame({"units": pd.array([2, None, 3_000_000], dtype="Int64")})
    schema = schema_of_frame(frame)
    exact = compile_expression("units * 1000000000000 - 1", schema).evaluate(frame)
    assert exact.tolist()[0] == 1_999_999_999_999 and exact.tolist()[2] == 2_999_999_999_999_999_999
    assert pd.isna(exact.tolist()[1])
    big = compile_expression("float(units) * 10000000000000", schema)
    assert big.dtype is Dtype.FLOAT
    assert big.evaluate(frame).tolist()[2] == pytest.approx(3e19)
    # the negation of the smallest int64 wraps too
    smallest = pd.DataFrame({"units": np.array([-(2**63)], dtype="int64")})
    with pytest.raises(ExpressionError, match="beyond the 64-bit integer range"):
        compile_expression("-units", schema_of_frame(smallest)).evaluate(smallest)
