/**
 * Data files: upload one into the first data root (a GraphQL multipart request, with progress),
 * list a folder of the data roots, and preview a file as its source node reads it. User errors
 * (a file no source reads, a path outside the roots) come back as `{ ok: false, error }` with the
 * server's message and hint.
 *
 * Uploads go through XMLHttpRequest rather than fetch, which reports no upload progress. They
 * carry `Apollo-Require-Preflight`, the header the server requires of multipart requests so that
 * other web pages cannot post forms to it (graphql_api/files/routes.py).
 */

import type { Result } from "./canvasApi";
import { GRAPHQL_PATH, readToken, request, type RequestOptions } from "./client";
import {
  DataFilePreviewDocument,
  DataFilesDocument,
  UploadDataFileDocument,
  type DataFilePreviewQuery,
  type DataFilesQuery,
  type UploadDataFileMutation,
} from "./generated/graphql";

type Narrow<U, K> = Extract<U, { __typename?: K }>;

export type UploadedFile = Narrow<UploadDataFileMutation["uploadDataFile"], "UploadedFile">;
export type DataFolder = Narrow<DataFilesQuery["dataFiles"], "DataFolder">;
export type DataFileEntry = DataFolder["entries"][number];
export type DataFilePreview = Narrow<DataFilePreviewQuery["dataFilePreview"], "DataFilePreview">;

/** Why a file cannot be stored, listed or previewed: what, and how to fix it. */
export interface FileError {
  message: string;
  hint: string;
}

export interface UploadOptions {
  folder?: string;
  /** Called as the bytes go out: the share sent, from 0 to 1. */
  onProgress?: (sent: number) => void;
  signal?: AbortSignal;
  token?: string | null;
  url?: string;
}

/** The text of a FileError for one line of the screen: the message, then the fix. */
export function fileErrorText(error: FileError): string {
  return error.hint ? `${error.message}. Fix: ${error.hint}` : error.message;
}

interface UploadAnswer {
  data?: UploadDataFileMutation | null;
  errors?: { message: string }[];
}

/** Turn the server's answer to an upload into a result (exported for tests). */
export function uploadResult(
  status: number,
  body: string,
  fileName: string,
): Result<UploadedFile, FileError> {
  let answer: UploadAnswer;
  try {
    answer = JSON.parse(body) as UploadAnswer;
  } catch {
    const hint =
      status === 413
        ? "the file is larger than the server takes; upload a smaller one"
        : "try again, or ask an admin to look at the server's log";
    return {
      ok: false,
      error: { message: `uploading “${fileName}” failed: HTTP ${status}`, hint },
    };
  }
  const result = answer.data?.uploadDataFile;
  if (result?.__typename === "UploadedFile") return { ok: true, value: result };
  if (result?.__typename === "InvalidInputError") {
    return {
      ok: false,
      error: { message: `“${fileName}” was not stored: ${result.message}`, hint: result.hint },
    };
  }
  const message = answer.errors?.map((e) => e.message).join("; ") || `HTTP ${status}`;
  return {
    ok: false,
    error: {
      message: `uploading “${fileName}” failed: ${message}`,
      hint: status === 413 ? "upload a smaller file" : "",
    },
  };
}

/** Store `file` under the first data root; the answer names the source that reads it. */
export function uploadDataFile(
  file: File,
  options: UploadOptions = {},
): Promise<Result<UploadedFile, FileError>> {
  const body = new FormData();
  body.append(
    "operations",
    JSON.stringify({
      query: UploadDataFileDocument.toString(),
      variables: { file: null, folder: options.folder ?? "uploads" },
    }),
  );
  body.append("map", JSON.stringify({ "0": ["variables.file"] }));
  body.append("0", file, file.name);
  const token = options.token === undefined ? readToken() : options.token;

  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const fail = (message: string, hint: string) =>
      resolve({ ok: false, error: { message, hint } });
    xhr.open("POST", options.url ?? GRAPHQL_PATH);
    xhr.setRequestHeader("Apollo-Require-Preflight", "true");
    xhr.setRequestHeader("Accept", "application/json");
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) {
        options.onProgress?.(event.loaded / event.total);
      }
    };
    xhr.onload = () => resolve(uploadResult(xhr.status, xhr.responseText, file.name));
    xhr.onerror = () =>
      fail(`uploading “${file.name}” failed: the API cannot be reached`, "check the connection");
    xhr.onabort = () => fail(`the upload of “${file.name}” was canceled`, "");
    if (options.signal) {
      if (options.signal.aborted) {
        fail(`the upload of “${file.name}” was canceled`, "");
        return;
      }
      options.signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    xhr.send(body);
  });
}

export async function fetchDataFolder(
  folder: string,
  options?: RequestOptions,
): Promise<Result<DataFolder, FileError>> {
  const result = (await request(DataFilesDocument, { folder }, options)).dataFiles;
  return result.__typename === "DataFolder"
    ? { ok: true, value: result as DataFolder }
    : { ok: false, error: errorOf(result) };
}

export async function fetchDataFilePreview(
  path: string,
  rows = 20,
  options?: RequestOptions,
): Promise<Result<DataFilePreview, FileError>> {
  const result = (await request(DataFilePreviewDocument, { path, rows }, options)).dataFilePreview;
  return result.__typename === "DataFilePreview"
    ? { ok: true, value: result as DataFilePreview }
    : { ok: false, error: errorOf(result) };
}

function errorOf(result: { __typename?: string }): FileError {
  return "message" in result && typeof result.message === "string"
    ? { message: result.message, hint: "hint" in result ? String(result.hint ?? "") : "" }
    : { message: `unexpected answer ${result.__typename ?? ""}`, hint: "" };
}
