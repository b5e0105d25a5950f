/**
 * The words the canvas uses for status (pure, tested), one vocabulary everywhere: the node badge,
 * the properties panel and the runs panel.
 *
 * - A node's state says whether its stored result is current: "Up to date" (fresh, or just
 *   computed in this run), "Stale" (params or inputs changed since; the reason says which),
 *   "Not run" (never computed for these params and inputs), "Can't run" (it or a node upstream has
 *   errors), and while a run goes "Queued" / "Running", after it "Failed" or "Skipped".
 * - A run, or one node's step in it, has an outcome: "Succeeded", "Failed", "Skipped",
 *   "Canceled"; a run in progress is "Queued" or "Running".
 *
 * The states themselves (fresh, stale, succeeded...) stay as the server and the run store name
 * them; only what a person reads changes. Also: when the last run was, and the Dagster UI's
 * addresses of a node's asset and a run.
 */

import { formatAgo } from "./runHistory";

const NODE_STATES: Readonly<Record<string, { label: string; meaning: string }>> = {
  fresh: {
    label: "Up to date",
    meaning: "the stored result matches the current params and inputs",
  },
  succeeded: {
    label: "Up to date",
    meaning: "computed in this run for the current params and inputs",
  },
  stale: { label: "Stale", meaning: "its params or inputs changed since the stored result" },
  missing: { label: "Not run", meaning: "no result yet for these params and inputs" },
  invalid: { label: "Can't run", meaning: "it has errors" },
  queued: { label: "Queued", meaning: "waiting for its turn in this run" },
  running: { label: "Running", meaning: "running now" },
  failed: { label: "Failed", meaning: "it failed in the last run" },
  skipped: { label: "Skipped", meaning: "not run: a node it needs did not succeed" },
};

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** What a node's state reads as ("Up to date", "Stale"...); null: not known yet. */
export function nodeStateLabel(state: string | null | undefined): string {
  if (!state) return "Not checked";
  return NODE_STATES[state]?.label ?? capitalized(state.replace(/_/g, " "));
}

/** A node state's label and why: the server's reason (or a run's message) when there is one. */
export function nodeStateTitle(state: string, reason?: string | null): string {
  const label = nodeStateLabel(state);
  const why = reason?.trim() || NODE_STATES[state]?.meaning || "";
  return why ? `${label}: ${why}` : label;
}

/** What a node state means, without its reason (the properties panel's line beside the badge). */
export function nodeStateMeaning(state: string | null | undefined): string {
  return (state && NODE_STATES[state]?.meaning) || "";
}

const RUN_OUTCOMES: Readonly<Record<string, string>> = {
  SUCCESS: "Succeeded",
  FAILURE: "Failed",
  CANCELED: "Canceled",
  CANCELING: "Canceling",
  STARTED: "Running",
  STARTING: "Starting",
  QUEUED: "Queued",
  NOT_STARTED: "Queued",
  // one node's step in a run
  succeeded: "Succeeded",
  failed: "Failed",
  skipped: "Skipped",
  queued: "Queued",
  running: "Running",
  canceled: "Canceled",
};

/** What a run's status (Dagster's SUCCESS, FAILURE...) or a step's status reads as. */
export function runOutcomeLabel(status: string): string {
  return RUN_OUTCOMES[status] ?? capitalized(status.replace(/_/g, " "));
}

export interface WhenText {
  /** "3 min ago" */
  relative: string;
  /** The date and time in the browser's locale, for a tooltip. */
  absolute: string;
}

/** When something happened (ms since the epoch), as of `nowMs`; null when not known. */
export function whenText(atMs: number | null, nowMs: number): WhenText | null {
  if (atMs === null || !Number.isFinite(atMs)) return null;
  return { relative: formatAgo(atMs, nowMs), absolute: new Date(atMs).toLocaleString() };
}

/** Where the API serves the Dagster UI (graphql_api/dagster_proxy.py). */
export const DAGSTER_PATH = "/dagster/";

/** The Dagster UI's page of a run. */
export function dagsterRunUrl(runId: string): string {
  return `${DAGSTER_PATH}runs/${encodeURIComponent(runId)}`;
}

/** The Dagster UI's page of an asset, by its key (workflow slug, node id[, port]). */
export function dagsterAssetUrl(assetKey: readonly string[]): string {
  return `${DAGSTER_PATH}assets/${assetKey.map(encodeURIComponent).join("/")}`;
}

/** A node's last run as the properties panel shows it. */
export interface LastRun {
  /** When it ended (ms since the epoch); null when not known. */
  atMs: number | null;
  runId: string | null;
  outcome: "succeeded" | "failed";
  durationS: number | null;
}

/**
 * The node's last run: the current run's outcome for it once settled (while its record is what
 * the node shows), else the run that stored its latest result (the server's status); null when
 * it never ran.
 */
export function lastRunOf(
  run: { state: string; startedAt: number | null; durationS: number | null } | undefined,
  runId: string | null,
  stored: { lastRunAt?: string | null; lastRunId?: string | null } | undefined,
  storedDurationS: number | null,
): LastRun | null {
  if (run && (run.state === "succeeded" || run.state === "failed")) {
    const ended =
      run.startedAt !== null ? run.startedAt + Math.round((run.durationS ?? 0) * 1000) : null;
    return { atMs: ended, runId, outcome: run.state, durationS: run.durationS };
  }
  if (!stored?.lastRunAt && !stored?.lastRunId) return null;
  const at = stored.lastRunAt ? Date.parse(stored.lastRunAt) : Number.NaN;
  return {
    atMs: Number.isNaN(at) ? null : at,
    runId: stored.lastRunId ?? null,
    outcome: "succeeded",
    durationS: storedDurationS,
  };
}
