import { beforeEach, describe, expect, it, vi } from "vitest";
import type { GraphDoc } from "../graph/ops";
import type { RunEventLike } from "../store/runState";
import { useRunStore } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";

// The API is replaced by fakes: these tests check what the actions do with its answers.
const api = vi.hoisted(() => ({
  launchRun: vi.fn(),
  subscribeRunEvents: vi.fn(),
  fetchNodeStatuses: vi.fn(),
  cancelRun: vi.fn(),
  fetchLatestRun: vi.fn(),
  fetchRun: vi.fn(),
  fetchRunHistory: vi.fn(),
  reexecuteRun: vi.fn(),
}));

vi.mock("../api/canvasApi", () => ({
  launchRun: api.launchRun,
  subscribeRunEvents: api.subscribeRunEvents,
  fetchNodeStatuses: api.fetchNodeStatuses,
}));

vi.mock("../api/runsApi", () => ({
  FINISHED_RUN_STATUSES: new Set(["SUCCESS", "FAILURE", "CANCELED"]),
  cancelRun: api.cancelRun,
  fetchLatestRun: api.fetchLatestRun,
  fetchRun: api.fetchRun,
  fetchRunHistory: api.fetchRunHistory,
  reexecuteRun: api.reexecuteRun,
}));

const {
  cancelActiveRun,
  launch,
  reexecuteFromFailure,
  refusalFixed,
  rerunFrom,
  resumeLatestRun,
  runStale,
  stopFollowing,
} = await import("./runActions");

const doc: GraphDoc = {
  name: "wf",
  description: "",
  nodes: ["a", "b", "c"].map((id) => ({
    id,
    type: "t",
    type_version: 1,
    params: {},
    position: { x: 0, y: 0 },
    label: id.toUpperCase(),
  })),
  edges: [
    { id: "ab", source: "a", source_port: "o", target: "b", target_port: "i" },
    { id: "bc", source: "b", source_port: "o", target: "c", target_port: "i" },
  ],
  groups: [],
};

function status(nodeId: string, state: string, cacheKey = `${nodeId}-1`) {
  return { nodeId, state, reason: "", cacheKey, deterministic: true };
}

function event(kind: string, nodeId: string | null, extra: Partial<RunEventLike> = {}) {
  return {
    kind,
    at: "2026-03-01T10:00:00Z",
    nodeId,
    message: "",
    done: null,
    total: null,
    durationS: null,
    rows: null,
    status: null,
    ...extra,
  };
}

interface Handlers {
  next: (e: RunEventLike) => void;
  error: (err: Error) => void;
  complete: () => void;
}

/** Captures the run-events subscription so a test can play the server's part. */
function captureEvents(): { handlers: () => Handlers; stop: ReturnType<typeof vi.fn> } {
  let captured: Handlers | null = null;
  const stop = vi.fn();
  api.subscribeRunEvents.mockImplementation((_runId: string, h: Handlers) => {
    captured = h;
    return stop;
  });
  return {
    handlers: () => {
      if (!captured) throw new Error("nothing subscribed to run events");
      return captured;
    },
    stop,
  };
}

beforeEach(() => {
  stopFollowing();
  vi.clearAllMocks();
  useRunStore.getState().clear();
  useWorkflowStore.getState().open("wf1", 3, doc);
  api.fetchNodeStatuses.mockResolvedValue({
    ok: true,
    value: { nodes: [status("a", "fresh"), status("b", "fresh"), status("c", "fresh")] },
  });
});

describe("launch", () => {
  it("says there is nothing to do when every result is fresh", async () => {
    api.launchRun.mockResolvedValue({
      ok: true,
      value: { runId: null, nodes: [], statuses: [status("a", "fresh")] },
    });
    await runStale();
    expect(api.launchRun).toHaveBeenCalledWith({
      workflowId: "wf1",
      selection: "STALE",
      trigger: "MANUAL",
    });
    expect(useWorkflowStore.getState().notice).toEqual({
      kind: "info",
      text: "Nothing to do: every result is fresh.",
    });
    expect(useRunStore.getState()).toMatchObject({ runId: null, launching: false });
    expect(useRunStore.getState().freshness.a?.state).toBe("fresh");
    expect(api.subscribeRunEvents).not.toHaveBeenCalled();
  });

  it("keeps a refusal's message and issues for the toolbar", async () => {
    const issue = {
      severity: "error",
      code: "missing_column",
      message: "no column x",
      hint: "pick one",
      nodeId: "b",
      port: null,
      param: "expression",
    };
    api.launchRun.mockResolvedValue({
      ok: false,
      error: {
        __typename: "InvalidWorkflowError",
        message: "the workflow has errors",
        issues: [issue],
      },
    });
    await launch({ selection: "ALL" });
    expect(useRunStore.getState().launchProblem).toEqual({
      message: "the workflow has errors",
      hint: "",
      issues: [issue],
    });
    expect(useRunStore.getState().runId).toBeNull();
  });

  it("reports a launch that never reached the server", async () => {
    api.launchRun.mockRejectedValue(new Error("cannot reach the API"));
    await launch({ selection: "STALE" });
    expect(useRunStore.getState().launchProblem?.message).toBe(
      "Could not start the run: cannot reach the API",
    );
    expect(useRunStore.getState().launching).toBe(false);
  });

  it("starts the run, folds its events and refreshes freshness when it ends", async () => {
    const events = captureEvents();
    api.launchRun.mockResolvedValue({
      ok: true,
      value: {
        runId: "r1",
        nodes: ["a", "b"],
        statuses: [status("a", "missing"), status("b", "stale"), status("c", "fresh")],
      },
    });
    await launch({ selection: "UPSTREAM", node: "b" });
    expect(api.launchRun).toHaveBeenCalledWith({
      workflowId: "wf1",
      selection: "UPSTREAM",
      trigger: "MANUAL",
      node: "b",
    });
    expect(api.subscribeRunEvents).toHaveBeenCalledWith("r1", expect.anything());
    const run = useRunStore.getState();
    expect(run).toMatchObject({ runId: "r1", runStatus: "STARTED", runEndedAt: null });
    expect(run.byNode.a).toMatchObject({ state: "queued", cacheKey: "a-1" });

    const h = events.handlers();
    h.next(event("started", "a"));
    h.next(event("log", "a", { message: "read 10 rows" }));
    h.next(event("succeeded", "a", { rows: 10, durationS: 0.5 }));
    h.next(event("failed", "b", { message: "boom" }));
    h.next(event("run_finished", null, { status: "FAILURE" }));
    const after = useRunStore.getState();
    expect(after.byNode.a).toMatchObject({ state: "succeeded", rows: 10 });
    expect(after.byNode.b).toMatchObject({ state: "failed", message: "boom" });
    expect(after.logs.a?.map((l) => l.text)).toEqual(["read 10 rows"]);
    expect(after.runStatus).toBe("FAILURE");
    expect(after.runEndedAt).not.toBeNull();

    h.complete();
    await vi.waitFor(() => expect(api.fetchNodeStatuses).toHaveBeenCalledWith("wf1"));
  });

  it("shows the server's note about the launch", async () => {
    captureEvents();
    api.launchRun.mockResolvedValue({
      ok: true,
      value: {
        runId: "r1",
        nodes: ["a"],
        note: "no engine is serving this instance: start one with `mlcanvas engine`",
        statuses: [status("a", "missing")],
      },
    });
    await runStale();
    expect(useWorkflowStore.getState().notice).toEqual({
      kind: "info",
      text: "no engine is serving this instance: start one with `mlcanvas engine`",
    });
    expect(useRunStore.getState().runId).toBe("r1");
  });

  it("takes the note down once a node starts", async () => {
    const events = captureEvents();
    const note = "no engine is serving this instance";
    api.launchRun.mockResolvedValue({
      ok: true,
      value: { runId: "r1", nodes: ["a"], note, statuses: [status("a", "missing")] },
    });
    await runStale();
    expect(useWorkflowStore.getState().notice?.text).toBe(note);
    events.handlers().next(event("started", "a"));
    expect(useWorkflowStore.getState().notice).toBeNull();
  });

  it("re-executes a failed run from its failure and follows the new run", async () => {
    captureEvents();
    api.reexecuteRun.mockResolvedValue({
      ok: true,
      value: { runId: "r2", nodes: ["b", "c"], note: "", statuses: [status("b", "stale")] },
    });
    await reexecuteFromFailure("r1");
    expect(api.reexecuteRun).toHaveBeenCalledWith("r1");
    expect(api.subscribeRunEvents).toHaveBeenCalledWith("r2", expect.anything());
    expect(Object.keys(useRunStore.getState().byNode)).toEqual(["b", "c"]);
  });

  it("keeps a refused re-execution's message", async () => {
    api.reexecuteRun.mockResolvedValue({
      ok: false,
      error: {
        __typename: "InvalidInputError",
        message: "run r1 is SUCCESS",
        field: "id",
        hint: "pick a failed run",
      },
    });
    await reexecuteFromFailure("r1");
    expect(useRunStore.getState().launchProblem).toMatchObject({
      message: "run r1 is SUCCESS",
      hint: "pick a failed run",
    });
  });

  it("refuses a second launch while a run is going", async () => {
    captureEvents();
    api.launchRun.mockResolvedValue({
      ok: true,
      value: { runId: "r1", nodes: ["a"], statuses: [status("a", "missing")] },
    });
    await runStale();
    await runStale();
    expect(api.launchRun).toHaveBeenCalledTimes(1);
    expect(useWorkflowStore.getState().notice?.text).toMatch(/A run is going/);
  });

  it("re-runs a node and its downstream as a NODES selection", async () => {
    api.launchRun.mockResolvedValue({ ok: true, value: { runId: null, nodes: [], statuses: [] } });
    await rerunFrom("b");
    expect(api.launchRun).toHaveBeenCalledWith({
      workflowId: "wf1",
      selection: "NODES",
      trigger: "MANUAL",
      nodes: ["b", "c"],
    });
  });
});

describe("a refusal for errors in the workflow", () => {
  const issueOn = (nodeId: string | null, severity = "error") => ({
    severity,
    code: "missing_column",
    message: `no column in ${nodeId ?? "the workflow"}`,
    hint: "pick one",
    nodeId,
    port: null,
    param: null,
  });
  const validation = (...issues: ReturnType<typeof issueOn>[]) => ({
    ok: !issues.some((i) => i.severity === "error"),
    issues,
    schemas: [],
  });

  async function refuse(...issues: ReturnType<typeof issueOn>[]) {
    useWorkflowStore.getState().setValidation(validation(...issues));
    api.launchRun.mockResolvedValue({
      ok: false,
      error: { __typename: "InvalidWorkflowError", message: "nodes have errors", issues },
    });
    await launch({ selection: "ALL" });
    expect(useRunStore.getState().launchProblem?.issues).toEqual(issues);
  }

  it("comes down once the nodes it names validate again, and touches nothing else", async () => {
    await refuse(issueOn("b"));
    useWorkflowStore.getState().setRevision(4); // an edit whose validation has not come back
    useWorkflowStore.getState().setValidation(validation(issueOn("b")));
    expect(useRunStore.getState().launchProblem).not.toBeNull(); // b still has an error
    // an error in a node the run does not need, and a warning on b, do not keep it up
    useWorkflowStore.getState().setValidation(validation(issueOn("c"), issueOn("b", "warning")));
    expect(useRunStore.getState().launchProblem).toBeNull();

    // refused again, dismissed, and another problem shown since: that one stays
    await refuse(issueOn("b"));
    useRunStore.getState().setLaunchProblem(null);
    const later = { message: "a run is refused", hint: "", issues: [] };
    useRunStore.getState().setLaunchProblem(later);
    useWorkflowStore.getState().setValidation(validation());
    expect(useRunStore.getState().launchProblem).toBe(later);
  });

  it("is judged by the nodes it names, or the whole workflow for an issue without a node", () => {
    const problem = (...issues: ReturnType<typeof issueOn>[]) => ({
      message: "m",
      hint: "",
      issues,
    });
    expect(refusalFixed(problem(issueOn("b")), null)).toBe(false);
    expect(refusalFixed(problem(issueOn("b")), validation(issueOn("a")))).toBe(true);
    expect(refusalFixed(problem(issueOn("b")), validation(issueOn("b")))).toBe(false);
    expect(refusalFixed(problem(issueOn(null)), validation(issueOn("a")))).toBe(false);
    expect(refusalFixed(problem(issueOn(null)), validation())).toBe(true);
    // a refusal that is not about errors (e.g. an input without a result) is not a validation's
    expect(refusalFixed(problem(), validation())).toBe(false);
  });
});

describe("cancelActiveRun", () => {
  async function started() {
    captureEvents();
    api.launchRun.mockResolvedValue({
      ok: true,
      value: { runId: "r1", nodes: ["a"], statuses: [status("a", "missing")] },
    });
    await runStale();
  }

  it("asks the server to cancel and shows CANCELING until the run ends", async () => {
    await started();
    api.cancelRun.mockResolvedValue({ ok: true, value: "r1" });
    await cancelActiveRun();
    expect(api.cancelRun).toHaveBeenCalledWith("r1");
    expect(useRunStore.getState().runStatus).toBe("CANCELING");
  });

  it("puts the status back and says why when the server refuses", async () => {
    await started();
    api.cancelRun.mockResolvedValue({
      ok: false,
      error: { __typename: "InvalidInputError", message: "run r1 already finished", hint: "" },
    });
    await cancelActiveRun();
    expect(useRunStore.getState().runStatus).toBe("STARTED");
    expect(useWorkflowStore.getState().notice).toEqual({
      kind: "error",
      text: "Could not cancel the run: run r1 already finished",
    });
  });

  it("does nothing without a run going", async () => {
    await cancelActiveRun();
    expect(api.cancelRun).not.toHaveBeenCalled();
  });
});

describe("resumeLatestRun", () => {
  it("shows how the last run ended, stamped with today's cache keys", async () => {
    api.fetchLatestRun.mockResolvedValue({ id: "r0", status: "FAILURE" });
    api.fetchRun.mockResolvedValue({
      ok: true,
      value: {
        id: "r0",
        status: "FAILURE",
        createdAt: "2026-03-01T09:59:59Z",
        startedAt: "2026-03-01T10:00:00Z",
        endedAt: "2026-03-01T10:00:02Z",
        steps: [
          {
            nodeId: "a",
            status: "failed",
            startedAt: "2026-03-01T10:00:00Z",
            endedAt: null,
            durationS: 1,
            rowsOut: null,
            message: "bad row",
            progressDone: null,
            progressTotal: null,
          },
        ],
      },
    });
    await resumeLatestRun("wf1");
    const run = useRunStore.getState();
    expect(run).toMatchObject({
      runId: "r0",
      runStatus: "FAILURE",
      runEndedAt: Date.UTC(2026, 2, 1, 10, 0, 2),
    });
    expect(run.byNode.a).toMatchObject({ state: "failed", message: "bad row", cacheKey: "a-1" });
    expect(api.subscribeRunEvents).not.toHaveBeenCalled();
  });

  it("follows a run that is still going", async () => {
    captureEvents();
    api.fetchLatestRun.mockResolvedValue({
      id: "r9",
      status: "STARTED",
      createdAt: null,
      startedAt: "2026-03-01T10:00:00Z",
    });
    await resumeLatestRun("wf1");
    expect(useRunStore.getState()).toMatchObject({ runId: "r9", runEndedAt: null });
    expect(api.subscribeRunEvents).toHaveBeenCalledWith("r9", expect.anything());
  });

  it("leaves a workflow that never ran alone", async () => {
    api.fetchLatestRun.mockResolvedValue(null);
    await resumeLatestRun("wf1");
    expect(useRunStore.getState().runId).toBeNull();
  });
});
