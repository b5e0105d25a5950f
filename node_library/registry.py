"""Discovery of node types through the entry-point group `visual_ml_canvas.nodes`.

Each entry point loads to an iterable of NodeType subclasses (or one subclass). A plugin that fails
to import or declares a broken node is logged and skipped; it never takes the registry down.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from pydantic import BaseModel

from node_library.contract import NodeType

ENTRY_POINT_GROUP = "visual_ml_canvas.nodes"
NODE_MODULES_ENV = "CANVAS_NODE_MODULES"
_TYPE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
log = logging.getLogger(__name__)


class NodeRegistry:
    def __init__(self, node_types: Iterable[type[NodeType[Any]]] = ()) -> None:
        self._types: dict[str, NodeType[Any]] = {}
        # plugins (or modules of a plugin) that failed to load: shown when a node type is unknown
        self.load_failures: list[str] = []
        for node_type in node_types:
            self.register(node_type)

    def register(self, node_type: type[NodeType[Any]]) -> None:
        problem = _declaration_problem(node_type)
        if problem:
            raise ValueError(f"node type {getattr(node_type, '__name__', node_type)!r}: {problem}")
        if node_type.type_id in self._types:
            raise ValueError(f"node type id {node_type.type_id!r} is registered twice")
        self._types[node_type.type_id] = node_type()

    def get(self, type_id: str) -> NodeType[Any] | None:
        return self._types.get(type_id)

    def __contains__(self, type_id: object) -> bool:
        return type_id in self._types

    def __iter__(self) -> Iterator[NodeType[Any]]:
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)

    @property
    def type_ids(self) -> list[str]:
        return sorted(self._types)

    @classmethod
    def from_entry_points(
        cls, group: str = ENTRY_POINT_GROUP, extra: Iterable[str] = ()
    ) -> NodeRegistry:
        """The installed plugins, plus `extra` "module:attribute" references loaded the same
        way (CANVAS_NODE_MODULES: node modules used without packaging them, e.g. in tests)."""
        registry = cls()
        extras = [EntryPoint(ref, ref, group) for ref in extra]
        for ep in [*entry_points(group=group), *extras]:
            try:
                loaded = ep.load()
                candidates = (
                    loaded() if callable(loaded) and not isinstance(loaded, type) else loaded
                )
                node_types = [candidates] if isinstance(candidates, type) else list(candidates)
            except Exception as exc:
                log.exception("node plugin %r failed to load; skipping it", ep.value)
                registry.load_failures.append(f"{ep.value}: {exc}")
                continue
            # A plugin may load partly; it lists what it skipped in LOAD_FAILURES of its module.
            module = sys.modules.get(getattr(loaded, "__module__", ""))
            registry.load_failures.extend(getattr(module, "LOAD_FAILURES", ()))
            for node_type in node_types:
                try:
                    registry.register(node_type)
                except Exception as exc:
                    log.exception("node plugin %r: skipping %r", ep.value, node_type)
                    registry.load_failures.append(f"{ep.value}: {node_type!r}: {exc}")
        return registry


def _declaration_problem(node_type: type[NodeType[Any]]) -> str | None:
    if not (isinstance(node_type, type) and issubclass(node_type, NodeType)):
        return "is not a NodeType subclass"
    for attr in ("type_id", "display_name", "category", "description", "Params"):
        if not hasattr(node_type, attr):
            return f"missing class attribute {attr}"
    if not isinstance(node_type.type_id, str) or not _TYPE_ID_RE.match(node_type.type_id):
        return (
            f"type_id {node_type.type_id!r} must look like '<category>.<name>' (lowercase"
            " letters, digits and underscores, each part starting with a letter)"
        )
    if not (isinstance(node_type.Params, type) and issubclass(node_type.Params, BaseModel)):
        return "Params must be a pydantic BaseModel subclass"
    names = [p.name for p in node_type.outputs]
    if len(set(names)) != len(names) or not names:
        return "needs at least one output port, with unique names"
    inputs = [p.name for p in node_type.inputs]
    if len(set(inputs)) != len(inputs):
        return "input port names must be unique"
    return None


@lru_cache(maxsize=1)
def default_registry() -> NodeRegistry:
    """Every node type installed in this environment (built-ins and plugins), plus the modules
    named in CANVAS_NODE_MODULES (comma-separated "module:attribute")."""
    extra = [m.strip() for m in os.environ.get(NODE_MODULES_ENV, "").split(",") if m.strip()]
    return NodeRegistry.from_entry_points(extra=extra)
