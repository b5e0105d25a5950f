/** The toolbar's Run button and the run's status: launches a run and follows its events. */

import { useCallback, useEffect, useRef } from "react";
import { launchRun, subscribeRunEvents } from "../api/canvasApi";
import { useRunStore } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { refreshFreshness } from "./freshness";

export function RunControls() {
  const runStatus = useRunStore((s) => s.runStatus);
  const stopRun = useRef<(() => void) | null>(null);
  useEffect(() => () => stopRun.current?.(), []);

  const run = useCallback(async () => {
    const s = useWorkflowStore.getState();
    if (!s.workflowId) return;
    s.notify(null);
    try {
      const result = await launchRun({ workflowId: s.workflowId, selection: "STALE" });
      if (!result.ok) {
        const issues = "issues" in result.error ? result.error.issues.map((i) => i.message) : [];
        s.notify({ kind: "error", text: [result.error.message, ...issues].join(" · ") });
        return;
      }
      const launched = result.value;
      useRunStore.getState().setFreshness(launched.statuses);
      if (!launched.runId) {
        s.notify({ kind: "info", text: "Nothing to do: every result is fresh." });
        return;
      }
      stopRun.current?.();
      const runId = launched.runId;
      const workflowIdNow = s.workflowId;
      useRunStore.getState().startRun(runId, launched.nodes);
      stopRun.current = subscribeRunEvents(runId, {
        next: (event) => useRunStore.getState().applyEvent(event),
        error: (err) => s.notify({ kind: "error", text: `Lost the run's events: ${err.message}` }),
        complete: () => {
          void refreshFreshness(workflowIdNow);
        },
      });
    } catch (err) {
      s.notify({ kind: "error", text: `Could not start the run: ${String(err)}` });
    }
  }, []);

  return (
    <>
      <button type="button" className="primary" onClick={() => void run()}>
        Run
      </button>
      {runStatus && (
        <span className={`run-status run-${runStatus.toLowerCase()}`}>{runStatus}</span>
      )}
    </>
  );
}
