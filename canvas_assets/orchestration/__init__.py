"""Dagster beyond single runs: the one adapter for Dagster's internal APIs (dagster_adapter.py),
schedules, the code server of `mlcanvas up` (code_server.py, which also drives Dagster's
code-server internals), the Dagster UI on a Unix socket (dagster_ui.py) and its debounced
reloads (dagster_reload.py), the versions Dagster records for results the canvas reuses
(dagster_versions.py), and the supervisor that keeps the processes of `mlcanvas up` running."""
