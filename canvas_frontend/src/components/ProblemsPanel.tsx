/**
 * Every validation issue of the workflow in one list: severity, node, param or port, message and
 * hint; clicking one selects its node and centers the view on it. A narrow strip ("Problems (N)",
 * coloured by the worst severity) that stays folded when a workflow opens, opens by itself when
 * an edit adds problems, and can be folded away again (graph/issuesByNode.ts foldProblems).
 */

import { memo, useMemo, useState } from "react";
import {
  foldProblems,
  FOLDED_PROBLEMS,
  sortProblems,
  type IssueLike,
  type ProblemsFold,
} from "../graph/issuesByNode";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { revealNode } from "./reveal";
import "./running.css";

const NO_ISSUES: readonly IssueLike[] = [];

// memo: when the canvas page re-renders (a popup opens, the runs panel toggles), this panel has
// nothing to redraw.
export const ProblemsPanel = memo(function ProblemsPanel() {
  const issues = useWorkflowStore((s) => s.validation?.issues ?? NO_ISSUES);
  const docNodes = useWorkflowStore((s) => s.doc?.nodes);
  const sorted = useMemo(
    () =>
      sortProblems(
        issues,
        (docNodes ?? []).map((n) => n.id),
      ),
    [issues, docNodes],
  );
  const labels = useMemo(
    () => new Map((docNodes ?? []).map((n) => [n.id, n.label || n.id])),
    [docNodes],
  );
  const validated = useWorkflowStore((s) => s.validation !== null);
  const count = issues.length;
  const errors = issues.filter((i) => i.severity === "error").length;
  const [fold, setFold] = useState<ProblemsFold>(FOLDED_PROBLEMS);
  const next = foldProblems(fold, validated ? count : null);
  if (next !== fold) setFold(next); // adjusting state while rendering: no extra commit
  const open = next.open;

  const tone = errors > 0 ? "error" : count > 0 ? "warning" : "none";
  return (
    <aside
      className={`problems ${open ? "problems-open" : "problems-closed"}`}
      aria-label="Problems"
    >
      <button
        type="button"
        className={`problems-toggle problems-tone-${tone}`}
        aria-expanded={open}
        onClick={() => setFold((f) => ({ ...f, open: !f.open }))}
        title={open ? "Fold the problems list" : "Show the problems list"}
      >
        Problems ({count})
      </button>
      {open && (
        <div className="problems-body">
          {sorted.length === 0 ? (
            <p className="problems-empty">No problems</p>
          ) : (
            <ul className="problems-list">
              {sorted.map((issue, i) => (
                <li key={`${issue.nodeId ?? ""}-${issue.code}-${issue.param ?? ""}-${i}`}>
                  <ProblemItem
                    issue={issue}
                    label={issue.nodeId ? (labels.get(issue.nodeId) ?? issue.nodeId) : null}
                  />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </aside>
  );
});

function ProblemItem({ issue, label }: { issue: IssueLike; label: string | null }) {
  const where = issue.param ?? issue.port;
  const content = (
    <>
      <span className="problem-head">
        <span className="problem-icon" aria-label={issue.severity} title={issue.severity}>
          {issue.severity === "error" ? "✕" : "!"}
        </span>
        <span className="problem-node">{label ?? "Workflow"}</span>
        {where && <span className="problem-where">{where}</span>}
      </span>
      <span className="problem-message">{issue.message}</span>
      {issue.hint && <span className="problem-hint">{issue.hint}</span>}
    </>
  );
  const className = `problem problem-${issue.severity}`;
  const nodeId = issue.nodeId;
  return nodeId ? (
    <button
      type="button"
      className={className}
      onClick={() => revealNode(nodeId)}
      title="Select this node"
    >
      {content}
    </button>
  ) : (
    <div className={className}>{content}</div>
  );
}
