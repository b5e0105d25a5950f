"""Per-node run events read back from the Dagster instance's event log.

Works for any run of any process that shares the instance (the API's own runs, the CLI's, the
Dagster UI's), so the canvas can follow a run it did not start. A tail keeps a cursor and turns new
event-log records into node events: queued, started, progress, succeeded (duration, rows),
failed (message), skipped, and the run's end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import dagster as dg

from canvas_assets.planning.compiler import CANCELED_MESSAGE, CANCELED_TAG, MEMORY_MB

_PROGRESS = re.compile(r"^progress (\d+)/(\d+|\?)\s*(.*)$", re.S)


class RunEventKind(StrEnum):
    QUEUED = "queued"
    STARTED = "started"
    PROGRESS = "progress"
    LOG = "log"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    RUN_FINISHED = "run_finished"


@dataclass(frozen=True)
class RunEvent:
    kind: RunEventKind
    timestamp: float
    node_id: str | None = None
    message: str = ""
    done: int | None = None
    total: int | None = None
    duration_s: float | None = None
    rows: int | None = None
    status: str | None = None  # run_finished: SUCCESS, FAILURE or CANCELED
    rows_in: int | None = None
    memory_mb: float | None = None  # succeeded: peak memory the node added
    details: str = ""  # failed: the full error with its traceback (the message is its gist)


def run_status(run: dg.DagsterRun) -> str:
    if run.tags.get(CANCELED_TAG) == "1" and run.status != dg.DagsterRunStatus.SUCCESS:
        return "CANCELED"
    return str(run.status.value)


@dataclass
class RunEventTail:
    instance: dg.DagsterInstance
    run_id: str
    slug: str
    nodes: list[str]  # the nodes the run executes, in order
    cursor: str | None = None
    finished: bool = False
    _started: set[str] = field(default_factory=set)
    _ended: set[str] = field(default_factory=set)
    _failed: bool = False
    _metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    _queued_sent: bool = False

    def poll(self, limit: int = 500) -> list[RunEvent]:
        events: list[RunEvent] = []
        if not self._queued_sent:
            self._queued_sent = True
            run = self.instance.get_run_by_id(self.run_id)
            at = run.create_timestamp if run and hasattr(run, "create_timestamp") else 0.0
            events += [RunEvent(RunEventKind.QUEUED, float(at or 0.0), n) for n in self.nodes]
        if self.finished:
            return events
        connection = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, limit=limit)
        self.cursor = connection.cursor
        for record in connection.records:
            events.extend(self._events_of(record.event_log_entry))
        return events

    def _node_of(self, step_key: str | None) -> str | None:
        prefix = f"{self.slug}__"
        if step_key and step_key.startswith(prefix):
            return step_key[len(prefix) :]
        return None

    def _events_of(self, entry: Any) -> Iterable[RunEvent]:
        node_id = self._node_of(entry.step_key)
        at = float(entry.timestamp)
        event = entry.dagster_event
        if event is None:
            text = str(entry.user_message or "")
            if node_id is None:
                return []
            match = _PROGRESS.match(text)
            if match:
                done, total, message = match.groups()
                return [
                    RunEvent(
                        RunEventKind.PROGRESS,
                        at,
                        node_id,
                        message.strip(),
                        int(done),
                        None if total == "?" else int(total),
                    )
                ]
            return [RunEvent(RunEventKind.LOG, at, node_id, text)]
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START and node_id:
            self._started.add(node_id)
            return [RunEvent(RunEventKind.STARTED, at, node_id)]
        if kind == dg.DagsterEventType.ASSET_MATERIALIZATION and node_id:
            metadata = event.event_specific_data.materialization.metadata
            self._metadata[node_id] = {k: getattr(v, "value", v) for k, v in metadata.items()}
            return []
        if kind == dg.DagsterEventType.STEP_SUCCESS and node_id:
            self._ended.add(node_id)
            meta = self._metadata.get(node_id, {})
            return [
                RunEvent(
                    RunEventKind.SUCCEEDED,
                    at,
                    node_id,
                    duration_s=event.event_specific_data.duration_ms / 1000,
                    rows=_int(meta.get("canvas/rows_out")),
                    rows_in=_int(meta.get("canvas/rows_in")),
                    memory_mb=_float(meta.get(MEMORY_MB)),
                )
            ]
        if kind == dg.DagsterEventType.STEP_FAILURE and node_id:
            self._ended.add(node_id)
            error = event.event_specific_data.error
            message, details = error_text(error)
            if CANCELED_MESSAGE in message:
                return [RunEvent(RunEventKind.SKIPPED, at, node_id, CANCELED_MESSAGE)]
            self._failed = True
            return [RunEvent(RunEventKind.FAILED, at, node_id, message, details=details)]
        if kind in (
            dg.DagsterEventType.RUN_SUCCESS,
            dg.DagsterEventType.RUN_FAILURE,
            dg.DagsterEventType.RUN_CANCELED,
        ):
            self.finished = True
            # from the event itself: the run record's status may be written a moment later
            status = {
                dg.DagsterEventType.RUN_SUCCESS: "SUCCESS",
                dg.DagsterEventType.RUN_FAILURE: "FAILURE",
            }.get(kind, "CANCELED")
            run = self.instance.get_run_by_id(self.run_id)
            if status == "FAILURE" and run is not None and run.tags.get(CANCELED_TAG) == "1":
                status = "CANCELED"
            return [
                *self._unfinished(at, status, event.message or ""),
                RunEvent(
                    RunEventKind.RUN_FINISHED,
                    at,
                    status=status,
                    message=_run_message(status, event.message or ""),
                ),
            ]
        return []

    def _unfinished(self, at: float, status: str, run_message: str) -> list[RunEvent]:
        """Nodes the run's end left open: one that had started failed with the run (its worker
        died or was stopped); one that never started was skipped, and why."""
        events = []
        for node_id in self.nodes:
            if node_id in self._ended:
                continue
            if status == "CANCELED":
                reason = CANCELED_MESSAGE if node_id not in self._started else "stopped by cancel"
                events.append(RunEvent(RunEventKind.SKIPPED, at, node_id, reason))
            elif node_id in self._started:
                events.append(
                    RunEvent(RunEventKind.FAILED, at, node_id, _run_message(status, run_message))
                )
            else:
                reason = (
                    "not run because an upstream node failed"
                    if self._failed
                    else "not run: "
                    + (_run_message(status, run_message) or f"the run ended ({status.lower()})")
                )
                events.append(RunEvent(RunEventKind.SKIPPED, at, node_id, reason))
        return events


def _run_message(status: str, message: str) -> str:
    # Dagster's own end messages add nothing to the status; the engine's say what happened.
    if not message or message.startswith("Execution of run for") or "Finished execution" in message:
        return ""
    return message.strip()


def error_text(error: Any) -> tuple[str, str]:
    """(the gist a user reads first, the whole error with tracebacks): the gist is the innermost
    cause, which is the node's own exception when Dagster wrapped it."""
    if error is None:
        return "failed", ""
    gist = error.message.strip()
    if gist.startswith(_FAILURE_PREFIX):  # a node's NodeError: its issue says it all
        gist = gist.removeprefix(_FAILURE_PREFIX)
    else:
        inner = error
        while getattr(inner, "cause", None) is not None:
            inner = inner.cause
        gist = inner.message.strip()
    return gist or "failed", error.to_string().strip()


_FAILURE_PREFIX = "dagster._core.definitions.events.Failure: "


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


LOG_LINES = 50


@dataclass
class NodeRunState:
    node_id: str
    status: str = "queued"  # queued, running, succeeded, failed, skipped
    started_at: float | None = None
    ended_at: float | None = None
    duration_s: float | None = None
    rows: int | None = None
    message: str = ""
    progress: tuple[int, int | None] | None = None
    rows_in: int | None = None
    memory_mb: float | None = None
    details: str = ""
    logs: list[str] = field(default_factory=list)  # the node's last LOG_LINES log lines


@dataclass
class RunDetails:
    run_id: str
    slug: str
    status: str
    tags: dict[str, str]
    created_at: float | None
    started_at: float | None
    ended_at: float | None
    nodes: list[NodeRunState]


def run_nodes(run: dg.DagsterRun) -> list[str]:
    return [n for n in run.tags.get("canvas/nodes", "").split(",") if n]


def run_details(instance: dg.DagsterInstance, run_id: str) -> RunDetails | None:
    """Everything the canvas shows about one run, folded from its event log."""
    records = instance.get_run_records(dg.RunsFilter(run_ids=[run_id]), limit=1)
    if not records:
        return None
    record = records[0]
    run = record.dagster_run
    slug = run.tags.get("canvas/workflow", "")
    states = {n: NodeRunState(n) for n in run_nodes(run)}
    tail = RunEventTail(instance, run_id, slug, list(states))
    status = run_status(run)
    while True:
        events = tail.poll()
        for event in events:
            state = states.get(event.node_id or "")
            if event.kind is RunEventKind.RUN_FINISHED:
                status = event.status or status
            if state is None:
                continue
            if event.kind is RunEventKind.STARTED:
                state.status, state.started_at = "running", event.timestamp
            elif event.kind is RunEventKind.PROGRESS:
                state.progress = (event.done or 0, event.total)
            elif event.kind is RunEventKind.LOG:
                state.logs = [*state.logs[-(LOG_LINES - 1) :], event.message]
            elif event.kind in (RunEventKind.SUCCEEDED, RunEventKind.FAILED, RunEventKind.SKIPPED):
                state.status, state.ended_at = event.kind.value, event.timestamp
                state.duration_s, state.rows = event.duration_s, event.rows
                state.rows_in, state.memory_mb = event.rows_in, event.memory_mb
                state.message, state.details = event.message, event.details
        if tail.finished or not events:
            break
    return RunDetails(
        run_id=run_id,
        slug=slug,
        status=status,
        tags=dict(run.tags),
        created_at=record.create_timestamp.timestamp() if record.create_timestamp else None,
        started_at=record.start_time,
        ended_at=record.end_time,
        nodes=list(states.values()),
    )


def workflow_runs(instance: dg.DagsterInstance, slug: str, limit: int) -> list[RunDetails]:
    """A workflow's runs, newest first, without per-node detail (one query)."""
    records = instance.get_run_records(dg.RunsFilter(tags={"canvas/workflow": slug}), limit=limit)
    return [
        RunDetails(
            run_id=r.dagster_run.run_id,
            slug=slug,
            status=run_status(r.dagster_run),
            tags=dict(r.dagster_run.tags),
            created_at=r.create_timestamp.timestamp() if r.create_timestamp else None,
            started_at=r.start_time,
            ended_at=r.end_time,
            nodes=[NodeRunState(n) for n in run_nodes(r.dagster_run)],
        )
        for r in records
    ]
