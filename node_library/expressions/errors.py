"""ExpressionError, and how its messages point at a place in the user's text."""

from __future__ import annotations

import bisect
import re


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


def located_at(position: int | None, text: str = "") -> str:
    """Where a 1-based character offset is, for messages: its line too when text has several."""
    if position is None:
        return ""
    starts = line_starts(text)
    if len(starts) == 1:
        return f" (at column {position})"
    line = bisect.bisect_right(starts, position - 1)
    return f" (at line {line}, column {position - starts[line - 1]})"


def line_starts(source: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", source))]


def shown(text: str) -> str:
    """User text quoted in a message, cut short so that messages stay readable."""
    return text if len(text) <= 40 else text[:37] + "..."
