/**
 * The selected node's run status in the properties panel: its state and why (in the words of
 * graph/statusWords.ts), progress with the estimate of the time left, the last run (when, how
 * long ago on hover the date and time, its outcome, links to the run and the node's asset in the
 * Dagster UI) with its duration, rows in and out and peak memory, the error with its full
 * traceback folded, its log lines, and the per-node run actions (run up to / only this, re-run
 * from here, re-execute the failed run from its failure, schedule this node). `beforeRun` commits
 * the form's pending edits first, so a run sees them.
 */

import { useState } from "react";
import { formatDuration } from "../graph/elapsed";
import { canReexecute } from "../graph/runHistory";
import { formatMemory, formatRowsFlow } from "../graph/runStats";
import {
  lastRunOf,
  nodeStateLabel,
  nodeStateMeaning,
  runOutcomeLabel,
  whenText,
} from "../graph/statusWords";
import { reexecuteAction } from "../graph/runWording";
import { errorHeadline, shownState } from "../store/runState";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
import { selectRunActive, useRunStore } from "../store/useRunStore";
import { DagsterAssetLink, DagsterRunLink } from "./DagsterLink";
import { LiveElapsed, LiveEta } from "./Elapsed";
import { launch, reexecuteFromFailure, rerunFrom } from "./runActions";
import { useNow } from "./useNow";
import "./running.css";

/** "the stored result matches..." -> "The stored result matches....": a line of its own. */
function sentence(text: string): string {
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}.` : "";
}

/** The node's state and why, its last run (duration, rows, error, log) and its run actions. */
export function NodeRunStatus({
  nodeId,
  deterministic,
  beforeRun,
}: {
  nodeId: string;
  deterministic: boolean;
  beforeRun: () => void;
}) {
  const run = useRunStore((s) => s.byNode[nodeId]);
  const fresh = useRunStore((s) => s.freshness[nodeId]);
  const logs = useRunStore((s) => s.logs[nodeId]);
  const busy = useRunStore((s) => s.launching || selectRunActive(s));
  const runId = useRunStore((s) => s.runId);
  const runStatus = useRunStore((s) => s.runStatus);
  const lastDurationS = useRunStore((s) => s.lastDurationS[nodeId] ?? null);
  const state = shownState(run, fresh);
  const current = run && state === run.state ? run : undefined;
  const why =
    current?.state === "skipped" || current?.state === "running"
      ? current.message || sentence(nodeStateMeaning(current.state))
      : current?.state === "failed"
        ? ""
        : current?.state === "succeeded"
          ? sentence(nodeStateMeaning("succeeded"))
          : fresh?.reason ||
            (state
              ? sentence(nodeStateMeaning(state))
              : "Not known while the workflow has problems: fix them to see it.");
  const last = lastRunOf(current, runId, fresh, lastDurationS);
  const settled = current && (current.state === "succeeded" || current.state === "failed");
  const stats = settled
    ? [
        ["Duration", formatDuration(current.durationS)],
        ["Rows", formatRowsFlow(current.rowsIn, current.rows)],
        ["Peak memory", formatMemory(current.memoryMb)],
      ].filter(([, value]) => value)
    : // the run that stored the latest result: how long it took (the next run's estimate)
      [["Duration", formatDuration(last?.durationS ?? null)]].filter(([, value]) => value);
  const reexecutable =
    runId !== null &&
    runStatus !== null &&
    canReexecute(runStatus) &&
    (current?.state === "failed" || current?.state === "skipped" || current?.state === "queued");
  const reexecute = reexecuteAction(runStatus);
  const error = current?.state === "failed" ? errorHeadline(current.message || "failed") : null;

  function start(request: Parameters<typeof launch>[0]) {
    beforeRun();
    void launch(request);
  }

  return (
    <section className="node-status-block" aria-label="Run status">
      <h3>Status</h3>
      <div className="status-line">
        <span className={`node-badge badge-${state ?? "unknown"}`} data-state={state ?? "unknown"}>
          {nodeStateLabel(state)}
        </span>
        {why && <span className="status-why">{why}</span>}
      </div>
      {current?.state === "running" && (
        <div className="status-progress muted small">
          {current.done !== null && `${current.done}/${current.total ?? "?"} · `}
          {current.startedAt !== null && <LiveElapsed since={current.startedAt} />}
          {current.startedAt !== null && (
            <>
              {" · "}
              <LiveEta
                since={current.startedAt}
                done={current.done}
                total={current.total}
                lastDurationS={lastDurationS}
              />
            </>
          )}
        </div>
      )}
      {(last || fresh?.assetKey) && <LastRunLine last={last} assetKey={fresh?.assetKey ?? null} />}
      {stats.length > 0 && (
        <dl className="status-stats" aria-label="Last run">
          {stats.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {error && current && (
        <FoldedError
          headline={error.headline}
          message={current.message}
          details={current.details}
        />
      )}
      {!deterministic && (
        <p className="muted small">
          ≈ Not deterministic: its data can change outside the workflow, so an up-to-date result may
          not be current; run it again to re-read.
        </p>
      )}
      {logs && logs.length > 0 && (
        <details className="status-log" open>
          <summary>
            Log ({logs.length} {logs.length === 1 ? "line" : "lines"})
          </summary>
          <pre>{logs.map((l) => l.text).join("\n")}</pre>
        </details>
      )}
      <div className="status-actions">
        <button
          type="button"
          disabled={busy}
          onClick={() => start({ selection: "UPSTREAM", node: nodeId })}
          title="Run what this node needs that is not up to date, then this node"
        >
          Run up to here
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => start({ selection: "ONLY", node: nodeId })}
          title="Run only this node, reading its inputs' stored results"
        >
          Run only this
        </button>
        {current?.state === "failed" && (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              beforeRun();
              void rerunFrom(nodeId);
            }}
            title="Run this node and everything downstream of it again"
          >
            Re-run from here
          </button>
        )}
        {reexecutable && runId && reexecute && (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              beforeRun();
              void reexecuteFromFailure(runId);
            }}
            title={reexecute.title}
          >
            {reexecute.label}
          </button>
        )}
        <button
          type="button"
          onClick={() => useRunPanelsStore.getState().openSchedule(nodeId)}
          title="Run this node (and what it needs) on a schedule"
          aria-haspopup="dialog"
        >
          Schedule this node…
        </button>
      </div>
    </section>
  );
}

/** "Last run: 3 min ago (the date and time on hover) · Succeeded", with the Dagster UI's pages
 * of the run and of the node's asset. */
function LastRunLine({
  last,
  assetKey,
}: {
  last: ReturnType<typeof lastRunOf>;
  assetKey: readonly string[] | null;
}) {
  const now = useNow();
  const when = last ? whenText(last.atMs, now) : null;
  return (
    <div className="status-last small">
      {last && (
        <span className="status-last-run">
          <span className="muted">Last run: </span>
          {when ? (
            <time
              dateTime={last.atMs !== null ? new Date(last.atMs).toISOString() : undefined}
              title={when.absolute}
            >
              {when.relative}
            </time>
          ) : (
            <span className="muted">time not known</span>
          )}
          {" · "}
          <span className={`status-outcome outcome-${last.outcome}`}>
            {runOutcomeLabel(last.outcome)}
          </span>
        </span>
      )}
      <span className="status-links">
        {last?.runId && <DagsterRunLink runId={last.runId}>Run in Dagster</DagsterRunLink>}
        {assetKey && assetKey.length > 0 && <DagsterAssetLink assetKey={assetKey} />}
      </span>
    </div>
  );
}

/** An error's first line, unfolding to the whole error with its traceback. */
function FoldedError({
  headline,
  message,
  details,
}: {
  headline: string;
  message: string;
  details: string;
}) {
  const [open, setOpen] = useState(false);
  // the traceback usually ends with the message; show the message alone only when it adds to it
  const full = details
    ? details.includes(message.trim())
      ? details
      : `${message}\n\n${details}`
    : message;
  return (
    <details className="status-error" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary title={open ? "Fold the error" : "Show the whole error with its traceback"}>
        {open ? "Error" : headline}
      </summary>
      <pre>{full}</pre>
    </details>
  );
}
