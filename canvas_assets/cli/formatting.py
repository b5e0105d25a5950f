"""How `mlcanvas` prints for people: aligned tables, local timestamps, byte sizes, numbers and table
cells, and node errors without the internal prefixes of the layers they passed through."""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from typing import Any


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    return "\n".join(lines)


def when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def byte_size(size: int) -> str:
    """A size for people: 512 B, 3.4 MB, 1.2 GB (backups and gc reports)."""
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("KB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def number(value: float) -> str:
    """Six significant digits (0.986014, 53.8532), without an exponent for numbers a person
    reads whole (1234567.89, not 1.23457e+06)."""
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.6g}"
    if "e" in text and 1 <= abs(value) < 1e15:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text


def cell_text(value: Any, width: int = 60) -> str:
    """One table cell on one line: missing is empty, numbers as `number`, lists and objects as
    JSON, line breaks shown as \\n, and at most `width` characters (the rest cut with …)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return number(value)
    text = json.dumps(value) if isinstance(value, dict | list) else str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


# A leading `<internal module>.<Class>: ` (Dagster's wrappers, the node contract's NodeError) or
# the bare `Failure: ` that dagster.Failure prints: what the node said follows it.
_INTERNAL_PREFIX = re.compile(
    r"^(?:(?:dagster|dagster_\w+|node_library|canvas_assets)(?:\.\w+)+|Failure):\s*"
)


def node_message(message: str) -> str:
    """A node's error as the user reads it: its own message on one line, without the prefixes
    of the layers it passed through (`dagster._core.errors.DagsterExecutionStepExecutionError:`,
    `dagster._core.definitions.events.Failure:`, `Failure:`). A plain Python exception keeps its
    name (`KeyError: 'x'`), which is part of what the node said."""
    text = message.strip()
    while match := _INTERNAL_PREFIX.match(text):
        text = text[match.end() :]
    return " ".join(text.split())
