"""Running workflows: launching, canceling and re-executing runs (launcher.py), the warm engine
that executes them (engine.py) and the Dagster run launcher that hands it Dagster's own runs
(dagster_run_launcher.py), the job a run rebuilds in any process (jobs.py), per-node run events
and run metrics read back from the instance (events.py, metrics.py), and scale-out of a run's
steps to Celery workers (scale_out/)."""
