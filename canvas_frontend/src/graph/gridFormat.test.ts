import { describe, expect, it } from "vitest";
import {
  MAX_COLUMN_WIDTH,
  MIN_COLUMN_WIDTH,
  columnWidth,
  dateOnly,
  formatBytes,
  formatCell,
  formatCompact,
  formatDate,
  formatNumber,
  formatRowCount,
  isNumericDtype,
  rowNumberWidth,
} from "./gridFormat";

describe("formatNumber", () => {
  it("groups thousands and trims decimals", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(19.9)).toBe("19.9");
    expect(formatNumber(1 / 3)).toBe("0.333333");
    expect(formatNumber(-2500.5)).toBe("-2,500.5");
    expect(formatNumber(0)).toBe("0");
  });

  it("uses exponent form only for the very small and very large", () => {
    expect(formatNumber(0.00001234)).toBe("1.23e-5");
    expect(formatNumber(4.56e18)).toBe("4.56e+18");
    expect(formatNumber(1e-7)).toBe("1e-7");
    expect(formatNumber(0.0001)).toBe("0.0001");
  });

  it("names the values JSON cannot carry", () => {
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe("-∞");
  });
});

describe("formatCompact", () => {
  it("shortens large numbers and keeps four significant digits", () => {
    expect(formatCompact(1234)).toBe("1.2K");
    expect(formatCompact(3_400_000)).toBe("3.4M");
    expect(formatCompact(5.843333)).toBe("5.843");
    expect(formatCompact(0.00002)).toBe("2e-5");
  });
});

describe("formatCell", () => {
  it("shows missing values as a distinct null", () => {
    expect(formatCell(null, "float")).toEqual({ text: "null", kind: "null" });
    expect(formatCell(undefined, "string")).toEqual({ text: "null", kind: "null" });
  });

  it("formats by kind", () => {
    expect(formatCell(1500, "integer")).toEqual({ text: "1,500", kind: "number" });
    expect(formatCell(true, "boolean")).toEqual({ text: "true", kind: "boolean" });
    expect(formatCell("west", "string")).toEqual({ text: "west", kind: "text" });
    expect(formatCell("2026-01-01T07:00:00", "datetime")).toEqual({
      text: "2026-01-01 07:00:00",
      kind: "date",
    });
    expect(formatCell({ a: 1 }, "unknown")).toEqual({ text: '{"a":1}', kind: "json" });
  });

  it("drops the midnight time only in a column of dates", () => {
    expect(formatDate("2026-01-01T00:00:00")).toBe("2026-01-01 00:00:00");
    expect(formatDate("2026-01-01T00:00:00", true)).toBe("2026-01-01");
    expect(formatDate("2026-03-01T12:00:00+01:00", true)).toBe("2026-03-01 12:00:00+01:00");
    expect(formatCell("2026-01-02T00:00:00", "datetime", true).text).toBe("2026-01-02");
  });

  it("tells a column of dates from one of timestamps", () => {
    expect(dateOnly(["2026-01-01T00:00:00", null, "2026-02-01T00:00:00"])).toBe(true);
    expect(dateOnly(["2026-01-01T00:00:00", "2026-01-01T07:00:00"])).toBe(false);
    expect(dateOnly([null, null])).toBe(false);
    expect(dateOnly([3])).toBe(false);
  });
});

describe("sizes and counts", () => {
  it("writes bytes with binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MiB");
    expect(formatBytes(-1)).toBe("?");
  });

  it("writes row counts", () => {
    expect(formatRowCount(1)).toBe("1 row");
    expect(formatRowCount(1130)).toBe("1,130 rows");
  });
});

describe("column widths", () => {
  it("fit the header and the values within bounds", () => {
    expect(columnWidth("id", "integer", [1, 2, 3])).toBeLessThan(120);
    expect(columnWidth("x", "float", [1])).toBe(MIN_COLUMN_WIDTH);
    // The header's name, sort arrow and dtype chip all fit: "unit_price" + "FLOAT".
    expect(columnWidth("unit_price", "float", [19.9])).toBeGreaterThanOrEqual(10 * 7.5 + 5 * 6.5);
    const long = columnWidth("description", "string", ["x".repeat(500)]);
    expect(long).toBe(MAX_COLUMN_WIDTH);
    const middle = columnWidth("ordered_at", "datetime", ["2026-01-01T07:00:00"]);
    expect(middle).toBeGreaterThan(MIN_COLUMN_WIDTH);
    expect(middle).toBeLessThan(MAX_COLUMN_WIDTH);
  });

  it("grow the row-number column with the row count", () => {
    expect(rowNumberWidth(10)).toBe(48);
    expect(rowNumberWidth(10_000_000)).toBeGreaterThan(rowNumberWidth(1000));
  });

  it("know which dtypes are numbers", () => {
    expect(isNumericDtype("integer")).toBe(true);
    expect(isNumericDtype("float")).toBe(true);
    expect(isNumericDtype("string")).toBe(false);
  });
});
