/**
 * Per-node run state folded from runEvents (pure, tested). Kept out of node.data so a status
 * change re-renders one node, not the whole flow.
 *
 * A node's run record carries the cache key its freshness had when the run was launched. While
 * the node's current freshness has that same key, the run record is what the node shows
 * (queued, running, succeeded with its duration and rows, failed with the error, skipped); once
 * an edit changes the key, the record is out of date and the node shows its freshness (stale,
 * missing) again.
 */

export type NodeRunState = "queued" | "running" | "succeeded" | "failed" | "skipped";

export interface NodeRun {
  state: NodeRunState;
  message: string;
  done: number | null;
  total: number | null;
  durationS: number | null;
  rows: number | null;
  /** Rows the node read (null: unknown or no table input). */
  rowsIn: number | null;
  /** Peak memory the node added, in MB. */
  memoryMb: number | null;
  /** A failure's full error with its traceback ("" otherwise). */
  details: string;
  /** When the node started, in ms since the epoch (the server's clock). */
  startedAt: number | null;
  /** The node's cache key when the run was launched (null: unknown). */
  cacheKey: string | null;
}

export interface RunEventLike {
  kind: string;
  /** ISO timestamp of the event (server clock). */
  at: string | null;
  nodeId: string | null;
  message: string;
  done: number | null;
  total: number | null;
  durationS: number | null;
  rows: number | null;
  status: string | null;
  rowsIn?: number | null;
  memoryMb?: number | null;
  details?: string;
}

export type NodeRunMap = Readonly<Record<string, NodeRun>>;

export interface LogLine {
  at: number | null;
  text: string;
}

export type NodeLogs = Readonly<Record<string, readonly LogLine[]>>;

/** How many log lines a node keeps (the newest). */
export const LOG_LIMIT = 200;

export interface FreshnessLike {
  state: string;
  cacheKey: string;
}

const blank: NodeRun = {
  state: "queued",
  message: "",
  done: null,
  total: null,
  durationS: null,
  rows: null,
  rowsIn: null,
  memoryMb: null,
  details: "",
  startedAt: null,
  cacheKey: null,
};

function timeOf(iso: string | null): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Every node of a new run, queued, stamped with its cache key from the launch's statuses. */
export function queuedRuns(
  nodeIds: readonly string[],
  statuses: Readonly<Record<string, FreshnessLike>> = {},
): NodeRunMap {
  return Object.fromEntries(
    nodeIds.map((id) => [id, { ...blank, cacheKey: statuses[id]?.cacheKey ?? null }]),
  );
}

/** The map after one event; unchanged (same object) for events that change no node. */
export function applyRunEvent(runs: NodeRunMap, event: RunEventLike): NodeRunMap {
  const id = event.nodeId;
  if (!id) return runs;
  const prev = runs[id] ?? blank;
  let next: NodeRun;
  switch (event.kind) {
    case "queued":
      next = { ...blank, cacheKey: prev.cacheKey };
      break;
    case "started":
      next = { ...prev, state: "running", message: event.message, startedAt: timeOf(event.at) };
      break;
    case "progress":
      next = {
        ...prev,
        state: "running",
        done: event.done,
        total: event.total,
        message: event.message || prev.message,
      };
      break;
    case "succeeded":
      next = {
        ...prev,
        state: "succeeded",
        message: event.message,
        durationS: event.durationS,
        rows: event.rows,
        rowsIn: event.rowsIn ?? null,
        memoryMb: event.memoryMb ?? null,
      };
      break;
    case "failed":
      next = {
        ...prev,
        state: "failed",
        message: event.message,
        durationS: event.durationS,
        details: event.details ?? "",
      };
      break;
    case "skipped":
      next = { ...prev, state: "skipped", message: event.message };
      break;
    default:
      return runs; // log lines and run_finished change no node's state
  }
  return { ...runs, [id]: next };
}

/** The logs after one event: a "log" event adds its lines to its node, keeping the newest
 * `limit`. */
export function appendLog(logs: NodeLogs, event: RunEventLike, limit = LOG_LIMIT): NodeLogs {
  if (event.kind !== "log" || !event.nodeId) return logs;
  const before = logs[event.nodeId] ?? [];
  const at = timeOf(event.at);
  const added = event.message.split("\n").map((text) => ({ at, text }));
  const lines = [...before, ...added];
  return { ...logs, [event.nodeId]: lines.length > limit ? lines.slice(-limit) : lines };
}

/** A stored run's log lines per node (RunStep.logs), as the live ones read. */
export function logsFromSteps(
  steps: readonly { nodeId: string; logs?: readonly string[] }[],
): NodeLogs {
  return Object.fromEntries(
    steps
      .filter((step) => step.logs && step.logs.length > 0)
      .map((step) => [step.nodeId, (step.logs ?? []).map((text) => ({ at: null, text }))]),
  );
}

/** Whether a run record still describes the node as the graph stands now. */
export function runIsCurrent(run: NodeRun, fresh: FreshnessLike | undefined): boolean {
  return run.cacheKey === null || fresh === undefined || fresh.cacheKey === run.cacheKey;
}

/** The state a node shows: its run's while that is current (or still going), else its
 * freshness. */
export function shownState(
  run: NodeRun | undefined,
  fresh: FreshnessLike | undefined,
): NodeRunState | string | null {
  if (run && (run.state === "queued" || run.state === "running" || runIsCurrent(run, fresh))) {
    return run.state;
  }
  return fresh?.state ?? null;
}

export interface RunStepLike {
  nodeId: string;
  status: string;
  startedAt: string | null;
  durationS: number | null;
  rowsOut: number | null;
  message: string;
  progressDone: number | null;
  progressTotal: number | null;
  rowsIn?: number | null;
  memoryMb?: number | null;
  details?: string;
}

const STEP_STATES: ReadonlySet<string> = new Set([
  "queued",
  "running",
  "succeeded",
  "failed",
  "skipped",
]);

/** A run read back with run(id) (e.g. after a reload) as the same per-node records. */
export function runsFromSteps(
  steps: readonly RunStepLike[],
  statuses: Readonly<Record<string, FreshnessLike>> = {},
): NodeRunMap {
  return Object.fromEntries(
    steps.map((step) => [
      step.nodeId,
      {
        state: (STEP_STATES.has(step.status) ? step.status : "queued") as NodeRunState,
        message: step.message,
        done: step.progressDone,
        total: step.progressTotal,
        durationS: step.durationS,
        rows: step.rowsOut,
        rowsIn: step.rowsIn ?? null,
        memoryMb: step.memoryMb ?? null,
        details: step.details ?? "",
        startedAt: timeOf(step.startedAt),
        cacheKey: statuses[step.nodeId]?.cacheKey ?? null,
      },
    ]),
  );
}

/** The first line of an error (what the node shows) and whether there is more to unfold. */
export function errorHeadline(message: string): { headline: string; more: boolean } {
  const trimmed = message.trim();
  const end = trimmed.indexOf("\n");
  return end === -1
    ? { headline: trimmed, more: false }
    : { headline: trimmed.slice(0, end).trim(), more: true };
}
