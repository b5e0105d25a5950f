/**
 * Running from the canvas: launch a selection (stale, all, up to a node, one node, a node and its
 * downstream) or re-execute a failed run from its failure, follow the run's events into
 * useRunStore, cancel it, and pick up the workflow's latest run when it is opened (a run still
 * going is followed again; the last run's failures, stats and logs stay visible after a reload).
 * One run is followed at a time. Launches say trigger MANUAL; the server's note about a launch
 * (e.g. that no engine serves the instance) is shown as the workflow's notice. A launch refused
 * for errors in the nodes it needs ("Cannot run: ...", useRunStore.launchProblem) comes down by
 * itself once the server's validation no longer finds errors in those nodes.
 *
 * `runStale()` is what the Run button and the Ctrl/Cmd+Enter shortcut do.
 */

import {
  fetchNodeStatuses,
  launchRun,
  subscribeRunEvents,
  type LaunchRunError,
  type Result,
  type RunLaunched,
  type Validation,
} from "../api/canvasApi";
import {
  cancelRun,
  fetchLatestRun,
  fetchRun,
  FINISHED_RUN_STATUSES,
  reexecuteRun,
} from "../api/runsApi";
import { parseTimestamp } from "../graph/elapsed";
import { rerunFromHere } from "../graph/selection";
import { logsFromSteps, runsFromSteps } from "../store/runState";
import { selectRunActive, useRunStore, type LaunchProblem } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { refreshFreshness } from "./freshness";

export type RunRequest =
  | { selection: "ALL" | "STALE" }
  | { selection: "UPSTREAM" | "ONLY"; node: string }
  | { selection: "NODES"; nodes: readonly string[] };

const STORED_RUN_POLL_MS = 2000;

let following: { runId: string; stop: () => void } | null = null;

/** Stop listening to the followed run's events (the run itself goes on). */
export function stopFollowing(): void {
  following?.stop();
  following = null;
}

/** Follow a run's events; `note` (the launch's, e.g. that no engine serves the instance) is
 * taken down once a node starts, since it no longer holds then. */
function follow(runId: string, workflowId: string, note = ""): void {
  stopFollowing();
  let noteUp = note !== "";
  const stop = subscribeRunEvents(runId, {
    next: (event) => {
      if (useRunStore.getState().runId === runId) useRunStore.getState().applyEvent(event);
      if (noteUp && event.kind === "started") {
        noteUp = false;
        const workflow = useWorkflowStore.getState();
        if (workflow.notice?.text === note) workflow.notify(null);
      }
    },
    error: (err) => {
      if (following?.runId === runId) following = null;
      if (useWorkflowStore.getState().workflowId !== workflowId) return;
      useWorkflowStore
        .getState()
        .notify({ kind: "error", text: `Lost the run's live events: ${err.message}` });
      void showStoredRun(runId, workflowId);
    },
    complete: () => {
      if (following?.runId === runId) following = null;
      void refreshFreshness(workflowId);
    },
  });
  following = { runId, stop };
}

/**
 * Whether a refusal for errors in the workflow no longer holds: none of the nodes its issues name
 * has an error in `validation` (an issue that names no node: the workflow has no error at all).
 * A refusal without issues (a selection that cannot run) never comes down this way.
 */
export function refusalFixed(problem: LaunchProblem, validation: Validation | null): boolean {
  if (problem.issues.length === 0 || !validation) return false;
  const named = new Set(problem.issues.map((issue) => issue.nodeId));
  return !validation.issues.some(
    (issue) => issue.severity === "error" && (named.has(null) || named.has(issue.nodeId)),
  );
}

let unwatchRefusal: (() => void) | null = null;

/** Take `problem` down when a new validation of the same workflow says it is fixed; stop
 * watching once it is down, replaced or dismissed, or another workflow is open. */
function clearWhenFixed(problem: LaunchProblem, workflowId: string): void {
  unwatchRefusal?.();
  if (problem.issues.length === 0) return;
  const stop = () => {
    unsubscribe();
    if (unwatchRefusal === stop) unwatchRefusal = null;
  };
  const unsubscribe = useWorkflowStore.subscribe((state, previous) => {
    const runs = useRunStore.getState();
    if (runs.launchProblem !== problem || state.workflowId !== workflowId) {
      stop();
    } else if (
      state.validation !== previous.validation &&
      refusalFixed(problem, state.validation)
    ) {
      runs.setLaunchProblem(null);
      stop();
    }
  });
  unwatchRefusal = stop;
}

function problemOf(error: LaunchRunError): LaunchProblem {
  return {
    message: error.message,
    hint: "hint" in error ? error.hint : "",
    issues: "issues" in error ? error.issues : [],
  };
}

function nothingToDo(request: RunRequest): string {
  switch (request.selection) {
    case "UPSTREAM":
      return "Nothing to do: this node and everything it reads from are fresh.";
    case "ONLY":
      return "Nothing to do: this node's result is fresh.";
    default:
      return "Nothing to do: every result is fresh.";
  }
}

/** Send a launch (a selection, or a re-execution) and follow the run it starts. Refusals land in
 * useRunStore.launchProblem, "nothing to do" and the server's note in the workflow's notice. */
async function start(
  send: (workflowId: string) => Promise<Result<RunLaunched, LaunchRunError>>,
  nothingToDoText: string,
): Promise<void> {
  const workflow = useWorkflowStore.getState();
  const workflowId = workflow.workflowId;
  if (!workflowId) return;
  const runs = useRunStore.getState();
  if (runs.launching || selectRunActive(runs)) {
    workflow.notify({ kind: "info", text: "A run is going: wait for it to end or cancel it." });
    return;
  }
  runs.setLaunching(true);
  runs.setLaunchProblem(null);
  workflow.notify(null);
  try {
    const result = await send(workflowId);
    if (useWorkflowStore.getState().workflowId !== workflowId) return;
    const store = useRunStore.getState();
    if (!result.ok) {
      const problem = problemOf(result.error);
      store.setLaunchProblem(problem);
      clearWhenFixed(problem, workflowId);
      return;
    }
    const launched = result.value;
    store.setFreshness(launched.statuses);
    if (!launched.runId) {
      useWorkflowStore.getState().notify({ kind: "info", text: nothingToDoText });
      return;
    }
    if (launched.note) useWorkflowStore.getState().notify({ kind: "info", text: launched.note });
    store.startRun(launched.runId, launched.nodes);
    follow(launched.runId, workflowId, launched.note);
  } catch (err) {
    useRunStore.getState().setLaunchProblem({
      message: `Could not start the run: ${err instanceof Error ? err.message : String(err)}`,
      hint: "check the connection to the server and try again",
      issues: [],
    });
  } finally {
    useRunStore.getState().setLaunching(false);
  }
}

/** Launch a run of the open workflow and follow it. */
export function launch(request: RunRequest): Promise<void> {
  return start(
    (workflowId) =>
      launchRun({
        workflowId,
        selection: request.selection,
        trigger: "MANUAL",
        ...("node" in request ? { node: request.node } : {}),
        ...("nodes" in request ? { nodes: [...request.nodes] } : {}),
      }),
    nothingToDo(request),
  );
}

/** Re-execute a failed or canceled run from its failure: its failed and unrun nodes run again,
 * the results of those that succeeded are reused. */
export function reexecuteFromFailure(runId: string): Promise<void> {
  return start(
    () => reexecuteRun(runId),
    "Nothing to re-execute: every node of that run succeeded.",
  );
}

/** Run every node whose result is stale or missing (the Run button, Ctrl/Cmd+Enter). */
export function runStale(): Promise<void> {
  return launch({ selection: "STALE" });
}

/** Run `nodeId` again and everything downstream of it (after it failed, say). */
export function rerunFrom(nodeId: string): Promise<void> {
  const doc = useWorkflowStore.getState().doc;
  if (!doc) return Promise.resolve();
  const nodes = rerunFromHere(
    nodeId,
    doc.nodes.map((n) => n.id),
    doc.edges,
  );
  return launch({ selection: "NODES", nodes });
}

/** Ask the server to stop the followed run before its next node starts. */
export async function cancelActiveRun(): Promise<void> {
  const runs = useRunStore.getState();
  const runId = runs.runId;
  if (!runId || !selectRunActive(runs)) return;
  const before = runs.runStatus;
  runs.setRunStatus("CANCELING");
  const restore = (text: string) => {
    const now = useRunStore.getState();
    if (now.runId === runId && selectRunActive(now) && now.runStatus === "CANCELING") {
      now.setRunStatus(before ?? "STARTED");
    }
    useWorkflowStore.getState().notify({ kind: "error", text });
  };
  try {
    const result = await cancelRun(runId);
    if (!result.ok) {
      const hint = "hint" in result.error && result.error.hint ? ` (${result.error.hint})` : "";
      restore(`Could not cancel the run: ${result.error.message}${hint}`);
    }
  } catch (err) {
    restore(`Could not cancel the run: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Show a stored run's per-node outcome (when its live events are lost, or after a reload). */
async function showStoredRun(runId: string, workflowId: string): Promise<void> {
  const [run, statuses] = await Promise.all([fetchRun(runId), fetchNodeStatuses(workflowId)]);
  if (!run.ok || useWorkflowStore.getState().workflowId !== workflowId) return;
  const store = useRunStore.getState();
  if (store.runId !== null && store.runId !== runId) return; // another run took over meanwhile
  const keyed = statuses.ok ? statuses.value.nodes : [];
  if (statuses.ok) store.setFreshness(keyed);
  const finished = FINISHED_RUN_STATUSES.has(run.value.status);
  if (!finished) {
    // No live events for it: look again until it ends.
    setTimeout(() => {
      if (useRunStore.getState().runId === runId && following === null) {
        void showStoredRun(runId, workflowId).then(() => {
          if (!selectRunActive(useRunStore.getState())) void refreshFreshness(workflowId);
        });
      }
    }, STORED_RUN_POLL_MS);
  }
  store.adoptRun(
    runId,
    run.value.status,
    runsFromSteps(run.value.steps, useRunStore.getState().freshness),
    parseTimestamp(run.value.startedAt ?? run.value.createdAt),
    finished ? (parseTimestamp(run.value.endedAt) ?? Date.now()) : null,
    logsFromSteps(run.value.steps),
  );
}

/** On opening a workflow: follow its run in progress, or show how its last run ended. */
export async function resumeLatestRun(workflowId: string): Promise<void> {
  const latest = await fetchLatestRun(workflowId);
  if (!latest || useWorkflowStore.getState().workflowId !== workflowId) return;
  if (useRunStore.getState().runId !== null) return; // the user launched one meanwhile
  if (FINISHED_RUN_STATUSES.has(latest.status)) {
    await showStoredRun(latest.id, workflowId);
    return;
  }
  useRunStore
    .getState()
    .adoptRun(
      latest.id,
      latest.status,
      {},
      parseTimestamp(latest.startedAt ?? latest.createdAt) ?? Date.now(),
      null,
    );
  follow(latest.id, workflowId); // the event stream replays the run from its start
}
