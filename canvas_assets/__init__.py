"""Dagster side of Visual ML Canvas: the workflow store, the compiler from graphs to assets, the
typed artifact storage and IO manager, planning (cache keys, fresh/stale/missing) and runs.

graphql_api and the CLI use the façade exported here, never the internals.
"""

from canvas_assets.config import CanvasConfig
from canvas_assets.dagster_sync import DagsterReloader
from canvas_assets.launcher import EXECUTOR_TAG, PARENT_RUN_TAG, Launch, RunLauncher
from canvas_assets.planner import NodeStatus, Plan, PlanError, State
from canvas_assets.previews import (
    MAX_LIMIT as MAX_PREVIEW_ROWS,
)
from canvas_assets.previews import (
    ColumnSummary,
    Download,
    FileInfo,
    NoCurrentResult,
    NodeOutput,
    OutputNotFound,
    PreviewError,
    TablePreview,
    ValueCount,
    ValuePreview,
    download_output,
    node_output,
)
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
from canvas_assets.run_history import NodeMetrics, run_metrics
from canvas_assets.schedules import Schedule, ScheduleError, ScheduleStore
from canvas_assets.services import (
    CanvasServices,
    NodeRun,
    PreparedRun,
    RunRefused,
    RunReport,
    Selection,
)
from canvas_assets.store import (
    Conflict,
    NotFound,
    OpsBatch,
    OpsResult,
    StoredWorkflow,
    StoreError,
    WorkflowStore,
)
from canvas_assets.tokens import Principal, Role, TokenError, TokenInfo, TokenStore
from canvas_assets.uploads import (
    DEFAULT_FOLDER as DEFAULT_UPLOAD_FOLDER,
)
from canvas_assets.uploads import StoredUpload, UploadPolicy, UploadRefused, store_upload

__all__ = [
    "DEFAULT_UPLOAD_FOLDER",
    "EXECUTOR_TAG",
    "MAX_PREVIEW_ROWS",
    "PARENT_RUN_TAG",
    "CanvasConfig",
    "CanvasServices",
    "ColumnSummary",
    "Conflict",
    "DagsterReloader",
    "Download",
    "FileInfo",
    "Launch",
    "NoCurrentResult",
    "NodeMetrics",
    "NodeOutput",
    "NodeRun",
    "NodeRunState",
    "NodeStatus",
    "NotFound",
    "OpsBatch",
    "OpsResult",
    "OutputNotFound",
    "Plan",
    "PlanError",
    "PreparedRun",
    "PreviewError",
    "Principal",
    "Role",
    "RunDetails",
    "RunEvent",
    "RunEventKind",
    "RunEventTail",
    "RunLauncher",
    "RunRefused",
    "RunReport",
    "Schedule",
    "ScheduleError",
    "ScheduleStore",
    "Selection",
    "State",
    "StoreError",
    "StoredUpload",
    "StoredWorkflow",
    "TablePreview",
    "TokenError",
    "TokenInfo",
    "TokenStore",
    "UploadPolicy",
    "UploadRefused",
    "ValueCount",
    "ValuePreview",
    "WorkflowStore",
    "download_output",
    "node_output",
    "run_details",
    "run_metrics",
    "run_nodes",
    "store_upload",
    "workflow_runs",
]
