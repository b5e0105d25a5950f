"""How expressions name columns: how to write any column so that it reads back as itself, and the
error for a name that is not a column (with a did-you-mean)."""

from __future__ import annotations

import keyword
import unicodedata
from collections.abc import Sequence

from node_library.checks import did_you_mean
from node_library.expressions.errors import ExpressionError, located_at
from node_library.expressions.functions import FUNCTIONS

_LITERAL_SPELLINGS = {
    "true": "True",
    "false": "False",
    "null": "None",
    "none": "None",
    "NULL": "None",
    "TRUE": "True",
    "FALSE": "False",
}


def column_reference(name: str) -> str:
    """How an expression writes the column `name`: bare when it is a plain name, else col("...").

    Python reads identifiers in NFKC form (the ligature in "\ufb01eld" reads as "field"), so a name
    that normalization changes is not plain either."""
    plain = (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and unicodedata.normalize("NFKC", name) == name
    )
    if plain and not (name.startswith("__") and name.endswith("__")):
        return name
    return f"col({name!r})"


def unknown_column(
    name: str, names: Sequence[str], position: int | None, text: str = ""
) -> ExpressionError:
    suggestion = did_you_mean(name, names)
    if suggestion is not None:
        hint = f"did you mean {column_reference(suggestion)}?"
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
        f"unknown column {name!r}{located_at(position, text)}",
        position,
        f"column {name!r}",
        hint,
        unknown_column=name,
    )
