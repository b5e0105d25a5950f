/**
 * Saving this user's edits and taking in teammates': the network half of graph/sync.ts.
 *
 * An edit is applied locally at once (optimistic) and queued; batches go out one at a time, each
 * on the newest revision this client has, with a batch id (a retry is never applied twice) and
 * autoRebase. Every logged batch, whether from the workflowChanged subscription
 * (useWorkflowChanges) or from an applyGraphOps answer, goes through `incorporate`: this user's
 * own batches leave the queue, a teammate's go under the queued edits, which are rebased onto it.
 *
 * - RevisionConflict: the batches since are taken in the same way, the queued edit is rebased
 *   onto them and sent again. An edit that no longer fits (a teammate removed its node) is
 *   dropped and the user is told what it was and why; nothing is dropped silently.
 * - InvalidOpError: only that edit is dropped (with the server's message), the rest stay.
 * - A network failure resends the same batch (same id, ops and base) with backoff; the edits
 *   stay on the canvas meanwhile. A GraphQL error (no permission) reloads the saved version.
 * - Undo emits the inverse of this user's own steps only. A step whose parts a teammate changed
 *   since is refused with a message (and taken out of the history) instead of undoing their work.
 * - Leaving the canvas does not drop queued edits: the closed session keeps sending them.
 */

import { useCallback } from "react";
import { fetchValidation, fetchWorkflow, toGraphDoc } from "../api/canvasApi";
import { ApiGraphQLError } from "../api/client";
import { syncGraphOps, type SyncAnswer } from "../api/workflowsApi";
import { docChangeKeys, nodeOfKey, overlappingKeys } from "../graph/changeKeys";
import { describeOps } from "../graph/describeOps";
import { record, redo, undo, type Batch, type HistoryState } from "../graph/history";
import { OpError, type GraphDoc, type GraphOp } from "../graph/ops";
import {
  addLocal,
  dropPending,
  incorporate,
  resync,
  startSync,
  type RemoteBatch,
  type SyncConflict,
  type SyncState,
} from "../graph/sync";
import { useCollabStore } from "../store/useCollabStore";
import { useWorkflowStore } from "../store/useWorkflowStore";

interface Flight {
  batchId: string;
  ops: readonly GraphOp[];
  base: number;
}

export interface SyncSession {
  readonly workflowId: string;
  state: SyncState;
  inFlight: Flight | null;
  /** A batch whose send failed for a network reason: resent exactly (same id, ops and base). */
  retry: Flight | null;
  retryDelay: number;
  /** Conflicts in a row for the batch being sent (each means another batch landed first). */
  conflicts: number;
  /** A revision the server gave a batch of ours that the mirror has not reached (a gap). */
  waitingFor: number | null;
  /** Batch ids the server applied that the mirror has not taken yet (resync skips them). */
  applied: Set<string>;
  reloading: boolean;
  reloadAfterFlight: boolean;
  /** The history entry each queued new edit recorded (taken out if the edit is dropped). */
  historyOf: Map<string, Batch>;
  gone: boolean;
  /** Closed while edits were still queued: no longer on screen, but saving them. */
  draining: boolean;
  drainRetries: number;
  closed: boolean;
  timers: Set<ReturnType<typeof setTimeout>>;
}

const MAX_CONFLICTS = 8;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;
const GAP_WAIT_MS = 1500;
const REFRESH_MS = 600;
const MAX_DRAIN_RETRIES = 5;

let session: SyncSession | null = null;
/** The parts of the document each undo step touches, and why a step may no longer be undone. */
const stepKeys = new WeakMap<Batch, ReadonlySet<string>>();
const blocked = new WeakMap<Batch, string>();
const refreshTimers = new WeakMap<SyncSession, ReturnType<typeof setTimeout>>();

function newBatchId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

/** Whether `s` is the session on screen (a closed one may still be saving its last edits). */
function onScreen(s: SyncSession): boolean {
  return session === s && useWorkflowStore.getState().workflowId === s.workflowId;
}

function notify(s: SyncSession, kind: "error" | "info", text: string): void {
  if (onScreen(s)) useWorkflowStore.getState().notify({ kind, text });
  else console.warn(`workflow ${s.workflowId}: ${text}`);
}

function later(s: SyncSession, ms: number, run: () => void): void {
  const timer = setTimeout(() => {
    s.timers.delete(timer);
    if (!s.closed) run();
  }, ms);
  s.timers.add(timer);
}

/** Start following the workflow the store has open (its document and revision). */
export function openSession(workflowId: string): SyncSession | null {
  const store = useWorkflowStore.getState();
  if (store.workflowId !== workflowId || !store.doc) return null;
  if (session && !session.closed) {
    if (session.workflowId === workflowId) return session; // opened by an early edit
    closeSession(session);
  }
  session = {
    workflowId,
    state: startSync(store.revision, store.doc),
    inFlight: null,
    retry: null,
    retryDelay: FIRST_RETRY_MS,
    conflicts: 0,
    waitingFor: null,
    applied: new Set(),
    reloading: false,
    reloadAfterFlight: false,
    historyOf: new Map(),
    gone: false,
    draining: false,
    drainRetries: 0,
    closed: false,
    timers: new Set(),
  };
  useCollabStore.getState().reset();
  return session;
}

/**
 * Stop showing the session. Edits still queued keep being sent (leaving the canvas right after an
 * edit must not lose it); the session ends when the queue is empty.
 */
export function closeSession(s: SyncSession): void {
  clearTimeout(refreshTimers.get(s));
  if (session === s) session = null;
  if (s.state.pending.length > 0 && !s.gone && !s.closed) {
    s.draining = true;
    pump(s);
    return;
  }
  end(s);
}

function end(s: SyncSession): void {
  s.closed = true;
  for (const timer of s.timers) clearTimeout(timer);
  s.timers.clear();
}

/** The newest revision the session has taken (where a subscription should resume). */
export function sessionRevision(s: SyncSession): number {
  return s.state.revision;
}

function current(): SyncSession | null {
  const workflowId = useWorkflowStore.getState().workflowId;
  if (!workflowId) return null;
  if (session && !session.closed && session.workflowId === workflowId) return session;
  return openSession(workflowId);
}

/** Show the session's document and revision. */
function publish(s: SyncSession): void {
  const store = useWorkflowStore.getState();
  if (s.closed || !onScreen(s)) return;
  if (store.doc !== s.state.doc) store.setDoc(s.state.doc);
  if (store.revision !== s.state.revision) store.setRevision(s.state.revision);
  useCollabStore.getState().setUnsaved(s.state.pending.length);
}

function setHistory(history: HistoryState): void {
  useWorkflowStore.getState().setHistory(history);
}

function dropFromHistory(s: SyncSession, batch: Batch | undefined): void {
  if (!batch || !onScreen(s)) return;
  const { past, future } = useWorkflowStore.getState().history;
  setHistory({ past: past.filter((b) => b !== batch), future: future.filter((b) => b !== batch) });
}

function reportConflicts(s: SyncSession, conflicts: readonly SyncConflict[]): void {
  if (conflicts.length === 0) return;
  for (const c of conflicts) {
    dropFromHistory(s, s.historyOf.get(c.batch.batchId));
    s.historyOf.delete(c.batch.batchId);
  }
  const what = conflicts
    .map((c) => `Your edit (${describeOps(c.batch.ops, c.batch.base)}) conflicted: ${c.reason}.`)
    .join(" ");
  notify(s, "error", `${what} The canvas shows their version; your edit was not saved.`);
}

/** Mark this user's undo steps that touch what a teammate just changed. */
function blockHistory(s: SyncSession, changed: ReadonlySet<string>, doc: GraphDoc): void {
  if (changed.size === 0 || !onScreen(s)) return;
  const { past, future } = useWorkflowStore.getState().history;
  for (const step of [...past, ...future]) {
    const keys = stepKeys.get(step);
    if (!keys || blocked.has(step)) continue;
    const hit = overlappingKeys(keys, changed)[0];
    if (hit === undefined) continue;
    const nodeId = nodeOfKey(hit);
    const label = nodeId ? doc.nodes.find((n) => n.id === nodeId)?.label || nodeId : null;
    blocked.set(step, `a teammate has changed ${label ? `'${label}'` : "the same part"} since`);
  }
}

/** After teammates' edits: the server's validation and node freshness, once things settle. */
function scheduleRefresh(s: SyncSession): void {
  clearTimeout(refreshTimers.get(s));
  if (!onScreen(s)) return;
  refreshTimers.set(
    s,
    setTimeout(() => {
      if (s.closed) return;
      void fetchValidation(s.workflowId)
        .then((result) => {
          if (result.ok && !s.closed && s.state.pending.length === 0) {
            useWorkflowStore.getState().setValidation(result.value);
          }
        })
        .catch(() => undefined);
      // Freshness follows the revision by itself (RunControls' effect on each new revision).
    }, REFRESH_MS),
  );
}

/** Take one logged batch from the subscription, then send what is queued. */
export function receiveBatch(s: SyncSession, batch: RemoteBatch): void {
  take(s, batch);
  pump(s);
}

/** Take one logged batch (from the subscription or an applyGraphOps answer). */
function take(s: SyncSession, batch: RemoteBatch): void {
  if (s.closed) return;
  const result = incorporate(s.state, batch);
  switch (result.kind) {
    case "stale":
      return;
    case "gap":
      waitFor(s, batch.revision);
      return;
    case "reload":
      void reloadFromServer(s);
      return;
    case "own":
      s.state = result.state;
      if (batch.batchId) s.historyOf.delete(batch.batchId);
      reportConflicts(s, result.conflicts);
      break;
    case "remote":
      s.state = result.state;
      blockHistory(s, result.changed, s.state.confirmed);
      if (onScreen(s)) useCollabStore.getState().countTeammateEdit();
      reportConflicts(s, result.conflicts);
      scheduleRefresh(s);
      break;
  }
  publish(s);
  if (s.waitingFor !== null && s.state.revision >= s.waitingFor) {
    s.waitingFor = null;
    s.applied.clear();
  }
}

/** Revisions are missing: the subscription usually brings them at once; else reload. */
function waitFor(s: SyncSession, revision: number): void {
  s.waitingFor = Math.max(s.waitingFor ?? 0, revision);
  later(s, GAP_WAIT_MS, () => {
    if (s.waitingFor !== null && s.state.revision < s.waitingFor) void reloadFromServer(s);
  });
}

/**
 * Start again from the server's current document. Queued edits are rebased onto it, or, with
 * `discard`, dropped (the server will not take them) and the history cleared.
 */
async function reloadFromServer(s: SyncSession, discard = false): Promise<void> {
  if (s.reloading) return;
  if (s.inFlight && !discard) {
    s.reloadAfterFlight = true; // its answer tells whether the reloaded document includes it
    return;
  }
  s.reloading = true;
  try {
    const result = await fetchWorkflow(s.workflowId);
    if (s.closed) return;
    if (!result.ok) {
      s.gone = true;
      notify(s, "error", `Could not reload the workflow: ${result.error.message}`);
      return;
    }
    const doc = toGraphDoc(result.value);
    if (discard) {
      s.state = startSync(result.value.revision, doc);
      s.inFlight = null;
      s.retry = null;
      s.historyOf.clear();
      if (onScreen(s)) setHistory({ past: [], future: [] });
    } else {
      const synced = resync(s.state, result.value.revision, doc, s.applied);
      s.state = synced.state;
      blockHistory(s, synced.changed, doc);
      reportConflicts(s, synced.conflicts);
    }
    s.applied.clear();
    s.waitingFor = null;
    s.conflicts = 0;
    publish(s);
    scheduleRefresh(s);
  } catch (err) {
    if (!s.closed) notify(s, "error", `Could not reload the workflow: ${String(err)}`);
  } finally {
    s.reloading = false;
    pump(s);
  }
}

/** Send the oldest queued edit, if nothing is on its way. */
function pump(s: SyncSession): void {
  if (s.gone && s.draining) end(s);
  if (s.closed || s.gone || s.inFlight || s.reloading || s.waitingFor !== null) return;
  const next = s.state.pending[0];
  if (!next) {
    if (s.draining) end(s);
    else useCollabStore.getState().setRetrying(false);
    return;
  }
  if (next.ops.length === 0) {
    // a teammate did the same meanwhile: nothing left to send
    s.state = dropPending(s.state, next.batchId).state;
    publish(s);
    pump(s);
    return;
  }
  const flight: Flight =
    s.retry?.batchId === next.batchId
      ? s.retry
      : { batchId: next.batchId, ops: next.ops, base: s.state.revision };
  s.retry = null;
  s.inFlight = flight;
  syncGraphOps(s.workflowId, flight.base, flight.ops, flight.batchId).then(
    (answer) => onAnswer(s, flight, answer),
    (err: unknown) => onFailure(s, flight, err),
  );
}

function onAnswer(s: SyncSession, flight: Flight, answer: SyncAnswer): void {
  if (s.closed) return;
  s.inFlight = null;
  s.retryDelay = FIRST_RETRY_MS;
  if (onScreen(s)) useCollabStore.getState().setRetrying(false);
  const queued = () => s.state.pending.find((p) => p.batchId === flight.batchId);
  switch (answer.kind) {
    case "applied": {
      s.conflicts = 0;
      for (const batch of answer.rebasedOver) take(s, batch);
      if (queued()) {
        if (answer.revision <= s.state.revision) {
          s.state = dropPending(s.state, flight.batchId).state; // already in the mirror
        } else if (answer.revision === s.state.revision + 1) {
          const own = { revision: answer.revision, author: "", kind: "ops", ops: flight.ops };
          take(s, { ...own, batchId: flight.batchId });
        } else {
          s.applied.add(flight.batchId);
          waitFor(s, answer.revision);
        }
      }
      if (s.state.pending.length === 0) {
        useWorkflowStore.getState().setValidation(answer.applied.validation);
      }
      break;
    }
    case "conflict":
      for (const batch of answer.opsSince) take(s, batch);
      s.conflicts += 1;
      if (s.conflicts > MAX_CONFLICTS) {
        s.conflicts = 0;
        notify(
          s,
          "error",
          `Could not save your edit: ${answer.message}. Reloaded the saved version.`,
        );
        void reloadFromServer(s, true);
        return;
      }
      break;
    case "refused": {
      const error = answer.error;
      if (error.__typename === "NotFoundError") {
        s.gone = true;
        notify(s, "error", `This workflow can no longer be saved: ${error.message}`);
        return;
      }
      const batch = queued();
      if (batch) {
        const dropped = dropPending(s.state, flight.batchId);
        s.state = dropped.state;
        dropFromHistory(s, s.historyOf.get(flight.batchId));
        s.historyOf.delete(flight.batchId);
        const hint = "hint" in error && error.hint ? ` (${error.hint})` : "";
        const what = describeOps(batch.ops, batch.base);
        notify(s, "error", `The server refused your edit (${what}): ${error.message}${hint}`);
        reportConflicts(s, dropped.conflicts);
      }
      break;
    }
  }
  publish(s);
  if (s.reloadAfterFlight) {
    s.reloadAfterFlight = false;
    void reloadFromServer(s);
    return;
  }
  pump(s);
}

function onFailure(s: SyncSession, flight: Flight, err: unknown): void {
  if (s.closed) return;
  s.inFlight = null;
  if (err instanceof ApiGraphQLError) {
    // The server answered but will not take edits (no permission, a limit): retrying cannot help.
    notify(s, "error", `Could not save your edit: ${err.message}. Reloaded the saved version.`);
    void reloadFromServer(s, true);
    return;
  }
  if (s.draining && ++s.drainRetries > MAX_DRAIN_RETRIES) {
    console.warn(`workflow ${s.workflowId}: ${s.state.pending.length} edit(s) not saved`, err);
    end(s);
    return;
  }
  s.retry = flight;
  if (onScreen(s)) useCollabStore.getState().setRetrying(true);
  const delay = s.retryDelay;
  s.retryDelay = Math.min(delay * 2, MAX_RETRY_MS);
  later(s, delay, () => pump(s));
}

type Verb = "edit" | "undo" | "redo";

/** Refuse an undo or redo step and take it out of the history, saying why. */
function refuseStep(s: SyncSession, step: Batch, verb: Verb, why: string): void {
  const doc = useWorkflowStore.getState().doc;
  notify(
    s,
    "error",
    `Cannot ${verb} "${describeOps(step.ops, doc)}": ${why}. Undo only reverts your own edits, so` +
      " that step was taken out of your history.",
  );
  dropFromHistory(s, step);
}

/** Apply `ops` locally and queue them; returns false (and says why) when they cannot apply. */
function commitOps(
  ops: readonly GraphOp[],
  nextHistory: (inverse: GraphOp[]) => { history: HistoryState; recorded: Batch | null },
  verb: Verb,
  step: Batch | null,
): boolean {
  const s = current();
  if (!s || ops.length === 0) return false;
  if (s.gone) {
    notify(s, "error", "This workflow can no longer be saved (it was deleted or is unreachable).");
    return false;
  }
  const batchId = newBatchId();
  const before = s.state.doc;
  let applied: ReturnType<typeof addLocal>;
  try {
    applied = addLocal(s.state, batchId, ops);
  } catch (err) {
    const message = err instanceof OpError ? err.message : String(err);
    if (step) refuseStep(s, step, verb, message.replace(/^op \d+: /, ""));
    else notify(s, "error", message);
    return false;
  }
  s.state = applied.state;
  const { history, recorded } = nextHistory(applied.inverse);
  setHistory(history);
  if (recorded) {
    stepKeys.set(recorded, docChangeKeys(before, s.state.doc));
    s.historyOf.set(batchId, recorded);
  }
  publish(s);
  pump(s);
  return true;
}

export function useGraphCommit() {
  const commit = useCallback(
    (ops: readonly GraphOp[]) =>
      commitOps(
        ops,
        (inverse) => {
          const batch: Batch = { ops, inverse };
          return { history: record(useWorkflowStore.getState().history, batch), recorded: batch };
        },
        "edit",
        null,
      ),
    [],
  );
  const undoLast = useCallback(() => {
    const history = useWorkflowStore.getState().history;
    const last = history.past.at(-1);
    const step = undo(history);
    if (!last || !step) return;
    const why = blocked.get(last);
    const s = current();
    if (why && s) refuseStep(s, last, "undo", why);
    else commitOps(step.ops, () => ({ history: step.history, recorded: null }), "undo", last);
  }, []);
  const redoLast = useCallback(() => {
    const history = useWorkflowStore.getState().history;
    const next = history.future.at(-1);
    const step = redo(history);
    if (!next || !step) return;
    const why = blocked.get(next);
    const s = current();
    if (why && s) refuseStep(s, next, "redo", why);
    else commitOps(step.ops, () => ({ history: step.history, recorded: null }), "redo", next);
  }, []);
  return { commit, undoLast, redoLast };
}
