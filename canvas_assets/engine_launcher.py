"""The module path dagster.yaml files name for the instance's run launcher (`run_launcher:
{module: canvas_assets.engine_launcher, class: EngineRunLauncher}`, as in dagster_home/ and in
installations' copies of it); the class lives in canvas_assets.runs.dagster_run_launcher."""

from canvas_assets.runs.dagster_run_launcher import EngineRunLauncher

__all__ = ["EngineRunLauncher"]
