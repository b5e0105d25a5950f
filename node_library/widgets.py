"""Widget hints: which control the canvas's properties form draws for a param, and when it shows.

A node marks a param with `Field(..., json_schema_extra=widgets.column())` and the hint lands in
the params JSON schema (`"x-widget": "column"`), next to the type, default and bounds the form
already reads. Hints only change how a param is edited, never what it means: the planner's
code_version hashes the params' values, not their schema, so adding or changing a hint leaves
every cache key as it was.

The vocabulary (canvas_frontend/src/graph/paramsForm.ts reads it):

- `expression`: text in the safe expression language (node_library.expressions), edited with
  column and function completion and the server's errors inline.
- `column`: one column name of the input (a string, possibly nullable).
- `columns`: a list of column names of the input (an ordered include list).
- `column_map`: an object keyed by column names of the input (e.g. column -> new type).
- `multiline`: free text over several lines (a SQL query).
- `text`: plain text even though the param's name sounds like a column (a name the node creates).
- `search_space`: a tuning node's hyperparameter search space (node_library.ml.search_space), a
  list of `{param, values}` entries, edited one row per hyperparameter with the connected model's
  hyperparameters offered (canvas_frontend/src/graph/searchSpace.ts); `x-search-ranges` says the
  entries may also be `{param, low, high, log, integer}` ranges (random search).

`x-input-port` names the input whose columns are offered, for nodes with several inputs (a
join's left and right keys). Without it the form offers the columns of every input; a node
without inputs (a file source) gets its own inferred columns as suggestions.

`x-visible-when` (`visible_when(method=["time-ordered"])`) shows a param only while other params
hold one of the listed values (each condition must hold; an absent param counts as its default):
a split's time column only for the time-ordered method. The form hides such a param otherwise
(canvas_frontend/src/graph/fieldVisibility.ts), unless the server has an issue about it, so a
value that still matters can be seen and cleared. Combine hints with `|`:
`json_schema_extra=widgets.column() | widgets.visible_when(method=["stratified"])`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from pydantic.config import JsonDict, JsonValue

__all__ = [
    "WIDGETS",
    "Widget",
    "column",
    "column_map",
    "columns",
    "expression",
    "multiline",
    "search_space",
    "text",
    "visible_when",
]

Widget = Literal[
    "expression", "column", "columns", "column_map", "multiline", "text", "search_space"
]
WIDGETS: tuple[Widget, ...] = get_args(Widget)

VISIBLE_WHEN = "x-visible-when"
SEARCH_RANGES = "x-search-ranges"


def _hint(widget: Widget, port: str | None = None) -> JsonDict:
    hint: JsonDict = {"x-widget": widget}
    if port is not None:
        hint["x-input-port"] = port
    return hint


def expression() -> JsonDict:
    return _hint("expression")


def column(port: str | None = None) -> JsonDict:
    return _hint("column", port)


def columns(port: str | None = None) -> JsonDict:
    return _hint("columns", port)


def column_map(port: str | None = None) -> JsonDict:
    return _hint("column_map", port)


def multiline() -> JsonDict:
    return _hint("multiline")


def text() -> JsonDict:
    return _hint("text")


def search_space(*, ranges: bool = False) -> JsonDict:
    """A search space of hyperparameters; `ranges`: entries may be numeric ranges too."""
    hint = _hint("search_space")
    if ranges:
        hint[SEARCH_RANGES] = True
    return hint


def visible_when(**conditions: Iterable[str | int | float | bool | None]) -> JsonDict:
    """Show the param only while each named param holds one of its listed values."""
    if not conditions:
        raise ValueError("visible_when needs at least one condition, e.g. method=['random']")
    shown: dict[str, JsonValue] = {}
    for name, values in conditions.items():
        listed: list[JsonValue] = [] if isinstance(values, str) else list(values)
        if not listed:
            raise ValueError(
                f"visible_when({name}=...) needs a list of values, e.g. {name}=['random']"
            )
        shown[name] = listed
    return {VISIBLE_WHEN: shown}
