/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> =
  T | { [P in keyof T]?: P extends " $fragmentName" | "__typename" ? T[P] : never };
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
export type ApplyGraphOpsInput = {
  /** when baseRevision is stale, apply the batch on top of the current revision if it touches nothing the batches since touched (else RevisionConflict as usual); OpsApplied.rebasedOver then lists those batches */
  autoRebase?: boolean;
  baseRevision: number;
  /** a client-chosen id: a retried batch is never applied twice */
  batchId?: string | null | undefined;
  /** add_node, remove_node, update_params, move_nodes, add_edge, remove_edge, set_label, rename_workflow, set_description, set_executor, add_group, update_group, remove_group (objects with an `op` field) */
  ops: Array<unknown>;
  workflowId: string | number;
};

/** What a column is for: the target a model predicts, a feature it learns from (every column's role unless a source or a Set roles node says otherwise), an id naming a row, or a column to ignore. */
export type ColumnRole = "FEATURE" | "ID" | "IGNORE" | "TARGET";

export type LaunchRunInput = {
  node?: string | null | undefined;
  nodes?: Array<string> | null | undefined;
  /** only you (and admins) can see a private run */
  private?: boolean;
  selection?: RunSelection;
  /** MANUAL from the canvas; API otherwise */
  trigger?: RunTrigger;
  workflowId: string | number;
};

/** Which nodes a run executes. */
export type RunSelection = "ALL" | "NODES" | "ONLY" | "STALE" | "UPSTREAM";

/** Who started a run. */
export type RunTrigger = "API" | "MANUAL" | "SCHEDULE";

export type ScheduleInput = {
  /** five fields, e.g. "0 6 * * *" */
  cron: string;
  enabled?: boolean;
  /** null: the whole workflow; else this node with its upstream */
  node?: string | null | undefined;
  timezone?: string;
  workflowId: string | number;
};

/** What to change; omitted fields stay. Toggle: {enabled: false}. */
export type ScheduleUpdate = {
  cron?: string | null | undefined;
  enabled?: boolean | null | undefined;
  timezone?: string | null | undefined;
};

export type UploadDataFileMutationVariables = Exact<{
  file: File;
  folder?: string;
}>;

export type UploadDataFileMutation = {
  uploadDataFile:
    | { __typename: "InvalidInputError"; message: string; field: string | null; hint: string }
    | {
        __typename: "UploadedFile";
        path: string;
        name: string;
        originalName: string;
        sizeBytes: number;
        format: string;
        sourceType: string;
        sourceParams: unknown;
      };
};

export type DataFilesQueryVariables = Exact<{
  folder: string;
}>;

export type DataFilesQuery = {
  dataFiles:
    | {
        __typename: "DataFolder";
        folder: string;
        parent: string | null;
        totalEntries: number;
        entries: Array<{
          name: string;
          path: string;
          isFolder: boolean;
          sizeBytes: number | null;
          modified: string;
          kind: string | null;
          sourceType: string | null;
        }>;
      }
    | { __typename: "InvalidInputError"; message: string; field: string | null; hint: string };
};

export type DataFilePreviewQueryVariables = Exact<{
  path: string;
  rows?: number;
}>;

export type DataFilePreviewQuery = {
  dataFilePreview:
    | {
        __typename: "DataFilePreview";
        path: string;
        name: string;
        sizeBytes: number;
        kind: string;
        sourceType: string;
        sourceParams: unknown;
        rows: unknown;
        note: string | null;
        columns: Array<{ name: string; dtype: string }> | null;
      }
    | { __typename: "InvalidInputError"; message: string; field: string | null; hint: string };
};

export type ExpressionLanguageQueryVariables = Exact<{ [key: string]: never }>;

export type ExpressionLanguageQuery = {
  expressionLanguage: {
    reservedWords: Array<string>;
    functions: Array<{
      name: string;
      signature: string;
      doc: string;
      category: string;
      params: Array<string>;
      required: number;
      keywords: Array<string>;
      literals: Array<string>;
    }>;
    syntax: Array<{ text: string; kind: string; doc: string; example: string }>;
  };
};

export type SecretNamesQueryVariables = Exact<{ [key: string]: never }>;

export type SecretNamesQuery = { secretNames: Array<string> };

export type PortFieldsFragment = {
  name: string;
  dataType: string;
  label: string;
  required: boolean;
  accepts: Array<string>;
  description: string;
};

export type NodeTypesQueryVariables = Exact<{ [key: string]: never }>;

export type NodeTypesQuery = {
  nodeTypes: Array<{
    typeId: string;
    version: number;
    displayName: string;
    category: string;
    description: string;
    tags: Array<string>;
    deterministic: boolean;
    paramsSchema: unknown;
    inputs: Array<{
      name: string;
      dataType: string;
      label: string;
      required: boolean;
      accepts: Array<string>;
      description: string;
    }>;
    outputs: Array<{
      name: string;
      dataType: string;
      label: string;
      required: boolean;
      accepts: Array<string>;
      description: string;
    }>;
  }>;
};

export type ConnectionRulesQueryVariables = Exact<{ [key: string]: never }>;

export type ConnectionRulesQuery = { connectionRules: Array<{ source: string; target: string }> };

export type WorkflowSummaryFragment = {
  id: string;
  slug: string;
  name: string;
  description: string;
  executor: string;
  revision: number;
  updatedAt: string;
};

export type WorkflowGraphFragment = {
  id: string;
  slug: string;
  name: string;
  description: string;
  executor: string;
  revision: number;
  updatedAt: string;
  nodes: Array<{
    id: string;
    type: string;
    typeVersion: number;
    params: unknown;
    label: string;
    position: { x: number; y: number };
  }>;
  edges: Array<{
    id: string;
    source: string;
    sourcePort: string;
    target: string;
    targetPort: string;
  }>;
  groups: Array<{ id: string; title: string; nodeIds: Array<string>; collapsed: boolean }>;
};

export type WorkflowQueryVariables = Exact<{
  id: string | number;
}>;

export type WorkflowQuery = {
  workflow:
    | { __typename: "InvalidInputError"; message: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Workflow";
        id: string;
        slug: string;
        name: string;
        description: string;
        executor: string;
        revision: number;
        updatedAt: string;
        nodes: Array<{
          id: string;
          type: string;
          typeVersion: number;
          params: unknown;
          label: string;
          position: { x: number; y: number };
        }>;
        edges: Array<{
          id: string;
          source: string;
          sourcePort: string;
          target: string;
          targetPort: string;
        }>;
        groups: Array<{ id: string; title: string; nodeIds: Array<string>; collapsed: boolean }>;
      };
};

export type IssueFieldsFragment = {
  severity: string;
  code: string;
  message: string;
  hint: string;
  nodeId: string | null;
  port: string | null;
  param: string | null;
};

export type ValidationFieldsFragment = {
  ok: boolean;
  issues: Array<{
    severity: string;
    code: string;
    message: string;
    hint: string;
    nodeId: string | null;
    port: string | null;
    param: string | null;
  }>;
  schemas: Array<{
    nodeId: string;
    port: string;
    columns: Array<{ name: string; dtype: string; role: ColumnRole }> | null;
  }>;
};

export type ValidateWorkflowQueryVariables = Exact<{
  id: string | number;
}>;

export type ValidateWorkflowQuery = {
  validateWorkflow:
    | { __typename: "InvalidInputError"; message: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "ValidationReport";
        ok: boolean;
        issues: Array<{
          severity: string;
          code: string;
          message: string;
          hint: string;
          nodeId: string | null;
          port: string | null;
          param: string | null;
        }>;
        schemas: Array<{
          nodeId: string;
          port: string;
          columns: Array<{ name: string; dtype: string; role: ColumnRole }> | null;
        }>;
      };
};

export type NodeStatusFieldsFragment = {
  nodeId: string;
  state: string;
  reason: string;
  cacheKey: string;
  deterministic: boolean;
  lastDurationS: number | null;
  lastRunId: string | null;
  lastRunAt: string | null;
  assetKey: Array<string> | null;
};

type LaunchResultFields_InvalidInputError_Fragment = {
  __typename: "InvalidInputError";
  message: string;
  field: string | null;
  hint: string;
};

type LaunchResultFields_InvalidWorkflowError_Fragment = {
  __typename: "InvalidWorkflowError";
  message: string;
  issues: Array<{
    severity: string;
    code: string;
    message: string;
    hint: string;
    nodeId: string | null;
    port: string | null;
    param: string | null;
  }>;
};

type LaunchResultFields_NotFoundError_Fragment = { __typename: "NotFoundError"; message: string };

type LaunchResultFields_RunLaunched_Fragment = {
  __typename: "RunLaunched";
  runId: string | null;
  nothingToDo: boolean;
  nodes: Array<string>;
  note: string;
  statuses: Array<{
    nodeId: string;
    state: string;
    reason: string;
    cacheKey: string;
    deterministic: boolean;
    lastDurationS: number | null;
    lastRunId: string | null;
    lastRunAt: string | null;
    assetKey: Array<string> | null;
  }>;
};

export type LaunchResultFieldsFragment =
  | LaunchResultFields_InvalidInputError_Fragment
  | LaunchResultFields_InvalidWorkflowError_Fragment
  | LaunchResultFields_NotFoundError_Fragment
  | LaunchResultFields_RunLaunched_Fragment;

export type LaunchRunMutationVariables = Exact<{
  input: LaunchRunInput;
}>;

export type LaunchRunMutation = {
  launchRun:
    | { __typename: "InvalidInputError"; message: string; field: string | null; hint: string }
    | {
        __typename: "InvalidWorkflowError";
        message: string;
        issues: Array<{
          severity: string;
          code: string;
          message: string;
          hint: string;
          nodeId: string | null;
          port: string | null;
          param: string | null;
        }>;
      }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "RunLaunched";
        runId: string | null;
        nothingToDo: boolean;
        nodes: Array<string>;
        note: string;
        statuses: Array<{
          nodeId: string;
          state: string;
          reason: string;
          cacheKey: string;
          deterministic: boolean;
          lastDurationS: number | null;
          lastRunId: string | null;
          lastRunAt: string | null;
          assetKey: Array<string> | null;
        }>;
      };
};

export type NodeStatusesQueryVariables = Exact<{
  workflowId: string | number;
}>;

export type NodeStatusesQuery = {
  nodeStatuses:
    | { __typename: "InvalidInputError"; message: string }
    | {
        __typename: "NodeStatuses";
        workflowId: string;
        revision: number;
        nodes: Array<{
          nodeId: string;
          state: string;
          reason: string;
          cacheKey: string;
          deterministic: boolean;
          lastDurationS: number | null;
          lastRunId: string | null;
          lastRunAt: string | null;
          assetKey: Array<string> | null;
        }>;
      }
    | { __typename: "NotFoundError"; message: string };
};

export type RunEventsSubscriptionVariables = Exact<{
  runId: string | number;
}>;

export type RunEventsSubscription = {
  runEvents: {
    kind: string;
    at: string;
    nodeId: string | null;
    message: string;
    done: number | null;
    total: number | null;
    durationS: number | null;
    rows: number | null;
    status: string | null;
    rowsIn: number | null;
    memoryMb: number | null;
    details: string;
  };
};

export type ColumnStatsFieldsFragment = {
  name: string;
  dtype: string;
  nullCount: number;
  count: number | null;
  distinctCount: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  earliest: string | null;
  latest: string | null;
  histogram: Array<{ start: number; end: number; count: number }>;
  topValues: Array<{ value: string; count: number }>;
};

export type NodeOutputQueryVariables = Exact<{
  workflowId: string | number;
  nodeId: string;
  port?: string | null | undefined;
  cacheKey?: string | null | undefined;
  limit?: number;
  sortBy?: string | null | undefined;
  descending?: boolean;
  where?: string | null | undefined;
}>;

export type NodeOutputQuery = {
  nodeOutput:
    | {
        __typename: "DataFramePreview";
        nodeId: string;
        port: string;
        cacheKey: string;
        dataType: string;
        current: boolean;
        downloadUrl: string | null;
        totalRows: number;
        storedRows: number;
        where: string | null;
        offset: number;
        limit: number;
        sortBy: string | null;
        descending: boolean;
        rows: unknown;
        rowNumbers: Array<number>;
        columns: Array<{
          name: string;
          dtype: string;
          nullCount: number;
          count: number | null;
          distinctCount: number | null;
          min: number | null;
          max: number | null;
          mean: number | null;
          std: number | null;
          p25: number | null;
          median: number | null;
          p75: number | null;
          earliest: string | null;
          latest: string | null;
          histogram: Array<{ start: number; end: number; count: number }>;
          topValues: Array<{ value: string; count: number }>;
        }>;
      }
    | {
        __typename: "FilePreview";
        nodeId: string;
        port: string;
        cacheKey: string;
        dataType: string;
        current: boolean;
        downloadUrl: string | null;
        name: string;
        mediaType: string;
        sizeBytes: number;
      }
    | {
        __typename: "InvalidInputError";
        message: string;
        field: string | null;
        hint: string;
        position: number | null;
      }
    | {
        __typename: "JsonPreview";
        nodeId: string;
        port: string;
        cacheKey: string;
        dataType: string;
        current: boolean;
        downloadUrl: string | null;
        value: unknown;
      }
    | {
        __typename: "MetricsPreview";
        nodeId: string;
        port: string;
        cacheKey: string;
        dataType: string;
        current: boolean;
        downloadUrl: string | null;
        values: unknown;
      }
    | {
        __typename: "NoResultError";
        message: string;
        state: string;
        reason: string;
        earlierCacheKey: string | null;
        issues: Array<{
          severity: string;
          code: string;
          message: string;
          hint: string;
          nodeId: string | null;
          port: string | null;
          param: string | null;
        }>;
        blockedBy: Array<{ nodeId: string; label: string }>;
      }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "PlotPreview";
        nodeId: string;
        port: string;
        cacheKey: string;
        dataType: string;
        current: boolean;
        downloadUrl: string | null;
        figure: unknown;
      };
};

export type NodeOutputRowsQueryVariables = Exact<{
  workflowId: string | number;
  nodeId: string;
  port: string;
  cacheKey: string;
  offset: number;
  limit: number;
  sortBy?: string | null | undefined;
  descending?: boolean;
  where?: string | null | undefined;
}>;

export type NodeOutputRowsQuery = {
  nodeOutput:
    | {
        __typename: "DataFramePreview";
        totalRows: number;
        offset: number;
        rows: unknown;
        rowNumbers: Array<number>;
      }
    | { __typename: "FilePreview" }
    | { __typename: "InvalidInputError"; message: string }
    | { __typename: "JsonPreview" }
    | { __typename: "MetricsPreview" }
    | { __typename: "NoResultError"; message: string }
    | { __typename: "NotFoundError"; message: string }
    | { __typename: "PlotPreview" };
};

export type RunStepFieldsFragment = {
  nodeId: string;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  durationS: number | null;
  rowsOut: number | null;
  message: string;
  progressDone: number | null;
  progressTotal: number | null;
  rowsIn: number | null;
  memoryMb: number | null;
  details: string;
  logs: Array<string>;
};

export type RunFieldsFragment = {
  id: string;
  status: string;
  selection: string;
  trigger: string;
  executor: string;
  parentRunId: string | null;
  scheduleId: string | null;
  private: boolean;
  createdAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationS: number | null;
};

export type LatestRunsQueryVariables = Exact<{
  workflowId: string | number;
  first?: number;
}>;

export type LatestRunsQuery = {
  runs: Array<{
    id: string;
    status: string;
    selection: string;
    trigger: string;
    executor: string;
    parentRunId: string | null;
    scheduleId: string | null;
    private: boolean;
    createdAt: string | null;
    startedAt: string | null;
    endedAt: string | null;
    durationS: number | null;
  }>;
};

export type RunHistoryQueryVariables = Exact<{
  workflowId: string | number;
  first?: number;
}>;

export type RunHistoryQuery = {
  runs: Array<{
    id: string;
    status: string;
    selection: string;
    trigger: string;
    executor: string;
    parentRunId: string | null;
    scheduleId: string | null;
    private: boolean;
    createdAt: string | null;
    startedAt: string | null;
    endedAt: string | null;
    durationS: number | null;
    steps: Array<{ nodeId: string }>;
  }>;
};

export type RunMetricsQueryVariables = Exact<{
  id: string | number;
}>;

export type RunMetricsQuery = {
  run:
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Run";
        id: string;
        metrics: Array<{ nodeId: string; port: string; values: unknown }>;
      };
};

export type ReexecuteRunMutationVariables = Exact<{
  id: string | number;
}>;

export type ReexecuteRunMutation = {
  reexecuteRun:
    | { __typename: "InvalidInputError"; message: string; field: string | null; hint: string }
    | {
        __typename: "InvalidWorkflowError";
        message: string;
        issues: Array<{
          severity: string;
          code: string;
          message: string;
          hint: string;
          nodeId: string | null;
          port: string | null;
          param: string | null;
        }>;
      }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "RunLaunched";
        runId: string | null;
        nothingToDo: boolean;
        nodes: Array<string>;
        note: string;
        statuses: Array<{
          nodeId: string;
          state: string;
          reason: string;
          cacheKey: string;
          deterministic: boolean;
          lastDurationS: number | null;
          lastRunId: string | null;
          lastRunAt: string | null;
          assetKey: Array<string> | null;
        }>;
      };
};

export type RunDetailsQueryVariables = Exact<{
  id: string | number;
}>;

export type RunDetailsQuery = {
  run:
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Run";
        id: string;
        status: string;
        selection: string;
        trigger: string;
        executor: string;
        parentRunId: string | null;
        scheduleId: string | null;
        private: boolean;
        createdAt: string | null;
        startedAt: string | null;
        endedAt: string | null;
        durationS: number | null;
        steps: Array<{
          nodeId: string;
          status: string;
          startedAt: string | null;
          endedAt: string | null;
          durationS: number | null;
          rowsOut: number | null;
          message: string;
          progressDone: number | null;
          progressTotal: number | null;
          rowsIn: number | null;
          memoryMb: number | null;
          details: string;
          logs: Array<string>;
        }>;
      };
};

export type CancelRunMutationVariables = Exact<{
  id: string | number;
}>;

export type CancelRunMutation = {
  cancelRun:
    | { __typename: "InvalidInputError"; message: string; field: string | null; hint: string }
    | { __typename: "NotFoundError"; message: string }
    | { __typename: "RunCanceling"; runId: string };
};

export type ScheduleFieldsFragment = {
  id: string;
  workflowId: string;
  node: string | null;
  cron: string;
  timezone: string;
  enabled: boolean;
  description: string;
  nextTick: string | null;
  lastRun: {
    id: string;
    status: string;
    startedAt: string | null;
    createdAt: string | null;
  } | null;
};

export type SchedulesQueryVariables = Exact<{
  workflowId: string | number;
}>;

export type SchedulesQuery = {
  schedules: Array<{
    id: string;
    workflowId: string;
    node: string | null;
    cron: string;
    timezone: string;
    enabled: boolean;
    description: string;
    nextTick: string | null;
    lastRun: {
      id: string;
      status: string;
      startedAt: string | null;
      createdAt: string | null;
    } | null;
  }>;
};

export type CreateScheduleMutationVariables = Exact<{
  input: ScheduleInput;
}>;

export type CreateScheduleMutation = {
  createSchedule:
    | { __typename: "InvalidInputError"; message: string; field: string | null; hint: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Schedule";
        id: string;
        workflowId: string;
        node: string | null;
        cron: string;
        timezone: string;
        enabled: boolean;
        description: string;
        nextTick: string | null;
        lastRun: {
          id: string;
          status: string;
          startedAt: string | null;
          createdAt: string | null;
        } | null;
      };
};

export type UpdateScheduleMutationVariables = Exact<{
  id: string | number;
  input: ScheduleUpdate;
}>;

export type UpdateScheduleMutation = {
  updateSchedule:
    | { __typename: "InvalidInputError"; message: string; field: string | null; hint: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Schedule";
        id: string;
        workflowId: string;
        node: string | null;
        cron: string;
        timezone: string;
        enabled: boolean;
        description: string;
        nextTick: string | null;
        lastRun: {
          id: string;
          status: string;
          startedAt: string | null;
          createdAt: string | null;
        } | null;
      };
};

export type DeleteScheduleMutationVariables = Exact<{
  id: string | number;
}>;

export type DeleteScheduleMutation = {
  deleteSchedule:
    | { __typename: "NotFoundError"; message: string }
    | { __typename: "ScheduleDeleted"; id: string };
};

export type WorkflowCardFragment = {
  id: string;
  slug: string;
  name: string;
  description: string;
  revision: number;
  updatedAt: string;
  nodeCount: number;
};

export type WorkflowCardsQueryVariables = Exact<{
  search?: string;
  first?: number;
}>;

export type WorkflowCardsQuery = {
  workflows: {
    hasMore: boolean;
    items: Array<{
      id: string;
      slug: string;
      name: string;
      description: string;
      revision: number;
      updatedAt: string;
      nodeCount: number;
    }>;
  };
};

export type TemplatesQueryVariables = Exact<{ [key: string]: never }>;

export type TemplatesQuery = {
  templates: Array<{
    id: string;
    name: string;
    description: string;
    nodeCount: number;
    nodeTypes: Array<string>;
  }>;
};

type WorkflowCardResult_InvalidInputError_Fragment = {
  __typename: "InvalidInputError";
  message: string;
};

type WorkflowCardResult_NotFoundError_Fragment = { __typename: "NotFoundError"; message: string };

type WorkflowCardResult_Workflow_Fragment = {
  __typename: "Workflow";
  id: string;
  slug: string;
  name: string;
  description: string;
  revision: number;
  updatedAt: string;
  nodeCount: number;
};

export type WorkflowCardResultFragment =
  | WorkflowCardResult_InvalidInputError_Fragment
  | WorkflowCardResult_NotFoundError_Fragment
  | WorkflowCardResult_Workflow_Fragment;

export type CreateWorkflowMutationVariables = Exact<{
  name: string;
}>;

export type CreateWorkflowMutation = {
  createWorkflow:
    | { __typename: "InvalidInputError"; message: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Workflow";
        id: string;
        slug: string;
        name: string;
        description: string;
        revision: number;
        updatedAt: string;
        nodeCount: number;
      };
};

export type CreateFromTemplateMutationVariables = Exact<{
  templateId: string | number;
}>;

export type CreateFromTemplateMutation = {
  createFromTemplate:
    | { __typename: "InvalidInputError"; message: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Workflow";
        id: string;
        slug: string;
        name: string;
        description: string;
        revision: number;
        updatedAt: string;
        nodeCount: number;
      };
};

export type RenameWorkflowMutationVariables = Exact<{
  id: string | number;
  name: string;
}>;

export type RenameWorkflowMutation = {
  renameWorkflow:
    | { __typename: "InvalidInputError"; message: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Workflow";
        id: string;
        slug: string;
        name: string;
        description: string;
        revision: number;
        updatedAt: string;
        nodeCount: number;
      };
};

export type DuplicateWorkflowMutationVariables = Exact<{
  id: string | number;
}>;

export type DuplicateWorkflowMutation = {
  duplicateWorkflow:
    | { __typename: "InvalidInputError"; message: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Workflow";
        id: string;
        slug: string;
        name: string;
        description: string;
        revision: number;
        updatedAt: string;
        nodeCount: number;
      };
};

export type ImportWorkflowMutationVariables = Exact<{
  document: unknown;
}>;

export type ImportWorkflowMutation = {
  importWorkflow:
    | { __typename: "InvalidInputError"; message: string }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "Workflow";
        id: string;
        slug: string;
        name: string;
        description: string;
        revision: number;
        updatedAt: string;
        nodeCount: number;
      };
};

export type DeleteWorkflowMutationVariables = Exact<{
  id: string | number;
}>;

export type DeleteWorkflowMutation = {
  deleteWorkflow:
    { __typename: "Deleted"; id: string } | { __typename: "NotFoundError"; message: string };
};

export type ExportWorkflowQueryVariables = Exact<{
  id: string | number;
}>;

export type ExportWorkflowQuery = { exportWorkflow: unknown };

export type OpsBatchFieldsFragment = {
  revision: number;
  author: string;
  kind: string;
  ops: Array<unknown>;
  batchId: string | null;
};

export type SyncGraphOpsMutationVariables = Exact<{
  input: ApplyGraphOpsInput;
}>;

export type SyncGraphOpsMutation = {
  applyGraphOps:
    | {
        __typename: "InvalidOpError";
        message: string;
        index: number;
        code: string;
        hint: string;
        nodeId: string | null;
      }
    | { __typename: "NotFoundError"; message: string }
    | {
        __typename: "OpsApplied";
        revision: number;
        replayed: boolean;
        rebasedOver: Array<{
          revision: number;
          author: string;
          kind: string;
          ops: Array<unknown>;
          batchId: string | null;
        }>;
        validation: {
          ok: boolean;
          issues: Array<{
            severity: string;
            code: string;
            message: string;
            hint: string;
            nodeId: string | null;
            port: string | null;
            param: string | null;
          }>;
          schemas: Array<{
            nodeId: string;
            port: string;
            columns: Array<{ name: string; dtype: string; role: ColumnRole }> | null;
          }>;
        };
      }
    | {
        __typename: "RevisionConflict";
        message: string;
        currentRevision: number;
        opsSince: Array<{
          revision: number;
          author: string;
          kind: string;
          ops: Array<unknown>;
          batchId: string | null;
        }>;
      };
};

export type WorkflowChangedSubscriptionVariables = Exact<{
  workflowId: string | number;
  sinceRevision?: number | null | undefined;
}>;

export type WorkflowChangedSubscription = {
  workflowChanged: {
    revision: number;
    author: string;
    kind: string;
    ops: Array<unknown>;
    batchId: string | null;
  };
};

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>["__apiType"]>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const PortFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment PortFields on PortSpec {
  name
  dataType
  label
  required
  accepts
  description
}
    `,
  { fragmentName: "PortFields" },
) as unknown as TypedDocumentString<PortFieldsFragment, unknown>;
export const WorkflowSummaryFragmentDoc = new TypedDocumentString(
  `
    fragment WorkflowSummary on Workflow {
  id
  slug
  name
  description
  executor
  revision
  updatedAt
}
    `,
  { fragmentName: "WorkflowSummary" },
) as unknown as TypedDocumentString<WorkflowSummaryFragment, unknown>;
export const WorkflowGraphFragmentDoc = new TypedDocumentString(
  `
    fragment WorkflowGraph on Workflow {
  ...WorkflowSummary
  nodes {
    id
    type
    typeVersion
    params
    position {
      x
      y
    }
    label
  }
  edges {
    id
    source
    sourcePort
    target
    targetPort
  }
  groups {
    id
    title
    nodeIds
    collapsed
  }
}
    fragment WorkflowSummary on Workflow {
  id
  slug
  name
  description
  executor
  revision
  updatedAt
}`,
  { fragmentName: "WorkflowGraph" },
) as unknown as TypedDocumentString<WorkflowGraphFragment, unknown>;
export const IssueFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment IssueFields on Issue {
  severity
  code
  message
  hint
  nodeId
  port
  param
}
    `,
  { fragmentName: "IssueFields" },
) as unknown as TypedDocumentString<IssueFieldsFragment, unknown>;
export const ValidationFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment ValidationFields on ValidationReport {
  ok
  issues {
    ...IssueFields
  }
  schemas {
    nodeId
    port
    columns {
      name
      dtype
      role
    }
  }
}
    fragment IssueFields on Issue {
  severity
  code
  message
  hint
  nodeId
  port
  param
}`,
  { fragmentName: "ValidationFields" },
) as unknown as TypedDocumentString<ValidationFieldsFragment, unknown>;
export const NodeStatusFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment NodeStatusFields on NodeStatus {
  nodeId
  state
  reason
  cacheKey
  deterministic
  lastDurationS
  lastRunId
  lastRunAt
  assetKey
}
    `,
  { fragmentName: "NodeStatusFields" },
) as unknown as TypedDocumentString<NodeStatusFieldsFragment, unknown>;
export const LaunchResultFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment LaunchResultFields on LaunchRunResult {
  __typename
  ... on RunLaunched {
    runId
    nothingToDo
    nodes
    note
    statuses {
      ...NodeStatusFields
    }
  }
  ... on InvalidWorkflowError {
    message
    issues {
      ...IssueFields
    }
  }
  ... on NotFoundError {
    message
  }
  ... on InvalidInputError {
    message
    field
    hint
  }
}
    fragment IssueFields on Issue {
  severity
  code
  message
  hint
  nodeId
  port
  param
}
fragment NodeStatusFields on NodeStatus {
  nodeId
  state
  reason
  cacheKey
  deterministic
  lastDurationS
  lastRunId
  lastRunAt
  assetKey
}`,
  { fragmentName: "LaunchResultFields" },
) as unknown as TypedDocumentString<LaunchResultFieldsFragment, unknown>;
export const ColumnStatsFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment ColumnStatsFields on ColumnSummary {
  name
  dtype
  nullCount
  count
  distinctCount
  min
  max
  mean
  std
  p25
  median
  p75
  histogram {
    start
    end
    count
  }
  topValues {
    value
    count
  }
  earliest
  latest
}
    `,
  { fragmentName: "ColumnStatsFields" },
) as unknown as TypedDocumentString<ColumnStatsFieldsFragment, unknown>;
export const RunStepFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment RunStepFields on RunStep {
  nodeId
  status
  startedAt
  endedAt
  durationS
  rowsOut
  message
  progressDone
  progressTotal
  rowsIn
  memoryMb
  details
  logs
}
    `,
  { fragmentName: "RunStepFields" },
) as unknown as TypedDocumentString<RunStepFieldsFragment, unknown>;
export const RunFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment RunFields on Run {
  id
  status
  selection
  trigger
  executor
  parentRunId
  scheduleId
  private
  createdAt
  startedAt
  endedAt
  durationS
}
    `,
  { fragmentName: "RunFields" },
) as unknown as TypedDocumentString<RunFieldsFragment, unknown>;
export const ScheduleFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment ScheduleFields on Schedule {
  id
  workflowId
  node
  cron
  timezone
  enabled
  description
  nextTick
  lastRun {
    id
    status
    startedAt
    createdAt
  }
}
    `,
  { fragmentName: "ScheduleFields" },
) as unknown as TypedDocumentString<ScheduleFieldsFragment, unknown>;
export const WorkflowCardFragmentDoc = new TypedDocumentString(
  `
    fragment WorkflowCard on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
  nodeCount
}
    `,
  { fragmentName: "WorkflowCard" },
) as unknown as TypedDocumentString<WorkflowCardFragment, unknown>;
export const WorkflowCardResultFragmentDoc = new TypedDocumentString(
  `
    fragment WorkflowCardResult on WorkflowResult {
  __typename
  ... on Workflow {
    ...WorkflowCard
  }
  ... on UserError {
    message
  }
}
    fragment WorkflowCard on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
  nodeCount
}`,
  { fragmentName: "WorkflowCardResult" },
) as unknown as TypedDocumentString<WorkflowCardResultFragment, unknown>;
export const OpsBatchFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment OpsBatchFields on OpsBatchInfo {
  revision
  author
  kind
  ops
  batchId
}
    `,
  { fragmentName: "OpsBatchFields" },
) as unknown as TypedDocumentString<OpsBatchFieldsFragment, unknown>;
export const UploadDataFileDocument = new TypedDocumentString(`
    mutation UploadDataFile($file: Upload!, $folder: String! = "uploads") {
  uploadDataFile(file: $file, folder: $folder) {
    __typename
    ... on UploadedFile {
      path
      name
      originalName
      sizeBytes
      format
      sourceType
      sourceParams
    }
    ... on InvalidInputError {
      message
      field
      hint
    }
  }
}
    `) as unknown as TypedDocumentString<UploadDataFileMutation, UploadDataFileMutationVariables>;
export const DataFilesDocument = new TypedDocumentString(`
    query DataFiles($folder: String!) {
  dataFiles(folder: $folder) {
    __typename
    ... on DataFolder {
      folder
      parent
      totalEntries
      entries {
        name
        path
        isFolder
        sizeBytes
        modified
        kind
        sourceType
      }
    }
    ... on InvalidInputError {
      message
      field
      hint
    }
  }
}
    `) as unknown as TypedDocumentString<DataFilesQuery, DataFilesQueryVariables>;
export const DataFilePreviewDocument = new TypedDocumentString(`
    query DataFilePreview($path: String!, $rows: Int! = 20) {
  dataFilePreview(path: $path, rows: $rows) {
    __typename
    ... on DataFilePreview {
      path
      name
      sizeBytes
      kind
      sourceType
      sourceParams
      columns {
        name
        dtype
      }
      rows
      note
    }
    ... on InvalidInputError {
      message
      field
      hint
    }
  }
}
    `) as unknown as TypedDocumentString<DataFilePreviewQuery, DataFilePreviewQueryVariables>;
export const ExpressionLanguageDocument = new TypedDocumentString(`
    query ExpressionLanguage {
  expressionLanguage {
    functions {
      name
      signature
      doc
      category
      params
      required
      keywords
      literals
    }
    syntax {
      text
      kind
      doc
      example
    }
    reservedWords
  }
}
    `) as unknown as TypedDocumentString<ExpressionLanguageQuery, ExpressionLanguageQueryVariables>;
export const SecretNamesDocument = new TypedDocumentString(`
    query SecretNames {
  secretNames
}
    `) as unknown as TypedDocumentString<SecretNamesQuery, SecretNamesQueryVariables>;
export const NodeTypesDocument = new TypedDocumentString(`
    query NodeTypes {
  nodeTypes {
    typeId
    version
    displayName
    category
    description
    tags
    deterministic
    inputs {
      ...PortFields
    }
    outputs {
      ...PortFields
    }
    paramsSchema
  }
}
    fragment PortFields on PortSpec {
  name
  dataType
  label
  required
  accepts
  description
}`) as unknown as TypedDocumentString<NodeTypesQuery, NodeTypesQueryVariables>;
export const ConnectionRulesDocument = new TypedDocumentString(`
    query ConnectionRules {
  connectionRules {
    source
    target
  }
}
    `) as unknown as TypedDocumentString<ConnectionRulesQuery, ConnectionRulesQueryVariables>;
export const WorkflowDocument = new TypedDocumentString(`
    query Workflow($id: ID!) {
  workflow(id: $id) {
    __typename
    ... on Workflow {
      ...WorkflowGraph
    }
    ... on UserError {
      message
    }
  }
}
    fragment WorkflowSummary on Workflow {
  id
  slug
  name
  description
  executor
  revision
  updatedAt
}
fragment WorkflowGraph on Workflow {
  ...WorkflowSummary
  nodes {
    id
    type
    typeVersion
    params
    position {
      x
      y
    }
    label
  }
  edges {
    id
    source
    sourcePort
    target
    targetPort
  }
  groups {
    id
    title
    nodeIds
    collapsed
  }
}`) as unknown as TypedDocumentString<WorkflowQuery, WorkflowQueryVariables>;
export const ValidateWorkflowDocument = new TypedDocumentString(`
    query ValidateWorkflow($id: ID!) {
  validateWorkflow(id: $id) {
    __typename
    ... on ValidationReport {
      ...ValidationFields
    }
    ... on UserError {
      message
    }
  }
}
    fragment IssueFields on Issue {
  severity
  code
  message
  hint
  nodeId
  port
  param
}
fragment ValidationFields on ValidationReport {
  ok
  issues {
    ...IssueFields
  }
  schemas {
    nodeId
    port
    columns {
      name
      dtype
      role
    }
  }
}`) as unknown as TypedDocumentString<ValidateWorkflowQuery, ValidateWorkflowQueryVariables>;
export const LaunchRunDocument = new TypedDocumentString(`
    mutation LaunchRun($input: LaunchRunInput!) {
  launchRun(input: $input) {
    ...LaunchResultFields
  }
}
    fragment IssueFields on Issue {
  severity
  code
  message
  hint
  nodeId
  port
  param
}
fragment NodeStatusFields on NodeStatus {
  nodeId
  state
  reason
  cacheKey
  deterministic
  lastDurationS
  lastRunId
  lastRunAt
  assetKey
}
fragment LaunchResultFields on LaunchRunResult {
  __typename
  ... on RunLaunched {
    runId
    nothingToDo
    nodes
    note
    statuses {
      ...NodeStatusFields
    }
  }
  ... on InvalidWorkflowError {
    message
    issues {
      ...IssueFields
    }
  }
  ... on NotFoundError {
    message
  }
  ... on InvalidInputError {
    message
    field
    hint
  }
}`) as unknown as TypedDocumentString<LaunchRunMutation, LaunchRunMutationVariables>;
export const NodeStatusesDocument = new TypedDocumentString(`
    query NodeStatuses($workflowId: ID!) {
  nodeStatuses(workflowId: $workflowId) {
    __typename
    ... on NodeStatuses {
      workflowId
      revision
      nodes {
        ...NodeStatusFields
      }
    }
    ... on UserError {
      message
    }
  }
}
    fragment NodeStatusFields on NodeStatus {
  nodeId
  state
  reason
  cacheKey
  deterministic
  lastDurationS
  lastRunId
  lastRunAt
  assetKey
}`) as unknown as TypedDocumentString<NodeStatusesQuery, NodeStatusesQueryVariables>;
export const RunEventsDocument = new TypedDocumentString(`
    subscription RunEvents($runId: ID!) {
  runEvents(runId: $runId) {
    kind
    at
    nodeId
    message
    done
    total
    durationS
    rows
    status
    rowsIn
    memoryMb
    details
  }
}
    `) as unknown as TypedDocumentString<RunEventsSubscription, RunEventsSubscriptionVariables>;
export const NodeOutputDocument = new TypedDocumentString(`
    query NodeOutput($workflowId: ID!, $nodeId: String!, $port: String, $cacheKey: String, $limit: Int! = 200, $sortBy: String, $descending: Boolean! = false, $where: String) {
  nodeOutput(
    workflowId: $workflowId
    nodeId: $nodeId
    port: $port
    cacheKey: $cacheKey
    limit: $limit
    sortBy: $sortBy
    descending: $descending
    where: $where
  ) {
    __typename
    ... on OutputPreview {
      nodeId
      port
      cacheKey
      dataType
      current
      downloadUrl
    }
    ... on DataFramePreview {
      totalRows
      storedRows
      where
      offset
      limit
      sortBy
      descending
      rows
      rowNumbers
      columns {
        ...ColumnStatsFields
      }
    }
    ... on MetricsPreview {
      values
    }
    ... on PlotPreview {
      figure
    }
    ... on JsonPreview {
      value
    }
    ... on FilePreview {
      name
      mediaType
      sizeBytes
    }
    ... on NotFoundError {
      message
    }
    ... on NoResultError {
      message
      state
      reason
      earlierCacheKey
      issues {
        severity
        code
        message
        hint
        nodeId
        port
        param
      }
      blockedBy {
        nodeId
        label
      }
    }
    ... on InvalidInputError {
      message
      field
      hint
      position
    }
  }
}
    fragment ColumnStatsFields on ColumnSummary {
  name
  dtype
  nullCount
  count
  distinctCount
  min
  max
  mean
  std
  p25
  median
  p75
  histogram {
    start
    end
    count
  }
  topValues {
    value
    count
  }
  earliest
  latest
}`) as unknown as TypedDocumentString<NodeOutputQuery, NodeOutputQueryVariables>;
export const NodeOutputRowsDocument = new TypedDocumentString(`
    query NodeOutputRows($workflowId: ID!, $nodeId: String!, $port: String!, $cacheKey: String!, $offset: Int!, $limit: Int!, $sortBy: String, $descending: Boolean! = false, $where: String) {
  nodeOutput(
    workflowId: $workflowId
    nodeId: $nodeId
    port: $port
    cacheKey: $cacheKey
    offset: $offset
    limit: $limit
    sortBy: $sortBy
    descending: $descending
    where: $where
  ) {
    __typename
    ... on DataFramePreview {
      totalRows
      offset
      rows
      rowNumbers
    }
    ... on UserError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<NodeOutputRowsQuery, NodeOutputRowsQueryVariables>;
export const LatestRunsDocument = new TypedDocumentString(`
    query LatestRuns($workflowId: ID!, $first: Int! = 1) {
  runs(workflowId: $workflowId, first: $first) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  status
  selection
  trigger
  executor
  parentRunId
  scheduleId
  private
  createdAt
  startedAt
  endedAt
  durationS
}`) as unknown as TypedDocumentString<LatestRunsQuery, LatestRunsQueryVariables>;
export const RunHistoryDocument = new TypedDocumentString(`
    query RunHistory($workflowId: ID!, $first: Int! = 30) {
  runs(workflowId: $workflowId, first: $first) {
    ...RunFields
    steps {
      nodeId
    }
  }
}
    fragment RunFields on Run {
  id
  status
  selection
  trigger
  executor
  parentRunId
  scheduleId
  private
  createdAt
  startedAt
  endedAt
  durationS
}`) as unknown as TypedDocumentString<RunHistoryQuery, RunHistoryQueryVariables>;
export const RunMetricsDocument = new TypedDocumentString(`
    query RunMetrics($id: ID!) {
  run(id: $id) {
    __typename
    ... on Run {
      id
      metrics {
        nodeId
        port
        values
      }
    }
    ... on NotFoundError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RunMetricsQuery, RunMetricsQueryVariables>;
export const ReexecuteRunDocument = new TypedDocumentString(`
    mutation ReexecuteRun($id: ID!) {
  reexecuteRun(id: $id, trigger: MANUAL) {
    ...LaunchResultFields
  }
}
    fragment IssueFields on Issue {
  severity
  code
  message
  hint
  nodeId
  port
  param
}
fragment NodeStatusFields on NodeStatus {
  nodeId
  state
  reason
  cacheKey
  deterministic
  lastDurationS
  lastRunId
  lastRunAt
  assetKey
}
fragment LaunchResultFields on LaunchRunResult {
  __typename
  ... on RunLaunched {
    runId
    nothingToDo
    nodes
    note
    statuses {
      ...NodeStatusFields
    }
  }
  ... on InvalidWorkflowError {
    message
    issues {
      ...IssueFields
    }
  }
  ... on NotFoundError {
    message
  }
  ... on InvalidInputError {
    message
    field
    hint
  }
}`) as unknown as TypedDocumentString<ReexecuteRunMutation, ReexecuteRunMutationVariables>;
export const RunDetailsDocument = new TypedDocumentString(`
    query RunDetails($id: ID!) {
  run(id: $id) {
    __typename
    ... on Run {
      ...RunFields
      steps {
        ...RunStepFields
      }
    }
    ... on NotFoundError {
      message
    }
  }
}
    fragment RunStepFields on RunStep {
  nodeId
  status
  startedAt
  endedAt
  durationS
  rowsOut
  message
  progressDone
  progressTotal
  rowsIn
  memoryMb
  details
  logs
}
fragment RunFields on Run {
  id
  status
  selection
  trigger
  executor
  parentRunId
  scheduleId
  private
  createdAt
  startedAt
  endedAt
  durationS
}`) as unknown as TypedDocumentString<RunDetailsQuery, RunDetailsQueryVariables>;
export const CancelRunDocument = new TypedDocumentString(`
    mutation CancelRun($id: ID!) {
  cancelRun(id: $id) {
    __typename
    ... on RunCanceling {
      runId
    }
    ... on NotFoundError {
      message
    }
    ... on InvalidInputError {
      message
      field
      hint
    }
  }
}
    `) as unknown as TypedDocumentString<CancelRunMutation, CancelRunMutationVariables>;
export const SchedulesDocument = new TypedDocumentString(`
    query Schedules($workflowId: ID!) {
  schedules(workflowId: $workflowId) {
    ...ScheduleFields
  }
}
    fragment ScheduleFields on Schedule {
  id
  workflowId
  node
  cron
  timezone
  enabled
  description
  nextTick
  lastRun {
    id
    status
    startedAt
    createdAt
  }
}`) as unknown as TypedDocumentString<SchedulesQuery, SchedulesQueryVariables>;
export const CreateScheduleDocument = new TypedDocumentString(`
    mutation CreateSchedule($input: ScheduleInput!) {
  createSchedule(input: $input) {
    __typename
    ... on Schedule {
      ...ScheduleFields
    }
    ... on InvalidInputError {
      message
      field
      hint
    }
    ... on NotFoundError {
      message
    }
  }
}
    fragment ScheduleFields on Schedule {
  id
  workflowId
  node
  cron
  timezone
  enabled
  description
  nextTick
  lastRun {
    id
    status
    startedAt
    createdAt
  }
}`) as unknown as TypedDocumentString<CreateScheduleMutation, CreateScheduleMutationVariables>;
export const UpdateScheduleDocument = new TypedDocumentString(`
    mutation UpdateSchedule($id: ID!, $input: ScheduleUpdate!) {
  updateSchedule(id: $id, input: $input) {
    __typename
    ... on Schedule {
      ...ScheduleFields
    }
    ... on InvalidInputError {
      message
      field
      hint
    }
    ... on NotFoundError {
      message
    }
  }
}
    fragment ScheduleFields on Schedule {
  id
  workflowId
  node
  cron
  timezone
  enabled
  description
  nextTick
  lastRun {
    id
    status
    startedAt
    createdAt
  }
}`) as unknown as TypedDocumentString<UpdateScheduleMutation, UpdateScheduleMutationVariables>;
export const DeleteScheduleDocument = new TypedDocumentString(`
    mutation DeleteSchedule($id: ID!) {
  deleteSchedule(id: $id) {
    __typename
    ... on ScheduleDeleted {
      id
    }
    ... on NotFoundError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteScheduleMutation, DeleteScheduleMutationVariables>;
export const WorkflowCardsDocument = new TypedDocumentString(`
    query WorkflowCards($search: String! = "", $first: Int! = 200) {
  workflows(search: $search, first: $first) {
    items {
      ...WorkflowCard
    }
    hasMore
  }
}
    fragment WorkflowCard on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
  nodeCount
}`) as unknown as TypedDocumentString<WorkflowCardsQuery, WorkflowCardsQueryVariables>;
export const TemplatesDocument = new TypedDocumentString(`
    query Templates {
  templates {
    id
    name
    description
    nodeCount
    nodeTypes
  }
}
    `) as unknown as TypedDocumentString<TemplatesQuery, TemplatesQueryVariables>;
export const CreateWorkflowDocument = new TypedDocumentString(`
    mutation CreateWorkflow($name: String!) {
  createWorkflow(input: {name: $name}) {
    ...WorkflowCardResult
  }
}
    fragment WorkflowCard on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
  nodeCount
}
fragment WorkflowCardResult on WorkflowResult {
  __typename
  ... on Workflow {
    ...WorkflowCard
  }
  ... on UserError {
    message
  }
}`) as unknown as TypedDocumentString<CreateWorkflowMutation, CreateWorkflowMutationVariables>;
export const CreateFromTemplateDocument = new TypedDocumentString(`
    mutation CreateFromTemplate($templateId: ID!) {
  createFromTemplate(templateId: $templateId) {
    ...WorkflowCardResult
  }
}
    fragment WorkflowCard on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
  nodeCount
}
fragment WorkflowCardResult on WorkflowResult {
  __typename
  ... on Workflow {
    ...WorkflowCard
  }
  ... on UserError {
    message
  }
}`) as unknown as TypedDocumentString<
  CreateFromTemplateMutation,
  CreateFromTemplateMutationVariables
>;
export const RenameWorkflowDocument = new TypedDocumentString(`
    mutation RenameWorkflow($id: ID!, $name: String!) {
  renameWorkflow(id: $id, name: $name) {
    ...WorkflowCardResult
  }
}
    fragment WorkflowCard on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
  nodeCount
}
fragment WorkflowCardResult on WorkflowResult {
  __typename
  ... on Workflow {
    ...WorkflowCard
  }
  ... on UserError {
    message
  }
}`) as unknown as TypedDocumentString<RenameWorkflowMutation, RenameWorkflowMutationVariables>;
export const DuplicateWorkflowDocument = new TypedDocumentString(`
    mutation DuplicateWorkflow($id: ID!) {
  duplicateWorkflow(id: $id) {
    ...WorkflowCardResult
  }
}
    fragment WorkflowCard on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
  nodeCount
}
fragment WorkflowCardResult on WorkflowResult {
  __typename
  ... on Workflow {
    ...WorkflowCard
  }
  ... on UserError {
    message
  }
}`) as unknown as TypedDocumentString<
  DuplicateWorkflowMutation,
  DuplicateWorkflowMutationVariables
>;
export const ImportWorkflowDocument = new TypedDocumentString(`
    mutation ImportWorkflow($document: JSON!) {
  importWorkflow(document: $document) {
    ...WorkflowCardResult
  }
}
    fragment WorkflowCard on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
  nodeCount
}
fragment WorkflowCardResult on WorkflowResult {
  __typename
  ... on Workflow {
    ...WorkflowCard
  }
  ... on UserError {
    message
  }
}`) as unknown as TypedDocumentString<ImportWorkflowMutation, ImportWorkflowMutationVariables>;
export const DeleteWorkflowDocument = new TypedDocumentString(`
    mutation DeleteWorkflow($id: ID!) {
  deleteWorkflow(id: $id) {
    __typename
    ... on Deleted {
      id
    }
    ... on NotFoundError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteWorkflowMutation, DeleteWorkflowMutationVariables>;
export const ExportWorkflowDocument = new TypedDocumentString(`
    query ExportWorkflow($id: ID!) {
  exportWorkflow(id: $id)
}
    `) as unknown as TypedDocumentString<ExportWorkflowQuery, ExportWorkflowQueryVariables>;
export const SyncGraphOpsDocument = new TypedDocumentString(`
    mutation SyncGraphOps($input: ApplyGraphOpsInput!) {
  applyGraphOps(input: $input) {
    __typename
    ... on OpsApplied {
      revision
      replayed
      rebasedOver {
        ...OpsBatchFields
      }
      validation {
        ...ValidationFields
      }
    }
    ... on RevisionConflict {
      message
      currentRevision
      opsSince {
        ...OpsBatchFields
      }
    }
    ... on InvalidOpError {
      message
      index
      code
      hint
      nodeId
    }
    ... on NotFoundError {
      message
    }
  }
}
    fragment IssueFields on Issue {
  severity
  code
  message
  hint
  nodeId
  port
  param
}
fragment ValidationFields on ValidationReport {
  ok
  issues {
    ...IssueFields
  }
  schemas {
    nodeId
    port
    columns {
      name
      dtype
      role
    }
  }
}
fragment OpsBatchFields on OpsBatchInfo {
  revision
  author
  kind
  ops
  batchId
}`) as unknown as TypedDocumentString<SyncGraphOpsMutation, SyncGraphOpsMutationVariables>;
export const WorkflowChangedDocument = new TypedDocumentString(`
    subscription WorkflowChanged($workflowId: ID!, $sinceRevision: Int) {
  workflowChanged(workflowId: $workflowId, sinceRevision: $sinceRevision) {
    revision
    author
    kind
    ops
    batchId
  }
}
    `) as unknown as TypedDocumentString<
  WorkflowChangedSubscription,
  WorkflowChangedSubscriptionVariables
>;
