import { describe, expect, it } from "vitest";
import type { ConnectionStart, NodeHints } from "./connectionHints";
import { pointerHint } from "./pointerHint";

const start: ConnectionStart = { nodeId: "totals", port: "data", side: "source" };
const hints: Record<string, NodeHints> = {
  totals: { data: { state: "bad", reason: "a node cannot feed itself" } },
  chart: { data: { state: "ok", reason: "" } },
  sort: { data: { state: "ok", reason: "replaces the connection from orders.data" } },
  rf: { train: { state: "bad", reason: "a model output cannot feed a dataframe input" } },
};

describe("pointerHint", () => {
  it("says why a port does not fit, or that it fits and what it replaces", () => {
    expect(pointerHint(hints, start, { nodeId: "rf", id: "train", type: "target" })).toEqual({
      state: "bad",
      text: "Cannot connect: a model output cannot feed a dataframe input",
    });
    expect(pointerHint(hints, start, { nodeId: "chart", id: "data", type: "target" })).toEqual({
      state: "ok",
      text: "Fits",
    });
    expect(pointerHint(hints, start, { nodeId: "sort", id: "data", type: "target" })?.text).toBe(
      "Fits: replaces the connection from orders.data",
    );
    expect(pointerHint(hints, start, { nodeId: "totals", id: "data", type: "target" })?.text).toBe(
      "Cannot connect: a node cannot feed itself",
    );
  });

  it("tells an output from an input of the same name", () => {
    // chart's *output* named data: an output cannot end an output's connection
    expect(pointerHint(hints, start, { nodeId: "chart", id: "data", type: "source" })).toEqual({
      state: "bad",
      text: "Cannot connect: an output connects to an input (the left side of a node)",
    });
    const fromInput: ConnectionStart = { nodeId: "chart", port: "data", side: "target" };
    expect(
      pointerHint({}, fromInput, { nodeId: "rf", id: "train", type: "target" })?.text,
    ).toContain("an input is fed by an output");
  });

  it("says nothing away from a port, on the starting port, or without a drag", () => {
    expect(pointerHint(hints, start, null)).toBeNull();
    expect(pointerHint(hints, start, { nodeId: "totals", id: "data", type: "source" })).toBeNull();
    expect(pointerHint(hints, start, { nodeId: "nobody", id: "x", type: "target" })).toBeNull();
    expect(pointerHint(null, null, { nodeId: "chart", id: "data", type: "target" })).toBeNull();
  });
});
