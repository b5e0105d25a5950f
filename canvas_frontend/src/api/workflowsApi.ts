/**
 * Workflow management (list, templates, create, rename, duplicate, import, export, delete) and
 * the two operations of live collaboration: applyGraphOps with the batches to catch up on, and
 * the workflowChanged subscription. Union results come back as `Result` values (canvasApi.ts).
 */

import type { GraphOp } from "../graph/ops";
import type { RemoteBatch } from "../graph/sync";
import type { Result } from "./canvasApi";
import { request, subscribe, type RequestOptions, type SubscriptionHandlers } from "./client";
import {
  CreateFromTemplateDocument,
  CreateWorkflowDocument,
  DeleteWorkflowDocument,
  DuplicateWorkflowDocument,
  ExportWorkflowDocument,
  ImportWorkflowDocument,
  RenameWorkflowDocument,
  SyncGraphOpsDocument,
  TemplatesDocument,
  WorkflowCardsDocument,
  WorkflowChangedDocument,
  type OpsBatchFieldsFragment,
  type SyncGraphOpsMutation,
  type TemplatesQuery,
  type WorkflowCardFragment,
  type WorkflowCardResultFragment,
} from "./generated/graphql";

export type WorkflowCard = WorkflowCardFragment;
export type Template = TemplatesQuery["templates"][number];

export interface UserError {
  message: string;
}

type Narrow<U, K> = Extract<U, { __typename?: K }>;
type SyncResult = SyncGraphOpsMutation["applyGraphOps"];
export type SyncApplied = Narrow<SyncResult, "OpsApplied">;
export type SyncConflict = Narrow<SyncResult, "RevisionConflict">;
export type SyncRefused = Narrow<SyncResult, "InvalidOpError" | "NotFoundError">;

function card(result: WorkflowCardResultFragment): Result<WorkflowCard, UserError> {
  if (result.__typename === "Workflow") return { ok: true, value: result };
  return { ok: false, error: { message: "message" in result ? result.message : "refused" } };
}

export async function fetchWorkflowCards(
  search = "",
  options?: RequestOptions,
): Promise<WorkflowCard[]> {
  return (await request(WorkflowCardsDocument, { search, first: 200 }, options)).workflows.items;
}

export async function fetchTemplates(options?: RequestOptions): Promise<Template[]> {
  return (await request(TemplatesDocument, {}, options)).templates;
}

export async function createWorkflow(
  name: string,
  options?: RequestOptions,
): Promise<Result<WorkflowCard, UserError>> {
  return card((await request(CreateWorkflowDocument, { name }, options)).createWorkflow);
}

export async function createFromTemplate(
  templateId: string,
  options?: RequestOptions,
): Promise<Result<WorkflowCard, UserError>> {
  return card(
    (await request(CreateFromTemplateDocument, { templateId }, options)).createFromTemplate,
  );
}

export async function renameWorkflow(
  id: string,
  name: string,
  options?: RequestOptions,
): Promise<Result<WorkflowCard, UserError>> {
  return card((await request(RenameWorkflowDocument, { id, name }, options)).renameWorkflow);
}

export async function duplicateWorkflow(
  id: string,
  options?: RequestOptions,
): Promise<Result<WorkflowCard, UserError>> {
  return card((await request(DuplicateWorkflowDocument, { id }, options)).duplicateWorkflow);
}

/**
 * Import a workflow file. The text goes to the server as it is (a JSON string value), so the
 * server's own parser names what is wrong with a malformed or invalid file.
 */
export async function importWorkflowFile(
  text: string,
  options?: RequestOptions,
): Promise<Result<WorkflowCard, UserError>> {
  return card((await request(ImportWorkflowDocument, { document: text }, options)).importWorkflow);
}

export async function deleteWorkflow(
  id: string,
  options?: RequestOptions,
): Promise<Result<string, UserError>> {
  const result = (await request(DeleteWorkflowDocument, { id }, options)).deleteWorkflow;
  return result.__typename === "Deleted"
    ? { ok: true, value: result.id }
    : { ok: false, error: { message: result.message } };
}

/** The workflow's JSON document, exactly as the server exports it. */
export async function exportWorkflow(
  id: string,
  options?: RequestOptions,
): Promise<Result<unknown, UserError>> {
  const document = (await request(ExportWorkflowDocument, { id }, options)).exportWorkflow;
  return document == null
    ? { ok: false, error: { message: `there is no workflow '${id}' (was it deleted?)` } }
    : { ok: true, value: document };
}

function toRemoteBatch(batch: OpsBatchFieldsFragment): RemoteBatch {
  return {
    revision: batch.revision,
    author: batch.author,
    kind: batch.kind,
    // the server sends the ops it validated and stored, in the snake_case form GraphOp describes
    ops: batch.ops as GraphOp[],
    batchId: batch.batchId,
  };
}

export type SyncAnswer =
  | { kind: "applied"; revision: number; rebasedOver: RemoteBatch[]; applied: SyncApplied }
  | { kind: "conflict"; currentRevision: number; opsSince: RemoteBatch[]; message: string }
  | { kind: "refused"; error: SyncRefused };

/** applyGraphOps with autoRebase; a conflict carries the batches to catch up on. */
export async function syncGraphOps(
  workflowId: string,
  baseRevision: number,
  ops: readonly GraphOp[],
  batchId: string,
  options?: RequestOptions,
): Promise<SyncAnswer> {
  const result = (
    await request(
      SyncGraphOpsDocument,
      { input: { workflowId, baseRevision, ops: [...ops], batchId, autoRebase: true } },
      options,
    )
  ).applyGraphOps;
  switch (result.__typename) {
    case "OpsApplied":
      return {
        kind: "applied",
        revision: result.revision,
        rebasedOver: result.rebasedOver.map(toRemoteBatch),
        applied: result,
      };
    case "RevisionConflict":
      return {
        kind: "conflict",
        currentRevision: result.currentRevision,
        opsSince: result.opsSince.map(toRemoteBatch),
        message: result.message,
      };
    default:
      return { kind: "refused", error: result as SyncRefused };
  }
}

/** Every batch applied to the workflow after `sinceRevision`, in order; returns unsubscribe. */
export function subscribeWorkflowChanges(
  workflowId: string,
  sinceRevision: number,
  handlers: SubscriptionHandlers<RemoteBatch>,
): () => void {
  return subscribe(
    WorkflowChangedDocument,
    { workflowId, sinceRevision },
    {
      next: (data) => handlers.next(toRemoteBatch(data.workflowChanged)),
      error: handlers.error,
      complete: handlers.complete,
    },
  );
}
