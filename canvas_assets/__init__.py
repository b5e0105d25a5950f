"""Dagster side of Visual ML Canvas: the workflow store, the compiler from graphs to assets,
the typed artifact storage and IO manager, planning (cache keys, fresh/stale/missing) and runs.

graphql_api and the CLI use the façade exported here, never the internals. The sub-packages:
- storage/: the workflow store (tables, operation log, rebase), tokens, artifacts, uploads, the
  data files the canvas browses, and the Alembic migrations of the store's database.
- planning/: plans (code versions, cache keys), node status, the compiler to Dagster assets.
- runs/: launching, the warm engine, the job a run rebuilds, run events and metrics, Celery.
- outputs/: the IO manager that stores node outputs; previews and downloads of them.
- orchestration/: the Dagster adapter, schedules, the Dagster UI and its reloads, `up`'s supervisor.
- maintenance/: backup and restore, retention (`mlcanvas gc`).
At the top: config.py, services.py, definitions.py (the one Dagster root), cli/, the examples,
and aliases for module paths that dagster.yaml files and stored runs name (engine_launcher.py,
run_jobs.py).
"""

from canvas_assets.config import CanvasConfig
from canvas_assets.orchestration.dagster_reload import DagsterReloader
from canvas_assets.orchestration.schedules import Schedule, ScheduleError, ScheduleStore
from canvas_assets.outputs.column_stats import ColumnSummary, ValueCount
from canvas_assets.outputs.downloads import Download, download_output
from canvas_assets.outputs.errors import NoCurrentResult, OutputNotFound, PreviewError
from canvas_assets.outputs.lookup import NodeOutput, node_output
from canvas_assets.outputs.preview import FileInfo, ValuePreview
from canvas_assets.outputs.table_pages import (
    MAX_LIMIT as MAX_PREVIEW_ROWS,
)
from canvas_assets.outputs.table_pages import TablePreview
from canvas_assets.planning.plan import Plan, PlanError
from canvas_assets.planning.status import NodeStatus, State
from canvas_assets.runs.events import (
    NodeRunState,
    RunDetails,
    RunEvent,
    RunEventKind,
    RunEventTail,
    run_details,
    run_nodes,
    workflow_runs,
)
from canvas_assets.runs.launcher import EXECUTOR_TAG, PARENT_RUN_TAG, Launch, RunLauncher
from canvas_assets.runs.metrics import NodeMetrics, run_metrics
from canvas_assets.services import (
    CanvasServices,
    NodeRun,
    PreparedRun,
    RunRefused,
    RunReport,
    Selection,
)
from canvas_assets.storage.data_files import (
    DataFileEntry,
    DataFileError,
    DataFilePreview,
    DataFolder,
    list_data_folder,
    preview_data_file,
)
from canvas_assets.storage.errors import Conflict, NotFound, StoreError
from canvas_assets.storage.operation_log import OpsBatch
from canvas_assets.storage.tokens import Principal, Role, TokenError, TokenInfo, TokenStore
from canvas_assets.storage.uploads import (
    DEFAULT_FOLDER as DEFAULT_UPLOAD_FOLDER,
)
from canvas_assets.storage.uploads import StoredUpload, UploadPolicy, UploadRefused, store_upload
from canvas_assets.storage.workflow_store import OpsResult, StoredWorkflow, WorkflowStore

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
    "DataFileEntry",
    "DataFileError",
    "DataFilePreview",
    "DataFolder",
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
    "list_data_folder",
    "node_output",
    "preview_data_file",
    "run_details",
    "run_metrics",
    "run_nodes",
    "store_upload",
    "workflow_runs",
]
