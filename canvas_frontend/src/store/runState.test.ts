import { describe, expect, it } from "vitest";
import {
  appendLog,
  applyRunEvent,
  errorHeadline,
  logsFromSteps,
  queuedRuns,
  runsFromSteps,
  shownState,
  type NodeRunMap,
  type RunEventLike,
} from "./runState";

function event(
  kind: string,
  nodeId: string | null,
  extra: Partial<RunEventLike> = {},
): RunEventLike {
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

function fold(runs: NodeRunMap, events: RunEventLike[]): NodeRunMap {
  return events.reduce(applyRunEvent, runs);
}

const fresh = (state: string, cacheKey: string) => ({ state, cacheKey });

describe("applyRunEvent", () => {
  it("walks a node from queued through running to succeeded", () => {
    let runs = queuedRuns(["a", "b"]);
    expect(runs.a?.state).toBe("queued");
    runs = applyRunEvent(runs, event("started", "a", { at: "2026-03-01T10:00:05Z" }));
    expect(runs.a).toMatchObject({ state: "running", startedAt: Date.UTC(2026, 2, 1, 10, 0, 5) });
    runs = applyRunEvent(runs, event("progress", "a", { done: 2, total: 5, message: "fold 2" }));
    expect(runs.a).toMatchObject({ state: "running", done: 2, total: 5, message: "fold 2" });
    runs = applyRunEvent(runs, event("succeeded", "a", { rows: 10, durationS: 0.2 }));
    expect(runs.a).toMatchObject({ state: "succeeded", rows: 10, durationS: 0.2 });
    expect(runs.b?.state).toBe("queued");
  });

  it("keeps the last progress message when a progress event has none", () => {
    const runs = fold(queuedRuns(["a"]), [
      event("progress", "a", { done: 1, total: 3, message: "epoch 1" }),
      event("progress", "a", { done: 2, total: 3 }),
    ]);
    expect(runs.a).toMatchObject({ done: 2, message: "epoch 1" });
  });

  it("keeps the failure message and marks the downstream skipped", () => {
    const runs = fold(queuedRuns(["a", "b"]), [
      event("started", "a"),
      event("failed", "a", { message: "boom\nTraceback ...", durationS: 0.1 }),
      event("skipped", "b", { message: "not run because an upstream node failed" }),
    ]);
    expect(runs.a).toMatchObject({
      state: "failed",
      message: "boom\nTraceback ...",
      durationS: 0.1,
    });
    expect(runs.b).toMatchObject({
      state: "skipped",
      message: "not run because an upstream node failed",
    });
  });

  it("returns the same map for events about no node", () => {
    const runs = queuedRuns(["a"]);
    expect(applyRunEvent(runs, event("run_finished", null, { status: "SUCCESS" }))).toBe(runs);
    expect(applyRunEvent(runs, event("log", "a"))).toBe(runs);
  });

  it("keeps the launch's cache key through the node's events", () => {
    const runs = fold(queuedRuns(["a"], { a: fresh("stale", "k1") }), [
      event("queued", "a"),
      event("started", "a"),
      event("succeeded", "a"),
    ]);
    expect(runs.a?.cacheKey).toBe("k1");
  });
});

describe("appendLog", () => {
  it("keeps log lines per node and only the newest ones", () => {
    let logs = {};
    for (let i = 0; i < 5; i += 1)
      logs = appendLog(logs, event("log", "a", { message: `l${i}` }), 3);
    logs = appendLog(logs, event("log", "b", { message: "other" }), 3);
    expect(logs).toEqual({
      a: [
        { at: Date.UTC(2026, 2, 1, 10), text: "l2" },
        { at: Date.UTC(2026, 2, 1, 10), text: "l3" },
        { at: Date.UTC(2026, 2, 1, 10), text: "l4" },
      ],
      b: [{ at: Date.UTC(2026, 2, 1, 10), text: "other" }],
    });
  });

  it("ignores events that are not log lines", () => {
    const logs = {};
    expect(appendLog(logs, event("started", "a"))).toBe(logs);
    expect(appendLog(logs, event("log", null, { message: "run-level" }))).toBe(logs);
  });
});

describe("shownState", () => {
  const run = (state: string) =>
    fold(queuedRuns(["a"], { a: fresh("missing", "k1") }), [event(state, "a")]).a;

  it("shows the run's state while the node's cache key is the one the run was launched with", () => {
    expect(shownState(run("succeeded"), fresh("missing", "k1"))).toBe("succeeded");
    expect(shownState(run("failed"), fresh("missing", "k1"))).toBe("failed");
    expect(shownState(run("succeeded"), fresh("fresh", "k1"))).toBe("succeeded");
  });

  it("shows freshness once an edit changed the node's cache key", () => {
    expect(shownState(run("failed"), fresh("stale", "k2"))).toBe("stale");
    expect(shownState(run("succeeded"), fresh("stale", "k2"))).toBe("stale");
  });

  it("shows a node still queued or running as such even after an edit", () => {
    expect(shownState(run("started"), fresh("stale", "k2"))).toBe("running");
    expect(shownState(run("queued"), fresh("stale", "k2"))).toBe("queued");
  });

  it("falls back to freshness without a run, and to nothing without either", () => {
    expect(shownState(undefined, fresh("fresh", "k"))).toBe("fresh");
    expect(shownState(undefined, undefined)).toBeNull();
  });
});

describe("runsFromSteps", () => {
  it("reads a stored run's steps as run records stamped with the current cache keys", () => {
    const runs = runsFromSteps(
      [
        {
          nodeId: "a",
          status: "failed",
          startedAt: "2026-03-01T10:00:00Z",
          durationS: 1.5,
          rowsOut: null,
          message: "bad row",
          progressDone: null,
          progressTotal: null,
        },
        {
          nodeId: "b",
          status: "weird",
          startedAt: null,
          durationS: null,
          rowsOut: null,
          message: "",
          progressDone: null,
          progressTotal: null,
        },
      ],
      { a: fresh("missing", "ka") },
    );
    expect(runs.a).toMatchObject({ state: "failed", message: "bad row", cacheKey: "ka" });
    expect(runs.b).toMatchObject({ state: "queued", cacheKey: null });
  });
});

describe("errorHeadline", () => {
  it("folds an error to its first line", () => {
    expect(errorHeadline("  boom\n  at line 3\n")).toEqual({ headline: "boom", more: true });
    expect(errorHeadline("just this")).toEqual({ headline: "just this", more: false });
  });
});

describe("run stats and failure details", () => {
  it("keeps rows in, peak memory and the traceback from the events", () => {
    const runs = fold(queuedRuns(["a", "b"]), [
      event("started", "a"),
      event("succeeded", "a", { durationS: 1.2, rows: 120, rowsIn: 150, memoryMb: 35 }),
      event("started", "b"),
      event("failed", "b", { message: "KeyError: x", details: "Traceback...\nKeyError: x" }),
    ]);
    expect(runs.a).toMatchObject({ rows: 120, rowsIn: 150, memoryMb: 35, details: "" });
    expect(runs.b).toMatchObject({ state: "failed", details: "Traceback...\nKeyError: x" });
  });

  it("reads them back from stored steps", () => {
    const runs = runsFromSteps([
      {
        nodeId: "a",
        status: "failed",
        startedAt: null,
        durationS: 0.3,
        rowsOut: null,
        message: "boom",
        progressDone: null,
        progressTotal: null,
        rowsIn: 10,
        memoryMb: 1.5,
        details: "Traceback\nboom",
      },
    ]);
    expect(runs.a).toMatchObject({ rowsIn: 10, memoryMb: 1.5, details: "Traceback\nboom" });
  });
});

describe("stored logs and durations", () => {
  it("turns each step's log lines into the node's log", () => {
    expect(
      logsFromSteps([
        { nodeId: "a", logs: ["one", "two"] },
        { nodeId: "b", logs: [] },
      ]),
    ).toEqual({
      a: [
        { at: null, text: "one" },
        { at: null, text: "two" },
      ],
    });
  });

  it("splits a multi-line log event into lines", () => {
    const logs = appendLog({}, event("log", "a", { message: "x\ny" }));
    expect(logs.a?.map((l) => l.text)).toEqual(["x", "y"]);
  });
});
