import { describe, expect, it } from "vitest";
import {
  candidateCount,
  hyperparameters,
  newRow,
  parseSpaceValue,
  rowProblems,
  rowsFromSpace,
  searchSpaceParam,
  searchSummary,
  spaceFromRows,
  switchKind,
  withParam,
  type HyperParam,
  type SpaceRow,
} from "./searchSpace";

// The logistic regression node's params schema as the server sends it.
const logistic = {
  additionalProperties: false,
  properties: {
    features: {
      items: { type: "string" },
      type: "array",
      "x-input-port": "train",
      "x-widget": "columns",
    },
    target: { default: "", type: "string", "x-input-port": "train", "x-widget": "column" },
    C: { default: 1.0, exclusiveMinimum: 0, title: "C", type: "number" },
    max_iter: { default: 100, maximum: 100000, minimum: 1, title: "Max Iter", type: "integer" },
    fit_intercept: { default: true, title: "Fit Intercept", type: "boolean" },
    class_weight: {
      anyOf: [{ const: "balanced", type: "string" }, { type: "null" }],
      default: null,
      title: "Class Weight",
    },
    random_state: { default: 0, minimum: 0, title: "Random State", type: "integer" },
  },
  type: "object",
};

const hps = hyperparameters(logistic);
const hp = (name: string): HyperParam => {
  const found = hps.find((p) => p.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};
const values = (param: string, list: SpaceRow["values"]): SpaceRow => ({
  param,
  kind: "values",
  values: list,
  low: null,
  high: null,
  log: false,
  integer: false,
});
const range = (param: string, low: number | null, high: number | null, more = {}): SpaceRow => ({
  param,
  kind: "range",
  values: [],
  low,
  high,
  log: false,
  integer: false,
  ...more,
});

describe("hyperparameters", () => {
  it("offers the model's params with their types, bounds and choices, not its column params", () => {
    expect(hps.map((p) => p.name)).toEqual([
      "C",
      "max_iter",
      "fit_intercept",
      "class_weight",
      "random_state",
    ]);
    expect(hp("C")).toMatchObject({ kind: "number", min: 0, exclusiveMin: true, default: 1 });
    expect(hp("max_iter")).toMatchObject({ kind: "integer", min: 1, max: 100000 });
    expect(hp("fit_intercept").options).toEqual([true, false]);
    expect(hp("class_weight")).toMatchObject({ kind: "enum", options: ["balanced", null] });
  });

  it("takes the model node's own values as where the search starts", () => {
    const own = hyperparameters(logistic, { max_iter: 1000 });
    expect(own.find((p) => p.name === "max_iter")?.default).toBe(1000);
    expect(newRow([values("C", [1])], own)).toEqual(values("max_iter", [1000]));
  });

  it("has none without a model schema", () => {
    expect(hyperparameters(undefined)).toEqual([]);
  });
});

describe("rows and the stored space", () => {
  it("round-trips value lists and ranges", () => {
    const space = [
      { param: "C", values: [0.1, 1, 10] },
      { param: "max_iter", low: 100, high: 1000, integer: true },
      { param: "alpha", low: 0.0001, high: 1, log: true },
      { param: "class_weight", values: ["balanced", null] },
    ];
    const read = rowsFromSpace(space, true);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.rows[1]).toEqual(range("max_iter", 100, 1000, { integer: true }));
    expect(spaceFromRows(read.rows)).toEqual(space);
  });

  it("refuses what the rows cannot show, saying why, so the editor falls back to JSON", () => {
    expect(rowsFromSpace({ param: "C" }, false)).toEqual({
      ok: false,
      error: "the search space is not a list",
    });
    expect(rowsFromSpace([{ param: "C", values: [1], extra: 1 }], false)).toMatchObject({
      ok: false,
      error: expect.stringContaining("unknown keys: extra") as unknown,
    });
    expect(rowsFromSpace([{ param: "C", low: 1, high: 2 }], false)).toMatchObject({
      ok: false,
      error: expect.stringContaining("only random search") as unknown,
    });
    expect(rowsFromSpace([{ param: "C", values: [[1]] }], false).ok).toBe(false);
    expect(rowsFromSpace([{ param: "C", values: [1], low: 0, high: 2 }], true).ok).toBe(false);
  });

  it("reads no value as an empty space", () => {
    expect(rowsFromSpace(undefined, false)).toEqual({ ok: true, rows: [] });
  });
});

describe("candidates", () => {
  it("counts the grid's combinations", () => {
    const rows = [values("C", [0.1, 1, 10]), values("fit_intercept", [true, false])];
    expect(candidateCount(rows)).toBe(6);
    expect(candidateCount([])).toBe(0);
    expect(candidateCount([values("C", [1]), range("max_iter", 1, 5)])).toBeNull();
  });

  it("summarises a grid, a random search over lists and one over ranges, with the fits", () => {
    const rows = [values("C", [0.1, 1, 10]), values("fit_intercept", [true, false])];
    expect(searchSummary(rows, null, 5)).toBe("3 × 2 = 6 candidates × 5 folds = 30 fits");
    expect(searchSummary(rows, 4, null)).toBe("4 candidates: 4 of 6 combinations");
    expect(searchSummary(rows, 20, 3)).toBe(
      "6 candidates: all of 6 combinations × 3 folds = 18 fits",
    );
    expect(searchSummary([range("C", 0.01, 100)], 20, 5)).toBe(
      "20 random draws (ranges) × 5 folds = 100 fits",
    );
    expect(searchSummary([values("C", [1])], null, null)).toBe("1 candidate");
  });
});

describe("typing values", () => {
  it("types a value as the hyperparameter takes it", () => {
    expect(parseSpaceValue("0.5", hp("C"))).toEqual({ ok: true, value: 0.5 });
    expect(parseSpaceValue("1e-3", hp("C"))).toEqual({ ok: true, value: 0.001 });
    expect(parseSpaceValue("balanced", hp("class_weight"))).toEqual({
      ok: true,
      value: "balanced",
    });
    expect(parseSpaceValue("none", hp("class_weight"))).toEqual({ ok: true, value: null });
    expect(parseSpaceValue("false", hp("fit_intercept"))).toEqual({ ok: true, value: false });
  });

  it("says why a value does not fit: not a number, out of bounds, not whole, not a choice", () => {
    expect(parseSpaceValue("abc", hp("C"))).toEqual({ ok: false, error: "abc is not a number" });
    expect(parseSpaceValue("0", hp("C"))).toEqual({
      ok: false,
      error: "C must be > 0 (0 is not)",
    });
    expect(parseSpaceValue("2.5", hp("max_iter"))).toEqual({
      ok: false,
      error: "2.5 is not a whole number",
    });
    expect(parseSpaceValue("auto", hp("class_weight"))).toEqual({
      ok: false,
      error: "not one of balanced, none",
    });
    expect(parseSpaceValue("none", hp("C"))).toEqual({ ok: false, error: "C cannot be none" });
    expect(parseSpaceValue("  ", hp("C")).ok).toBe(false);
  });

  it("guesses the type without a connected model, keeping quoted text as text", () => {
    expect(parseSpaceValue("3", null)).toEqual({ ok: true, value: 3 });
    expect(parseSpaceValue("true", null)).toEqual({ ok: true, value: true });
    expect(parseSpaceValue("None", null)).toEqual({ ok: true, value: null });
    expect(parseSpaceValue("sqrt", null)).toEqual({ ok: true, value: "sqrt" });
    expect(parseSpaceValue('"3"', null)).toEqual({ ok: true, value: "3" });
  });
});

describe("editing rows", () => {
  it("starts a new row on the next unused hyperparameter with suggested values", () => {
    expect(newRow([], hps)).toEqual(values("C", [1]));
    expect(newRow([values("C", [1]), values("max_iter", [100])], hps)).toEqual(
      values("fit_intercept", [true, false]),
    );
    expect(newRow([], [])).toEqual(values("", []));
  });

  it("swaps values that do not fit a newly picked hyperparameter for suggestions", () => {
    expect(withParam(values("C", [0.1, 1]), hp("class_weight"), "class_weight")).toEqual(
      values("class_weight", ["balanced", null]),
    );
    expect(withParam(values("C", [5, 10]), hp("max_iter"), "max_iter")).toEqual(
      values("max_iter", [5, 10]),
    );
    expect(withParam(range("C", 1, 5), hp("fit_intercept"), "fit_intercept")).toEqual(
      values("fit_intercept", [true, false]),
    );
  });

  it("turns listed values into a range over them (log when wide) and a range back into its ends", () => {
    expect(switchKind(values("C", [0.01, 1, 100]), hp("C"))).toEqual(
      range("C", 0.01, 100, { log: true }),
    );
    expect(switchKind(values("max_iter", [100, 300]), hp("max_iter"))).toEqual(
      range("max_iter", 100, 300, { integer: true }),
    );
    expect(switchKind(range("C", 0.1, 10, { log: true }), hp("C"))).toEqual(values("C", [0.1, 10]));
  });
});

describe("rowProblems", () => {
  it("says what the server's validation would, at once", () => {
    const rows = [
      values("", [1]),
      values("C", []),
      values("C", [1]),
      range("max_iter", 10, 5, { integer: true }),
      range("C2", 0, 1, { log: true }),
      range("max_iter", null, 5),
    ];
    const messages = rowProblems(rows, [], true).map((ps) => ps.map((p) => p.message));
    expect(messages).toEqual([
      ["pick a hyperparameter"],
      ["add at least one value to try"],
      ["C is listed twice: merge the two rows"],
      ["low (10) must be below high (5)"],
      ["a log-scale range must start above 0"],
      ["max_iter is listed twice: merge the two rows", "give both low and high"],
    ]);
  });

  it("checks values and ranges against the connected model's hyperparameters", () => {
    const rows = [
      values("C", [0, 1, 1]),
      values("fit_intercept", ["yes"]),
      range("max_iter", 0.5, 10.5),
      range("class_weight", 1, 2),
      values("tol", [0.001]),
    ];
    const problems = rowProblems(rows, hps, true);
    expect(problems[0]?.map((p) => p.message)).toEqual([
      "a value is listed twice",
      "C must be > 0 (0 is not)",
    ]);
    expect(problems[1]?.map((p) => p.message)).toEqual(["yes is not one of true, false"]);
    expect(problems[2]?.map((p) => p.message)).toEqual([
      "max_iter takes whole numbers: tick them",
      "max_iter must be ≥ 1 (0.5 is not)",
    ]);
    expect(problems[3]?.[0]?.message).toBe(
      "class_weight is not numeric: list its values instead of a range",
    );
    // the estimator may take more params than the node shows: a warning, not an error
    expect(problems[4]).toEqual([
      {
        severity: "warning",
        message:
          "tol is not a parameter of the connected model node; the run checks it against the estimator",
      },
    ]);
  });

  it("refuses a range where only value lists are taken (grid search)", () => {
    expect(rowProblems([range("C", 1, 2)], [], false)[0]?.[0]?.message).toBe(
      "only random search draws from a range: list values instead",
    );
  });
});

describe("searchSpaceParam", () => {
  it("finds the search space param and whether it takes ranges", () => {
    const schema = {
      properties: {
        space: { "x-widget": "search_space", "x-search-ranges": true },
        grid: { "x-widget": "search_space" },
        n_iter: { type: "integer" },
      },
    };
    expect(searchSpaceParam(schema, "space")).toEqual({ ranges: true });
    expect(searchSpaceParam(schema, "grid")).toEqual({ ranges: false });
    expect(searchSpaceParam(schema, "n_iter")).toBeNull();
    expect(searchSpaceParam(undefined, "space")).toBeNull();
  });
});
