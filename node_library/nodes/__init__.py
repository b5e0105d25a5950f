"""Built-in node types, one small file each, grouped by category folder.

Each category package lists its node types in `NODES` (its `__init__.py`); `builtin_nodes`, the
entry point of the `visual_ml_canvas.nodes` group for this package, concatenates those lists. So
adding a node is adding its file and naming its class in its category's list
(docs/add-a-node-type.md). What the nodes of a kind share lives in node_library/node_kinds/.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from node_library.contract import NodeType

CATEGORIES = ("sources", "transforms", "split", "features", "models", "evaluate", "tune", "outputs")

log = logging.getLogger(__name__)
# categories that failed to import on the last discovery; the registry reports them (registry.py)
LOAD_FAILURES: list[str] = []


def builtin_nodes() -> list[type[NodeType[Any]]]:
    found: dict[str, type[NodeType[Any]]] = {}
    LOAD_FAILURES.clear()
    for category in CATEGORIES:
        name = f"{__name__}.{category}"
        try:
            node_types = importlib.import_module(name).NODES
        except Exception as exc:
            # One broken category must not take the others down; the contract test still fails.
            log.exception("built-in node category %s failed to import; skipping it", name)
            LOAD_FAILURES.append(f"{name}: {exc}")
            continue
        for node_type in node_types:
            found[node_type.type_id] = node_type
    return [found[k] for k in sorted(found)]
