/**
 * Per-node run state folded from runEvents (pure, tested). Kept out of node.data so a status
 * change re-renders one node, not the whole flow.
 */

export type NodeRunState = "queued" | "running" | "succeeded" | "failed" | "skipped";

export interface NodeRun {
  state: NodeRunState;
  message: string;
  done: number | null;
  total: number | null;
  durationS: number | null;
  rows: number | null;
}

export interface RunEventLike {
  kind: string;
  nodeId: string | null;
  message: string;
  done: number | null;
  total: number | null;
  durationS: number | null;
  rows: number | null;
  status: string | null;
}

export type NodeRunMap = Readonly<Record<string, NodeRun>>;

const blank: NodeRun = {
  state: "queued",
  message: "",
  done: null,
  total: null,
  durationS: null,
  rows: null,
};

export function queuedRuns(nodeIds: readonly string[]): NodeRunMap {
  return Object.fromEntries(nodeIds.map((id) => [id, blank]));
}

/** The map after one event; unchanged (same object) for events that change no node. */
export function applyRunEvent(runs: NodeRunMap, event: RunEventLike): NodeRunMap {
  const id = event.nodeId;
  if (!id) return runs;
  const prev = runs[id] ?? blank;
  let next: NodeRun;
  switch (event.kind) {
    case "queued":
      next = { ...blank };
      break;
    case "started":
      next = { ...prev, state: "running", message: event.message };
      break;
    case "progress":
      next = { ...prev, state: "running", done: event.done, total: event.total };
      break;
    case "succeeded":
      next = {
        ...prev,
        state: "succeeded",
        message: event.message,
        durationS: event.durationS,
        rows: event.rows,
      };
      break;
    case "failed":
      next = { ...prev, state: "failed", message: event.message, durationS: event.durationS };
      break;
    case "skipped":
      next = { ...prev, state: "skipped", message: event.message };
      break;
    default:
      return runs; // log lines and run_finished change no node
  }
  return { ...runs, [id]: next };
}
