/**
 * How the results grid writes values: numbers grouped and trimmed (exponent notation only for the
 * very large and very small), dates without the ISO "T", missing values as a distinct "null",
 * byte sizes, and the width each column starts with. Pure and locale-fixed (en-US) so the grid
 * reads the same everywhere and the tests are exact.
 */

export type CellKind = "null" | "number" | "text" | "boolean" | "date" | "json";

export interface FormattedCell {
  text: string;
  kind: CellKind;
}

const NUMERIC_DTYPES = new Set(["integer", "float"]);

export function isNumericDtype(dtype: string): boolean {
  return NUMERIC_DTYPES.has(dtype);
}

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });
const integers = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * A number as people read it: `1,234,567`, `0.333333`, `19.9`; below 1e-4 or from 1e15 up,
 * three significant digits in exponent form (`1.23e-7`, `4.56e+18`).
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e15)) {
    return value.toExponential(2).replace(/\.?0+e/, "e");
  }
  return (Number.isInteger(value) ? integers : grouped).format(value);
}

/** A number in few characters for stats and axes: `1.2k`, `3.4M`, `0.0012`. */
export function formatCompact(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || (magnitude !== 0 && magnitude < 1e-4)) {
    return value.toExponential(1).replace(/\.0e/, "e");
  }
  if (magnitude >= 1000) {
    return new Intl.NumberFormat("en-US", {
      notation: "compact",
      maximumFractionDigits: 1,
    }).format(value);
  }
  return new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 }).format(value);
}

/**
 * ISO 8601 as the grid shows it: a space for the "T"; the "00:00:00" time is left out only in a
 * date-only column (see dateOnly), so one column never mixes the two forms.
 */
export function formatDate(iso: string, dateOnly = false): string {
  const text = iso.replace("T", " ");
  return dateOnly ? text.replace(/ 00:00:00(\.0+)?$/, "") : text;
}

/** Whether every present value of a datetime sample is at midnight (a column of dates). */
export function dateOnly(sample: readonly unknown[]): boolean {
  let seen = false;
  for (const value of sample) {
    if (value === null || value === undefined) continue;
    if (typeof value !== "string" || !/T00:00:00(\.0+)?$/.test(value)) return false;
    seen = true;
  }
  return seen;
}

/** One cell, formatted by the column's logical dtype. */
export function formatCell(value: unknown, dtype: string, datesOnly = false): FormattedCell {
  if (value === null || value === undefined) return { text: "null", kind: "null" };
  if (typeof value === "number") return { text: formatNumber(value), kind: "number" };
  if (typeof value === "boolean") return { text: value ? "true" : "false", kind: "boolean" };
  if (typeof value === "string") {
    if (dtype === "datetime") return { text: formatDate(value, datesOnly), kind: "date" };
    return { text: value, kind: "text" };
  }
  return { text: JSON.stringify(value), kind: "json" };
}

/** A byte count with a binary unit: `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** `n` rows, with the word matching the count. */
export function formatRowCount(rows: number): string {
  return `${integers.format(rows)} ${rows === 1 ? "row" : "rows"}`;
}

export const MIN_COLUMN_WIDTH = 110;
export const MAX_COLUMN_WIDTH = 320;
const CHAR_WIDTH = 7.5;
const PADDING = 24;
// The header also holds the sort arrow and the dtype chip (about 6 px a letter plus its padding).
const HEADER_EXTRAS = 30;
const CHIP_CHAR_WIDTH = 6.5;

/**
 * The width a column starts with: enough for its header (name, sort arrow, dtype chip) and for
 * its typical value, judged from the first rows, between MIN_COLUMN_WIDTH and MAX_COLUMN_WIDTH.
 */
export function columnWidth(name: string, dtype: string, sample: readonly unknown[]): number {
  const header =
    name.length * CHAR_WIDTH + dtype.length * CHIP_CHAR_WIDTH + HEADER_EXTRAS + PADDING;
  const datesOnly = dtype === "datetime" && dateOnly(sample);
  let longest = 0;
  for (const value of sample.slice(0, 50)) {
    longest = Math.max(longest, formatCell(value, dtype, datesOnly).text.length);
  }
  const width = Math.round(Math.max(header, longest * CHAR_WIDTH + PADDING));
  return Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width));
}

/** The width of the row-number column for a table of `total` rows. */
export function rowNumberWidth(total: number): number {
  return Math.max(48, Math.round(integers.format(Math.max(total, 1)).length * CHAR_WIDTH + 20));
}
