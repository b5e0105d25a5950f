"""The editor's reference of the syntax (`SYNTAX`): each operator, word operator and literal of
the language with a one-line doc and an example, and the words that cannot be bare column names."""

from __future__ import annotations

import keyword
from dataclasses import dataclass


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
