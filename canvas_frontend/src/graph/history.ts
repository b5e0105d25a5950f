/**
 * Per-user undo/redo over batches of graph operations. One user action (a paste, a multi-delete, a
 * drag of several nodes) is one batch and so one undo step. Only this user's own batches are
 * recorded, so undo emits the inverse of *my* edits and never reverts a teammate's (the server
 * applies them on top of the current revision).
 */

import type { GraphOp } from "./ops";

export interface Batch {
  ops: readonly GraphOp[];
  inverse: readonly GraphOp[];
}

export interface HistoryState {
  readonly past: readonly Batch[];
  readonly future: readonly Batch[];
}

export const emptyHistory: HistoryState = { past: [], future: [] };

export const DEFAULT_HISTORY_LIMIT = 200;

/** Record a batch the user just applied; clears the redo stack. Empty batches are ignored. */
export function record(
  history: HistoryState,
  batch: Batch,
  limit = DEFAULT_HISTORY_LIMIT,
): HistoryState {
  if (batch.ops.length === 0) return history;
  const past = [...history.past, batch];
  return { past: past.slice(Math.max(0, past.length - limit)), future: [] };
}

export interface Step {
  /** The ops to send to the server (and apply locally). */
  ops: readonly GraphOp[];
  history: HistoryState;
}

/** The inverse of the last batch, to send; null when there is nothing to undo. */
export function undo(history: HistoryState): Step | null {
  const last = history.past.at(-1);
  if (!last) return null;
  return {
    ops: last.inverse,
    history: { past: history.past.slice(0, -1), future: [...history.future, last] },
  };
}

/** The last undone batch again; null when there is nothing to redo. */
export function redo(history: HistoryState): Step | null {
  const next = history.future.at(-1);
  if (!next) return null;
  return {
    ops: next.ops,
    history: { past: [...history.past, next], future: history.future.slice(0, -1) },
  };
}

export function canUndo(history: HistoryState): boolean {
  return history.past.length > 0;
}

export function canRedo(history: HistoryState): boolean {
  return history.future.length > 0;
}
