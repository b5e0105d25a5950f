"""Helpers for the tests that run toy workflows in a real engine: waiting on a run's events,
the nodes a run executed, and the toy workflows they launch."""

from __future__ import annotations

import time
from typing import Any

import dagster as dg

from canvas_assets.runs.events import RunEvent, RunEventTail
from canvas_assets.services import CanvasServices
from node_library.graph import load_workflow


def run_events(services: CanvasServices, run_id: str, timeout: float = 60.0) -> list[RunEvent]:
    run = services.instance.get_run_by_id(run_id)
    assert run is not None
    tail = RunEventTail(
        services.instance, run_id, run.tags["canvas/workflow"], run.tags["canvas/nodes"].split(",")
    )
    events: list[RunEvent] = []
    deadline = time.monotonic() + timeout
    while not tail.finished:
        assert time.monotonic() < deadline, events
        events.extend(tail.poll())
        time.sleep(0.05)
    return events


def executed_nodes(services: CanvasServices, run_id: str) -> set[str]:
    """The nodes whose step started in the run, read from its event log."""
    records = services.instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.STEP_START
    ).records
    return {str(r.event_log_entry.step_key).split("__", 1)[1] for r in records}


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def wide_workflow(seconds: float, branches: int = 2, slug: str = "toy_wide") -> dict[str, Any]:
    """numbers feeding `branches` independent sleep nodes."""
    return {
        "slug": slug,
        "name": "Wide",
        "nodes": [{"id": "numbers", "type": "toy.numbers", "params": {"rows": 5}}]
        + [
            {"id": f"b{i}", "type": "toy.sleep", "params": {"seconds": seconds, "steps": 5}}
            for i in range(branches)
        ],
        "edges": [
            {
                "id": f"e{i}",
                "source": "numbers",
                "source_port": "data",
                "target": f"b{i}",
                "target_port": "data",
            }
            for i in range(branches)
        ],
    }


def store_workflow(services: CanvasServices, document: dict[str, Any]) -> None:
    services.store.create(load_workflow(document, services.registry))
