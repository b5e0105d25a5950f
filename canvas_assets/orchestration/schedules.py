"""Schedules: a workflow, or one node with its upstream, run on a cron schedule.

A schedule is a row of `canvas_schedules` in the workflow store's database (SQLite or PostgreSQL,
like storage/tokens.py): id, workflow id, node (None: the whole workflow), a five-field cron
string, an IANA time zone, whether it is enabled, and when it was created and last changed. More
than one schedule per workflow is allowed (say, a nightly full refresh and an hourly one for one
node).

definitions.py compiles every stored schedule into a Dagster schedule, so the dagster-daemon
ticks them, and each tick plans a cache-aware run ("Run stale"). This module owns only the
records, their validation and what the UI shows about them (the next tick and a human-readable
description).

Decisions a reader should know:
- Validation happens before anything is written, with errors that name the field: the cron must
  have five fields and pass Dagster's own cron check (the one its schedules use, so a schedule we
  store is one Dagster accepts); the time zone must be known to zoneinfo; the node must exist in
  the workflow when the schedule is created. A node removed later leaves the schedule stored
  but out of Dagster (definitions.py logs why) until the node is back or the schedule deleted.
- The next tick comes from Dagster's cron iterator with the schedule's time zone, so it is the
  tick the daemon will evaluate (daylight-saving transitions included). A disabled schedule has
  none.
- The description comes from cron-descriptor, in 24-hour time ("At 06:00"); should it fail on an
  expression Dagster accepts, the cron itself is shown.
- Schedules of a deleted workflow are not deleted with it here (the workflow store does not know
  this table); `delete_for_workflow` does it, and definitions.py ignores orphans meanwhile.
"""

from __future__ import annotations

import builtins
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from cron_descriptor import (
    ExpressionDescriptor,
    Options,
)
from sqlalchemy.engine import Engine

from canvas_assets.orchestration.dagster_adapter import get_next_cron_tick, is_valid_cron_string
from canvas_assets.storage.errors import NotFound, StoreError
from canvas_assets.storage.migrations import ensure_schema
from node_library.graph import Workflow

metadata = sa.MetaData()

schedules_table = sa.Table(
    "canvas_schedules",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("workflow_id", sa.String(64), nullable=False, index=True),
    sa.Column("node", sa.String(200), nullable=True),
    sa.Column("cron", sa.String(200), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

CRON_HINT = (
    'use five fields "minute hour day-of-month month day-of-week", e.g. "0 6 * * *" for every'
    ' day at 06:00 or "*/15 * * * 1-5" for every 15 minutes on weekdays'
)


class ScheduleError(StoreError):
    """A schedule the store refuses; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.hint = hint


@dataclass(frozen=True)
class Schedule:
    id: str
    workflow_id: str
    node: str | None  # None: the whole workflow; else this node with its upstream
    cron: str
    timezone: str
    enabled: bool
    created_at: datetime
    updated_at: datetime

    @property
    def description(self) -> str:
        return describe_cron(self.cron)

    def next_tick(self, now: datetime | None = None) -> datetime | None:
        """When the daemon evaluates this schedule next (aware, in its time zone); None when
        disabled."""
        if not self.enabled:
            return None
        return next_cron_tick(self.cron, self.timezone, now or datetime.now(UTC))


def validate_cron(cron: str) -> str:
    """The cron string normalised to single spaces; raises ScheduleError naming the problem."""
    text = " ".join(cron.split())
    fields = text.split(" ") if text else []
    if len(fields) != 5:
        raise ScheduleError(
            f"cron {cron!r} has {len(fields)} field{'s' if len(fields) != 1 else ''}; a schedule"
            " needs exactly five",
            field="cron",
            hint=CRON_HINT,
        )

    if not is_valid_cron_string(text):
        raise ScheduleError(
            f"cron {cron!r} is not a valid cron expression (a value is out of range or not"
            " understood)",
            field="cron",
            hint=CRON_HINT,
        )
    return text


def validate_timezone(timezone: str) -> str:
    name = timezone.strip()
    try:
        if not name:
            raise ValueError("empty")
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"unknown time zone {timezone!r}",
            field="timezone",
            hint='use an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York"',
        ) from None
    return name


def describe_cron(cron: str) -> str:
    """A human-readable cron ("At 06:00"), or the cron itself when it cannot be described."""
    options = Options()
    options.use_24hour_time_format = True
    try:
        return str(ExpressionDescriptor(cron, options).get_description())
    except Exception:  # a describer bug must never hide a schedule: show the cron instead
        return cron


def next_cron_tick(cron: str, timezone: str, now: datetime) -> datetime:
    """The first tick of `cron` in `timezone` strictly after `now`, as Dagster computes it."""

    return get_next_cron_tick(cron, now, timezone)


class ScheduleStore:
    """Schedules in `canvas_schedules`; pass WorkflowStore.engine to share its database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        ensure_schema(engine)  # the table comes from the migrations (storage/migrations)

    def create(
        self,
        workflow: Workflow,
        cron: str,
        timezone: str = "UTC",
        node: str | None = None,
        enabled: bool = True,
    ) -> Schedule:
        """A new schedule of `workflow` (a stored one: it has its id)."""
        if not workflow.id:
            raise ScheduleError("the workflow has no id; store it first", field="workflowId")
        cron = validate_cron(cron)
        timezone = validate_timezone(timezone)
        if node is not None:
            known = [n.id for n in workflow.nodes]
            if node not in known:
                raise ScheduleError(
                    f"workflow {workflow.slug!r} has no node {node!r}",
                    field="node",
                    hint="pick one of its nodes ("
                    + (", ".join(known) if known else "it has none yet")
                    + "), or leave node empty to schedule the whole workflow",
                )
        now = datetime.now(UTC)
        schedule = Schedule(
            id=str(uuid.uuid4()),
            workflow_id=workflow.id,
            node=node,
            cron=cron,
            timezone=timezone,
            enabled=enabled,
            created_at=now,
            updated_at=now,
        )
        with self.engine.begin() as conn:
            conn.execute(
                schedules_table.insert().values(
                    id=schedule.id,
                    workflow_id=schedule.workflow_id,
                    node=schedule.node,
                    cron=schedule.cron,
                    timezone=schedule.timezone,
                    enabled=schedule.enabled,
                    created_at=now,
                    updated_at=now,
                )
            )
        return schedule

    def get(self, schedule_id: str) -> Schedule:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(schedules_table).where(schedules_table.c.id == schedule_id)
            ).first()
        if row is None:
            raise NotFound(f"no schedule {schedule_id}")
        return _schedule(row)

    def list(self, workflow_id: str | None = None) -> builtins.list[Schedule]:
        """Schedules, oldest first; of one workflow when `workflow_id` is given."""
        query = sa.select(schedules_table).order_by(
            schedules_table.c.created_at, schedules_table.c.id
        )
        if workflow_id is not None:
            query = query.where(schedules_table.c.workflow_id == workflow_id)
        with self.engine.connect() as conn:
            return [_schedule(row) for row in conn.execute(query)]

    def update(
        self,
        schedule_id: str,
        cron: str | None = None,
        timezone: str | None = None,
        enabled: bool | None = None,
    ) -> Schedule:
        """Change what is given; raises NotFound or ScheduleError (then nothing changed)."""
        values: dict[str, object] = {}
        if cron is not None:
            values["cron"] = validate_cron(cron)
        if timezone is not None:
            values["timezone"] = validate_timezone(timezone)
        if enabled is not None:
            values["enabled"] = enabled
        if values:
            values["updated_at"] = datetime.now(UTC)
            with self.engine.begin() as conn:
                result = conn.execute(
                    schedules_table.update()
                    .where(schedules_table.c.id == schedule_id)
                    .values(**values)
                )
            if result.rowcount == 0:
                raise NotFound(f"no schedule {schedule_id}")
        return self.get(schedule_id)

    def delete(self, schedule_id: str) -> bool:
        """False when there was no such schedule."""
        with self.engine.begin() as conn:
            result = conn.execute(
                schedules_table.delete().where(schedules_table.c.id == schedule_id)
            )
        return result.rowcount == 1

    def delete_for_workflow(self, workflow_id: str) -> int:
        """Delete a workflow's schedules (when the workflow is deleted); returns how many."""
        with self.engine.begin() as conn:
            result = conn.execute(
                schedules_table.delete().where(schedules_table.c.workflow_id == workflow_id)
            )
        return int(result.rowcount)


def _schedule(row: sa.Row[Any]) -> Schedule:
    m = row._mapping
    return Schedule(
        id=m["id"],
        workflow_id=m["workflow_id"],
        node=m["node"],
        cron=m["cron"],
        timezone=m["timezone"],
        enabled=bool(m["enabled"]),
        created_at=_aware(m["created_at"]),
        updated_at=_aware(m["updated_at"]),
    )


def _aware(value: datetime) -> datetime:
    # SQLite keeps no time zone; everything this module writes is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
