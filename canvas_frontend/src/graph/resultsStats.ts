/**
 * Column stats as the results grid shows them: the one-line summary under a header, the lines
 * of the header's stats popover, histogram bars scaled to the tallest, and the most frequent
 * values with their share. Pure; the stats themselves come from the API (over the whole stored
 * result, before any filter).
 */

import { dateOnly, formatCompact, formatDate, formatNumber } from "./gridFormat";

export interface HistogramBinLike {
  start: number;
  end: number;
  count: number;
}

export interface ValueCountLike {
  value: string;
  count: number;
}

export interface ColumnStatsLike {
  name: string;
  dtype: string;
  nullCount: number;
  count: number | null;
  distinctCount: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  histogram: readonly HistogramBinLike[];
  topValues: readonly ValueCountLike[];
  earliest: string | null;
  latest: string | null;
}

export interface StatLine {
  label: string;
  value: string;
}

/** A share as a percentage people can compare: `0%`, `<0.1%`, `12.5%`, `100%`. */
export function percent(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return "0%";
  const share = (part / whole) * 100;
  if (share >= 100) return "100%";
  if (share < 0.1) return "<0.1%";
  return `${share >= 10 ? share.toFixed(0) : share.toFixed(1)}%`;
}

/** Values that are present: the API's count, or the rows less the missing ones. */
function presentCount(column: ColumnStatsLike, storedRows: number): number {
  return column.count ?? Math.max(0, storedRows - column.nullCount);
}

/** The lines of a column's stats popover, in the order a data scientist scans them. */
export function statLines(column: ColumnStatsLike, storedRows: number): StatLine[] {
  const lines: StatLine[] = [{ label: "Type", value: column.dtype }];
  const present = presentCount(column, storedRows);
  lines.push({ label: "Values", value: formatNumber(present) });
  lines.push({
    label: "Missing",
    value: `${formatNumber(column.nullCount)} (${percent(column.nullCount, storedRows)})`,
  });
  if (column.distinctCount !== null) {
    lines.push({ label: "Distinct", value: formatNumber(column.distinctCount) });
  }
  const numbers: [string, number | null][] = [
    ["Min", column.min],
    ["25%", column.p25],
    ["Median", column.median],
    ["75%", column.p75],
    ["Max", column.max],
    ["Mean", column.mean],
    ["Std", column.std],
  ];
  for (const [label, value] of numbers) {
    if (value !== null) lines.push({ label, value: formatNumber(value) });
  }
  const dates = dateOnly([column.earliest, column.latest]);
  if (column.earliest !== null) {
    lines.push({ label: "Earliest", value: formatDate(column.earliest, dates) });
  }
  if (column.latest !== null) {
    lines.push({ label: "Latest", value: formatDate(column.latest, dates) });
  }
  return lines;
}

/** The short summary under a column's name in the header. */
export function headerSummary(column: ColumnStatsLike, storedRows: number): string {
  const parts: string[] = [];
  if (column.min !== null && column.max !== null) {
    parts.push(`${formatCompact(column.min)} – ${formatCompact(column.max)}`);
  } else if (column.earliest !== null && column.latest !== null) {
    const dates = dateOnly([column.earliest, column.latest]);
    parts.push(`${formatDate(column.earliest, dates)} – ${formatDate(column.latest, dates)}`);
  } else if (column.distinctCount !== null) {
    parts.push(`${formatNumber(column.distinctCount)} distinct`);
  }
  if (column.nullCount > 0) parts.push(`${percent(column.nullCount, storedRows)} null`);
  return parts.join(" · ");
}

export interface Bar {
  /** 0..1 of the tallest bar; a bar with any count gets at least a sliver (0.04). */
  height: number;
  count: number;
  label: string;
}

/** Histogram bins as bars scaled to the tallest. */
export function histogramBars(bins: readonly HistogramBinLike[]): Bar[] {
  const tallest = Math.max(0, ...bins.map((b) => b.count));
  return bins.map((b) => ({
    height: tallest === 0 ? 0 : b.count === 0 ? 0 : Math.max(0.04, b.count / tallest),
    count: b.count,
    label: `${formatCompact(b.start)} – ${formatCompact(b.end)}: ${formatNumber(b.count)}`,
  }));
}

export interface Share {
  value: string;
  count: number;
  /** 0..1 of the present values. */
  share: number;
  label: string;
}

/** The most frequent values with their share of the present values. */
export function topValueShares(column: ColumnStatsLike, storedRows: number): Share[] {
  const present = presentCount(column, storedRows);
  return column.topValues.map((v) => ({
    value: v.value,
    count: v.count,
    share: present > 0 ? v.count / present : 0,
    label: `${formatNumber(v.count)} (${percent(v.count, present)})`,
  }));
}
