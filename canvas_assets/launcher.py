"""Runs launched by the API: planned at once (so invalid workflows and "nothing to do" answer
immediately), executed by a small pool of worker threads in this process, and recorded in the
Dagster instance like any other run. The execution-engine issue replaces the threads by warm
worker processes; the contract (launch returns a run id at once, events come from the instance)
stays.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from canvas_assets.compiler import CANCELED_TAG
from canvas_assets.services import CanvasServices, PreparedRun, Selection

log = logging.getLogger(__name__)

OWNER_TAG = "canvas/owner"
PRIVATE_TAG = "canvas/private"
TRIGGER_TAG = "canvas/trigger"
SELECTION_TAG = "canvas/selection"


@dataclass(frozen=True)
class Launch:
    run_id: str | None  # None: every selected node is fresh, nothing was launched
    prepared: PreparedRun


class RunLauncher:
    def __init__(self, services: CanvasServices, workers: int = 2) -> None:
        self.services = services
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="canvas-run")
        self._active: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def launch(
        self,
        ref: str,
        selection: Selection,
        node: str | None = None,
        nodes: list[str] | None = None,
        owner: str = "",
        private: bool = False,
        trigger: str = "api",
    ) -> Launch:
        force = selection in (Selection.ALL, Selection.NODES)
        prepared = self.services.prepare_run(ref, node, selection, force, nodes)
        if not prepared.to_run:
            return Launch(None, prepared)
        run_id = str(uuid.uuid4())
        cancel = threading.Event()
        with self._lock:
            self._active[run_id] = cancel
        tags = {
            OWNER_TAG: owner,
            PRIVATE_TAG: "1" if private else "0",
            TRIGGER_TAG: trigger,
            SELECTION_TAG: selection.value + (f":{node}" if node else ""),
        }
        self._pool.submit(self._execute, prepared, run_id, tags, cancel)
        return Launch(run_id, prepared)

    def _execute(
        self, prepared: PreparedRun, run_id: str, tags: dict[str, str], cancel: threading.Event
    ) -> None:
        try:
            self.services.execute(prepared, run_id=run_id, tags=tags, cancel=cancel)
            if cancel.is_set():
                self.services.instance.add_run_tags(run_id, {CANCELED_TAG: "1"})
        except Exception:
            log.exception("run %s crashed outside its steps", run_id)
        finally:
            with self._lock:
                self._active.pop(run_id, None)

    def is_active(self, run_id: str) -> bool:
        with self._lock:
            return run_id in self._active

    def cancel(self, run_id: str) -> bool:
        """Stop the run before its next node; False when this process is not running it."""
        with self._lock:
            event = self._active.get(run_id)
        if event is None:
            return False
        event.set()  # the run is tagged canceled when it ends (see _execute)
        return True

    def shutdown(self) -> None:
        with self._lock:
            events = list(self._active.values())
        for event in events:
            event.set()
        self._pool.shutdown(wait=True)


__all__ = ["Launch", "RunLauncher"]
