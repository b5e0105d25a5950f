/**
 * How a node's run reads while it runs and after: the estimate of the time left (from its
 * progress rate, else from its last duration) and the compact stats line of a finished step
 * ("1.2 s · 150 → 120 rows · +35 MB"). Pure, so the node and the status panel only render.
 */

import { formatDuration } from "./elapsed";

const integers = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export interface EtaInput {
  /** Seconds since the node started. */
  elapsedS: number;
  /** Progress units done and in all (the node reports them for folds, epochs...). */
  done: number | null;
  total: number | null;
  /** How long the node took the last time it succeeded, in seconds (null: never ran). */
  lastDurationS: number | null;
}

/**
 * Seconds left, or null when there is nothing to estimate from. With progress (done > 0) the
 * rate so far extrapolates the rest; without it the last duration minus the time spent does; a
 * node that already ran longer than last time has no estimate (it is not "0 s left").
 */
export function secondsLeft({ elapsedS, done, total, lastDurationS }: EtaInput): number | null {
  const elapsed = Math.max(0, elapsedS);
  if (done !== null && total !== null && total > 0 && done > 0) {
    if (done >= total) return 0;
    return (elapsed * (total - done)) / done;
  }
  if (lastDurationS !== null && Number.isFinite(lastDurationS) && lastDurationS > 0) {
    const left = lastDurationS - elapsed;
    return left > 0 ? left : null;
  }
  return null;
}

/** "~12 s left", "~3 min left", "~1 h 5 min left"; "almost done" under a second. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 1) return "almost done";
  if (seconds < 60) return `~${Math.ceil(seconds)} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `~${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `~${hours} h left` : `~${hours} h ${rest} min left`;
}

/** Peak memory a node added: "+35 MB", "+1.2 GB", "+0.4 MB"; empty when unknown. */
export function formatMemory(mb: number | null): string {
  if (mb === null || !Number.isFinite(mb)) return "";
  const added = Math.max(0, mb);
  if (added >= 1024) return `+${(added / 1024).toFixed(1)} GB`;
  if (added >= 10) return `+${Math.round(added)} MB`;
  return `+${added.toFixed(1)} MB`;
}

/** Rows in and out: "150 → 120 rows", "120 rows" (no input rows), "150 rows in"; "" unknown. */
export function formatRowsFlow(rowsIn: number | null, rowsOut: number | null): string {
  if (rowsOut === null && rowsIn === null) return "";
  const word = (n: number) => (n === 1 ? "row" : "rows");
  if (rowsOut === null) return `${integers.format(rowsIn ?? 0)} ${word(rowsIn ?? 0)} in`;
  if (rowsIn === null) return `${integers.format(rowsOut)} ${word(rowsOut)}`;
  return `${integers.format(rowsIn)} → ${integers.format(rowsOut)} ${word(rowsOut)}`;
}

export interface StepStats {
  durationS: number | null;
  rowsIn: number | null;
  rows: number | null;
  memoryMb: number | null;
}

/** The parts of a finished step's stats that are known, in reading order. */
export function stepStatsParts(step: StepStats): string[] {
  return [
    formatDuration(step.durationS),
    formatRowsFlow(step.rowsIn, step.rows),
    formatMemory(step.memoryMb),
  ].filter(Boolean);
}

/** "1.2 s · 150 → 120 rows · +35 MB" */
export function formatStepStats(step: StepStats): string {
  return stepStatsParts(step).join(" · ");
}
