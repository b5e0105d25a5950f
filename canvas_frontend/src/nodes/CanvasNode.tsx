/**
 * The one node component, drawn from the registry's spec: a title, input ports on the left and
 * output ports on the right, each labeled and coloured by data type; its status in the words of
 * graph/statusWords.ts (up to date, stale with the reason, not run, queued, running with progress,
 * a ticking time and an estimate of the time left, up to date after this run with duration, rows
 * in → out and peak memory, failed with the error and "Re-run from here", skipped and why), its
 * validation issues
 * and whether it is deterministic. Zoomed far out, CSS alone draws it as its title and status
 * colour (styles.css .simple-look). It reads its spec, run state, freshness and issues through
 * narrow selectors, so a status change re-renders this node only; only a running node subscribes
 * to the shared 1 s ticker.
 */

import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { PortSpec } from "../api/canvasApi";
import { LiveElapsed, LiveEta } from "../components/Elapsed";
import { rerunFrom } from "../components/runActions";
import "../components/running.css";
import { formatDuration, formatRows } from "../graph/elapsed";
import { formatMemory, formatStepStats } from "../graph/runStats";
import { issuesOfNode, summarizeIssues, type IssueLike } from "../graph/issuesByNode";
import type { PortHint } from "../graph/connectionHints";
import { dataTypeColor } from "../graph/ports";
import { nodeStateLabel, nodeStateTitle } from "../graph/statusWords";
import { useConnectionHint } from "../components/useConnectionHint";
import type { CanvasFlowNode } from "../store/flowModel";
import { useRegistryStore } from "../store/useRegistryStore";
import { errorHeadline, shownState, type NodeRun } from "../store/runState";
import { selectRunActive, useRunStore, type Freshness } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";

function stateTitle(state: string, fresh: Freshness | undefined, run: NodeRun | undefined) {
  // stale: what changed; invalid: its own error or the upstream node to fix first
  if (state === "stale" || state === "invalid") return nodeStateTitle(state, fresh?.reason);
  if (state === "failed" || state === "skipped") return nodeStateTitle(state, run?.message);
  return nodeStateTitle(state);
}

function PortRow({
  port,
  side,
  hint,
}: {
  port: PortSpec;
  side: "in" | "out";
  hint: PortHint | undefined;
}) {
  const color = dataTypeColor(port.dataType);
  // While a connection is dragged, hovering a port says why it fits or not.
  const title = hint
    ? `${hint.state === "ok" ? "Fits" : "Cannot connect"}${hint.reason ? `: ${hint.reason}` : ""}`
    : `${port.dataType}: ${port.description}`;
  return (
    <div className={`port port-${side}`} title={title}>
      <Handle
        type={side === "in" ? "target" : "source"}
        position={side === "in" ? Position.Left : Position.Right}
        id={port.name}
        style={{ background: color, borderColor: color }}
      />
      <span className="port-label">
        {port.label || port.name}
        {side === "in" && port.required ? "" : side === "in" ? " (optional)" : ""}
      </span>
      <span className="port-type" style={{ color }}>
        {port.dataType}
      </span>
    </div>
  );
}

function IssueBadge({ issues }: { issues: readonly IssueLike[] }) {
  if (issues.length === 0) return null;
  const summary = summarizeIssues(issues);
  const count = issues.length;
  return (
    <span
      className={`node-issues node-issues-${summary.worst ?? "warning"}`}
      title={summary.text}
      aria-label={`${count} ${count === 1 ? "problem" : "problems"}`}
    >
      {summary.worst === "error" ? "✕" : "!"} {count}
    </span>
  );
}

function RunningFooter({ nodeId, run }: { nodeId: string; run: NodeRun }) {
  // read here, not in the node: only a running node follows its last duration
  const lastDurationS = useRunStore((s) => s.lastDurationS[nodeId] ?? null);
  const pct =
    run.total && run.total > 0
      ? Math.min(100, Math.round((100 * (run.done ?? 0)) / run.total))
      : null;
  return (
    <div className="node-run node-run-running">
      <div
        className={`node-progress${pct === null ? " node-progress-unknown" : ""}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={run.total ?? undefined}
        aria-valuenow={run.done ?? undefined}
      >
        <div className="node-progress-bar" style={{ width: `${pct ?? 100}%` }} />
      </div>
      <div className="node-run-text">
        {run.done !== null && (
          <span className="node-progress-count">
            {run.done}/{run.total ?? "?"}
          </span>
        )}
        {run.message && <span className="node-run-message">{run.message}</span>}
        {run.startedAt !== null && (
          <span className="node-run-elapsed">
            <LiveElapsed since={run.startedAt} />
          </span>
        )}
        {run.startedAt !== null && (
          <LiveEta
            since={run.startedAt}
            done={run.done}
            total={run.total}
            lastDurationS={lastDurationS}
          />
        )}
      </div>
    </div>
  );
}

function FailedFooter({ nodeId, run }: { nodeId: string; run: NodeRun }) {
  const busy = useRunStore((s) => s.launching || selectRunActive(s));
  const { headline } = errorHeadline(run.message || "failed");
  return (
    <div className="node-run node-run-failed">
      <div className="node-error" title={run.message}>
        {headline}
      </div>
      <button
        type="button"
        className="node-rerun nodrag nopan"
        onClick={() => void rerunFrom(nodeId)}
        disabled={busy}
        title="Run this node and everything downstream of it again"
      >
        Re-run from here
      </button>
    </div>
  );
}

function statsTitle(run: NodeRun): string {
  return [
    run.durationS !== null && `Took ${formatDuration(run.durationS)}`,
    run.rowsIn !== null && `read ${formatRows(run.rowsIn)}`,
    run.rows !== null && `wrote ${formatRows(run.rows)}`,
    run.memoryMb !== null && `peak memory ${formatMemory(run.memoryMb)}`,
  ]
    .filter(Boolean)
    .join("; ");
}

function RunFooter({ nodeId, state, run }: { nodeId: string; state: string; run: NodeRun }) {
  switch (state) {
    case "running":
      return <RunningFooter nodeId={nodeId} run={run} />;
    case "succeeded": {
      const stats = formatStepStats(run);
      return stats ? (
        <div className="node-run node-run-succeeded" title={statsTitle(run)}>
          {stats}
        </div>
      ) : null;
    }
    case "failed":
      return <FailedFooter nodeId={nodeId} run={run} />;
    case "skipped":
      return (
        <div className="node-run node-run-skipped" title={run.message}>
          {run.message || "skipped"}
        </div>
      );
    default:
      return null;
  }
}

function CanvasNodeView({ id, data, selected }: NodeProps<CanvasFlowNode>) {
  const spec = useRegistryStore((s) => s.specs[data.typeId]);
  const run = useRunStore((s) => s.byNode[id]);
  const fresh = useRunStore((s) => s.freshness[id]);
  const issues = useWorkflowStore((s) => issuesOfNode(s.validation, id));
  const hints = useConnectionHint(id);
  const status = shownState(run, fresh);
  const title = data.label || spec?.displayName || data.typeId;
  const deterministic = spec?.deterministic ?? fresh?.deterministic ?? true;
  return (
    <div
      className={`canvas-node${selected ? " selected" : ""}${status ? ` status-${status}` : ""}`}
      title={spec?.description ?? ""}
    >
      <div className="node-header">
        {/* data-title: drawn large when zoomed far out (styles.css .simple-look) */}
        <span className="node-title" data-title={title}>
          {title}
        </span>
        <span className="node-marks">
          {!deterministic && (
            <span
              className="node-nondeterministic"
              title="Not deterministic: running it again with the same params can give a different result (its data can change outside the workflow), so “up to date” means the params did not change, not that the data is current"
              aria-label="not deterministic"
            >
              ≈
            </span>
          )}
          <IssueBadge issues={issues} />
          {status && (
            <span
              className={`node-badge badge-${status}`}
              data-state={status}
              title={stateTitle(status, fresh, run)}
            >
              {nodeStateLabel(status)}
            </span>
          )}
        </span>
      </div>
      {run && status === run.state && <RunFooter nodeId={id} state={status} run={run} />}
      {spec ? (
        <div className="node-ports">
          {spec.inputs.map((p) => (
            <PortRow key={`in-${p.name}`} port={p} side="in" hint={hints?.[p.name]} />
          ))}
          {spec.outputs.map((p) => (
            <PortRow key={`out-${p.name}`} port={p} side="out" hint={hints?.[p.name]} />
          ))}
        </div>
      ) : (
        <div className="node-unknown">unknown node type {data.typeId}</div>
      )}
    </div>
  );
}

export const CanvasNode = memo(CanvasNodeView);
