"""Dagster side of Visual ML Canvas: the workflow store, the compiler from graphs to assets, the
typed artifact storage and IO manager, planning (cache keys, fresh/stale/missing) and runs.

graphql_api and the CLI use the façade exported here, never the internals.
"""

from canvas_assets.config import CanvasConfig
from canvas_assets.launcher import Launch, RunLauncher
from canvas_assets.planner import NodeStatus, Plan, PlanError, State
from canvas_assets.run_events import (
    NodeRunState,
    RunDetails,
    RunEvent,
    RunEventKind,
    RunEventTail,
    run_details,
    run_nodes,
    workflow_runs,
)
from canvas_assets.services import (
    CanvasServices,
    NodeRun,
    PreparedRun,
    RunRefused,
    RunReport,
    Selection,
)
from canvas_assets.store import Conflict, NotFound, StoredWorkflow, StoreError, WorkflowStore
from canvas_assets.tokens import Principal, Role, TokenError, TokenInfo, TokenStore

__all__ = [
    "CanvasConfig",
    "CanvasServices",
    "Conflict",
    "Launch",
    "NodeRun",
    "NodeRunState",
    "NodeStatus",
    "NotFound",
    "Plan",
    "PlanError",
    "PreparedRun",
    "Principal",
    "Role",
    "RunDetails",
    "RunEvent",
    "RunEventKind",
    "RunEventTail",
    "RunLauncher",
    "RunRefused",
    "RunReport",
    "Selection",
    "State",
    "StoreError",
    "StoredWorkflow",
    "TokenError",
    "TokenInfo",
    "TokenStore",
    "WorkflowStore",
    "run_details",
    "run_nodes",
    "workflow_runs",
]
