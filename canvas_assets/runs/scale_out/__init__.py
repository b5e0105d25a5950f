"""Scale-out with Celery: the executor that hands a run's steps to Celery workers, and the worker
itself (`mlcanvas worker`).

A workflow whose settings say `executor: "celery"` is still coordinated by the warm engine
(runs/engine.py): the run's worker there walks the execution plan, but every step becomes a Celery
task (dagster-celery's `execute_plan`) on a Redis queue, executed by `mlcanvas worker` processes
on any machine. Both sides read the same two settings from the environment (settings.py), so they
cannot disagree (a worker on another broker or queue would never see the tasks).

A worker executes steps of runs recorded in the engine's Dagster instance, so it needs the same
environment as the engine: the instance (DAGSTER_HOME with the PostgreSQL dagster.yaml and
CANVAS_DAGSTER_PG_URL: each task opens the engine's instance from the reference sent with it,
whose storage settings are resolved from the worker's environment), the workflow store
(CANVAS_DATABASE_URL: each task rebuilds the run's job from the pinned workflow revision,
canvas_assets.runs.jobs.run_job), the artifacts (CANVAS_ARTIFACTS=s3://...,
CANVAS_S3_ENDPOINT_URL and the AWS_* credentials: steps exchange their outputs there), and what
nodes read (CANVAS_DATA_ROOTS at the same paths, CANVAS_CONNECTION_*, CANVAS_NODE_MODULES).

What this package adds to dagster-celery (whose internals are used here and nowhere else):
- the worker (worker.py): dagster-celery's task app configured from the environment
  (dagster-celery's own `worker start` wants a YAML file and silently falls back to AMQP when its
  keys are not nested under `execution: config:`), warmed up like the engine before it forks its
  pool processes;
- a step task whose run is already finished or being canceled is dropped instead of executed (a
  canceled run's coordinator is killed, and its queued tasks would otherwise run whenever a worker
  comes up); a step already running when its run is canceled ends its pool process within a
  second, so a cancel frees the worker (the pool starts a fresh process);
- no silent hang (executor.py): when no worker consumes the queue, each waiting step's log says so
  and how to start one (dagster-celery itself only logs "Submitting celery task" and waits
  forever);
- dagster-celery's coordinator polls its tasks once a second; here ten times a second, so a chain
  of quick steps does not pay up to a second between steps;
- the checks a worker prints when it starts (diagnostics.py): a missing broker client, settings
  that keep workers on other machines from seeing runs, a store or artifacts it cannot reach.
"""
