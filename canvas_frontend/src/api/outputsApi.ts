/**
 * Node outputs as the results panel reads them: a result's first view (a table's first page with
 * its column stats, or a metrics / plot / JSON / file value) and further pages of a table's rows,
 * pinned to the cache key of the result on screen so a re-run never mixes two results in one grid.
 * Downloads are plain GETs of the preview's downloadUrl with the same auth as the API.
 */

import type { Result } from "./canvasApi";
import { readToken, request, type RequestOptions } from "./client";
import {
  NodeOutputDocument,
  NodeOutputRowsDocument,
  type ColumnStatsFieldsFragment,
  type NodeOutputQuery,
} from "./generated/graphql";

type NodeOutputResult = NodeOutputQuery["nodeOutput"];
type Narrow<U, K> = Extract<U, { __typename?: K }>;

export type ErrorTypename = "NotFoundError" | "NoResultError" | "InvalidInputError";
/** A stored result the panel can show. */
export type OutputPreview = Exclude<NodeOutputResult, { __typename?: ErrorTypename }>;
/** Why there is nothing to show: no such node/port, not run (stale or missing), bad input. */
export type OutputError = Narrow<NodeOutputResult, ErrorTypename>;
export type TablePreview = Narrow<NodeOutputResult, "DataFramePreview">;
export type MetricsPreview = Narrow<NodeOutputResult, "MetricsPreview">;
export type PlotPreview = Narrow<NodeOutputResult, "PlotPreview">;
export type JsonPreview = Narrow<NodeOutputResult, "JsonPreview">;
export type FilePreview = Narrow<NodeOutputResult, "FilePreview">;
export type NoResult = Narrow<NodeOutputResult, "NoResultError">;
export type InvalidInput = Narrow<NodeOutputResult, "InvalidInputError">;
export type ColumnStats = ColumnStatsFieldsFragment;

/** One cell as the API sends it: JSON-safe (null for missing, ISO strings for dates). */
export type Cell = string | number | boolean | null | object;

export interface OutputRequest {
  workflowId: string;
  nodeId: string;
  port?: string | null;
  cacheKey?: string | null;
  sortBy?: string | null;
  descending?: boolean;
  where?: string | null;
  limit?: number;
}

export interface RowsRequest {
  workflowId: string;
  nodeId: string;
  port: string;
  cacheKey: string;
  offset: number;
  limit: number;
  sortBy: string | null;
  descending: boolean;
  where: string | null;
}

export interface RowsPage {
  offset: number;
  totalRows: number;
  rows: Cell[][];
  rowNumbers: number[];
}

/** The JSON `rows` scalar as a list of rows; anything else (never sent by the API) is empty. */
export function asRows(rows: unknown): Cell[][] {
  if (!Array.isArray(rows)) return [];
  return rows.filter((row): row is Cell[] => Array.isArray(row));
}

export async function fetchNodeOutput(
  req: OutputRequest,
  options?: RequestOptions,
): Promise<Result<OutputPreview, OutputError>> {
  const result = (
    await request(
      NodeOutputDocument,
      {
        workflowId: req.workflowId,
        nodeId: req.nodeId,
        port: req.port ?? null,
        cacheKey: req.cacheKey ?? null,
        sortBy: req.sortBy ?? null,
        descending: req.descending ?? false,
        where: req.where ?? null,
        ...(req.limit === undefined ? {} : { limit: req.limit }),
      },
      options,
    )
  ).nodeOutput;
  switch (result.__typename) {
    case "NotFoundError":
    case "NoResultError":
    case "InvalidInputError":
      return { ok: false, error: result as OutputError };
    default:
      return { ok: true, value: result as OutputPreview };
  }
}

export async function fetchTableRows(
  req: RowsRequest,
  options?: RequestOptions,
): Promise<Result<RowsPage, { message: string }>> {
  const result = (await request(NodeOutputRowsDocument, { ...req }, options)).nodeOutput;
  if (result.__typename === "DataFramePreview") {
    return {
      ok: true,
      value: {
        offset: result.offset,
        totalRows: result.totalRows,
        rows: asRows(result.rows),
        rowNumbers: result.rowNumbers,
      },
    };
  }
  return {
    ok: false,
    error: { message: "message" in result ? result.message : `unexpected ${result.__typename}` },
  };
}

/** The file name a Content-Disposition header gives, if any. */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // a malformed escape: fall back to the plain filename parameter
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;\s]+)/i.exec(header);
  return plain?.[1] ?? plain?.[2] ?? null;
}

/**
 * Save a result as a file. Without an API token (the embedded default signs loopback requests in)
 * a plain link streams it straight to disk under the server's file name; with one, the file is
 * fetched with the token and handed over as a blob, since a link cannot send an Authorization
 * header.
 */
export async function downloadResult(url: string, fallbackName: string): Promise<void> {
  const token = readToken();
  const link = document.createElement("a");
  link.rel = "noopener";
  link.href = url;
  link.download = ""; // the server's Content-Disposition names the file
  let revoke: (() => void) | null = null;
  if (token) {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`download failed: HTTP ${response.status}`);
    const href = URL.createObjectURL(await response.blob());
    link.href = href;
    link.download =
      dispositionFilename(response.headers.get("Content-Disposition")) ?? fallbackName;
    revoke = () => URL.revokeObjectURL(href);
  }
  document.body.append(link);
  link.click();
  link.remove();
  if (revoke) setTimeout(revoke, 30_000);
}
