import { describe, expect, it } from "vitest";
import { formatEta, formatMemory, formatRowsFlow, formatStepStats, secondsLeft } from "./runStats";

describe("secondsLeft", () => {
  it("extrapolates the progress rate once something is done", () => {
    expect(secondsLeft({ elapsedS: 10, done: 2, total: 5, lastDurationS: null })).toBe(15);
    // the progress rate wins over the last duration
    expect(secondsLeft({ elapsedS: 10, done: 5, total: 10, lastDurationS: 100 })).toBe(10);
  });

  it("falls back to the last duration before any progress", () => {
    expect(secondsLeft({ elapsedS: 4, done: 0, total: 5, lastDurationS: 10 })).toBe(6);
    expect(secondsLeft({ elapsedS: 4, done: null, total: null, lastDurationS: 10 })).toBe(6);
  });

  it("has no estimate without progress or history, or once past the last duration", () => {
    expect(secondsLeft({ elapsedS: 4, done: null, total: null, lastDurationS: null })).toBeNull();
    expect(secondsLeft({ elapsedS: 12, done: null, total: null, lastDurationS: 10 })).toBeNull();
    expect(secondsLeft({ elapsedS: 1, done: 0, total: 0, lastDurationS: 0 })).toBeNull();
  });

  it("says zero when the work is all done", () => {
    expect(secondsLeft({ elapsedS: 9, done: 5, total: 5, lastDurationS: null })).toBe(0);
  });
});

describe("formatEta", () => {
  it("reads seconds, minutes, hours", () => {
    expect(formatEta(11.2)).toBe("~12 s left");
    expect(formatEta(59)).toBe("~59 s left");
    expect(formatEta(150)).toBe("~3 min left");
    expect(formatEta(3600)).toBe("~1 h left");
    expect(formatEta(3900)).toBe("~1 h 5 min left");
  });

  it("is almost done under a second and empty when unknown", () => {
    expect(formatEta(0)).toBe("almost done");
    expect(formatEta(null)).toBe("");
    expect(formatEta(Number.NaN)).toBe("");
  });
});

describe("step stats", () => {
  it("formats memory added", () => {
    expect(formatMemory(35.4)).toBe("+35 MB");
    expect(formatMemory(0.42)).toBe("+0.4 MB");
    expect(formatMemory(1536)).toBe("+1.5 GB");
    expect(formatMemory(-3)).toBe("+0.0 MB");
    expect(formatMemory(null)).toBe("");
  });

  it("formats rows in and out", () => {
    expect(formatRowsFlow(150, 120)).toBe("150 → 120 rows");
    expect(formatRowsFlow(null, 1)).toBe("1 row");
    expect(formatRowsFlow(1500, null)).toBe("1,500 rows in");
    expect(formatRowsFlow(null, null)).toBe("");
  });

  it("joins what is known", () => {
    expect(formatStepStats({ durationS: 1.23, rowsIn: 150, rows: 120, memoryMb: 35 })).toBe(
      "1.2 s · 150 → 120 rows · +35 MB",
    );
    expect(formatStepStats({ durationS: 0.5, rowsIn: null, rows: null, memoryMb: null })).toBe(
      "0.50 s",
    );
  });
});
