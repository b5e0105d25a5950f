"""Syntax errors in the language's own words.

Expressions are read by Python's parser (parse.py), whose messages speak of Python ("invalid
syntax", "unterminated string literal", "leading zeros in decimal integer literals", keywords
the language does not have). This module turns a SyntaxError into an ExpressionError that names
what the user wrote and how to write it in the language of docs/expression-language.md, with the
position the canvas underlines. Python's own message never reaches the user: what is not
recognized here is "cannot be read at '...'".
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass

from node_library.expressions.errors import ExpressionError, line_starts, located_at

SYNTAX = "syntax"
BRACKETS_HINT = "check the brackets: each '(' or '[' needs its closing ')' or ']'"
GENERIC_HINT = "check the brackets, quotes and operators around this place"

# Characters (and one operator) that are never part of the language: (what it is, hint).
SYNTAX_CHARACTERS = {
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
    ":=": (
        "assigning a value",
        "an expression computes a value and cannot store one: to compare write ==; "
        "to add a column use a Computed column node",
    ),
}
_STRAY_TOKENS = frozenset(c for c in SYNTAX_CHARACTERS if c != "=")

# The words of the language; Python's other keywords are not words of it.
LANGUAGE_WORDS = frozenset({"and", "or", "not", "in", "is", "None", "True", "False"})
_WORD_HINTS = {
    "if": "write if_else(cond, a, b)",
    "else": "write if_else(cond, a, b)",
    "elif": "write if_else(cond, a, if_else(cond2, b, c))",
    "lambda": "expressions cannot define functions; use the listed functions",
    "for": "expressions work on whole columns at once: write what one value is, e.g. price * 2",
}
_CLOSING = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class _Token:
    text: str
    kind: int
    position: int  # 1-based offset in the whole text


def syntax_error(text: str, lead: int, exc: SyntaxError) -> ExpressionError:
    """The ExpressionError for a SyntaxError that Python raised on `text[lead:]`."""
    if "\0" in text:
        nul = text.index("\0") + 1
        return ExpressionError(
            f"the NUL character is not allowed{located_at(nul, text)}",
            nul,
            "character NUL",
            "remove control characters from the text",
        )
    position: int | None = None
    if exc.lineno is not None and exc.offset:  # offset 0: at the end of the text
        starts = line_starts(text[lead:])
        line = min(max(exc.lineno, 1), len(starts)) - 1
        position = min(lead + starts[line] + max(exc.offset or 1, 1), len(text))
    tokens = _tokens(text)
    for explain in (
        _stray,
        _parser_message,
        _foreign_word,
        _line_break,
        _ends_early,
        _values_in_a_row,
    ):
        found = explain(text, position, exc.msg or "", tokens)
        if found is not None:
            message, where, construct, hint = found
            return ExpressionError(f"{message}{located_at(where, text)}", where, construct, hint)
    at = _token_at(tokens, position)
    shown = f" at {at.text!r}" if at is not None and at.text.strip() else ""
    return ExpressionError(
        f"the expression cannot be read{shown}{located_at(position, text)}",
        position,
        SYNTAX,
        GENERIC_HINT,
    )


# (message without the position, position, construct, hint), or None: not this explanation
Explained = tuple[str, int | None, str, str] | None


def _stray(text: str, position: int | None, reason: str, tokens: list[_Token]) -> Explained:
    """A character that is never part of the language (Python sometimes points next to it)."""
    char = text[position - 1] if position is not None else ""
    if char == "=" and position is not None and text[position - 2 : position] == ":=":
        char, position = ":=", position - 1
    if char not in SYNTAX_CHARACTERS:
        stray = next(
            (
                t
                for t in tokens
                if t.text in _STRAY_TOKENS and t.kind in (tokenize.OP, tokenize.ERRORTOKEN)
            ),
            None,
        )
        if stray is None:
            return None
        position, char = stray.position, stray.text
    construct, hint = SYNTAX_CHARACTERS[char]
    return f"{construct} is not allowed", position, construct, hint


def _parser_message(
    text: str, position: int | None, reason: str, tokens: list[_Token]
) -> Explained:
    """Python's messages about brackets, quotes, numbers and characters, reworded."""
    for pattern, explain in _PARSER_MESSAGES:
        found = re.match(pattern, reason)
        if found:
            message, hint = explain(found)
            return message, position, SYNTAX, hint
    return None


_PARSER_MESSAGES: list[tuple[str, Callable[[re.Match[str]], tuple[str, str]]]] = [
    (
        r"'(.)' was never closed",
        lambda m: (
            f"'{m[1]}' is never closed",
            f"add the closing '{_CLOSING.get(m[1], m[1])}' ({BRACKETS_HINT})",
        ),
    ),
    (
        r"unmatched '(.)'",
        lambda m: (f"unmatched '{m[1]}': nothing opens it", BRACKETS_HINT),
    ),
    (
        r"closing parenthesis '(.)' does not match opening parenthesis '(.)'",
        lambda m: (f"'{m[1]}' closes the '{m[2]}' opened before it", BRACKETS_HINT),
    ),
    (
        r"unterminated (?:triple-quoted )?string",
        lambda m: (
            "the text in quotes is never closed",
            "end the text with the quote it starts with (\" or ')",
        ),
    ),
    (
        r"invalid character '(.+)' \((U\+[0-9A-Fa-f]+)\)",
        lambda m: (
            f"the character '{m[1]}' ({m[2]}) is not allowed here",
            'put text in quotes ("...") and write a column with an unusual name as col("...")',
        ),
    ),
    (
        r"invalid (?:decimal|hexadecimal|octal|binary) literal|invalid digit",
        lambda m: (
            "this is not a valid number",
            'a column whose name starts with a digit is written col("1st")',
        ),
    ),
    (
        r"leading zeros",
        lambda m: ("a whole number cannot start with 0", "write 7, not 07"),
    ),
    (
        r"positional argument follows keyword argument",
        lambda m: (
            "an argument without a name follows a named one",
            "put the named arguments last, e.g. round(price, ndigits=2)",
        ),
    ),
    (
        r"keyword argument repeated",
        lambda m: ("an argument is named twice", "name each argument once"),
    ),
]


def _foreign_word(text: str, position: int | None, reason: str, tokens: list[_Token]) -> Explained:
    """A word of Python that is not a word of the language (import, def, if, yield, ...)."""
    word = next(
        (
            t
            for t in tokens
            if t.kind == tokenize.NAME
            and keyword.iskeyword(t.text)
            and t.text not in LANGUAGE_WORDS
        ),
        None,
    )
    if word is None:
        return None
    hint = _WORD_HINTS.get(word.text, f'for a column named {word.text} write col("{word.text}")')
    return (
        f"'{word.text}' is not a word of the expression language",
        word.position,
        f"word '{word.text}'",
        hint,
    )


def _line_break(text: str, position: int | None, reason: str, tokens: list[_Token]) -> Explained:
    """A formula continued on a new line outside brackets: the line break ends it."""
    index = next((i for i, t in enumerate(tokens) if t.position == position), None)
    if index is None or not any(t.kind == tokenize.NEWLINE for t in tokens[:index]):
        return None
    return (
        "a line break ends the expression before this",
        position,
        SYNTAX,
        "put brackets around a formula that spans several lines: ( before its first line, ) "
        "after its last",
    )


def _ends_early(text: str, position: int | None, reason: str, tokens: list[_Token]) -> Explained:
    """The text stops after an operator: `price >`, `units and`."""
    last = next(
        (t for t in reversed(tokens) if t.kind not in _LAYOUT and t.text.strip()),
        None,
    )
    if last is None or last.text in _CLOSING.values():
        return None
    operator = last.kind == tokenize.OP or last.text in ("and", "or", "not", "in", "is")
    if not operator or (position is not None and position < last.position):
        return None  # the parser stopped before the end: something else is wrong there
    return (
        f"the expression ends after '{last.text}'",
        last.position,
        SYNTAX,
        f"'{last.text}' needs a value after it, e.g. price {last.text} 1"
        if last.kind == tokenize.OP
        else f"'{last.text}' needs a value after it",
    )


def _values_in_a_row(
    text: str, position: int | None, reason: str, tokens: list[_Token]
) -> Explained:
    """Two values with nothing between them: `pr ice`, `price qty`, `1 2`."""
    index = next((i for i, t in enumerate(tokens) if t.position == position), None)
    if index is None or index == 0:
        return None
    current, before = tokens[index], tokens[index - 1]
    values = (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)
    if current.kind not in values or before.kind not in values:
        return None
    if before.text in ("and", "or", "not", "in", "is"):
        return None
    return (
        f"{before.text!r} and {current.text!r} follow each other with nothing between them",
        current.position,
        SYNTAX,
        "put an operator between them (e.g. +, ==, and), a comma between the arguments of a "
        'function, or write a column name with spaces as col("...")',
    )


_LAYOUT = (
    tokenize.NEWLINE,
    tokenize.NL,
    tokenize.ENDMARKER,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.COMMENT,
)


def _tokens(text: str) -> list[_Token]:
    """The tokens of `text` up to where tokenizing fails, with 1-based positions."""
    starts = line_starts(text)
    tokens: list[_Token] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            row, col = token.start
            position = starts[min(row, len(starts)) - 1] + col + 1
            tokens.append(_Token(token.string, token.type, position))
    except (tokenize.TokenError, SyntaxError):
        pass
    return tokens


def _token_at(tokens: list[_Token], position: int | None) -> _Token | None:
    return next((t for t in tokens if t.position == position and t.kind not in _LAYOUT), None)
