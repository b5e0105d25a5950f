/**
 * The toolbar's run controls: a split button (Run = run what is stale; its menu runs everything,
 * up to the selected node or only it, or schedules that node), Cancel while a run is going, the
 * run's status with its elapsed time, "Re-execute from failure" after a failed run ("Resume" after
 * a cancelled one: graph/runWording.ts),
 * and why a launch was refused. Also keeps freshness current after edits, picks up the
 * workflow's latest run when it opens and loads each node's last duration (for the running
 * estimate). The actions live in runActions.ts.
 */

import { memo, useEffect, useRef, useState } from "react";
import { reexecuteAction } from "../graph/runWording";
import { singleSelectedId } from "../graph/selection";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
import { selectRunActive, useRunStore } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { Elapsed } from "./Elapsed";
import { refreshFreshness } from "./freshness";
import { revealNode } from "./reveal";
import {
  cancelActiveRun,
  launch,
  reexecuteFromFailure,
  resumeLatestRun,
  runStale,
  stopFollowing,
  type RunRequest,
} from "./runActions";
import "./running.css";

const FRESHNESS_DEBOUNCE_MS = 400;

const STATUS_TEXT: Readonly<Record<string, string>> = {
  QUEUED: "The run is waiting for a worker.",
  STARTED: "The run is going.",
  CANCELING: "Cancelling: the run stops before its next node starts.",
  SUCCESS: "The run finished: every node succeeded.",
  FAILURE: "The run failed: see the red nodes.",
  CANCELED: "The run was cancelled.",
};

function useFreshnessAfterEdits(workflowId: string | null) {
  const revision = useWorkflowStore((s) => s.revision);
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!workflowId) return;
    if (seen.current !== workflowId) {
      seen.current = workflowId; // opening the workflow already fetched freshness
      return;
    }
    const timer = setTimeout(
      () => void refreshFreshness(workflowId).catch(() => undefined),
      FRESHNESS_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [workflowId, revision]);
}

// memo: when the canvas page re-renders (a popup opens, the runs panel toggles), this panel has
// nothing to redraw.
export const RunControls = memo(function RunControls() {
  const workflowId = useWorkflowStore((s) => s.workflowId);
  const runStatus = useRunStore((s) => s.runStatus);
  const startedAt = useRunStore((s) => s.runStartedAt);
  const endedAt = useRunStore((s) => s.runEndedAt);
  const launching = useRunStore((s) => s.launching);
  const runId = useRunStore((s) => s.runId);
  const active = useRunStore(selectRunActive);
  const busy = launching || active;
  const rest = runStatus ? reexecuteAction(runStatus) : null;

  useEffect(() => {
    if (!workflowId) return;
    void resumeLatestRun(workflowId).catch(() => undefined);
    return stopFollowing;
  }, [workflowId]);
  useFreshnessAfterEdits(workflowId);

  return (
    <div className="run-controls">
      <RunSplitButton busy={busy} />
      {active && (
        <button
          type="button"
          className="run-cancel"
          onClick={() => void cancelActiveRun()}
          disabled={runStatus === "CANCELING"}
          title="Stop the run before its next node starts"
        >
          Cancel
        </button>
      )}
      {runStatus && (
        <span
          className={`run-status run-${runStatus.toLowerCase()}`}
          title={STATUS_TEXT[runStatus] ?? runStatus}
        >
          {runStatus}
        </span>
      )}
      {runStatus && startedAt !== null && (
        <span className="run-elapsed" title="Time since the run was launched">
          <Elapsed since={startedAt} until={endedAt} />
        </span>
      )}
      {!busy && runId && rest && (
        <button
          type="button"
          className="run-reexecute"
          onClick={() => void reexecuteFromFailure(runId)}
          title={rest.title}
        >
          {rest.label}
        </button>
      )}
      <LaunchProblemPopover />
    </div>
  );
});

function RunSplitButton({ busy }: { busy: boolean }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const selectedId = useWorkflowStore((s) => singleSelectedId(s.nodes));
  const selectedLabel = useWorkflowStore((s) => {
    const id = singleSelectedId(s.nodes);
    return id ? s.doc?.nodes.find((n) => n.id === id)?.label || id : null;
  });

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const pick = (request: RunRequest) => {
    setOpen(false);
    void launch(request);
  };

  return (
    <div className="run-split" ref={box}>
      <button
        type="button"
        className="primary run-main"
        onClick={() => void runStale()}
        disabled={busy}
        title="Run every node whose result is stale or missing; fresh results are reused (Ctrl+Enter)"
      >
        Run
      </button>
      <button
        type="button"
        className="primary run-more"
        aria-label="More ways to run"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        disabled={busy}
      >
        ▾
      </button>
      {open && (
        <div className="run-menu" role="menu" aria-label="Run">
          <button
            type="button"
            role="menuitem"
            onClick={() => pick({ selection: "STALE" })}
            title="Run the nodes whose result is stale or missing (the Run button)"
          >
            Run stale
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() => pick({ selection: "ALL" })}
            title="Run every node again, even those with a fresh result"
          >
            Run all (force)
          </button>
          {selectedId ? (
            <>
              <button
                type="button"
                role="menuitem"
                onClick={() => pick({ selection: "UPSTREAM", node: selectedId })}
                title={`Run what “${selectedLabel}” needs that is not fresh, then “${selectedLabel}”`}
              >
                Run up to this node
              </button>
              <button
                type="button"
                role="menuitem"
                onClick={() => pick({ selection: "ONLY", node: selectedId })}
                title={`Run only “${selectedLabel}”, reading its inputs' stored results`}
              >
                Run this node only
              </button>
              <button
                type="button"
                role="menuitem"
                onClick={() => {
                  setOpen(false);
                  useRunPanelsStore.getState().openSchedule(selectedId);
                }}
                title={`Run “${selectedLabel}” and what it needs on a schedule`}
              >
                Schedule this node…
              </button>
            </>
          ) : (
            <p className="run-menu-note">Select one node to run up to it or only it.</p>
          )}
        </div>
      )}
    </div>
  );
}

function LaunchProblemPopover() {
  const problem = useRunStore((s) => s.launchProblem);
  const labels = useWorkflowStore((s) => s.doc?.nodes);
  if (!problem) return null;
  const labelOf = (id: string) => labels?.find((n) => n.id === id)?.label || id;
  return (
    <div className="run-problem" role="alert">
      <div className="run-problem-head">
        <strong>Cannot run: {problem.message}</strong>
        <button
          type="button"
          className="run-problem-close"
          aria-label="Dismiss"
          onClick={() => useRunStore.getState().setLaunchProblem(null)}
        >
          ×
        </button>
      </div>
      {problem.hint && <p className="run-problem-hint">{problem.hint}</p>}
      {problem.issues.length > 0 && (
        <ul>
          {problem.issues.map((issue, i) => (
            <li
              key={`${issue.nodeId ?? ""}-${issue.code}-${i}`}
              className={`sev-${issue.severity}`}
            >
              {issue.nodeId ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => issue.nodeId && revealNode(issue.nodeId)}
                >
                  {labelOf(issue.nodeId)}
                </button>
              ) : (
                <span>Workflow</span>
              )}
              : {issue.message}
              {issue.hint && <div className="run-problem-hint">{issue.hint}</div>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
