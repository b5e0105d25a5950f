/**
 * The current run and every node's run state, log lines and freshness, keyed by node id and read
 * by each node through a narrow selector. Pure state: launching, cancelling and following runs
 * live in components/runActions.ts.
 */

import { create } from "zustand";
import type { IssueLike } from "../graph/issuesByNode";
import {
  appendLog,
  applyRunEvent,
  queuedRuns,
  type NodeLogs,
  type NodeRunMap,
  type RunEventLike,
} from "./runState";

export interface Freshness {
  /** fresh, stale or missing */
  state: string;
  reason: string;
  cacheKey: string;
  deterministic: boolean;
  /** The Dagster run that made the latest stored result, and when (ISO); null before a run. */
  lastRunId?: string | null;
  lastRunAt?: string | null;
  /** The Dagster asset key of the latest stored result. */
  assetKey?: readonly string[] | null;
}

/** Why the last launch was refused: the server's message, a hint and the workflow's issues. */
export interface LaunchProblem {
  message: string;
  hint: string;
  issues: readonly IssueLike[];
}

interface RunStore {
  runId: string | null;
  /** Dagster's status of the run (QUEUED, STARTED, SUCCESS, FAILURE, CANCELED), or CANCELING. */
  runStatus: string | null;
  /** When the run was launched and ended, in ms on this browser's clock. */
  runStartedAt: number | null;
  runEndedAt: number | null;
  /** A launch request is on its way. */
  launching: boolean;
  byNode: NodeRunMap;
  logs: NodeLogs;
  /** How long each node took when it last succeeded (s), for the running estimate. */
  lastDurationS: Readonly<Record<string, number>>;
  freshness: Readonly<Record<string, Freshness>>;
  launchProblem: LaunchProblem | null;
  startRun: (runId: string, nodeIds: readonly string[], at?: number) => void;
  /** Show a run read back from the server (one in progress or the last one). */
  adoptRun: (
    runId: string,
    status: string,
    byNode: NodeRunMap,
    startedAt: number | null,
    endedAt: number | null,
    logs?: NodeLogs,
  ) => void;
  setLastDurations: (durations: Readonly<Record<string, number>>) => void;
  applyEvent: (event: RunEventLike) => void;
  setRunStatus: (status: string) => void;
  setFreshness: (
    statuses: readonly ({ nodeId: string; lastDurationS?: number | null } & Freshness)[],
  ) => void;
  setLaunching: (launching: boolean) => void;
  setLaunchProblem: (problem: LaunchProblem | null) => void;
  clear: () => void;
}

function sameFreshness(a: Freshness | undefined, b: Freshness): boolean {
  return (
    a !== undefined &&
    a.state === b.state &&
    a.reason === b.reason &&
    a.cacheKey === b.cacheKey &&
    a.deterministic === b.deterministic &&
    (a.lastRunId ?? null) === (b.lastRunId ?? null) &&
    (a.lastRunAt ?? null) === (b.lastRunAt ?? null) &&
    (a.assetKey ?? []).join("/") === (b.assetKey ?? []).join("/")
  );
}

const idle = {
  runId: null,
  runStatus: null,
  runStartedAt: null,
  runEndedAt: null,
  launching: false,
  byNode: {},
  logs: {},
  lastDurationS: {},
  freshness: {},
  launchProblem: null,
};

export const useRunStore = create<RunStore>()((set) => ({
  ...idle,
  startRun: (runId, nodeIds, at = Date.now()) =>
    set((s) => ({
      runId,
      runStatus: "STARTED",
      runStartedAt: at,
      runEndedAt: null,
      byNode: queuedRuns(nodeIds, s.freshness),
      logs: {},
      launchProblem: null,
    })),
  adoptRun: (runId, status, byNode, startedAt, endedAt, logs = {}) =>
    set({
      runId,
      runStatus: status,
      byNode,
      logs,
      runStartedAt: startedAt,
      runEndedAt: endedAt,
    }),
  setLastDurations: (lastDurationS) => set({ lastDurationS }),
  applyEvent: (event) =>
    set((s) => {
      if (event.kind === "run_finished") {
        return { runStatus: event.status ?? "FINISHED", runEndedAt: Date.now() };
      }
      if (event.kind === "log") return { logs: appendLog(s.logs, event) };
      const byNode = applyRunEvent(s.byNode, event);
      // A success is the newest duration the next run's estimate starts from.
      if (event.kind === "succeeded" && event.nodeId && event.durationS !== null) {
        return { byNode, lastDurationS: { ...s.lastDurationS, [event.nodeId]: event.durationS } };
      }
      return { byNode };
    }),
  setRunStatus: (runStatus) => set({ runStatus }),
  // An unchanged node keeps its Freshness object, so a refresh re-renders only changed nodes.
  setFreshness: (statuses) =>
    set((s) => ({
      // how long each node's latest stored result took: what the running estimate starts from
      lastDurationS: {
        ...s.lastDurationS,
        ...Object.fromEntries(
          statuses.flatMap((st) =>
            st.lastDurationS === null || st.lastDurationS === undefined
              ? []
              : [[st.nodeId, st.lastDurationS]],
          ),
        ),
      },
      freshness: Object.fromEntries(
        statuses.map((st) => {
          const next: Freshness = {
            state: st.state,
            reason: st.reason,
            cacheKey: st.cacheKey,
            deterministic: st.deterministic,
            lastRunId: st.lastRunId ?? null,
            lastRunAt: st.lastRunAt ?? null,
            assetKey: st.assetKey ?? null,
          };
          const before = s.freshness[st.nodeId];
          return [st.nodeId, before && sameFreshness(before, next) ? before : next];
        }),
      ),
    })),
  setLaunching: (launching) => set({ launching }),
  setLaunchProblem: (launchProblem) => set({ launchProblem }),
  clear: () => set(idle),
}));

/** A run is going: launched (or adopted) and not finished. */
export function selectRunActive(s: { runId: string | null; runEndedAt: number | null }): boolean {
  return s.runId !== null && s.runEndedAt === null;
}
