/**
 * Data files in the canvas, as pure functions: which source node reads a file by its name (a
 * file dropped on the canvas, the file picker's `accept`), what a file source's params become
 * when a file is chosen for it, and the folders of a path.
 *
 * The server decides for real: an upload is recognized by its content and answers with the
 * source type and params that read it (graphql_api/files, canvas_assets/storage/uploads.py);
 * the browser's listing and preview name the kind by extension the same way as here
 * (canvas_assets/storage/data_files.py). The name is only the first, local check, so a file no
 * source reads is refused before it is sent.
 */

export type FileSourceType = "sources.csv" | "sources.parquet" | "sources.excel" | "sources.json";

export const FILE_SOURCE_TYPES: readonly FileSourceType[] = [
  "sources.csv",
  "sources.parquet",
  "sources.excel",
  "sources.json",
];

export interface FileKind {
  /** csv, tsv, parquet, excel, json or jsonl (the server's `kind`). */
  kind: string;
  sourceType: FileSourceType;
  /** The source's params besides the path that read this kind. */
  params: Readonly<Record<string, unknown>>;
}

const CSV: FileKind = { kind: "csv", sourceType: "sources.csv", params: {} };
const TSV: FileKind = { kind: "tsv", sourceType: "sources.csv", params: { delimiter: "\t" } };
const PARQUET: FileKind = { kind: "parquet", sourceType: "sources.parquet", params: {} };
const EXCEL: FileKind = { kind: "excel", sourceType: "sources.excel", params: {} };
const JSON_DOC: FileKind = { kind: "json", sourceType: "sources.json", params: { lines: false } };
const JSON_LINES: FileKind = { kind: "jsonl", sourceType: "sources.json", params: { lines: true } };

const KINDS: Readonly<Record<string, FileKind>> = {
  ".csv": CSV,
  ".tsv": TSV,
  ".tab": TSV,
  ".parquet": PARQUET,
  ".pq": PARQUET,
  ".parq": PARQUET,
  ".xlsx": EXCEL,
  ".xlsm": EXCEL,
  ".json": JSON_DOC,
  ".jsonl": JSON_LINES,
  ".ndjson": JSON_LINES,
};

/** Compressed text the CSV source decompresses itself (recognized by content on the server). */
const COMPRESSIONS = [".gz", ".bz2", ".xz"];

export const SUPPORTED_KINDS =
  "CSV (.csv, .tsv), Parquet (.parquet), Excel (.xlsx) and JSON (.json, .jsonl)";

const SOURCE_LABELS: Readonly<Record<FileSourceType, string>> = {
  "sources.csv": "CSV file",
  "sources.parquet": "Parquet file",
  "sources.excel": "Excel file",
  "sources.json": "JSON file",
};

export function isFileSourceType(typeId: string): typeId is FileSourceType {
  return (FILE_SOURCE_TYPES as readonly string[]).includes(typeId);
}

export function sourceLabel(typeId: string): string {
  return isFileSourceType(typeId) ? SOURCE_LABELS[typeId] : typeId;
}

function extensions(name: string): string[] {
  const base = name.replace(/\\/g, "/").split("/").pop() ?? "";
  return base
    .toLowerCase()
    .split(".")
    .slice(1)
    .map((part) => `.${part}`);
}

export type KindOfFile = { ok: true; kind: FileKind } | { ok: false; message: string };

/** The source node that reads a file named `name`, or why none does. */
export function kindOfFileName(name: string): KindOfFile {
  const parts = extensions(name);
  let last = parts.pop();
  if (last !== undefined && COMPRESSIONS.includes(last)) {
    const inner = parts.pop();
    const kind = inner === undefined ? undefined : KINDS[inner];
    if (kind?.sourceType === "sources.csv") return { ok: true, kind };
    return {
      ok: false,
      message: `“${name}” is compressed ${last} data other than CSV; extract it first. The canvas reads ${SUPPORTED_KINDS} files.`,
    };
  }
  const kind = last === undefined ? undefined : KINDS[last];
  if (kind) return { ok: true, kind };
  if (last === ".xls") {
    return {
      ok: false,
      message: `“${name}” is an old Excel workbook (.xls): open it in Excel or LibreOffice and save it as .xlsx.`,
    };
  }
  last ??= "";
  const what = last ? `${last} files are not data the canvas reads` : "it has no file extension";
  return { ok: false, message: `Cannot add “${name}”: ${what}. Supported: ${SUPPORTED_KINDS}.` };
}

/** The file picker's `accept` for a source node of `typeId` (every data kind for others). */
export function acceptFor(typeId: string): string {
  const names = Object.entries(KINDS)
    .filter(([, kind]) => !isFileSourceType(typeId) || kind.sourceType === typeId)
    .map(([ext]) => ext);
  if (!isFileSourceType(typeId) || typeId === "sources.csv") names.push(...COMPRESSIONS);
  return names.join(",");
}

export interface FolderCrumb {
  name: string;
  /** The folder to list ("" for the top of the data roots). */
  folder: string;
}

/** The way from the top of the data roots to `folder`, for a breadcrumb. */
export function folderCrumbs(folder: string): FolderCrumb[] {
  const parts = folder.split("/").filter((p) => p && p !== ".");
  return [
    { name: "Data", folder: "" },
    ...parts.map((name, i) => ({ name, folder: parts.slice(0, i + 1).join("/") })),
  ];
}

/** The folder that holds a data path ("" for a file at the top, or no path). */
export function folderOf(path: unknown): string {
  if (typeof path !== "string" || !path.includes("/")) return "";
  return path.slice(0, path.lastIndexOf("/"));
}

export type ParamsForFile =
  { ok: true; params: Record<string, unknown> } | { ok: false; message: string };

/**
 * A file source's params once a file is chosen for it: its params with the file's (`path`, and
 * the delimiter or `lines` the server found) set, the params it does not have left out. A file
 * another node type reads is refused with the way to read it instead.
 */
export function paramsForFile(
  node: { type: string; params: Readonly<Record<string, unknown>> },
  file: { sourceType: string; sourceParams: unknown; name: string },
  paramNames: readonly string[],
): ParamsForFile {
  if (file.sourceType !== node.type) {
    return {
      ok: false,
      message: `“${file.name}” is read by a ${sourceLabel(file.sourceType)} node, not by this ${sourceLabel(node.type)} node: drop the file on the canvas to add one.`,
    };
  }
  const given =
    typeof file.sourceParams === "object" && file.sourceParams !== null
      ? (file.sourceParams as Record<string, unknown>)
      : {};
  if (typeof given.path !== "string" || !given.path) {
    return { ok: false, message: `the server gave no path for “${file.name}”` };
  }
  const known = new Set([...paramNames, "path"]);
  const chosen = Object.fromEntries(Object.entries(given).filter(([name]) => known.has(name)));
  return { ok: true, params: { ...node.params, ...chosen } };
}

/** Where each of `count` files dropped at `at` goes: one below the other, a grid step apart. */
export function dropPositions(
  at: { x: number; y: number },
  count: number,
  step = 120,
): { x: number; y: number }[] {
  return Array.from({ length: count }, (_, i) => ({ x: at.x, y: at.y + i * step }));
}
