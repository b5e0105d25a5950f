"""JSON-safe values for previews, which JSON (and GraphQL's JSON scalar) can carry: NaN, NaT and
infinities become null, timestamps ISO 8601 strings (with their offset when they have a time
zone), durations seconds, numpy and Arrow scalars plain Python values; table cells longer than
MAX_CELL_CHARS are cut (the download has them whole)."""

from __future__ import annotations

import base64
import datetime as dt
import math
from decimal import Decimal
from typing import Any

MAX_CELL_CHARS = 2000


def cell(value: Any) -> Any:
    safe = json_safe(value)
    if isinstance(safe, str) and len(safe) > MAX_CELL_CHARS:
        return safe[:MAX_CELL_CHARS] + "…"
    return safe


def json_safe(value: Any) -> Any:
    """A value that JSON (and GraphQL's JSON scalar) can carry (see the module docstring)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return None if _is_nat(value) else value.isoformat()
    if isinstance(value, dt.timedelta):
        return None if _is_nat(value) else value.total_seconds()
    if isinstance(value, Decimal):
        return json_safe(float(value))
    if isinstance(value, bytes):
        return "base64:" + base64.b64encode(value[:MAX_CELL_CHARS]).decode()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return json_safe(value.tolist())
    return str(value)


def _is_nat(value: Any) -> bool:
    return str(value) == "NaT"
