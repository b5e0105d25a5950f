"""The last parsed document of recently edited workflows, to keep parsing out of the write lock.

Parsing a 500-node document costs more than applying a batch and writing it, and it would happen
while the workflow row is locked, so it would bound the edit rate of one workflow. An entry is
used only when the stored text is byte-identical to the cached text and the cached object still
serializes to it (the object was handed to a caller, who might have changed it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from node_library.graph import Workflow, load_workflow
from node_library.registry import NodeRegistry


class DocumentCache:
    """Parsed documents by workflow id, the `size` most recently used ones; thread-safe."""

    def __init__(self, registry: NodeRegistry | None = None, size: int = 32) -> None:
        self._registry = registry
        self._size = size
        self._entries: OrderedDict[str, tuple[str, Workflow]] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, workflow_id: str, text: str) -> Workflow:
        with self._lock:
            entry = self._entries.get(workflow_id)
        if entry is not None and entry[0] == text and entry[1].model_dump_json() == text:
            return entry[1]
        workflow = load_workflow(text, self._registry)
        self.put(workflow_id, text, workflow)
        return workflow

    def put(self, workflow_id: str, text: str, workflow: Workflow) -> None:
        with self._lock:
            self._entries[workflow_id] = (text, workflow)
            self._entries.move_to_end(workflow_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
