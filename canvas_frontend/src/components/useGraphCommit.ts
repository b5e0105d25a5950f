/**
 * The open workflow's sync session (graph/syncSession.ts) wired to the GraphQL API, the browser's
 * timers and the stores, and `useGraphCommit`, the canvas's one way to edit: `commit(ops)`
 * applies a batch at once and queues it for the server, as one undo step; `undoLast` and
 * `redoLast` send this user's own steps back. An edit the canvas holds back until its gesture
 * ends (arrow-key moves, useArrowNudges.ts) registers with `registerPendingEdit` and is
 * committed first.
 *
 * One session is on screen at a time, for the workflow the store has open; it starts when the
 * workflow is loaded (useWorkflowChanges) or with the first edit, whichever comes first. A
 * closed session keeps sending the edits it still has queued, off screen.
 */

import { useCallback } from "react";
import { fetchValidation, fetchWorkflow, toGraphDoc, type Validation } from "../api/canvasApi";
import { ApiGraphQLError } from "../api/client";
import { syncGraphOps } from "../api/workflowsApi";
import { canRedo, canUndo } from "../graph/history";
import type { GraphOp } from "../graph/ops";
import { SyncSession, type SyncDeps } from "../graph/syncSession";
import { UndoGuard } from "../graph/syncUndo";
import { useCollabStore } from "../store/useCollabStore";
import { useWorkflowStore } from "../store/useWorkflowStore";

/** Apply a batch of ops as one undo step; false (the user is told why) when it cannot apply. */
export type Commit = (ops: readonly GraphOp[]) => boolean;

export type WorkflowSession = SyncSession<Validation>;

const deps: SyncDeps<Validation> = {
  api: {
    async applyGraphOps(workflowId, baseRevision, ops, batchId) {
      const answer = await syncGraphOps(workflowId, baseRevision, ops, batchId);
      switch (answer.kind) {
        case "applied": {
          const { revision, rebasedOver, applied } = answer;
          return { kind: "applied", revision, rebasedOver, validation: applied.validation };
        }
        case "conflict":
          return { kind: "conflict", opsSince: answer.opsSince, message: answer.message };
        case "refused": {
          const error = answer.error;
          return {
            kind: "refused",
            notFound: error.__typename === "NotFoundError",
            message: error.message,
            hint: "hint" in error && error.hint ? error.hint : null,
          };
        }
      }
    },
    refusal: (err) => (err instanceof ApiGraphQLError ? err.message : null),
    async fetchWorkflow(workflowId) {
      const result = await fetchWorkflow(workflowId);
      return result.ok
        ? { ok: true, revision: result.value.revision, doc: toGraphDoc(result.value) }
        : { ok: false, message: result.error.message };
    },
    fetchValidation: (workflowId) => fetchValidation(workflowId),
  },
  clock: {
    later(run, ms) {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    },
  },
  screen: {
    shows: (workflowId) => useWorkflowStore.getState().workflowId === workflowId,
    show(state) {
      const store = useWorkflowStore.getState();
      if (store.doc !== state.doc) store.setDoc(state.doc);
      if (store.revision !== state.revision) store.setRevision(state.revision);
      useCollabStore.getState().setUnsaved(state.pending.length);
    },
    notify: (kind, text) => useWorkflowStore.getState().notify({ kind, text }),
    history: () => useWorkflowStore.getState().history,
    setHistory: (history) => useWorkflowStore.getState().setHistory(history),
    setValidation: (validation) => useWorkflowStore.getState().setValidation(validation),
    setRetrying: (retrying) => useCollabStore.getState().setRetrying(retrying),
    countTeammateEdit: () => useCollabStore.getState().countTeammateEdit(),
  },
  undoGuard: new UndoGuard(),
};

let session: WorkflowSession | null = null;

/** Start following the workflow the store has open (its document and revision). */
export function openSession(workflowId: string): WorkflowSession | null {
  const store = useWorkflowStore.getState();
  if (store.workflowId !== workflowId || !store.doc) return null;
  if (session && !session.closed) {
    if (session.workflowId === workflowId) return session; // opened by an early edit
    closeSession(session);
  }
  session = new SyncSession(workflowId, store.revision, store.doc, deps);
  useCollabStore.getState().reset();
  return session;
}

/** Stop showing `s`; the edits it still has queued keep being sent. */
export function closeSession(s: WorkflowSession): void {
  if (session === s) session = null;
  s.close();
}

function current(): WorkflowSession | null {
  const workflowId = useWorkflowStore.getState().workflowId;
  if (!workflowId) return null;
  if (session && !session.closed && session.workflowId === workflowId) return session;
  return openSession(workflowId);
}

/**
 * Edits the canvas shows but has not committed yet (a burst of arrow-key moves): each is
 * committed before any other edit, undo or redo, so the history keeps the order the user made
 * them in and undo takes back what the user just did.
 */
const pendingEdits = new Set<() => void>();

/** Register the commit of an edit still pending; returns the unregistration. */
export function registerPendingEdit(flush: () => void): () => void {
  pendingEdits.add(flush);
  return () => pendingEdits.delete(flush);
}

function commitPendingEdits(): void {
  for (const flush of pendingEdits) flush();
}

export function useGraphCommit() {
  const commit = useCallback<Commit>((ops) => {
    commitPendingEdits();
    return current()?.edit(ops) ?? false;
  }, []);
  const undoLast = useCallback(() => {
    commitPendingEdits();
    if (canUndo(useWorkflowStore.getState().history)) current()?.undo();
  }, []);
  const redoLast = useCallback(() => {
    commitPendingEdits();
    if (canRedo(useWorkflowStore.getState().history)) current()?.redo();
  }, []);
  return { commit, undoLast, redoLast };
}
