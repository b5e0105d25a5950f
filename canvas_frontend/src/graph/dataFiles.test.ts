import { describe, expect, it } from "vitest";
import {
  acceptFor,
  dropPositions,
  folderCrumbs,
  folderOf,
  kindOfFileName,
  paramsForFile,
} from "./dataFiles";

function sourceOf(name: string): string | null {
  const found = kindOfFileName(name);
  return found.ok ? found.kind.sourceType : null;
}

describe("kindOfFileName", () => {
  it("maps each data extension to the source node that reads it, whatever the case", () => {
    expect(sourceOf("sales.csv")).toBe("sources.csv");
    expect(sourceOf("Sales 2026.CSV")).toBe("sources.csv");
    expect(sourceOf("big.csv.gz")).toBe("sources.csv");
    expect(sourceOf("data.parquet")).toBe("sources.parquet");
    expect(sourceOf("data.pq")).toBe("sources.parquet");
    expect(sourceOf("book.xlsx")).toBe("sources.excel");
    expect(sourceOf("book.xlsm")).toBe("sources.excel");
    expect(sourceOf("records.json")).toBe("sources.json");
    expect(sourceOf("C:\\users\\me\\events.ndjson")).toBe("sources.json");
  });

  it("carries the params a kind needs besides the path", () => {
    const tsv = kindOfFileName("t.tsv");
    const lines = kindOfFileName("e.jsonl");
    const doc = kindOfFileName("e.json");
    expect(tsv.ok && tsv.kind.params).toEqual({ delimiter: "\t" });
    expect(lines.ok && lines.kind.params).toEqual({ lines: true });
    expect(doc.ok && doc.kind.params).toEqual({ lines: false });
  });

  it("refuses other files naming the supported kinds, and says how to fix an .xls", () => {
    const png = kindOfFileName("photo.png");
    expect(png.ok).toBe(false);
    if (!png.ok) {
      expect(png.message).toContain("“photo.png”");
      expect(png.message).toContain(".png files are not data");
      expect(png.message).toContain("CSV (.csv, .tsv), Parquet (.parquet), Excel (.xlsx)");
    }
    const xls = kindOfFileName("old.xls");
    expect(!xls.ok && xls.message).toContain("save it as .xlsx");
    const bare = kindOfFileName("README");
    expect(!bare.ok && bare.message).toContain("it has no file extension");
    const zipped = kindOfFileName("book.json.gz");
    expect(!zipped.ok && zipped.message).toContain("extract it first");
  });
});

describe("acceptFor", () => {
  it("offers a node's own kinds, and every kind when the node is not a file source", () => {
    expect(acceptFor("sources.parquet")).toBe(".parquet,.pq,.parq");
    expect(acceptFor("sources.csv").split(",")).toEqual([
      ".csv",
      ".tsv",
      ".tab",
      ".gz",
      ".bz2",
      ".xz",
    ]);
    expect(acceptFor("transforms.filter")).toContain(".xlsx");
  });
});

describe("folders", () => {
  it("breadcrumbs lead from the top to the folder", () => {
    expect(folderCrumbs("")).toEqual([{ name: "Data", folder: "" }]);
    expect(folderCrumbs("sales/2026/")).toEqual([
      { name: "Data", folder: "" },
      { name: "sales", folder: "sales" },
      { name: "2026", folder: "sales/2026" },
    ]);
  });

  it("a path's folder is what the browser opens on", () => {
    expect(folderOf("uploads/abc_sales.csv")).toBe("uploads");
    expect(folderOf("a/b/c.parquet")).toBe("a/b");
    expect(folderOf("top.csv")).toBe("");
    expect(folderOf(undefined)).toBe("");
  });
});

describe("paramsForFile", () => {
  const csvNode = {
    type: "sources.csv",
    params: { path: "old.csv", delimiter: ",", header: true },
  };
  const names = ["path", "delimiter", "encoding", "header"];

  it("sets the path and the options the server found, keeping the node's other params", () => {
    const result = paramsForFile(
      csvNode,
      {
        sourceType: "sources.csv",
        sourceParams: { path: "uploads/x_t.tsv", delimiter: "\t", unknown: 1 },
        name: "t.tsv",
      },
      names,
    );
    expect(result).toEqual({
      ok: true,
      params: { path: "uploads/x_t.tsv", delimiter: "\t", header: true },
    });
  });

  it("refuses a file another node type reads, saying which", () => {
    const result = paramsForFile(
      csvNode,
      { sourceType: "sources.parquet", sourceParams: { path: "p.parquet" }, name: "p.parquet" },
      names,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toBe(
      "“p.parquet” is read by a Parquet file node, not by this CSV file node: drop the file on the canvas to add one.",
    );
  });

  it("refuses an answer without a path", () => {
    const result = paramsForFile(
      csvNode,
      { sourceType: "sources.csv", sourceParams: null, name: "x.csv" },
      names,
    );
    expect(result.ok).toBe(false);
  });
});

describe("dropPositions", () => {
  it("stacks several dropped files below the drop point", () => {
    expect(dropPositions({ x: 40, y: 60 }, 3)).toEqual([
      { x: 40, y: 60 },
      { x: 40, y: 180 },
      { x: 40, y: 300 },
    ]);
  });
});
