/**
 * A metrics result laid out for reading: named numbers become rows of a two-column table;
 * a group of objects sharing their keys (a classification report: per class precision, recall,
 * f1, support) becomes one table with a column per key; a numeric matrix (a confusion matrix)
 * a grid; a short numeric list one line; other nested objects a sub-table (two levels deep) and
 * anything else pretty JSON. Pure, so the view stays a thin renderer.
 */

import { formatNumber } from "./gridFormat";

export type Scalar = number | string | boolean | null;

export type MetricEntry =
  | { kind: "scalar"; name: string; text: string; numeric: boolean }
  | { kind: "group"; name: string; entries: MetricEntry[] }
  | { kind: "records"; name: string; columns: string[]; rows: { name: string; cells: string[] }[] }
  | { kind: "matrix"; name: string; cells: string[][] }
  | { kind: "list"; name: string; text: string }
  | { kind: "json"; name: string; text: string };

const MAX_GROUP_DEPTH = 2;
const MAX_LIST = 20;
const MAX_RECORD_COLUMNS = 12;
const MAX_MATRIX = 50;

function isScalar(value: unknown): value is Scalar {
  return value === null || ["number", "string", "boolean"].includes(typeof value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A metric value as text: numbers formatted, missing values (NaN is sent as null) as "null". */
export function scalarText(value: Scalar): string {
  if (value === null) return "null";
  if (typeof value === "number") return formatNumber(value);
  return String(value);
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === "number" || v === null);
}

function asMatrix(value: unknown[]): string[][] | null {
  if (value.length === 0 || value.length > MAX_MATRIX) return null;
  const rows = value.filter(isNumberArray);
  if (rows.length !== value.length) return null;
  const width = rows[0]?.length ?? 0;
  if (width === 0 || width > MAX_MATRIX || rows.some((r) => r.length !== width)) return null;
  return rows.map((r) => r.map((v) => scalarText(v)));
}

function asRecords(
  name: string,
  value: Record<string, unknown>,
): Extract<MetricEntry, { kind: "records" }> | null {
  const entries = Object.entries(value);
  if (entries.length < 2) return null;
  const columns: string[] = [];
  for (const [, inner] of entries) {
    if (!isPlainObject(inner)) return null;
    for (const [key, cell] of Object.entries(inner)) {
      if (!isScalar(cell)) return null;
      if (!columns.includes(key)) columns.push(key);
    }
  }
  if (columns.length === 0 || columns.length > MAX_RECORD_COLUMNS) return null;
  return {
    kind: "records",
    name,
    columns,
    rows: entries.map(([rowName, inner]) => {
      const cells = inner as Record<string, unknown>;
      return {
        name: rowName,
        cells: columns.map((c) => (c in cells ? scalarText(cells[c] as Scalar) : "")),
      };
    }),
  };
}

function entryOf(name: string, value: unknown, depth: number): MetricEntry {
  if (isScalar(value)) {
    return { kind: "scalar", name, text: scalarText(value), numeric: typeof value === "number" };
  }
  if (Array.isArray(value)) {
    if (isNumberArray(value) && value.length <= MAX_LIST) {
      return { kind: "list", name, text: value.map((v) => scalarText(v)).join(", ") };
    }
    const cells = asMatrix(value);
    if (cells) return { kind: "matrix", name, cells };
    return { kind: "json", name, text: JSON.stringify(value, null, 2) };
  }
  if (isPlainObject(value)) {
    const records = asRecords(name, value);
    if (records) return records;
    if (depth < MAX_GROUP_DEPTH) {
      return {
        kind: "group",
        name,
        entries: Object.entries(value).map(([k, v]) => entryOf(k, v, depth + 1)),
      };
    }
  }
  return { kind: "json", name, text: JSON.stringify(value, null, 2) };
}

/**
 * The entries of a metrics value. The top level is normally an object of named values; a bare
 * value or a list comes back as one entry named "value".
 */
export function metricEntries(values: unknown): MetricEntry[] {
  if (isPlainObject(values)) {
    const records = asRecords("", values);
    if (records) return [records];
    return Object.entries(values).map(([name, value]) => entryOf(name, value, 0));
  }
  return [entryOf("value", values, 0)];
}
