"""The checker's model of a checked sub-expression (`Typed`): its logical dtype, how to compute
it, where it is in the text, and how messages name its dtype."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from node_library.expressions.errors import shown
from node_library.expressions.values import Runner, constant_runner
from node_library.schema import Dtype

_ARTICLES = {
    Dtype.INTEGER: "an integer",
    Dtype.FLOAT: "a float",
    Dtype.BOOLEAN: "a boolean",
    Dtype.STRING: "a string",
    Dtype.DATETIME: "a datetime",
    Dtype.CATEGORY: "a category",
    Dtype.UNKNOWN: "an unknown",
}
NUMBERS = (Dtype.INTEGER, Dtype.FLOAT)


def with_article(dtype: Dtype) -> str:
    """The dtype as messages name it, e.g. "an integer"."""
    return _ARTICLES[dtype]


@dataclass(frozen=True)
class Typed:
    """One checked sub-expression: its logical dtype and how to compute it."""

    dtype: Dtype
    run: Runner
    position: int
    text: str
    is_constant: bool = False
    value: Any = None
    is_null: bool = False  # the literal None

    def described(self) -> str:
        return f"`{shown(self.text)}` is {with_article(self.dtype)}"


def constant(value: Any, dtype: Dtype, position: int, text: str) -> Typed:
    return Typed(dtype, constant_runner(value), position, text, True, value)
