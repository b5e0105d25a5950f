/**
 * What the results panel says around a result: the empty state that teaches the next step (no
 * node selected, not run yet and why, failed, running, blocked by its own errors or by those of a
 * node upstream), the banner over an earlier result shown
 * while the node is stale, the panel's height bounds, and one-line summaries of JSON values.
 * Pure; the panel component renders these.
 */

export interface RunLike {
  state: string;
  message: string;
}

export interface FreshnessLike {
  state: string;
  reason: string;
}

/** A node another node's error names: its id and the title the canvas shows for it. */
export interface NodeNameLike {
  nodeId: string;
  label: string;
}

/** The issue code of "an upstream node has errors" (the server's Plan.blocked). */
export const UPSTREAM_INVALID = "upstream_invalid";

/** The part of a nodeOutput error the panel needs. A NoResultError in state "invalid" carries
 * the node's issues (its own errors, then one upstream_invalid issue per broken upstream node)
 * and the upstream nodes that block it. */
export type OutputErrorLike =
  | {
      __typename?: "NoResultError";
      message: string;
      state: string;
      reason: string;
      issues?: readonly { code: string; message: string; hint: string }[];
      blockedBy?: readonly NodeNameLike[];
    }
  | { __typename?: "NotFoundError"; message: string }
  | { __typename?: "InvalidInputError"; message: string; hint: string; field: string | null };

export type Tone = "neutral" | "info" | "warn" | "danger";

export interface EmptyState {
  title: string;
  detail: string;
  tone: Tone;
}

export const SELECT_A_NODE: EmptyState = {
  title: "Select a node to see its output",
  detail: "Click a node on the canvas: its table, chart, metrics or file shows here.",
  tone: "neutral",
};

/**
 * What to show instead of a result, or null when there is a result to show. A failed run wins
 * (its error is the news); a node being computed says so; otherwise the API's reason.
 */
export function emptyState(
  run: RunLike | undefined,
  freshness: FreshnessLike | undefined,
  error: OutputErrorLike | null,
): EmptyState | null {
  if (run?.state === "failed") {
    return {
      title: "This node failed",
      detail: run.message || "The run reported no message; see the run's log.",
      tone: "danger",
    };
  }
  if (!error) return null;
  if (run && (run.state === "running" || run.state === "queued")) {
    return {
      title: run.state === "running" ? "Running…" : "Waiting to run…",
      detail: run.message || "The output shows here when this node finishes.",
      tone: "info",
    };
  }
  if (error.__typename === "NoResultError") {
    if (error.state === "invalid") return invalidState(error.issues ?? [], error.blockedBy ?? []);
    const reason = error.reason || freshness?.reason || "";
    if (error.state === "stale") {
      return {
        title: "This node's result is out of date",
        detail: `${reason ? `${capitalize(reason)}. ` : ""}Run the stale nodes to update it.`,
        tone: "warn",
      };
    }
    return {
      title: "Run the workflow to see this node's output",
      detail: reason ? `Not computed yet: ${reason}.` : "Not computed yet.",
      tone: "neutral",
    };
  }
  if (error.__typename === "InvalidInputError") {
    return {
      title: "This output cannot be shown",
      detail: [error.message, error.hint].filter(Boolean).join(". "),
      tone: "warn",
    };
  }
  return { title: "No such output", detail: error.message, tone: "warn" };
}

/**
 * A node that cannot run because it, or a node it reads from, has errors (errors elsewhere in the
 * workflow do not matter): its own problems come first; otherwise name the upstream node to fix.
 */
function invalidState(
  issues: readonly { code: string; message: string; hint: string }[],
  blockedBy: readonly NodeNameLike[],
): EmptyState {
  const own = issues.filter((issue) => issue.code !== UPSTREAM_INVALID);
  const problem = own[0];
  if (problem || blockedBy.length === 0) {
    const more = own.length > 1 ? ` (${own.length - 1} more in the Problems list)` : "";
    const detail = problem
      ? `${[problem.message, problem.hint].filter(Boolean).map(capitalize).join(". ")}.${more}`
      : "This node has errors: see the Problems list.";
    return { title: "Fix this node's problems first", detail, tone: "warn" };
  }
  const [first, second, ...rest] = blockedBy.map((node) => `“${node.label || node.nodeId}”`);
  const shown = !second
    ? (first ?? "")
    : rest.length === 0
      ? `${first} and ${second}`
      : `${first}, ${second} and ${rest.length} more`;
  return {
    title: `Fix ${shown} first`,
    detail: `${shown} ${second ? "have" : "has"} errors, so this node cannot run. The Problems list says what to fix.`,
    tone: "warn",
  };
}

/** The banner over an earlier result shown while the node is stale (or null for a current one). */
export function earlierResultNotice(
  current: boolean,
  freshness: FreshnessLike | undefined,
): string | null {
  if (current) return null;
  const why = freshness && freshness.state !== "fresh" && freshness.reason;
  return `Showing an earlier result${why ? ` (${why})` : ""}; run stale to update.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const MIN_PANEL_HEIGHT = 140;
export const DEFAULT_PANEL_HEIGHT = 300;

/** A dragged panel height kept between MIN_PANEL_HEIGHT and 85% of the window. */
export function clampPanelHeight(height: number, viewport: number): number {
  const max = Math.max(MIN_PANEL_HEIGHT, Math.floor(viewport * 0.85));
  if (!Number.isFinite(height)) return DEFAULT_PANEL_HEIGHT;
  return Math.round(Math.min(max, Math.max(MIN_PANEL_HEIGHT, height)));
}

/** A collapsed JSON value in a few characters: `{3 keys}`, `[10 items]`, or the value itself. */
export function jsonSummary(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length} ${value.length === 1 ? "item" : "items"}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).length;
    return `{${keys} ${keys === 1 ? "key" : "keys"}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** Whether a JSON node starts open: the first levels of small values. */
export function startsOpen(depth: number, value: unknown): boolean {
  if (depth === 0) return true;
  const size = Array.isArray(value)
    ? value.length
    : typeof value === "object" && value !== null
      ? Object.keys(value).length
      : 0;
  return depth < 2 && size <= 20;
}

/**
 * What a stored model says about itself (the `model` facts of a model preview: ModelMeta in
 * node_library/ml/fitted.py), as label/text rows; unknown or absent facts are left out.
 */
export function modelFacts(value: unknown): [string, string][] {
  const summary = isRecord(value) ? value : {};
  const model = isRecord(summary.model) ? summary.model : {};
  const rows: [string, string][] = [];
  const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
  const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => String(x)) : []);
  const add = (label: string, shown: string) => shown && rows.push([label, shown]);
  add("Kind", text(model.kind));
  add("Algorithm", text(model.algorithm) || text(summary.class));
  add("Target", text(model.target));
  const classes = list(model.classes);
  if (classes.length > 0) add("Classes", classes.join(", "));
  const features = list(model.features);
  if (features.length > 0) {
    const shown = features.slice(0, 12).join(", ");
    add(`Features (${features.length})`, features.length > 12 ? `${shown}, …` : shown);
  }
  const outputs = list(model.output_columns);
  if (outputs.length > 0) add(`Produces (${outputs.length})`, outputs.slice(0, 12).join(", "));
  if (typeof model.training_rows === "number" && model.training_rows > 0) {
    add("Trained on", `${model.training_rows.toLocaleString("en-US")} rows`);
  }
  // boosting models: the rounds fitted and the rounds predictions use (fewer after early stopping)
  const training = isRecord(model.training) ? model.training : {};
  if (typeof training.rounds_used === "number" && typeof training.rounds_trained === "number") {
    const stopped = training.rounds_used < training.rounds_trained;
    add(
      "Boosting rounds",
      stopped
        ? `${training.rounds_used} used of ${training.rounds_trained} trained (early stopping)`
        : String(training.rounds_used),
    );
  }
  if (isRecord(model.params)) {
    const params = Object.entries(model.params)
      .filter(([, v]) => v !== null && typeof v !== "object")
      .map(([k, v]) => `${k}=${String(v)}`);
    if (params.length > 0) add("Params", params.join(", "));
  }
  if (isRecord(model.library_versions)) {
    add(
      "Libraries",
      Object.entries(model.library_versions)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(", "),
    );
  }
  add("Stored as", text(summary.format));
  return rows;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
