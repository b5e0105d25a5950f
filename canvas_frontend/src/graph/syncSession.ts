/**
 * Saving this user's edits to one workflow and taking in teammates': the network half of sync.ts,
 * with the API, the clock and the screen passed in (components/useGraphCommit.ts wires them to
 * the GraphQL client, the browser's timers and the stores).
 *
 * An edit is applied locally at once (optimistic) and queued; batches go out one at a time, each
 * on the newest revision this client has, with a batch id (a retry is never applied twice) and
 * autoRebase. Every logged batch, whether from the workflowChanged subscription (`receive`) or
 * from an applyGraphOps answer, goes through `incorporate`: this user's own batches leave the
 * queue, a teammate's go under the queued edits, which are rebased onto it.
 *
 * - RevisionConflict: the batches since are taken in the same way, the queued edit is rebased
 *   onto them and sent again. An edit that no longer fits (a teammate removed its node) is
 *   dropped and the user is told what it was and why; nothing is dropped silently.
 * - InvalidOpError: only that edit is dropped (with the server's message), the rest stay.
 * - A network failure resends the same batch (same id, ops and base) with backoff; the edits
 *   stay on the canvas meanwhile. A refusal of the whole request (no permission) reloads the
 *   saved version.
 * - Undo emits the inverse of this user's own steps only. A step whose parts a teammate changed
 *   since is refused with a message (and taken out of the history) instead of undoing their work
 *   (syncUndo.ts).
 * - Closing the session does not drop queued edits: a closed session keeps sending them, off
 *   screen, and ends when the queue is empty.
 */

import { docChangeKeys } from "./changeKeys";
import { describeOps } from "./describeOps";
import { record, undo, redo, type Batch, type HistoryState } from "./history";
import { OpError, type GraphDoc, type GraphOp } from "./ops";
import {
  addLocal,
  dropPending,
  incorporate,
  resync,
  startSync,
  type RemoteBatch,
  type SyncConflict,
  type SyncState,
} from "./sync";
import type { UndoGuard } from "./syncUndo";

/** The server's answer to one batch of this user's ops (applyGraphOps with autoRebase). */
export type ApplyAnswer<V> =
  | {
      kind: "applied";
      revision: number;
      /** The batches the server rebased this one over, which this client may not have yet. */
      rebasedOver: readonly RemoteBatch[];
      /** The server's validation of the stored document after the batch. */
      validation: V;
    }
  | { kind: "conflict"; opsSince: readonly RemoteBatch[]; message: string }
  /** An op the server will not take; `notFound` when the workflow itself is gone. */
  | { kind: "refused"; notFound: boolean; message: string; hint: string | null };

export type FetchedWorkflow =
  { ok: true; revision: number; doc: GraphDoc } | { ok: false; message: string };

export interface SyncApi<V> {
  /** Rejects when the request fails: a network failure, or what `refusal` recognises. */
  applyGraphOps(
    workflowId: string,
    baseRevision: number,
    ops: readonly GraphOp[],
    batchId: string,
  ): Promise<ApplyAnswer<V>>;
  /** The server's reason when a failed request was answered and retrying cannot help (no
   * permission, a limit); null for a network failure, which is retried. */
  refusal(err: unknown): string | null;
  fetchWorkflow(workflowId: string): Promise<FetchedWorkflow>;
  fetchValidation(workflowId: string): Promise<{ ok: true; value: V } | { ok: false }>;
}

export interface SyncClock {
  /** Run `run` after `ms`; returns what cancels it. */
  later(run: () => void, ms: number): () => void;
}

/** Where the session shows the workflow while it is on screen. */
export interface SyncScreen<V> {
  /** Whether the canvas shows `workflowId` now. */
  shows(workflowId: string): boolean;
  /** The document to draw, its revision and the edits not saved yet. */
  show(state: SyncState): void;
  notify(kind: "error" | "info", text: string): void;
  history(): HistoryState;
  setHistory(history: HistoryState): void;
  setValidation(validation: V): void;
  /** Saving failed for a network reason and is being retried. */
  setRetrying(retrying: boolean): void;
  countTeammateEdit(): void;
}

export interface SyncDeps<V> {
  api: SyncApi<V>;
  clock: SyncClock;
  screen: SyncScreen<V>;
  /** Shared by every session: the notes outlive a session while its history stays on screen. */
  undoGuard: UndoGuard;
  newBatchId?: () => string;
}

interface Flight {
  batchId: string;
  ops: readonly GraphOp[];
  base: number;
}

type Verb = "edit" | "undo" | "redo";

export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 15_000;
export const MAX_CONFLICTS = 8;
export const GAP_WAIT_MS = 1500;
export const REFRESH_MS = 600;
export const MAX_DRAIN_RETRIES = 5;

function randomBatchId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

export class SyncSession<V> {
  readonly workflowId: string;
  private syncState: SyncState;
  private readonly api: SyncApi<V>;
  private readonly clock: SyncClock;
  private readonly screen: SyncScreen<V>;
  private readonly undoGuard: UndoGuard;
  private readonly newBatchId: () => string;
  private inFlight: Flight | null = null;
  /** A batch whose send failed for a network reason: resent exactly (same id, ops and base). */
  private retry: Flight | null = null;
  private retryDelay = FIRST_RETRY_MS;
  /** Conflicts in a row for the batch being sent (each means another batch landed first). */
  private conflicts = 0;
  /** A revision the server gave a batch of ours that the mirror has not reached (a gap). */
  private waitingFor: number | null = null;
  /** Batch ids the server applied that the mirror has not taken yet (resync skips them). */
  private readonly applied = new Set<string>();
  private reloading = false;
  private reloadAfterFlight = false;
  /** The history entry each queued new edit recorded (taken out if the edit is dropped). */
  private readonly historyOf = new Map<string, Batch>();
  private gone = false;
  /** Closed while edits were still queued: no longer on screen, but saving them. */
  private draining = false;
  private drainRetries = 0;
  private ended = false;
  private shown = true;
  private readonly timers = new Set<() => void>();
  private cancelRefresh: (() => void) | null = null;

  constructor(workflowId: string, revision: number, doc: GraphDoc, deps: SyncDeps<V>) {
    this.workflowId = workflowId;
    this.syncState = startSync(revision, doc);
    this.api = deps.api;
    this.clock = deps.clock;
    this.screen = deps.screen;
    this.undoGuard = deps.undoGuard;
    this.newBatchId = deps.newBatchId ?? randomBatchId;
  }

  get state(): SyncState {
    return this.syncState;
  }

  /** The newest revision the session has taken (where a subscription should resume). */
  get revision(): number {
    return this.syncState.revision;
  }

  /** Ended: nothing more is sent or taken. */
  get closed(): boolean {
    return this.ended;
  }

  /** Take one logged batch from the subscription, then send what is queued. */
  receive(batch: RemoteBatch): void {
    this.take(batch);
    this.pump();
  }

  /** Apply a new edit locally, record it as one undo step and queue it; false when it cannot
   * apply (the user is told why). */
  edit(ops: readonly GraphOp[]): boolean {
    return this.commitOps(
      ops,
      (inverse) => {
        const batch: Batch = { ops, inverse };
        return { history: record(this.screen.history(), batch), recorded: batch };
      },
      "edit",
      null,
    );
  }

  /** Send the inverse of this user's last step, unless a teammate has changed its parts since. */
  undo(): void {
    const history = this.screen.history();
    const last = history.past.at(-1);
    const step = undo(history);
    if (!last || !step) return;
    const why = this.undoGuard.reason(last);
    if (why) this.refuseStep(last, "undo", why);
    else this.commitOps(step.ops, () => ({ history: step.history, recorded: null }), "undo", last);
  }

  /** Send the last undone step again, unless a teammate has changed its parts since. */
  redo(): void {
    const history = this.screen.history();
    const next = history.future.at(-1);
    const step = redo(history);
    if (!next || !step) return;
    const why = this.undoGuard.reason(next);
    if (why) this.refuseStep(next, "redo", why);
    else this.commitOps(step.ops, () => ({ history: step.history, recorded: null }), "redo", next);
  }

  /**
   * Stop showing the session. Edits still queued keep being sent (leaving the canvas right after
   * an edit must not lose it); the session ends when the queue is empty.
   */
  close(): void {
    this.cancelRefresh?.();
    this.cancelRefresh = null;
    this.shown = false;
    if (this.syncState.pending.length > 0 && !this.gone && !this.ended) {
      this.draining = true;
      this.pump();
      return;
    }
    this.end();
  }

  private end(): void {
    this.ended = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  /** Whether the session is on screen (a closed one may still be saving its last edits). */
  private onScreen(): boolean {
    return this.shown && this.screen.shows(this.workflowId);
  }

  private notify(kind: "error" | "info", text: string): void {
    if (this.onScreen()) this.screen.notify(kind, text);
    else console.warn(`workflow ${this.workflowId}: ${text}`);
  }

  private later(ms: number, run: () => void): void {
    const cancel = this.clock.later(() => {
      this.timers.delete(cancel);
      if (!this.ended) run();
    }, ms);
    this.timers.add(cancel);
  }

  /** Show the session's document and revision. */
  private publish(): void {
    if (this.ended || !this.onScreen()) return;
    this.screen.show(this.syncState);
  }

  private dropFromHistory(batch: Batch | undefined): void {
    if (!batch || !this.onScreen()) return;
    const { past, future } = this.screen.history();
    this.screen.setHistory({
      past: past.filter((b) => b !== batch),
      future: future.filter((b) => b !== batch),
    });
  }

  private reportConflicts(conflicts: readonly SyncConflict[]): void {
    if (conflicts.length === 0) return;
    for (const c of conflicts) {
      this.dropFromHistory(this.historyOf.get(c.batch.batchId));
      this.historyOf.delete(c.batch.batchId);
    }
    const what = conflicts
      .map((c) => `Your edit (${describeOps(c.batch.ops, c.batch.base)}) conflicted: ${c.reason}.`)
      .join(" ");
    this.notify("error", `${what} The canvas shows their version; your edit was not saved.`);
  }

  /** Mark this user's undo steps that touch what a teammate just changed. */
  private blockHistory(changed: ReadonlySet<string>, doc: GraphDoc): void {
    if (changed.size === 0 || !this.onScreen()) return;
    this.undoGuard.blockTouched(this.screen.history(), changed, doc);
  }

  /** After teammates' edits: the server's validation, once things settle. */
  private scheduleRefresh(): void {
    this.cancelRefresh?.();
    this.cancelRefresh = null;
    if (!this.onScreen()) return;
    this.cancelRefresh = this.clock.later(() => {
      if (this.ended) return;
      void this.api
        .fetchValidation(this.workflowId)
        .then((result) => {
          if (result.ok && this.onScreen() && this.syncState.pending.length === 0) {
            this.screen.setValidation(result.value);
          }
        })
        .catch(() => undefined);
      // Freshness follows the revision by itself (RunControls' effect on each new revision).
    }, REFRESH_MS);
  }

  /** Take one logged batch (from the subscription or an applyGraphOps answer). */
  private take(batch: RemoteBatch): void {
    if (this.ended) return;
    const result = incorporate(this.syncState, batch);
    switch (result.kind) {
      case "stale":
        return;
      case "gap":
        this.waitFor(batch.revision);
        return;
      case "reload":
        void this.reloadFromServer();
        return;
      case "own":
        this.syncState = result.state;
        if (batch.batchId) this.historyOf.delete(batch.batchId);
        this.reportConflicts(result.conflicts);
        break;
      case "remote":
        this.syncState = result.state;
        this.blockHistory(result.changed, this.syncState.confirmed);
        if (this.onScreen()) this.screen.countTeammateEdit();
        this.reportConflicts(result.conflicts);
        this.scheduleRefresh();
        break;
    }
    this.publish();
    if (this.waitingFor !== null && this.syncState.revision >= this.waitingFor) {
      this.waitingFor = null;
      this.applied.clear();
    }
  }

  /** Revisions are missing: the subscription usually brings them at once; else reload. */
  private waitFor(revision: number): void {
    this.waitingFor = Math.max(this.waitingFor ?? 0, revision);
    this.later(GAP_WAIT_MS, () => {
      if (this.waitingFor !== null && this.syncState.revision < this.waitingFor) {
        void this.reloadFromServer();
      }
    });
  }

  /**
   * Start again from the server's current document. Queued edits are rebased onto it, or, with
   * `discard`, dropped (the server will not take them) and the history cleared.
   */
  private async reloadFromServer(discard = false): Promise<void> {
    if (this.reloading) return;
    if (this.inFlight && !discard) {
      this.reloadAfterFlight = true; // its answer tells whether the reloaded document includes it
      return;
    }
    this.reloading = true;
    try {
      const result = await this.api.fetchWorkflow(this.workflowId);
      if (this.ended) return;
      if (!result.ok) {
        this.gone = true;
        this.notify("error", `Could not reload the workflow: ${result.message}`);
        return;
      }
      if (discard) {
        this.syncState = startSync(result.revision, result.doc);
        this.inFlight = null;
        this.retry = null;
        this.historyOf.clear();
        if (this.onScreen()) this.screen.setHistory({ past: [], future: [] });
      } else {
        const synced = resync(this.syncState, result.revision, result.doc, this.applied);
        this.syncState = synced.state;
        this.blockHistory(synced.changed, result.doc);
        this.reportConflicts(synced.conflicts);
      }
      this.applied.clear();
      this.waitingFor = null;
      this.conflicts = 0;
      this.publish();
      this.scheduleRefresh();
    } catch (err) {
      if (!this.ended) this.notify("error", `Could not reload the workflow: ${String(err)}`);
    } finally {
      this.reloading = false;
      this.pump();
    }
  }

  /** Send the oldest queued edit, if nothing is on its way. */
  private pump(): void {
    if (this.gone && this.draining) this.end();
    if (this.ended || this.gone || this.inFlight || this.reloading || this.waitingFor !== null) {
      return;
    }
    const next = this.syncState.pending[0];
    if (!next) {
      if (this.draining) this.end();
      else this.screen.setRetrying(false);
      return;
    }
    if (next.ops.length === 0) {
      // a teammate did the same meanwhile: nothing left to send
      this.syncState = dropPending(this.syncState, next.batchId).state;
      this.publish();
      this.pump();
      return;
    }
    const flight: Flight =
      this.retry?.batchId === next.batchId
        ? this.retry
        : { batchId: next.batchId, ops: next.ops, base: this.syncState.revision };
    this.retry = null;
    this.inFlight = flight;
    this.api.applyGraphOps(this.workflowId, flight.base, flight.ops, flight.batchId).then(
      (answer) => this.onAnswer(flight, answer),
      (err: unknown) => this.onFailure(flight, err),
    );
  }

  private onAnswer(flight: Flight, answer: ApplyAnswer<V>): void {
    if (this.ended) return;
    this.inFlight = null;
    this.retryDelay = FIRST_RETRY_MS;
    if (this.onScreen()) this.screen.setRetrying(false);
    const queued = () => this.syncState.pending.find((p) => p.batchId === flight.batchId);
    switch (answer.kind) {
      case "applied": {
        this.conflicts = 0;
        for (const batch of answer.rebasedOver) this.take(batch);
        if (queued()) {
          if (answer.revision <= this.syncState.revision) {
            this.syncState = dropPending(this.syncState, flight.batchId).state; // already in the mirror
          } else if (answer.revision === this.syncState.revision + 1) {
            const own = { revision: answer.revision, author: "", kind: "ops", ops: flight.ops };
            this.take({ ...own, batchId: flight.batchId });
          } else {
            this.applied.add(flight.batchId);
            this.waitFor(answer.revision);
          }
        }
        // a closed session still saving its last edits must not overwrite the validation of
        // the workflow now on screen (its columns feed that workflow's pickers)
        if (this.syncState.pending.length === 0 && this.onScreen()) {
          this.screen.setValidation(answer.validation);
        }
        break;
      }
      case "conflict":
        for (const batch of answer.opsSince) this.take(batch);
        this.conflicts += 1;
        if (this.conflicts > MAX_CONFLICTS) {
          this.conflicts = 0;
          this.notify(
            "error",
            `Could not save your edit: ${answer.message}. Reloaded the saved version.`,
          );
          void this.reloadFromServer(true);
          return;
        }
        break;
      case "refused": {
        if (answer.notFound) {
          this.gone = true;
          this.notify("error", `This workflow can no longer be saved: ${answer.message}`);
          return;
        }
        const batch = queued();
        if (batch) {
          const dropped = dropPending(this.syncState, flight.batchId);
          this.syncState = dropped.state;
          this.dropFromHistory(this.historyOf.get(flight.batchId));
          this.historyOf.delete(flight.batchId);
          const hint = answer.hint ? ` (${answer.hint})` : "";
          const what = describeOps(batch.ops, batch.base);
          this.notify("error", `The server refused your edit (${what}): ${answer.message}${hint}`);
          this.reportConflicts(dropped.conflicts);
        }
        break;
      }
    }
    this.publish();
    if (this.reloadAfterFlight) {
      this.reloadAfterFlight = false;
      void this.reloadFromServer();
      return;
    }
    this.pump();
  }

  private onFailure(flight: Flight, err: unknown): void {
    if (this.ended) return;
    this.inFlight = null;
    const refusal = this.api.refusal(err);
    if (refusal !== null) {
      // The server answered but will not take edits (no permission, a limit): retrying cannot help.
      this.notify("error", `Could not save your edit: ${refusal}. Reloaded the saved version.`);
      void this.reloadFromServer(true);
      return;
    }
    if (this.draining && ++this.drainRetries > MAX_DRAIN_RETRIES) {
      console.warn(
        `workflow ${this.workflowId}: ${this.syncState.pending.length} edit(s) not saved`,
        err,
      );
      this.end();
      return;
    }
    this.retry = flight;
    if (this.onScreen()) this.screen.setRetrying(true);
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, MAX_RETRY_MS);
    this.later(delay, () => this.pump());
  }

  /** Refuse an undo or redo step and take it out of the history, saying why. */
  private refuseStep(step: Batch, verb: Verb, why: string): void {
    this.notify(
      "error",
      `Cannot ${verb} "${describeOps(step.ops, this.syncState.doc)}": ${why}. Undo only reverts` +
        " your own edits, so that step was taken out of your history.",
    );
    this.dropFromHistory(step);
  }

  /** Apply `ops` locally and queue them; returns false (and says why) when they cannot apply. */
  private commitOps(
    ops: readonly GraphOp[],
    nextHistory: (inverse: GraphOp[]) => { history: HistoryState; recorded: Batch | null },
    verb: Verb,
    step: Batch | null,
  ): boolean {
    if (ops.length === 0) return false;
    if (this.gone) {
      this.notify(
        "error",
        "This workflow can no longer be saved (it was deleted or is unreachable).",
      );
      return false;
    }
    const batchId = this.newBatchId();
    const before = this.syncState.doc;
    let applied: ReturnType<typeof addLocal>;
    try {
      applied = addLocal(this.syncState, batchId, ops);
    } catch (err) {
      const message = err instanceof OpError ? err.message : String(err);
      if (step) this.refuseStep(step, verb, message.replace(/^op \d+: /, ""));
      else this.notify("error", message);
      return false;
    }
    this.syncState = applied.state;
    const { history, recorded } = nextHistory(applied.inverse);
    this.screen.setHistory(history);
    if (recorded) {
      this.undoGuard.note(recorded, docChangeKeys(before, this.syncState.doc));
      this.historyOf.set(batchId, recorded);
    }
    this.publish();
    this.pump();
    return true;
  }
}
