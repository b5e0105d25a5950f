import { describe, expect, it } from "vitest";
import { canReexecute, formatAgo, orderForCompare, selectionLabel, stepCounts } from "./runHistory";

describe("formatAgo", () => {
  const now = Date.parse("2026-01-02T00:00:00Z");
  it("reads seconds as just now, then minutes, hours, days", () => {
    expect(formatAgo(now - 10_000, now)).toBe("just now");
    expect(formatAgo(now - 3 * 60_000, now)).toBe("3 min ago");
    expect(formatAgo(now - 2 * 3600_000, now)).toBe("2 h ago");
    expect(formatAgo(now - 5 * 86400_000, now)).toBe("5 days ago");
    expect(formatAgo(null, now)).toBe("");
  });
});

describe("selectionLabel", () => {
  it("puts the selection tag in words", () => {
    expect(selectionLabel("stale")).toBe("stale");
    expect(selectionLabel("upstream:train")).toBe("up to train");
    expect(selectionLabel("all")).toBe("all (forced)");
    expect(selectionLabel("")).toBe("—");
  });
});

describe("stepCounts", () => {
  it("counts outcomes", () => {
    expect(
      stepCounts([
        { status: "succeeded" },
        { status: "succeeded" },
        { status: "failed" },
        { status: "skipped" },
      ]),
    ).toBe("2 ✓ · 1 ✕ · 1 skipped");
    expect(stepCounts([])).toBe("");
  });
});

describe("canReexecute", () => {
  it("is only for failed or canceled runs", () => {
    expect(canReexecute("FAILURE")).toBe(true);
    expect(canReexecute("CANCELED")).toBe(true);
    expect(canReexecute("SUCCESS")).toBe(false);
    expect(canReexecute("STARTED")).toBe(false);
  });
});

describe("orderForCompare", () => {
  const runs = [
    { id: "new", createdAt: "2026-01-02T00:00:00Z" },
    { id: "old", createdAt: "2026-01-01T00:00:00Z" },
    { id: "other", createdAt: "2026-01-03T00:00:00Z" },
  ];
  it("puts the older ticked run first", () => {
    expect(orderForCompare(runs, ["new", "old"])?.map((r) => r.id)).toEqual(["old", "new"]);
  });
  it("needs exactly two runs", () => {
    expect(orderForCompare(runs, ["new"])).toBeNull();
    expect(orderForCompare(runs, ["new", "gone"])).toBeNull();
  });
});
