import { describe, expect, it } from "vitest";
import { compareMetrics, MISSING, numericDiff } from "./runCompare";

describe("numericDiff", () => {
  it("is B minus A with a sign, without float noise", () => {
    expect(numericDiff(0.1, 0.3)).toEqual({ text: "+0.2", direction: 1 });
    expect(numericDiff(1200, 200)).toEqual({ text: "−1,000", direction: -1 });
    expect(numericDiff(0.97, 0.97)).toEqual({ text: "0", direction: 0 });
  });

  it("is empty when either side is not a number", () => {
    expect(numericDiff(undefined, 1)).toEqual({ text: "", direction: 0 });
    expect(numericDiff("a", "b")).toEqual({ text: "", direction: 0 });
    expect(numericDiff(null, 1)).toEqual({ text: "", direction: 0 });
  });
});

describe("compareMetrics", () => {
  it("lines up node · metric rows with a dash for what one run lacks", () => {
    const rows = compareMetrics(
      [{ nodeId: "evaluate", port: "metrics", values: { accuracy: 0.9, f1: 0.8 } }],
      [
        { nodeId: "evaluate", port: "metrics", values: { accuracy: 0.95, auc: 0.99 } },
        { nodeId: "cv", port: "scores", values: { mean: 0.5 } },
      ],
    );
    expect(rows.map((r) => [r.node, r.metric, r.a, r.b, r.diff])).toEqual([
      ["evaluate", "accuracy", "0.9", "0.95", "+0.05"],
      ["evaluate", "f1", "0.8", MISSING, ""],
      ["evaluate", "auc", MISSING, "0.99", ""],
      ["cv", "mean", MISSING, "0.5", ""],
    ]);
    expect(rows[0]?.direction).toBe(1);
  });

  it("names the port when a node has metrics on several ports", () => {
    const rows = compareMetrics(
      [
        { nodeId: "m", port: "train", values: { r2: 0.9 } },
        { nodeId: "m", port: "test", values: { r2: 0.8 } },
      ],
      [{ nodeId: "m", port: "test", values: { r2: 0.7 } }],
    );
    expect(rows.map((r) => [r.node, r.a, r.b, r.diff])).toEqual([
      ["m.train", "0.9", MISSING, ""],
      ["m.test", "0.8", "0.7", "−0.1"],
    ]);
  });

  it("formats values like the results panel (grouped numbers, text, null)", () => {
    const rows = compareMetrics(
      [{ nodeId: "n", port: "p", values: { rows: 12345, best: "rf", gap: null } }],
      [{ nodeId: "n", port: "p", values: { rows: 12000, best: "xgb", gap: 1 } }],
    );
    expect(rows.map((r) => [r.a, r.b, r.diff])).toEqual([
      ["12,345", "12,000", "−345"],
      ["rf", "xgb", ""],
      ["null", "1", ""],
    ]);
  });

  it("is empty when neither run has metrics", () => {
    expect(compareMetrics([], [])).toEqual([]);
  });
});
