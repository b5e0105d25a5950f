"""Formula injection: text cells that a spreadsheet would run as a formula when a user opens a CSV
or XLSX file we wrote (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`).

As OWASP recommends, a text cell starting with one of FORMULA_TRIGGERS ('=', '+', '-', '@', tab,
carriage return, and their fullwidth forms, which some spreadsheets fold onto the ASCII ones) is
neutralized; numbers, dates and booleans are never touched, so -5 stays the number -5, while the
text "-5" becomes "'-5". Column names are cells too (the header row).

- CSV: `neutralize_frame` prefixes such text with a single quote, which spreadsheets show as text.
- XLSX: the text is kept exactly but written as a text cell with Excel's quote-prefix flag (what
  Excel itself stores when one types '=1): `formula_like_cells` gives the positions to mark,
  since openpyxl would otherwise store every string starting with '=' as a formula.

Callers offer a switch to keep raw values (the export node's `raw_values`, CANVAS_CSV_RAW=1 for
table downloads); see docs/operating/files.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as pdt

QUOTE = "'"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize_text(value: str) -> str:
    """`value` with a leading quote when a spreadsheet would read it as a formula."""
    return QUOTE + value if value.startswith(FORMULA_TRIGGERS) else value


def _text_columns(frame: pd.DataFrame) -> list[int]:
    return [
        position
        for position, dtype in enumerate(frame.dtypes)
        if pdt.is_object_dtype(dtype)
        or pdt.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    ]


def _formula_mask(column: pd.Series) -> np.ndarray:
    """True where the column holds text starting with a trigger (other values are False)."""
    values = column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column
    try:
        mask = values.str.startswith(FORMULA_TRIGGERS, na=False)
    except AttributeError:  # an object column without any string: nothing to neutralize
        return np.zeros(len(values), dtype=bool)
    return np.asarray(mask.fillna(False), dtype=bool)


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy-on-write view of `frame` with formula-like text cells and column names quoted."""
    result: pd.DataFrame | None = None
    for position in _text_columns(frame):
        column = frame.iloc[:, position]
        mask = _formula_mask(column)
        if not mask.any():
            continue
        if result is None:
            result = frame.copy(deep=False)
        values = column.astype(object).to_numpy(copy=True)
        values[mask] = [QUOTE + v for v in values[mask]]
        result.isetitem(position, values)
    names = [neutralize_text(n) if isinstance(n, str) else n for n in frame.columns]
    if names != list(frame.columns):
        result = frame.copy(deep=False) if result is None else result
        result.columns = names
    return frame if result is None else result


def formula_like_cells(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """(row, column) positions, 0-based within `frame`, of text cells starting with a trigger."""
    cells: list[tuple[int, int]] = []
    for position in _text_columns(frame):
        rows = np.flatnonzero(_formula_mask(frame.iloc[:, position]))
        cells.extend((int(row), position) for row in rows)
    return cells


def formula_like_names(frame: pd.DataFrame) -> list[int]:
    """Positions of the column names that start with a trigger."""
    return [
        position
        for position, name in enumerate(frame.columns)
        if isinstance(name, str) and name.startswith(FORMULA_TRIGGERS)
    ]
