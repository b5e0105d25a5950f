/**
 * How the run history reads: when a run started ("3 min ago"), who started it, what it ran
 * ("stale", "up to train"), its steps' outcome counts, and which of two runs is A (the older).
 * Pure, so the runs panel only renders.
 */

/** "just now", "3 min ago", "2 h ago", "5 days ago"; "" when unknown. */
export function formatAgo(atMs: number | null, nowMs: number): string {
  if (atMs === null) return "";
  const seconds = Math.max(0, (nowMs - atMs) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

const SELECTIONS: Readonly<Record<string, string>> = {
  all: "all (forced)",
  stale: "stale",
  upstream: "up to",
  only: "only",
  nodes: "nodes",
};

/** A run's selection tag ("upstream:train") as words ("up to train"). */
export function selectionLabel(selection: string): string {
  if (!selection) return "—";
  const [kind = "", node] = selection.split(":", 2);
  const words = SELECTIONS[kind] ?? kind;
  return node ? `${words} ${node}` : words;
}

export interface StepOutcomeLike {
  status: string;
}

/** "4 ✓ · 1 ✕ · 2 skipped" from a run's steps; "" without steps. */
export function stepCounts(steps: readonly StepOutcomeLike[]): string {
  const count = (status: string) => steps.filter((s) => s.status === status).length;
  const parts = [
    [count("succeeded"), "✓"],
    [count("failed"), "✕"],
    [count("skipped"), "skipped"],
    [count("running"), "running"],
    [count("queued"), "queued"],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(" · ");
}

/** Whether a finished run can be re-executed from its failure. */
export function canReexecute(status: string): boolean {
  return status === "FAILURE" || status === "CANCELED";
}

export interface DatedRun {
  id: string;
  createdAt: string | null;
}

/** The two ticked runs as [A, B] with A the older, so B − A reads as "what changed since". */
export function orderForCompare<T extends DatedRun>(
  runs: readonly T[],
  ids: readonly string[],
): [T, T] | null {
  const picked = ids.flatMap((id) => runs.filter((r) => r.id === id));
  if (picked.length !== 2) return null;
  const [x, y] = picked as [T, T];
  const time = (r: T) => (r.createdAt ? Date.parse(r.createdAt) : 0);
  return time(x) <= time(y) ? [x, y] : [y, x];
}
