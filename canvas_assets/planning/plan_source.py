"""Which plan (graph version and cache keys) a run executes, shared by assets and the IO manager.

A run launched by us (CLI, API) computes its plan once, before launch, and pins it. A run launched
from the Dagster UI gets a plan computed from the definitions' pinned workflow snapshot on first
use, once per run and workflow.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from canvas_assets.planning.plan import Plan


class PlanSource:
    def __init__(
        self,
        builders: dict[str, Callable[[], Plan]] | None = None,
        pinned: dict[str, Plan] | None = None,
    ) -> None:
        self._builders = builders or {}
        self._pinned = pinned or {}
        self._by_run: OrderedDict[tuple[str, str], Plan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, run_id: str, slug: str) -> Plan:
        if slug in self._pinned:
            return self._pinned[slug]
        with self._lock:
            key = (run_id, slug)
            if key not in self._by_run:
                self._by_run[key] = self._builders[slug]()
                while len(self._by_run) > 64:
                    self._by_run.popitem(last=False)
            return self._by_run[key]
