"""Dagster beyond single runs: the one adapter for Dagster's internal APIs (dagster_adapter.py),
schedules, the Dagster UI on a Unix socket (dagster_ui.py) and its debounced reloads
(dagster_reload.py), and the supervisor that keeps the processes of `mlcanvas up` running."""
