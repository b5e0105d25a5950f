/**
 * Sends the user's edits: apply a batch locally at once (optimistic), then applyGraphOps with the
 * base revision. Batches go out one at a time in order, each on the revision the previous one
 * produced. A refused batch reloads the server's document and says why.
 */

import { useCallback } from "react";
import { applyGraphOps, fetchWorkflow, toGraphDoc } from "../api/canvasApi";
import { record, redo, undo, type HistoryState } from "../graph/history";
import { applyOps, OpError, type GraphOp } from "../graph/ops";
import { useWorkflowStore } from "../store/useWorkflowStore";

let queue: Promise<void> = Promise.resolve();
let pending = 0;

function newBatchId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

async function reload(workflowId: string, why: string): Promise<void> {
  const store = useWorkflowStore.getState();
  store.notify({ kind: "error", text: why });
  const result = await fetchWorkflow(workflowId);
  if (result.ok && useWorkflowStore.getState().workflowId === workflowId) {
    const s = useWorkflowStore.getState();
    s.setDoc(toGraphDoc(result.value));
    s.setRevision(result.value.revision);
    s.setHistory({ past: [], future: [] }); // the history may no longer apply to what is there
  }
}

function send(workflowId: string, ops: readonly GraphOp[]): void {
  const batchId = newBatchId();
  pending += 1;
  queue = queue
    .then(async () => {
      const base = useWorkflowStore.getState().revision;
      const result = await applyGraphOps(workflowId, base, ops, batchId);
      if (useWorkflowStore.getState().workflowId !== workflowId) return;
      if (result.ok) {
        const s = useWorkflowStore.getState();
        s.setRevision(result.value.revision);
        // Adopt the server's document only when no later local edit is still in flight.
        if (pending === 1) {
          s.setDoc(toGraphDoc(result.value.workflow));
          s.setValidation(result.value.validation);
        }
        return;
      }
      const error = result.error;
      const hint = "hint" in error && error.hint ? ` (${error.hint})` : "";
      await reload(workflowId, `The server refused the edit: ${error.message}${hint}`);
    })
    .catch(async (err: unknown) => {
      await reload(workflowId, `Could not save the edit: ${String(err)}`).catch(() => undefined);
    })
    .finally(() => {
      pending -= 1;
    });
}

/** Apply `ops` locally and send them; returns false (and says why) when they cannot apply. */
function commitOps(ops: readonly GraphOp[], nextHistory: (inverse: GraphOp[]) => HistoryState) {
  const s = useWorkflowStore.getState();
  if (!s.doc || !s.workflowId || ops.length === 0) return false;
  try {
    const applied = applyOps(s.doc, ops);
    s.setDoc(applied.doc);
    s.setHistory(nextHistory(applied.inverse));
  } catch (err) {
    s.notify({ kind: "error", text: err instanceof OpError ? err.message : String(err) });
    return false;
  }
  send(s.workflowId, ops);
  return true;
}

export function useGraphCommit() {
  const commit = useCallback(
    (ops: readonly GraphOp[]) =>
      commitOps(ops, (inverse) => record(useWorkflowStore.getState().history, { ops, inverse })),
    [],
  );
  const undoLast = useCallback(() => {
    const step = undo(useWorkflowStore.getState().history);
    if (step) commitOps(step.ops, () => step.history);
  }, []);
  const redoLast = useCallback(() => {
    const step = redo(useWorkflowStore.getState().history);
    if (step) commitOps(step.ops, () => step.history);
  }, []);
  return { commit, undoLast, redoLast };
}
