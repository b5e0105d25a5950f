"""The module path that runs recorded before the run job moved to canvas_assets.runs.jobs name as
their code origin (`canvas_assets.run_jobs.run_job`): such a run still waiting in a Dagster
instance, or a step task of one in a Celery queue, rebuilds its job through this alias."""

from canvas_assets.runs.jobs import run_job

__all__ = ["run_job"]
