import { describe, expect, it } from "vitest";
import { metricEntries, scalarText } from "./resultsMetrics";

describe("metricEntries", () => {
  it("turns flat metrics into name/value rows", () => {
    expect(
      metricEntries({ accuracy: 0.9312345678, n: 1500, model: "xgb", log_loss: null }),
    ).toEqual([
      { kind: "scalar", name: "accuracy", text: "0.931235", numeric: true },
      { kind: "scalar", name: "n", text: "1,500", numeric: true },
      { kind: "scalar", name: "model", text: "xgb", numeric: false },
      { kind: "scalar", name: "log_loss", text: "null", numeric: false },
    ]);
  });

  it("lays a classification report out as one table", () => {
    const report = {
      accuracy: 0.9,
      per_class: {
        setosa: { precision: 1, recall: 1, support: 10 },
        virginica: { precision: 0.8, recall: 0.9, support: 12 },
      },
    };
    const [accuracy, perClass] = metricEntries(report);
    expect(accuracy?.kind).toBe("scalar");
    expect(perClass).toEqual({
      kind: "records",
      name: "per_class",
      columns: ["precision", "recall", "support"],
      rows: [
        { name: "setosa", cells: ["1", "1", "10"] },
        { name: "virginica", cells: ["0.8", "0.9", "12"] },
      ],
    });
  });

  it("lays a top level made only of records out as one table", () => {
    const entries = metricEntries({ a: { x: 1 }, b: { x: 2, y: 3 } });
    expect(entries).toEqual([
      {
        kind: "records",
        name: "",
        columns: ["x", "y"],
        rows: [
          { name: "a", cells: ["1", ""] },
          { name: "b", cells: ["2", "3"] },
        ],
      },
    ]);
  });

  it("shows a confusion matrix as a grid and a short list on one line", () => {
    const [matrix, list] = metricEntries({
      confusion: [
        [50, 2],
        [3, 45],
      ],
      fold_scores: [0.91, 0.93, 0.9],
    });
    expect(matrix).toEqual({
      kind: "matrix",
      name: "confusion",
      cells: [
        ["50", "2"],
        ["3", "45"],
      ],
    });
    expect(list).toEqual({ kind: "list", name: "fold_scores", text: "0.91, 0.93, 0.9" });
  });

  it("nests objects as groups two levels deep, then falls back to JSON", () => {
    const [group] = metricEntries({ train: { r2: 0.8, deep: { deeper: { x: [1, { y: 2 }] } } } });
    expect(group?.kind).toBe("group");
    if (group?.kind !== "group") throw new Error("expected a group");
    expect(group.entries[0]).toEqual({ kind: "scalar", name: "r2", text: "0.8", numeric: true });
    const deep = group.entries[1];
    expect(deep?.kind).toBe("group");
    if (deep?.kind !== "group") throw new Error("expected a group");
    expect(deep.entries[0]?.kind).toBe("json");
  });

  it("wraps a bare value or a ragged list", () => {
    expect(metricEntries(0.5)).toEqual([
      { kind: "scalar", name: "value", text: "0.5", numeric: true },
    ]);
    const [ragged] = metricEntries({ r: [[1, 2], [3]] });
    expect(ragged?.kind).toBe("json");
  });

  it("writes scalars", () => {
    expect(scalarText(true)).toBe("true");
    expect(scalarText(null)).toBe("null");
    expect(scalarText(12345.5)).toBe("12,345.5");
  });
});
