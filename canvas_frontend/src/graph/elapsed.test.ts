import { describe, expect, it } from "vitest";
import {
  elapsedSeconds,
  formatDuration,
  formatElapsed,
  formatRows,
  parseTimestamp,
} from "./elapsed";

describe("formatElapsed", () => {
  it("reads seconds, then minutes, then hours", () => {
    expect(formatElapsed(0)).toBe("0 s");
    expect(formatElapsed(59.9)).toBe("59 s");
    expect(formatElapsed(65)).toBe("1:05");
    expect(formatElapsed(3599)).toBe("59:59");
    expect(formatElapsed(3723)).toBe("1:02:03");
  });

  it("never shows a negative time", () => {
    expect(formatElapsed(-3)).toBe("0 s");
  });
});

describe("elapsedSeconds", () => {
  it("counts whole seconds and clamps a start in the future to zero", () => {
    expect(elapsedSeconds(1_000, 3_999)).toBe(2);
    expect(elapsedSeconds(5_000, 1_000)).toBe(0);
  });
});

describe("formatDuration", () => {
  it("keeps precision for short steps", () => {
    expect(formatDuration(0.042)).toBe("0.04 s");
    expect(formatDuration(3.14159)).toBe("3.1 s");
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(125)).toBe("2:05");
  });

  it("is empty when unknown or nonsense", () => {
    expect(formatDuration(null)).toBe("");
    expect(formatDuration(Number.NaN)).toBe("");
    expect(formatDuration(-1)).toBe("");
  });
});

describe("formatRows", () => {
  it("groups thousands and says row or rows", () => {
    expect(formatRows(1)).toBe("1 row");
    expect(formatRows(0)).toBe("0 rows");
    expect(formatRows(1234567)).toBe("1,234,567 rows");
    expect(formatRows(null)).toBe("");
  });
});

describe("parseTimestamp", () => {
  it("reads ISO timestamps and rejects the rest", () => {
    expect(parseTimestamp("2026-01-01T00:00:01Z")).toBe(Date.UTC(2026, 0, 1, 0, 0, 1));
    expect(parseTimestamp("yesterday")).toBeNull();
    expect(parseTimestamp(null)).toBeNull();
  });
});
