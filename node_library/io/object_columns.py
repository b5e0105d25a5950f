"""Finding the columns a reader left as plain Python objects, which each source then narrows to a
proper dtype (dates, booleans, decimals) by its own rules."""

from __future__ import annotations

import pandas as pd


def object_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of plain Python objects (not the string dtype), which need a closer look."""
    return [str(n) for n, dtype in frame.dtypes.items() if pd.api.types.is_object_dtype(dtype)]
