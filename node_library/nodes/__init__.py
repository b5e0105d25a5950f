"""Built-in node types, one small file each, grouped by category folder.

`builtin_nodes` is the entry point of the `visual_ml_canvas.nodes` group for this package: it
imports every module under this folder and returns the NodeType subclasses they define, so adding a
node is adding a file.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from typing import Any

from node_library.contract import NodeType

log = logging.getLogger(__name__)
# modules that failed to import on the last discovery; the registry reports them (see registry.py)
LOAD_FAILURES: list[str] = []


def builtin_nodes() -> list[type[NodeType[Any]]]:
    found: dict[str, type[NodeType[Any]]] = {}
    LOAD_FAILURES.clear()
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        try:
            module = importlib.import_module(info.name)
        except Exception as exc:
            # One broken node file must not take the others down; the contract test still fails.
            log.exception("built-in node module %s failed to import; skipping it", info.name)
            LOAD_FAILURES.append(f"{info.name}: {exc}")
            continue
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, NodeType)
                and obj is not NodeType
                and obj.__module__ == module.__name__
                and hasattr(obj, "type_id")
            ):
                found[obj.type_id] = obj
    return [found[k] for k in sorted(found)]
