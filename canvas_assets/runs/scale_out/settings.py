"""The broker and queue that the engine's Celery runs and `mlcanvas worker` share, read from the
environment on both sides:

- CANVAS_CELERY_BROKER: the broker, also used as the result backend
  (default redis://127.0.0.1:6379/0).
- CANVAS_CELERY_QUEUE: the queue steps are sent to and workers consume (default "dagster").
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Any

CELERY_BROKER_ENV = "CANVAS_CELERY_BROKER"
CELERY_QUEUE_ENV = "CANVAS_CELERY_QUEUE"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
DEFAULT_QUEUE = "dagster"  # dagster-celery's default queue


@dataclass(frozen=True)
class CelerySettings:
    """The broker and queue that the engine's runs and `mlcanvas worker` share."""

    broker: str = DEFAULT_BROKER
    queue: str = DEFAULT_QUEUE

    @classmethod
    def from_env(cls) -> CelerySettings:
        env = os.environ
        return cls(
            broker=env.get(CELERY_BROKER_ENV, "").strip() or DEFAULT_BROKER,
            queue=env.get(CELERY_QUEUE_ENV, "").strip() or DEFAULT_QUEUE,
        )

    @property
    def broker_display(self) -> str:
        """The broker URL without its password, for messages."""
        from kombu.utils.url import maybe_sanitize_url

        return str(maybe_sanitize_url(self.broker))

    def app_args(self) -> dict[str, Any]:
        """Celery app arguments shared by the coordinator and the worker (for make_app)."""
        config = dagster_celery("config")
        return {
            "broker": self.broker,
            "backend": self.broker,
            "include": [],
            "config_source": config.dict_wrapper(
                {**config.DEFAULT_CONFIG, "task_default_queue": self.queue}
            ),
        }


def dagster_celery(module: str) -> Any:
    """A dagster-celery module, typed Any: the library has no annotations."""
    return importlib.import_module(f"dagster_celery.{module}")
