/**
 * The client's copy of a shared workflow, as a pure state machine.
 *
 * - `confirmed` mirrors the server: the document at `revision`, advanced only by logged batches,
 *   one revision at a time, whether they arrive from the workflowChanged subscription or from an
 *   applyGraphOps answer (each revision is taken once, whichever source brings it first).
 * - `pending` are this user's batches the server has not confirmed yet, oldest first; the first
 *   may be in flight. `doc`, what the canvas shows, is `confirmed` with them applied.
 * - A batch whose id is pending is this user's own coming back: it leaves `pending`. Any other
 *   batch is a teammate's: `confirmed` takes it, and the pending batches are rebased onto it
 *   (rebase.ts); one that no longer fits is dropped and reported as a conflict, never silently.
 * - A batch that replaced the whole document (kind other than "ops") or a gap in the revisions
 *   cannot be followed op by op: the caller reloads the document and calls `resync`.
 */

import { docChangeKeys } from "./changeKeys";
import { applyOps, type GraphDoc, type GraphOp } from "./ops";
import { rebaseOps } from "./rebase";

export interface RemoteBatch {
  revision: number;
  author: string;
  /** "ops" for graph operations; "create" and "replace_document" carry no ops. */
  kind: string;
  ops: readonly GraphOp[];
  batchId: string | null;
}

export interface PendingBatch {
  batchId: string;
  ops: readonly GraphOp[];
  /** The document the ops were written against (for the three-way parameter merge). */
  base: GraphDoc;
}

export interface SyncState {
  revision: number;
  confirmed: GraphDoc;
  pending: readonly PendingBatch[];
  doc: GraphDoc;
}

export interface SyncConflict {
  batch: PendingBatch;
  reason: string;
  nodeId: string | null;
}

export type Incorporated =
  /** Already part of `confirmed`. */
  | { kind: "stale"; state: SyncState }
  /** Revisions between are missing: catch up (reload) first. */
  | { kind: "gap"; state: SyncState }
  /** The batch cannot be followed op by op: reload and `resync`. */
  | { kind: "reload"; state: SyncState }
  /** This user's own batch, confirmed. */
  | { kind: "own"; state: SyncState; conflicts: SyncConflict[] }
  /** A teammate's batch: what it changed, and the pending batches it made impossible. */
  | { kind: "remote"; state: SyncState; changed: Set<string>; conflicts: SyncConflict[] };

export function startSync(revision: number, doc: GraphDoc): SyncState {
  return { revision, confirmed: doc, pending: [], doc };
}

/** Apply a new local batch on top of what is shown; throws OpError when it cannot apply. */
export function addLocal(
  state: SyncState,
  batchId: string,
  ops: readonly GraphOp[],
): { state: SyncState; inverse: GraphOp[] } {
  const applied = applyOps(state.doc, ops);
  return {
    state: {
      ...state,
      pending: [...state.pending, { batchId, ops, base: state.doc }],
      doc: applied.doc,
    },
    inverse: applied.inverse,
  };
}

/** Re-apply `pending` on top of `confirmed`, rebasing each; the ones that no longer fit drop. */
export function rebasePending(
  confirmed: GraphDoc,
  pending: readonly PendingBatch[],
): { pending: PendingBatch[]; doc: GraphDoc; conflicts: SyncConflict[] } {
  let doc = confirmed;
  const kept: PendingBatch[] = [];
  const conflicts: SyncConflict[] = [];
  for (const batch of pending) {
    const result = rebaseOps(batch.base, batch.ops, doc);
    if (!result.ok) {
      conflicts.push({ batch, reason: result.reason, nodeId: result.nodeId });
      continue;
    }
    kept.push({ batchId: batch.batchId, ops: result.ops, base: doc });
    doc = result.doc;
  }
  return { pending: kept, doc, conflicts };
}

/** Take one logged batch from the server; see the module docstring. */
export function incorporate(state: SyncState, batch: RemoteBatch): Incorporated {
  if (batch.revision <= state.revision) return { kind: "stale", state };
  if (batch.revision > state.revision + 1) return { kind: "gap", state };
  if (batch.kind !== "ops") return { kind: "reload", state };
  let confirmed: GraphDoc;
  try {
    confirmed = applyOps(state.confirmed, batch.ops).doc;
  } catch {
    return { kind: "reload", state }; // the mirror drifted from the server: start again from it
  }
  const own = batch.batchId !== null && state.pending.some((p) => p.batchId === batch.batchId);
  const rest = own ? state.pending.filter((p) => p.batchId !== batch.batchId) : state.pending;
  const rebased = rebasePending(confirmed, rest);
  const next: SyncState = {
    revision: batch.revision,
    confirmed,
    pending: rebased.pending,
    doc: rebased.doc,
  };
  if (own) return { kind: "own", state: next, conflicts: rebased.conflicts };
  return {
    kind: "remote",
    state: next,
    changed: docChangeKeys(state.confirmed, confirmed),
    conflicts: rebased.conflicts,
  };
}

/**
 * Start again from the server's document at `revision` (after a reload), keeping the pending
 * batches that are not `applied` yet, rebased onto it. `changed` is everything that differs from
 * the old mirror, which may include this user's own confirmed batches.
 */
export function resync(
  state: SyncState,
  revision: number,
  doc: GraphDoc,
  applied: ReadonlySet<string> = new Set(),
): { state: SyncState; changed: Set<string>; conflicts: SyncConflict[] } {
  const rebased = rebasePending(
    doc,
    state.pending.filter((p) => !applied.has(p.batchId)),
  );
  return {
    state: { revision, confirmed: doc, pending: rebased.pending, doc: rebased.doc },
    changed: docChangeKeys(state.confirmed, doc),
    conflicts: rebased.conflicts,
  };
}

/** The server refused a pending batch: drop it and show the rest on top of `confirmed`. */
export function dropPending(
  state: SyncState,
  batchId: string,
): { state: SyncState; conflicts: SyncConflict[] } {
  const rebased = rebasePending(
    state.confirmed,
    state.pending.filter((p) => p.batchId !== batchId),
  );
  return {
    state: { ...state, pending: rebased.pending, doc: rebased.doc },
    conflicts: rebased.conflicts,
  };
}
