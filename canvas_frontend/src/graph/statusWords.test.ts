import { describe, expect, it } from "vitest";
import {
  dagsterAssetUrl,
  dagsterRunUrl,
  lastRunOf,
  nodeStateLabel,
  nodeStateMeaning,
  nodeStateTitle,
  runOutcomeLabel,
  whenText,
} from "./statusWords";

describe("node states", () => {
  it("reads a fresh result and one just computed the same: up to date", () => {
    expect(nodeStateLabel("fresh")).toBe("Up to date");
    expect(nodeStateLabel("succeeded")).toBe("Up to date");
  });

  it("names every state a node can show in plain words", () => {
    expect(
      ["stale", "missing", "invalid", "queued", "running", "failed", "skipped"].map(nodeStateLabel),
    ).toEqual(["Stale", "Not run", "Can't run", "Queued", "Running", "Failed", "Skipped"]);
    expect(nodeStateLabel(null)).toBe("Not checked");
    expect(nodeStateLabel("some_new_state")).toBe("Some new state");
  });

  it("gives the server's reason in the title, else what the state means", () => {
    expect(nodeStateTitle("stale", "params changed")).toBe("Stale: params changed");
    expect(nodeStateTitle("stale", "")).toBe(
      "Stale: its params or inputs changed since the stored result",
    );
    expect(nodeStateTitle("missing")).toBe("Not run: no result yet for these params and inputs");
    expect(nodeStateMeaning("fresh")).toBe(
      "the stored result matches the current params and inputs",
    );
    expect(nodeStateMeaning(undefined)).toBe("");
  });
});

describe("run outcomes", () => {
  it("reads Dagster's run statuses and the steps' statuses with the same words", () => {
    expect(runOutcomeLabel("SUCCESS")).toBe("Succeeded");
    expect(runOutcomeLabel("succeeded")).toBe("Succeeded");
    expect(runOutcomeLabel("FAILURE")).toBe("Failed");
    expect(runOutcomeLabel("failed")).toBe("Failed");
    expect(runOutcomeLabel("CANCELED")).toBe("Canceled");
    expect(runOutcomeLabel("STARTED")).toBe("Running");
    expect(runOutcomeLabel("NOT_STARTED")).toBe("Queued");
    expect(runOutcomeLabel("skipped")).toBe("Skipped");
    expect(runOutcomeLabel("MANAGED")).toBe("Managed");
  });
});

describe("whenText", () => {
  it("says how long ago, with the date and time for the tooltip", () => {
    const at = Date.UTC(2026, 0, 31, 8, 0, 0);
    expect(whenText(at, at + 5 * 60_000)).toEqual({
      relative: "5 min ago",
      absolute: new Date(at).toLocaleString(),
    });
    expect(whenText(null, at)).toBeNull();
  });
});

describe("Dagster UI addresses", () => {
  it("links a run and an asset by its key under /dagster/", () => {
    expect(dagsterRunUrl("0f3a-9c")).toBe("/dagster/runs/0f3a-9c");
    expect(dagsterAssetUrl(["sales_by_region", "totals"])).toBe(
      "/dagster/assets/sales_by_region/totals",
    );
    expect(dagsterAssetUrl(["w", "split", "train set"])).toBe(
      "/dagster/assets/w/split/train%20set",
    );
  });
});

describe("lastRunOf", () => {
  const stored = { lastRunAt: "2026-01-31T08:00:00+00:00", lastRunId: "r-old" };

  it("takes the current run's settled outcome for the node, ended after its duration", () => {
    const run = { state: "failed", startedAt: 1_000_000, durationS: 2.5 };
    expect(lastRunOf(run, "r-now", stored, 9)).toEqual({
      atMs: 1_002_500,
      runId: "r-now",
      outcome: "failed",
      durationS: 2.5,
    });
  });

  it("falls back to the run that stored the latest result while the current one goes on", () => {
    const run = { state: "running", startedAt: 1_000_000, durationS: null };
    expect(lastRunOf(run, "r-now", stored, 9)).toEqual({
      atMs: Date.UTC(2026, 0, 31, 8),
      runId: "r-old",
      outcome: "succeeded",
      durationS: 9,
    });
  });

  it("is null for a node that never ran", () => {
    expect(lastRunOf(undefined, null, { lastRunAt: null, lastRunId: null }, null)).toBeNull();
    expect(lastRunOf(undefined, null, undefined, null)).toBeNull();
  });
});
