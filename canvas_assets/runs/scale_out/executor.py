"""The coordinator's side: the Dagster executor of runs whose workflow says executor "celery"
(runs/jobs.py), which sends each step to the Celery queue and says so in the step's log while no
worker consumes it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import dagster as dg

from canvas_assets.runs.scale_out.settings import (
    CELERY_BROKER_ENV,
    CELERY_QUEUE_ENV,
    CelerySettings,
    dagster_celery,
)

POLL_SECONDS = 0.1  # how often the coordinator checks its tasks (dagster-celery: 1 s)
INSPECT_SECONDS = 1.0  # how long to wait for workers to answer "which queues do you consume?"
RECHECK_SECONDS = 0.5  # a "no worker consumes the queue" answer is reused this long
log = logging.getLogger(__name__)


def celery_executor_def(settings: CelerySettings | None = None) -> dg.ExecutorDefinition:
    """The executor of "celery" runs (runs/jobs.py), with the broker and queue of the environment
    that builds the job: the engine's, where the run is coordinated."""
    from dagster._core.definitions.executor_definition import (
        multiple_process_executor_requirements,
    )

    chosen = settings or CelerySettings.from_env()

    @dg.executor(name="celery", requirements=multiple_process_executor_requirements())
    def _celery(_context: dg.InitExecutorContext) -> dg.Executor:
        return _canvas_celery_executor(chosen)

    return _celery


def _canvas_celery_executor(settings: CelerySettings) -> dg.Executor:
    from dagster._core.execution.retries import RetryMode

    loop = dagster_celery("core_execution_loop")
    executor = dagster_celery("executor")
    base: Any = executor.CeleryExecutor

    class CanvasCeleryExecutor(base):  # type: ignore[misc]  # untyped: see dagster_celery
        def __init__(self) -> None:
            super().__init__(
                retries=RetryMode.DISABLED,
                broker=settings.broker,
                backend=settings.broker,
                config_source={"task_default_queue": settings.queue},
            )
            self._served: set[str] = set()  # queues a live worker consumes
            self._unserved: dict[str, float] = {}  # queue -> when no worker consumed it

        def execute(self, plan_context: Any, execution_plan: Any) -> Iterator[dg.DagsterEvent]:
            loop.TICK_SECONDS = POLL_SECONDS  # see the module doc
            yield from loop.core_celery_execution_loop(
                plan_context, execution_plan, step_execution_fn=self._submit
            )

        def _submit(
            self,
            app: Any,
            plan_context: Any,
            step: Any,
            queue: str,
            priority: int,
            known_state: Any,
        ) -> Any:
            result = executor._submit_task(app, plan_context, step, queue, priority, known_state)
            if queue in self._served:
                return result
            # the steps submitted together share a "no worker" answer; a later step (submitted
            # because an earlier one finished somewhere) asks again
            last = self._unserved.get(queue)
            if last is None or time.monotonic() - last > RECHECK_SECONDS:
                if queue_consumers(app, queue):
                    self._served.add(queue)
                    return result
                self._unserved[queue] = time.monotonic()
            plan_context.for_step(step).log.warning(waiting_message(settings, queue))
            return result

    return CanvasCeleryExecutor()


def waiting_message(settings: CelerySettings, queue: str) -> str:
    return (
        f"waiting for a Celery worker: no worker consumes queue {queue!r} on"
        f" {settings.broker_display}, so this step waits in the queue until one does. Start one"
        " with `mlcanvas worker` on a machine with the engine's environment (the same"
        f" {CELERY_BROKER_ENV}, {CELERY_QUEUE_ENV}, DAGSTER_HOME, CANVAS_DATABASE_URL and"
        " CANVAS_ARTIFACTS), or cancel the run."
    )


def queue_consumers(app: Any, queue: str, timeout: float = INSPECT_SECONDS) -> list[str]:
    """Names of the live workers that consume `queue`. Asks the first worker to answer, then
    (when that one serves other queues only) waits `timeout` for every worker's answer."""

    def serving(replies: dict[str, Any] | None) -> list[str]:
        return sorted(
            name
            for name, queues in (replies or {}).items()
            if any(q.get("name") == queue for q in queues or [])
        )

    try:
        first = app.control.inspect(timeout=timeout, limit=1).active_queues()
        if not first:
            return []  # no worker answered at all
        return serving(first) or serving(app.control.inspect(timeout=timeout).active_queues())
    except Exception:  # an unreachable broker: the task submission above already failed loudly
        log.exception("could not ask the Celery workers which queues they consume")
        return []
