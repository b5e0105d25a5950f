/**
 * The workflow's runs ("Runs" in the toolbar), below the canvas: a table of runs newest first
 * (outcome in the words of graph/statusWords.ts, trigger, selection, executor, started,
 * duration, steps, the run it re-executes), refreshed live while a run is going. Clicking a run
 * shows its steps (outcome, duration, rows in → out, peak memory, error), a link to the run in
 * the Dagster UI and "Re-execute from failure" for a failed run ("Resume" for a canceled one); ticking two
 * runs and "Compare" shows their metrics side by side (node · metric, run A, run B, B − A).
 *
 * memo'd and prop-less: canvas renders (pan, drag) skip it; it reads only the workflow id, its
 * own panel state and the canvas run's id and status.
 */

import { memo, useMemo } from "react";
import type { RunHistoryEntry, RunWithSteps } from "../api/runsApi";
import { FINISHED_RUN_STATUSES } from "../api/runsApi";
import { formatDuration, parseTimestamp } from "../graph/elapsed";
import type { Executor } from "../graph/ops";
import { compareMetrics } from "../graph/runCompare";
import {
  canReexecute,
  formatAgo,
  orderForCompare,
  selectionLabel,
  stepCounts,
} from "../graph/runHistory";
import { formatMemory, formatRowsFlow } from "../graph/runStats";
import { runOutcomeLabel } from "../graph/statusWords";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
import { selectRunActive, useRunStore } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { DagsterRunLink } from "./DagsterLink";
import { Elapsed } from "./Elapsed";
import { reexecuteFromFailure } from "./runActions";
import { useGraphCommit } from "./useGraphCommit";
import { useComparedMetrics, useRunHistory, useRunSteps } from "./useRunHistory";
import { useNow } from "./useNow";
import "./runHistory.css";
import { reexecuteAction } from "../graph/runWording";

function shortId(id: string): string {
  return id.slice(0, 8);
}

function startedMs(run: { startedAt: string | null; createdAt: string | null }): number | null {
  return parseTimestamp(run.startedAt ?? run.createdAt);
}

function StatusChip({ status }: { status: string }) {
  return (
    <span className={`run-chip run-chip-${status.toLowerCase()}`} data-status={status}>
      {runOutcomeLabel(status)}
    </span>
  );
}

function RunDuration({ run }: { run: RunHistoryEntry }) {
  const since = startedMs(run);
  if (run.durationS !== null) return <>{formatDuration(run.durationS)}</>;
  if (since !== null && !FINISHED_RUN_STATUSES.has(run.status)) {
    return <Elapsed since={since} until={null} />;
  }
  return <>—</>;
}

export const RunHistoryPanel = memo(function RunHistoryPanel() {
  const workflowId = useWorkflowStore((s) => s.workflowId);
  const open = useRunPanelsStore((s) => s.runsOpen);
  if (!open || !workflowId) return null;
  return <RunHistoryBody workflowId={workflowId} />;
});

/** Where the workflow's runs execute: one graph op (set_executor), so it syncs and undoes. */
const ExecutorSelect = memo(function ExecutorSelect() {
  const executor = useWorkflowStore((s) => s.doc?.executor ?? "local");
  const { commit } = useGraphCommit();
  return (
    <label className="runs-executor small">
      Runs execute on{" "}
      <select
        value={executor}
        onChange={(e) => commit([{ op: "set_executor", executor: e.target.value as Executor }])}
        title="Celery workers: every node is a task for `mlcanvas worker` on any machine that shares the instance, store and artifacts"
      >
        <option value="local">this machine (engine)</option>
        <option value="celery">Celery workers</option>
      </select>
    </label>
  );
});

function RunHistoryBody({ workflowId }: { workflowId: string }) {
  const { runs, error } = useRunHistory(workflowId, true);
  const shownRunId = useRunPanelsStore((s) => s.shownRunId);
  const compareIds = useRunPanelsStore((s) => s.compareIds);
  const comparing = useRunPanelsStore((s) => s.comparing);
  const pair = useMemo(
    () => (runs && comparing ? orderForCompare(runs, compareIds) : null),
    [runs, comparing, compareIds],
  );
  const shown = runs?.find((r) => r.id === shownRunId) ?? null;
  const panels = useRunPanelsStore.getState();

  return (
    <section className="runs-panel" aria-label="Runs">
      <header className="runs-head">
        <h2>Runs</h2>
        <span className="muted small">
          {runs === null ? "loading…" : `${runs.length} ${runs.length === 1 ? "run" : "runs"}`}
        </span>
        {error && <span className="runs-error">{error}</span>}
        <ExecutorSelect />
        <span className="spacer" />
        <span className="muted small">
          {compareIds.length < 2 ? "Tick two runs to compare their metrics" : ""}
        </span>
        <button
          type="button"
          disabled={compareIds.length !== 2}
          aria-pressed={comparing && pair !== null}
          onClick={() => panels.setComparing(!(comparing && pair !== null))}
          title="Show the two ticked runs' metrics side by side"
        >
          Compare
        </button>
        <button
          type="button"
          aria-label="Close the runs panel"
          onClick={() => panels.setRunsOpen(false)}
        >
          ×
        </button>
      </header>
      <div className={`runs-body${comparing && pair ? " comparing" : ""}`}>
        <div className="runs-table-wrap">
          <RunsTable runs={runs ?? []} shownRunId={shownRunId} compareIds={compareIds} />
        </div>
        <div className="runs-detail">
          {comparing && pair ? (
            <CompareView a={pair[0]} b={pair[1]} />
          ) : shown ? (
            <RunStepsView run={shown} />
          ) : (
            <p className="muted small runs-hint">
              {runs && runs.length === 0
                ? "No runs yet: press Run to start one."
                : "Click a run to see its steps."}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

function RunsTable({
  runs,
  shownRunId,
  compareIds,
}: {
  runs: readonly RunHistoryEntry[];
  shownRunId: string | null;
  compareIds: readonly string[];
}) {
  const now = useNow();
  const panels = useRunPanelsStore.getState();
  return (
    <table className="runs-table">
      <thead>
        <tr>
          <th aria-label="Compare" />
          <th>Status</th>
          <th>Trigger</th>
          <th>Selection</th>
          <th>Executor</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Nodes</th>
          <th>Run</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const started = startedMs(run);
          return (
            <tr
              key={run.id}
              className={run.id === shownRunId ? "selected" : undefined}
              aria-selected={run.id === shownRunId}
              onClick={() => panels.showRun(run.id)}
              data-run-id={run.id}
            >
              <td onClick={(e) => e.stopPropagation()}>
                <input
                  type="checkbox"
                  aria-label={`Compare run ${shortId(run.id)}`}
                  checked={compareIds.includes(run.id)}
                  onChange={() => panels.toggleCompare(run.id)}
                />
              </td>
              <td>
                <StatusChip status={run.status} />
              </td>
              <td className="run-trigger">{run.trigger}</td>
              <td>{selectionLabel(run.selection)}</td>
              <td>{run.executor}</td>
              <td title={started !== null ? new Date(started).toLocaleString() : ""}>
                {formatAgo(started, now)}
              </td>
              <td className="num">
                <RunDuration run={run} />
              </td>
              <td className="num" title={run.steps.map((s) => s.nodeId).join(", ")}>
                {run.steps.length}
              </td>
              <td className="run-id">
                <code title={run.id}>{shortId(run.id)}</code>
                {run.parentRunId && (
                  <span className="muted">
                    {" "}
                    re-executes{" "}
                    <button
                      type="button"
                      className="link"
                      onClick={(e) => {
                        e.stopPropagation();
                        if (run.parentRunId) panels.showRun(run.parentRunId);
                      }}
                    >
                      {shortId(run.parentRunId)}
                    </button>
                  </span>
                )}
                {run.scheduleId && <span className="muted"> schedule</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function RunStepsView({ run }: { run: RunHistoryEntry }) {
  const details = useRunSteps(run.id, `${run.status}|${run.steps.length}`);
  const busy = useRunStore((s) => s.launching || selectRunActive(s));
  const reexecute = reexecuteAction(run.status);
  const labels = useWorkflowStore((s) => s.doc?.nodes);
  const labelOf = (id: string) => labels?.find((n) => n.id === id)?.label || id;
  return (
    <div className="run-steps">
      <div className="run-steps-head">
        <StatusChip status={run.status} />
        <code title={run.id}>{shortId(run.id)}</code>
        <span className="muted small">
          {run.trigger} · {selectionLabel(run.selection)} · {run.executor}
          {details && details.steps.length > 0 && ` · ${stepCounts(details.steps)}`}
        </span>
        <span className="spacer" />
        <DagsterRunLink runId={run.id}>Open in Dagster</DagsterRunLink>
        {canReexecute(run.status) && reexecute && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void reexecuteFromFailure(run.id)}
            title={reexecute.title}
          >
            {reexecute.label}
          </button>
        )}
      </div>
      {details ? <StepsTable run={details} labelOf={labelOf} /> : <p className="muted">…</p>}
    </div>
  );
}

function StepsTable({ run, labelOf }: { run: RunWithSteps; labelOf: (id: string) => string }) {
  if (run.steps.length === 0) return <p className="muted small">No steps recorded.</p>;
  return (
    <table className="runs-table steps-table">
      <thead>
        <tr>
          <th>Node</th>
          <th>Status</th>
          <th>Duration</th>
          <th>Rows</th>
          <th>Memory</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {run.steps.map((step) => (
          <tr key={step.nodeId} className={`step-${step.status}`}>
            <td title={step.nodeId}>{labelOf(step.nodeId)}</td>
            <td>{runOutcomeLabel(step.status)}</td>
            <td className="num">{formatDuration(step.durationS)}</td>
            <td className="num">{formatRowsFlow(step.rowsIn ?? null, step.rowsOut)}</td>
            <td className="num">{formatMemory(step.memoryMb ?? null)}</td>
            <td className="step-message">
              {step.details ? (
                <details>
                  <summary>{step.message.split("\n")[0]}</summary>
                  <pre>{step.details}</pre>
                </details>
              ) : (
                step.message
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CompareView({ a, b }: { a: RunHistoryEntry; b: RunHistoryEntry }) {
  const { metrics, error } = useComparedMetrics([a.id, b.id]);
  const rows = useMemo(() => (metrics ? compareMetrics(metrics.a, metrics.b) : null), [metrics]);
  const now = useNow();
  const head = (label: string, run: RunHistoryEntry) => (
    <th className="num" title={`run ${run.id}, started ${formatAgo(startedMs(run), now)}`}>
      {label} <code className="muted">{shortId(run.id).slice(0, 6)}</code>
    </th>
  );
  return (
    <div className="run-compare" aria-label="Compare runs" role="region">
      {error && <p className="runs-error">{error}</p>}
      {rows === null ? (
        !error && <p className="muted">…</p>
      ) : rows.length === 0 ? (
        <p className="muted small">
          Neither run produced metrics: add an evaluation node (its metrics output is what is
          compared) and run again.
        </p>
      ) : (
        <table className="runs-table compare-table">
          <thead>
            <tr>
              <th>Node</th>
              <th>Metric</th>
              {head("Run A", a)}
              {head("Run B", b)}
              <th>B − A</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <td>{row.node}</td>
                <td>{row.metric}</td>
                <td className="num">{row.a}</td>
                <td className="num">{row.b}</td>
                <td
                  className={`num diff${row.direction > 0 ? " up" : row.direction < 0 ? " down" : ""}`}
                >
                  {row.diff}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
