/**
 * Validation issues grouped by node, for the per-node issue badges and the problems list.
 *
 * The grouping is computed once per validation object (a WeakMap memo), and an unchanged node
 * keeps its previous issue array (structural sharing with the last grouping), so after an edit
 * only the nodes whose issues really changed re-render.
 */

export interface IssueLike {
  severity: string;
  code: string;
  message: string;
  hint: string;
  nodeId: string | null;
  port: string | null;
  param: string | null;
}

export type IssuesByNode<I extends IssueLike> = ReadonlyMap<string, readonly I[]>;

const NONE: readonly never[] = Object.freeze([]);

function sameIssues(a: readonly IssueLike[], b: readonly IssueLike[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i];
      return (
        y !== undefined &&
        x.severity === y.severity &&
        x.code === y.code &&
        x.message === y.message &&
        x.hint === y.hint &&
        x.port === y.port &&
        x.param === y.param
      );
    })
  );
}

/** Issues per node id (workflow-level issues, without a node, are left out). Arrays equal to
 * the ones in `previous` are taken from it. */
export function groupIssuesByNode<I extends IssueLike>(
  issues: readonly I[],
  previous?: IssuesByNode<I>,
): IssuesByNode<I> {
  const grouped = new Map<string, I[]>();
  for (const issue of issues) {
    if (!issue.nodeId) continue;
    const list = grouped.get(issue.nodeId);
    if (list) list.push(issue);
    else grouped.set(issue.nodeId, [issue]);
  }
  const result = new Map<string, readonly I[]>();
  for (const [id, list] of grouped) {
    const before = previous?.get(id);
    result.set(id, before && sameIssues(before, list) ? before : list);
  }
  return result;
}

/** Returns `issuesFor(validation, nodeId)`: groups once per validation object, sharing
 * unchanged arrays with the grouping of the validation before it. */
export function issuesLookup<I extends IssueLike>() {
  const memo = new WeakMap<object, IssuesByNode<I>>();
  let last: IssuesByNode<I> | undefined;
  return function issuesFor(
    validation: { issues: readonly I[] } | null | undefined,
    nodeId: string,
  ): readonly I[] {
    if (!validation) return NONE;
    let grouped = memo.get(validation);
    if (!grouped) {
      grouped = groupIssuesByNode(validation.issues, last);
      memo.set(validation, grouped);
      last = grouped;
    }
    return grouped.get(nodeId) ?? NONE;
  };
}

/** The lookup the canvas shares (nodes, properties panel): one grouping per validation. */
export const issuesOfNode = issuesLookup<IssueLike>();

export interface IssueSummary {
  errors: number;
  warnings: number;
  /** "error" when any issue is an error, else "warning", else null. */
  worst: "error" | "warning" | null;
  /** One line per issue, for a tooltip. */
  text: string;
}

export function summarizeIssues(issues: readonly IssueLike[]): IssueSummary {
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  return {
    errors,
    warnings,
    worst: errors > 0 ? "error" : warnings > 0 ? "warning" : null,
    text: issues
      .map((i) => {
        const where = i.param ?? i.port;
        return `${i.severity}${where ? ` (${where})` : ""}: ${i.message}${i.hint ? ` (${i.hint})` : ""}`;
      })
      .join("\n"),
  };
}

/** Errors before warnings, then in the order of the document's nodes (workflow-level first). */
export function sortProblems<I extends IssueLike>(
  issues: readonly I[],
  nodeOrder: readonly string[],
): I[] {
  const position = new Map(nodeOrder.map((id, i) => [id, i]));
  const rank = (i: IssueLike) => (i.severity === "error" ? 0 : 1);
  const where = (i: IssueLike) => (i.nodeId ? (position.get(i.nodeId) ?? nodeOrder.length) : -1);
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        rank(a.issue) - rank(b.issue) || where(a.issue) - where(b.issue) || a.index - b.index,
    )
    .map((x) => x.issue);
}

/** Whether the problems list is open, and the number of problems it last counted (null until
 * the opened workflow's first validation). */
export interface ProblemsFold {
  open: boolean;
  seen: number | null;
}

export const FOLDED_PROBLEMS: ProblemsFold = { open: false, seen: null };

/**
 * The problems list after a validation counting `count` problems (null: none yet, the workflow
 * is opening). The problems a workflow opens with only set the count (the strip shows it and its
 * severity; the list stays as it was, folded, so the canvas keeps its room); more problems after
 * an edit open the list, so they do not go unnoticed; none left folds it away.
 */
export function foldProblems(fold: ProblemsFold, count: number | null): ProblemsFold {
  if (count === null) return fold.seen === null ? fold : { ...fold, seen: null };
  if (fold.seen === null) return { ...fold, seen: count };
  if (count === fold.seen) return fold;
  if (count === 0) return { open: false, seen: 0 };
  return { open: count > fold.seen ? true : fold.open, seen: count };
}
