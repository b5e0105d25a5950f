import { describe, expect, it } from "vitest";
import { fileErrorText, uploadResult } from "./filesApi";

describe("uploadResult", () => {
  it("hands over the stored file", () => {
    const stored = {
      __typename: "UploadedFile",
      path: "uploads/abc_sales.csv",
      name: "abc_sales.csv",
      originalName: "sales.csv",
      sizeBytes: 10,
      format: "csv",
      sourceType: "sources.csv",
      sourceParams: { path: "uploads/abc_sales.csv", delimiter: "," },
    };
    const result = uploadResult(200, JSON.stringify({ data: { uploadDataFile: stored } }), "x");
    expect(result).toEqual({ ok: true, value: stored });
  });

  it("says why the server refused the file, with its fix", () => {
    const refused = {
      __typename: "InvalidInputError",
      message: "the file is a PNG image, not a data file",
      field: "file",
      hint: "upload CSV, TSV, JSON or JSON Lines (UTF-8 text), Parquet, or Excel .xlsx",
    };
    const result = uploadResult(
      200,
      JSON.stringify({ data: { uploadDataFile: refused } }),
      "a.png",
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(fileErrorText(result.error)).toBe(
        "“a.png” was not stored: the file is a PNG image, not a data file. Fix: upload CSV, TSV, JSON or JSON Lines (UTF-8 text), Parquet, or Excel .xlsx",
      );
    }
  });

  it("turns a proxy's 413 page and GraphQL errors into messages", () => {
    const tooBig = uploadResult(413, "<html>Request Entity Too Large</html>", "big.csv");
    expect(!tooBig.ok && tooBig.error).toEqual({
      message: "uploading “big.csv” failed: HTTP 413",
      hint: "the file is larger than the server takes; upload a smaller one",
    });
    const denied = uploadResult(
      200,
      JSON.stringify({ data: null, errors: [{ message: "needs the editor role" }] }),
      "a.csv",
    );
    expect(!denied.ok && denied.error.message).toBe(
      "uploading “a.csv” failed: needs the editor role",
    );
  });
});
