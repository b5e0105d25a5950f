import { describe, expect, it } from "vitest";
import {
  DEFAULT_PANEL_HEIGHT,
  MIN_PANEL_HEIGHT,
  clampPanelHeight,
  earlierResultNotice,
  emptyState,
  modelFacts,
  jsonSummary,
  startsOpen,
  UPSTREAM_INVALID,
} from "./resultsView";

const missing = {
  __typename: "NoResultError" as const,
  message: "node 'chart' has no result",
  state: "missing",
  reason: "never run",
};

describe("emptyState", () => {
  it("is null when there is a result to show", () => {
    expect(emptyState(undefined, { state: "fresh", reason: "" }, null)).toBeNull();
    expect(emptyState({ state: "succeeded", message: "" }, undefined, null)).toBeNull();
  });

  it("teaches to run a node that never ran, with the reason", () => {
    expect(emptyState(undefined, undefined, missing)).toEqual({
      title: "Run the workflow to see this node's output",
      detail: "Not computed yet: never run.",
      tone: "neutral",
    });
  });

  it("says why a stale node has no current result", () => {
    const stale = { ...missing, state: "stale", reason: "params changed" };
    expect(emptyState(undefined, undefined, stale)).toMatchObject({
      title: "This node's result is out of date",
      detail: "Params changed. Run the stale nodes to update it.",
    });
  });

  it("shows a failure's message, even over an earlier result", () => {
    const failed = { state: "failed", message: "unknown column 'unitz'" };
    expect(emptyState(failed, undefined, null)).toEqual({
      title: "This node failed",
      detail: "unknown column 'unitz'",
      tone: "danger",
    });
  });

  it("says a node is being computed rather than that it never ran", () => {
    expect(emptyState({ state: "running", message: "" }, undefined, missing)?.title).toBe(
      "Running…",
    );
    expect(emptyState({ state: "queued", message: "" }, undefined, missing)?.title).toBe(
      "Waiting to run…",
    );
  });

  it("passes other errors through with their hint", () => {
    const invalid = {
      __typename: "InvalidInputError" as const,
      message: "the workflow has errors",
      hint: "fix the issues",
      field: null,
    };
    expect(emptyState(undefined, undefined, invalid)?.detail).toBe(
      "the workflow has errors. fix the issues",
    );
    const gone = { __typename: "NotFoundError" as const, message: "no node 'x'" };
    expect(emptyState(undefined, undefined, gone)?.detail).toBe("no node 'x'");
  });
});

describe("emptyState of a node that cannot run for errors", () => {
  const ownIssue = {
    code: "missing_column",
    message: "column 'revenu' is not in the columns",
    hint: "pick one of: region, revenue",
  };
  const invalid = (
    issues: readonly { code: string; message: string; hint: string }[],
    blockedBy: readonly { nodeId: string; label: string }[],
  ) => ({
    __typename: "NoResultError" as const,
    message: "node 'x' has no current result",
    state: "invalid",
    reason: issues[0]?.message ?? "",
    issues,
    blockedBy,
  });
  const upstream = (label: string, id: string) => ({
    code: UPSTREAM_INVALID,
    message: `upstream node "${label}" (${id}) has errors, so this node cannot run`,
    hint: `fix "${label}" (${id}) first`,
  });
  const freshness = { state: "invalid", reason: "" };

  it("asks to fix the node itself when it has errors of its own", () => {
    expect(emptyState(undefined, freshness, invalid([ownIssue], []))).toEqual({
      title: "Fix this node's problems first",
      detail: "Column 'revenu' is not in the columns. Pick one of: region, revenue.",
      tone: "warn",
    });
    const two = invalid([ownIssue, { ...ownIssue, message: "another" }], []);
    expect(emptyState(undefined, freshness, two)?.detail).toMatch(
      /revenue\. \(1 more in the Problems list\)$/,
    );
  });

  it("own errors come before a broken upstream node", () => {
    const both = invalid(
      [ownIssue, upstream("Revenue chart", "chart")],
      [{ nodeId: "chart", label: "Revenue chart" }],
    );
    expect(emptyState(undefined, freshness, both)?.title).toBe("Fix this node's problems first");
  });

  it("names the upstream node to fix when only its errors block this node", () => {
    const blocked = invalid(
      [upstream("Revenue chart", "chart")],
      [{ nodeId: "chart", label: "Revenue chart" }],
    );
    expect(emptyState(undefined, freshness, blocked)).toEqual({
      title: "Fix “Revenue chart” first",
      detail:
        "“Revenue chart” has errors, so this node cannot run. The Problems list says what to fix.",
      tone: "warn",
    });
    const three = invalid(
      [upstream("A", "a"), upstream("B", "b"), upstream("C", "c")],
      [
        { nodeId: "a", label: "A" },
        { nodeId: "b", label: "B" },
        { nodeId: "c", label: "" },
      ],
    );
    expect(emptyState(undefined, freshness, three)?.title).toBe("Fix “A”, “B” and 1 more first");
    const two = invalid(
      [upstream("A", "a")],
      [
        { nodeId: "a", label: "A" },
        { nodeId: "b", label: "" },
      ],
    );
    expect(emptyState(undefined, freshness, two)?.title).toBe("Fix “A” and “b” first");
  });
});

describe("earlierResultNotice", () => {
  it("is silent for the current result and explains an earlier one", () => {
    expect(earlierResultNotice(true, { state: "stale", reason: "x" })).toBeNull();
    expect(earlierResultNotice(false, { state: "stale", reason: "upstream totals changed" })).toBe(
      "Showing an earlier result (upstream totals changed); run stale to update.",
    );
    expect(earlierResultNotice(false, undefined)).toBe(
      "Showing an earlier result; run stale to update.",
    );
  });
});

describe("clampPanelHeight", () => {
  it("keeps the panel between its minimum and most of the window", () => {
    expect(clampPanelHeight(50, 1000)).toBe(MIN_PANEL_HEIGHT);
    expect(clampPanelHeight(2000, 1000)).toBe(850);
    expect(clampPanelHeight(333.4, 1000)).toBe(333);
    expect(clampPanelHeight(Number.NaN, 1000)).toBe(DEFAULT_PANEL_HEIGHT);
    expect(clampPanelHeight(500, 100)).toBe(MIN_PANEL_HEIGHT);
  });
});

describe("JSON view helpers", () => {
  it("summarises collapsed values", () => {
    expect(jsonSummary([1, 2, 3])).toBe("[3 items]");
    expect(jsonSummary([1])).toBe("[1 item]");
    expect(jsonSummary({ a: 1 })).toBe("{1 key}");
    expect(jsonSummary("x")).toBe('"x"');
    expect(jsonSummary(null)).toBe("null");
  });

  it("opens the first levels of small values", () => {
    expect(startsOpen(0, new Array(500).fill(0))).toBe(true);
    expect(startsOpen(1, { a: 1 })).toBe(true);
    expect(startsOpen(1, new Array(50).fill(0))).toBe(false);
    expect(startsOpen(2, { a: 1 })).toBe(false);
  });
});

describe("modelFacts", () => {
  it("lists what a stored model says about itself and skips what it does not", () => {
    const rows = modelFacts({
      class: "canvas-model",
      format: "canvas-model",
      model: {
        kind: "classifier",
        algorithm: "sklearn.linear_model.LogisticRegression",
        target: "diagnosis",
        classes: [0, 1],
        features: ["a", "b"],
        training_rows: 426,
        params: { C: 1, class_weight: null, nested: { x: 1 } },
        library_versions: { "scikit-learn": "1.9.0" },
      },
    });
    expect(Object.fromEntries(rows)).toEqual({
      Kind: "classifier",
      Algorithm: "sklearn.linear_model.LogisticRegression",
      Target: "diagnosis",
      Classes: "0, 1",
      "Features (2)": "a, b",
      "Trained on": "426 rows",
      Params: "C=1",
      Libraries: "scikit-learn 1.9.0",
      "Stored as": "canvas-model",
    });
    expect(modelFacts(null)).toEqual([]);
  });

  it("shows the boosting rounds a model uses, and when early stopping cut them", () => {
    const facts = (training: Record<string, number>) =>
      Object.fromEntries(modelFacts({ model: { training } }))["Boosting rounds"];
    expect(facts({ rounds_trained: 100, rounds_used: 100 })).toBe("100");
    expect(facts({ rounds_trained: 57, rounds_used: 47 })).toBe(
      "47 used of 57 trained (early stopping)",
    );
    expect(facts({})).toBeUndefined();
  });
});
