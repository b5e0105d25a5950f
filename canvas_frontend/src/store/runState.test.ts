import { describe, expect, it } from "vitest";
import { applyRunEvent, queuedRuns, type RunEventLike } from "./runState";

function event(
  kind: string,
  nodeId: string | null,
  extra: Partial<RunEventLike> = {},
): RunEventLike {
  return {
    kind,
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

describe("applyRunEvent", () => {
  it("walks a node from queued through running to succeeded", () => {
    let runs = queuedRuns(["a", "b"]);
    expect(runs.a?.state).toBe("queued");
    runs = applyRunEvent(runs, event("started", "a"));
    expect(runs.a?.state).toBe("running");
    runs = applyRunEvent(runs, event("progress", "a", { done: 2, total: 5 }));
    expect(runs.a).toMatchObject({ state: "running", done: 2, total: 5 });
    runs = applyRunEvent(runs, event("succeeded", "a", { rows: 10, durationS: 0.2 }));
    expect(runs.a).toMatchObject({ state: "succeeded", rows: 10 });
    expect(runs.b?.state).toBe("queued");
  });

  it("keeps the failure message", () => {
    const runs = applyRunEvent(queuedRuns(["a"]), event("failed", "a", { message: "boom" }));
    expect(runs.a).toMatchObject({ state: "failed", message: "boom" });
  });

  it("returns the same map for events about no node", () => {
    const runs = queuedRuns(["a"]);
    expect(applyRunEvent(runs, event("run_finished", null, { status: "SUCCESS" }))).toBe(runs);
    expect(applyRunEvent(runs, event("log", "a"))).toBe(runs);
  });
});
