/** Run state and freshness per node id, read by each node through a narrow selector. */

import { create } from "zustand";
import { applyRunEvent, queuedRuns, type NodeRunMap, type RunEventLike } from "./runState";

export interface Freshness {
  state: string;
  reason: string;
}

interface RunStore {
  runId: string | null;
  runStatus: string | null;
  byNode: NodeRunMap;
  freshness: Readonly<Record<string, Freshness>>;
  startRun: (runId: string, nodeIds: readonly string[]) => void;
  applyEvent: (event: RunEventLike) => void;
  setFreshness: (statuses: readonly ({ nodeId: string } & Freshness)[]) => void;
  clear: () => void;
}

export const useRunStore = create<RunStore>()((set) => ({
  runId: null,
  runStatus: null,
  byNode: {},
  freshness: {},
  startRun: (runId, nodeIds) => set({ runId, runStatus: "STARTED", byNode: queuedRuns(nodeIds) }),
  applyEvent: (event) =>
    set((s) =>
      event.kind === "run_finished"
        ? { runStatus: event.status ?? "FINISHED" }
        : { byNode: applyRunEvent(s.byNode, event) },
    ),
  setFreshness: (statuses) =>
    set({
      freshness: Object.fromEntries(
        statuses.map((s) => [s.nodeId, { state: s.state, reason: s.reason }]),
      ),
    }),
  clear: () => set({ runId: null, runStatus: null, byNode: {}, freshness: {} }),
}));
