"""The Dagster run launcher of the instance (dagster.yaml `run_launcher`, which names it by its
alias canvas_assets.engine_launcher): runs that Dagster itself launches (schedule ticks through
the daemon's queue, "Materialize" in the Dagster UI) are handed to the warm engine too, instead of
a fresh process per run. Launching only tags the run canvas/engine=local; the engine (engine.py)
picks it up within its poll interval and executes it from the run's own code origin. Terminate in
the Dagster UI asks the engine to stop the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster._core.launcher.base import (
    CheckRunHealthResult,
    LaunchRunContext,
    RunLauncher,
    WorkerStatus,
)
from dagster._core.storage.dagster_run import DagsterRun
from dagster._serdes import ConfigurableClass, ConfigurableClassData

from canvas_assets.runs.engine import (
    ENGINE_TAG,
    LOCAL,
    WORKER_TAG,
    host,
    wake_engine,
    worker_alive,
)


class EngineRunLauncher(RunLauncher, ConfigurableClass):
    def __init__(self, inst_data: ConfigurableClassData | None = None) -> None:
        self._inst_data = inst_data
        super().__init__()  # type: ignore[no-untyped-call]  # Dagster leaves it unannotated

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]
    ) -> EngineRunLauncher:
        return cls(inst_data=inst_data)

    def launch_run(self, context: LaunchRunContext) -> None:
        self._instance.add_run_tags(context.dagster_run.run_id, {ENGINE_TAG: LOCAL})
        wake_engine(self._instance.root_directory)

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        """For the daemon's run monitoring, a second watch next to the engine's own: a run whose
        worker on this host is gone is reported failed even while no engine runs."""
        where = run.tags.get(WORKER_TAG, "")
        worker_host, _, pid = where.rpartition(":")
        if not pid.isdigit() or worker_host != host():
            return CheckRunHealthResult(
                WorkerStatus.UNKNOWN, "worker on another host or not started"
            )
        if worker_alive(int(pid)):
            return CheckRunHealthResult(WorkerStatus.RUNNING, run_worker_id=pid)
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"the run's worker process {pid} is gone", run_worker_id=pid
        )

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            return False
        self._instance.report_run_canceling(run, "termination requested in Dagster")
        wake_engine(self._instance.root_directory)
        return True
