"""Parsing the MLP's hidden layer sizes ("64, 32"): plain Python, so that validating an MLP
node's params imports neither scikit-learn nor torch (node_library/ml/torch_mlp.py uses it too)."""

from __future__ import annotations

from collections.abc import Sequence

MAX_LAYERS = 8
MAX_UNITS = 4096


def parse_layer_sizes(value: str | Sequence[int]) -> tuple[int, ...]:
    """Hidden layer sizes from "64, 32" (or a sequence of ints); ValueError saying what is wrong."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(";", ",").split(",")]
        if parts == [""]:
            raise ValueError("give at least one hidden layer size, e.g. 64 or 64, 32")
        sizes = []
        for part in parts:
            if not part.isdigit():
                raise ValueError(
                    f"{part!r} is not a whole number; write the layer sizes as e.g. 64, 32"
                )
            sizes.append(int(part))
    else:
        sizes = [int(v) for v in value]
    if not 1 <= len(sizes) <= MAX_LAYERS:
        raise ValueError(f"give 1 to {MAX_LAYERS} hidden layers; got {len(sizes)}")
    bad = [s for s in sizes if not 1 <= s <= MAX_UNITS]
    if bad:
        raise ValueError(f"each layer needs 1 to {MAX_UNITS} units; got {bad}")
    return tuple(sizes)
