"""Widget hints: which control the canvas's properties form draws for a param.

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

`x-input-port` names the input whose columns are offered, for nodes with several inputs (a
join's left and right keys). Without it the form offers the columns of every input; a node
without inputs (a file source) gets its own inferred columns as suggestions.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic.config import JsonDict

__all__ = [
    "WIDGETS",
    "Widget",
    "column",
    "column_map",
    "columns",
    "expression",
    "multiline",
    "text",
]

Widget = Literal["expression", "column", "columns", "column_map", "multiline", "text"]
WIDGETS: tuple[Widget, ...] = get_args(Widget)


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
