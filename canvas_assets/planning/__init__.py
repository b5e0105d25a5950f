"""What the current graph implies: each node's plan (code version and cache key, plan.py), its
status against the stored results (status.py), the plan a run executes (plan_source.py), the last
materialization Dagster recorded (last_materializations.py), and the compiler that turns a
workflow into Dagster assets (compiler.py)."""
