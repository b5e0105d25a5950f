/**
 * What the runs panel shows, fetched while it is open: the workflow's run history (again when
 * the canvas's run starts or ends, and every 2 s while any listed run is going), the steps of
 * the run picked in it, and the metrics of the two runs ticked for comparison.
 */

import { useEffect, useState } from "react";
import {
  fetchRun,
  fetchRunHistory,
  fetchRunMetrics,
  FINISHED_RUN_STATUSES,
  type RunHistoryEntry,
  type RunMetrics,
  type RunWithSteps,
} from "../api/runsApi";
import { useRunStore } from "../store/useRunStore";

const LIVE_POLL_MS = 2000;
const HISTORY_SIZE = 30;

function going(status: string): boolean {
  return !FINISHED_RUN_STATUSES.has(status);
}

export interface RunHistoryState {
  runs: RunHistoryEntry[] | null;
  error: string | null;
}

export function useRunHistory(workflowId: string | null, open: boolean): RunHistoryState {
  const [state, setState] = useState<RunHistoryState>({ runs: null, error: null });
  // the canvas's own run starting or ending is a reason to look again at once
  const runId = useRunStore((s) => s.runId);
  const runStatus = useRunStore((s) => s.runStatus);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!workflowId || !open) return;
    let live = true;
    fetchRunHistory(workflowId, HISTORY_SIZE)
      .then((runs) => live && setState({ runs, error: null }))
      .catch((err: unknown) => live && setState((s) => ({ ...s, error: String(err) })));
    return () => {
      live = false;
    };
  }, [workflowId, open, runId, runStatus, tick]);

  const anyGoing = state.runs?.some((r) => going(r.status)) ?? false;
  useEffect(() => {
    if (!open || !anyGoing) return;
    const timer = setInterval(() => setTick((t) => t + 1), LIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [open, anyGoing]);

  return state;
}

/** One run's steps; `version` (its status, say) changing fetches them again. */
export function useRunSteps(runId: string | null, version: string): RunWithSteps | null {
  const [run, setRun] = useState<RunWithSteps | null>(null);
  useEffect(() => {
    if (!runId) return;
    let live = true;
    fetchRun(runId)
      .then((result) => live && setRun(result.ok ? result.value : null))
      .catch(() => live && setRun(null));
    return () => {
      live = false;
    };
  }, [runId, version]);
  return run && run.id === runId ? run : null;
}

export interface ComparedMetrics {
  a: RunMetrics;
  b: RunMetrics;
}

/** The metrics of runs A and B (null while loading or without two runs). */
export function useComparedMetrics(ids: readonly [string, string] | null): {
  metrics: ComparedMetrics | null;
  error: string | null;
} {
  const key = ids ? ids.join(" ") : "";
  const [state, setState] = useState<{
    key: string;
    metrics: ComparedMetrics | null;
    error: string | null;
  }>({ key: "", metrics: null, error: null });
  useEffect(() => {
    if (!key) return;
    const [a = "", b = ""] = key.split(" ");
    let live = true;
    Promise.all([fetchRunMetrics(a), fetchRunMetrics(b)])
      .then(([ma, mb]) => {
        if (!live) return;
        if (!ma.ok || !mb.ok) {
          const message = !ma.ok ? ma.error.message : !mb.ok ? mb.error.message : "";
          setState({ key, metrics: null, error: message });
        } else setState({ key, metrics: { a: ma.value, b: mb.value }, error: null });
      })
      .catch((err: unknown) => live && setState({ key, metrics: null, error: String(err) }));
    return () => {
      live = false;
    };
  }, [key]);
  return state.key === key ? state : { metrics: null, error: null };
}
