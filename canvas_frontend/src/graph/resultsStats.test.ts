import { describe, expect, it } from "vitest";
import {
  headerSummary,
  histogramBars,
  percent,
  statLines,
  topValueShares,
  type ColumnStatsLike,
} from "./resultsStats";

const base: ColumnStatsLike = {
  name: "x",
  dtype: "float",
  nullCount: 0,
  count: null,
  distinctCount: null,
  min: null,
  max: null,
  mean: null,
  std: null,
  p25: null,
  median: null,
  p75: null,
  histogram: [],
  topValues: [],
  earliest: null,
  latest: null,
};

const revenue: ColumnStatsLike = {
  ...base,
  name: "revenue",
  nullCount: 10,
  count: 990,
  distinctCount: 870,
  min: 1.5,
  max: 2400,
  mean: 120.25,
  std: 80.5,
  p25: 40,
  median: 95.5,
  p75: 180,
};

describe("percent", () => {
  it("rounds shares for reading", () => {
    expect(percent(0, 10)).toBe("0%");
    expect(percent(1, 2000)).toBe("<0.1%");
    expect(percent(1, 8)).toBe("13%");
    expect(percent(1, 40)).toBe("2.5%");
    expect(percent(5, 5)).toBe("100%");
    expect(percent(3, 0)).toBe("0%");
  });
});

describe("statLines", () => {
  it("lists counts, then the numbers' stats in reading order", () => {
    const lines = statLines(revenue, 1000);
    expect(lines.map((l) => l.label)).toEqual([
      "Type",
      "Values",
      "Missing",
      "Distinct",
      "Min",
      "25%",
      "Median",
      "75%",
      "Max",
      "Mean",
      "Std",
    ]);
    expect(lines.find((l) => l.label === "Missing")?.value).toBe("10 (1.0%)");
    expect(lines.find((l) => l.label === "Max")?.value).toBe("2,400");
  });

  it("derives the present count when the API has none, and shows dates", () => {
    const when = { ...base, dtype: "datetime", nullCount: 2, earliest: "2026-01-01T00:00:00" };
    const lines = statLines({ ...when, latest: "2026-02-01T06:00:00" }, 10);
    expect(lines).toContainEqual({ label: "Values", value: "8" });
    expect(lines).toContainEqual({ label: "Earliest", value: "2026-01-01 00:00:00" });
    expect(lines).toContainEqual({ label: "Latest", value: "2026-02-01 06:00:00" });
    expect(lines.some((l) => l.label === "Min")).toBe(false);
  });
});

describe("headerSummary", () => {
  it("shows a range for numbers and dates, distinct values for text, and the nulls", () => {
    expect(headerSummary(revenue, 1000)).toBe("1.5 – 2.4K · 1.0% null");
    expect(headerSummary({ ...base, dtype: "string", distinctCount: 4 }, 100)).toBe("4 distinct");
    expect(
      headerSummary({ ...base, earliest: "2026-01-01T00:00:00", latest: "2026-03-01T00:00:00" }, 1),
    ).toBe("2026-01-01 – 2026-03-01");
    expect(headerSummary(base, 0)).toBe("");
  });
});

describe("histogramBars", () => {
  it("scales to the tallest bar and keeps small counts visible", () => {
    const bars = histogramBars([
      { start: 0, end: 1, count: 200 },
      { start: 1, end: 2, count: 1 },
      { start: 2, end: 3, count: 0 },
    ]);
    expect(bars.map((b) => b.height)).toEqual([1, 0.04, 0]);
    expect(bars[0]?.label).toBe("0 – 1: 200");
  });

  it("handles no bins and empty bins", () => {
    expect(histogramBars([])).toEqual([]);
    expect(histogramBars([{ start: 0, end: 0, count: 0 }])[0]?.height).toBe(0);
  });
});

describe("topValueShares", () => {
  it("gives each frequent value its share of the present values", () => {
    const column = {
      ...base,
      dtype: "string",
      nullCount: 20,
      count: 80,
      topValues: [
        { value: "west", count: 40 },
        { value: "east", count: 20 },
      ],
    };
    const shares = topValueShares(column, 100);
    expect(shares.map((s) => s.share)).toEqual([0.5, 0.25]);
    expect(shares[0]?.label).toBe("40 (50%)");
  });
});
