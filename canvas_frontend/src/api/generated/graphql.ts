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
  /** add_node, remove_node, update_params, move_nodes, add_edge, remove_edge, set_label, rename_workflow, set_description (objects with an `op` field) */
  ops: Array<unknown>;
  workflowId: string | number;
};

export type LaunchRunInput = {
  node?: string | null | undefined;
  nodes?: Array<string> | null | undefined;
  /** only you (and admins) can see a private run */
  private?: boolean;
  selection?: RunSelection;
  workflowId: string | number;
};

/** Which nodes a run executes. */
export type RunSelection = "ALL" | "NODES" | "ONLY" | "STALE" | "UPSTREAM";

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
  revision: number;
  updatedAt: string;
};

export type WorkflowsQueryVariables = Exact<{
  search?: string;
  first?: number;
  offset?: number;
}>;

export type WorkflowsQuery = {
  workflows: {
    offset: number;
    hasMore: boolean;
    items: Array<{
      id: string;
      slug: string;
      name: string;
      description: string;
      revision: number;
      updatedAt: string;
    }>;
  };
};

export type WorkflowGraphFragment = {
  id: string;
  slug: string;
  name: string;
  description: string;
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
    columns: Array<{ name: string; dtype: string }> | null;
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
          columns: Array<{ name: string; dtype: string }> | null;
        }>;
      };
};

export type ApplyGraphOpsMutationVariables = Exact<{
  input: ApplyGraphOpsInput;
}>;

export type ApplyGraphOpsMutation = {
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
        workflow: {
          id: string;
          slug: string;
          name: string;
          description: string;
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
            columns: Array<{ name: string; dtype: string }> | null;
          }>;
        };
      }
    | { __typename: "RevisionConflict"; message: string; currentRevision: number };
};

export type NodeStatusFieldsFragment = {
  nodeId: string;
  state: string;
  reason: string;
  cacheKey: string;
  deterministic: boolean;
};

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
        statuses: Array<{
          nodeId: string;
          state: string;
          reason: string;
          cacheKey: string;
          deterministic: boolean;
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
}
    `,
  { fragmentName: "NodeStatusFields" },
) as unknown as TypedDocumentString<NodeStatusFieldsFragment, unknown>;
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
export const WorkflowsDocument = new TypedDocumentString(`
    query Workflows($search: String! = "", $first: Int! = 50, $offset: Int! = 0) {
  workflows(search: $search, first: $first, offset: $offset) {
    items {
      ...WorkflowSummary
    }
    offset
    hasMore
  }
}
    fragment WorkflowSummary on Workflow {
  id
  slug
  name
  description
  revision
  updatedAt
}`) as unknown as TypedDocumentString<WorkflowsQuery, WorkflowsQueryVariables>;
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
    }
  }
}`) as unknown as TypedDocumentString<ValidateWorkflowQuery, ValidateWorkflowQueryVariables>;
export const ApplyGraphOpsDocument = new TypedDocumentString(`
    mutation ApplyGraphOps($input: ApplyGraphOpsInput!) {
  applyGraphOps(input: $input) {
    __typename
    ... on OpsApplied {
      revision
      replayed
      workflow {
        ...WorkflowGraph
      }
      validation {
        ...ValidationFields
      }
    }
    ... on RevisionConflict {
      message
      currentRevision
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
    fragment WorkflowSummary on Workflow {
  id
  slug
  name
  description
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
    }
  }
}`) as unknown as TypedDocumentString<ApplyGraphOpsMutation, ApplyGraphOpsMutationVariables>;
export const LaunchRunDocument = new TypedDocumentString(`
    mutation LaunchRun($input: LaunchRunInput!) {
  launchRun(input: $input) {
    __typename
    ... on RunLaunched {
      runId
      nothingToDo
      nodes
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
  }
}
    `) as unknown as TypedDocumentString<RunEventsSubscription, RunEventsSubscriptionVariables>;
