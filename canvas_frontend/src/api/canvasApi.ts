/**
 * One function per GraphQL operation the canvas uses. Results that are unions of a value and
 * user errors come back as `{ ok: true, value }` or `{ ok: false, error }` so callers must handle
 * the error (a conflict, an invalid op, a missing workflow) rather than catch it.
 */

import type { ConnectionRule } from "../graph/ports";
import type { GraphDoc } from "../graph/ops";
import { request, subscribe, type RequestOptions, type SubscriptionHandlers } from "./client";
import {
  ConnectionRulesDocument,
  LaunchRunDocument,
  NodeStatusesDocument,
  NodeTypesDocument,
  RunEventsDocument,
  ValidateWorkflowDocument,
  WorkflowDocument,
  type LaunchRunInput,
  type LaunchRunMutation,
  type NodeStatusesQuery,
  type NodeTypesQuery,
  type RunEventsSubscription,
  type ValidationFieldsFragment,
  type WorkflowGraphFragment,
  type WorkflowQuery,
} from "./generated/graphql";

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export type NodeTypeSpec = NodeTypesQuery["nodeTypes"][number];
export type PortSpec = NodeTypeSpec["inputs"][number];
export type WorkflowGraph = WorkflowGraphFragment;
export type RunEvent = RunEventsSubscription["runEvents"];
export type Validation = ValidationFieldsFragment;
export type Issue = Validation["issues"][number];
export type PortSchema = Validation["schemas"][number];

type Narrow<U, K> = Extract<U, { __typename?: K }>;
type NotTypename<U, K> = Exclude<U, { __typename?: K }>;

export type RunLaunched = Narrow<LaunchRunMutation["launchRun"], "RunLaunched">;
export type LaunchRunError = NotTypename<LaunchRunMutation["launchRun"], "RunLaunched">;
export type NodeStatuses = Narrow<NodeStatusesQuery["nodeStatuses"], "NodeStatuses">;
export type WorkflowError = NotTypename<WorkflowQuery["workflow"], "Workflow">;

export async function fetchNodeTypes(options?: RequestOptions): Promise<NodeTypeSpec[]> {
  return (await request(NodeTypesDocument, {}, options)).nodeTypes;
}

export async function fetchConnectionRules(options?: RequestOptions): Promise<ConnectionRule[]> {
  return (await request(ConnectionRulesDocument, {}, options)).connectionRules;
}

export async function fetchWorkflow(
  id: string,
  options?: RequestOptions,
): Promise<Result<WorkflowGraph, WorkflowError>> {
  const result = (await request(WorkflowDocument, { id }, options)).workflow;
  return result.__typename === "Workflow"
    ? { ok: true, value: result }
    : { ok: false, error: result as WorkflowError };
}

/** Issues and the inferred columns of every port of a stored workflow. */
export async function fetchValidation(
  workflowId: string,
  options?: RequestOptions,
): Promise<Result<Validation, { message: string }>> {
  const result = (await request(ValidateWorkflowDocument, { id: workflowId }, options))
    .validateWorkflow;
  return result.__typename === "ValidationReport"
    ? { ok: true, value: result }
    : { ok: false, error: { message: "message" in result ? result.message : "invalid" } };
}

export async function launchRun(
  input: LaunchRunInput,
  options?: RequestOptions,
): Promise<Result<RunLaunched, LaunchRunError>> {
  const result = (await request(LaunchRunDocument, { input }, options)).launchRun;
  return result.__typename === "RunLaunched"
    ? { ok: true, value: result }
    : { ok: false, error: result as LaunchRunError };
}

export async function fetchNodeStatuses(
  workflowId: string,
  options?: RequestOptions,
): Promise<Result<NodeStatuses, { message: string }>> {
  const result = (await request(NodeStatusesDocument, { workflowId }, options)).nodeStatuses;
  return result.__typename === "NodeStatuses"
    ? { ok: true, value: result }
    : { ok: false, error: result };
}

/** A run's events in order, ending with run_finished; returns the unsubscribe function. */
export function subscribeRunEvents(
  runId: string,
  handlers: SubscriptionHandlers<RunEvent>,
): () => void {
  return subscribe(
    RunEventsDocument,
    { runId },
    {
      next: (data) => handlers.next(data.runEvents),
      error: handlers.error,
      complete: handlers.complete,
    },
  );
}

/** The API's camelCase workflow as the snake_case graph document the ops speak. */
export function toGraphDoc(workflow: WorkflowGraph): GraphDoc {
  return {
    name: workflow.name,
    description: workflow.description,
    executor: workflow.executor === "celery" ? "celery" : "local",
    nodes: workflow.nodes.map((n) => ({
      id: n.id,
      type: n.type,
      type_version: n.typeVersion,
      params: (n.params ?? {}) as Record<string, unknown>,
      position: { x: n.position.x, y: n.position.y },
      label: n.label,
    })),
    edges: workflow.edges.map((e) => ({
      id: e.id,
      source: e.source,
      source_port: e.sourcePort,
      target: e.target,
      target_port: e.targetPort,
    })),
    groups: workflow.groups.map((g) => ({
      id: g.id,
      title: g.title,
      node_ids: [...g.nodeIds],
      collapsed: g.collapsed,
    })),
  };
}
