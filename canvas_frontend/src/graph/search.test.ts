import { describe, expect, it } from "vitest";
import {
  browseEntries,
  editDistance,
  groupByCategory,
  searchEntries,
  type SearchEntry,
} from "./search";

const entries: SearchEntry[] = [
  {
    typeId: "sources.csv",
    displayName: "CSV file",
    category: "sources",
    description: "Read a CSV file from a data root.",
    tags: ["file", "csv", "tsv", "text"],
  },
  {
    typeId: "outputs.export",
    displayName: "Export file",
    category: "outputs",
    description: "Write the table to a file.",
    tags: ["download", "save", "csv", "excel", "parquet"],
  },
  {
    typeId: "sources.s3_object",
    displayName: "S3 object",
    category: "sources",
    description: "Read a CSV or Parquet object from S3.",
    tags: ["s3", "cloud", "csv", "parquet"],
  },
  {
    typeId: "transforms.filter_rows",
    displayName: "Filter rows",
    category: "transforms",
    description: "Keep the rows that meet a condition.",
    tags: ["filter", "where", "query", "rows"],
  },
  {
    typeId: "transforms.aggregate",
    displayName: "Aggregate",
    category: "transforms",
    description: "Group rows and summarize columns.",
    tags: ["group by", "groupby", "summarize"],
  },
];

const ids = (query: string) => searchEntries(entries, query).map((h) => h.entry.typeId);

describe("searchEntries", () => {
  it("finds Filter rows despite a typo", () => {
    expect(ids("filtr")[0]).toBe("transforms.filter_rows");
    expect(ids("fitler")[0]).toBe("transforms.filter_rows");
  });

  it("ranks the CSV source first for csv, with other csv-tagged types after it", () => {
    const found = ids("csv");
    expect(found[0]).toBe("sources.csv");
    expect(found).toContain("outputs.export");
    expect(found).not.toContain("transforms.filter_rows");
  });

  it("matches tags and descriptions, and needs every query word", () => {
    expect(ids("groupby")).toEqual(["transforms.aggregate"]);
    expect(ids("condition")).toEqual(["transforms.filter_rows"]);
    expect(ids("csv cloud")).toEqual(["sources.s3_object"]);
    expect(ids("zzzz")).toEqual([]);
  });

  it("lists everything by name for an empty query", () => {
    expect(ids("  ")).toHaveLength(entries.length);
    expect(ids("")[0]).toBe("transforms.aggregate");
  });
});

describe("groupByCategory", () => {
  it("orders categories the way a workflow is built while browsing", () => {
    const entry = (typeId: string, category: string, displayName: string) => ({
      typeId,
      category,
      displayName,
      tags: [],
      description: "",
    });
    const all = [
      entry("outputs.chart", "outputs", "Chart"),
      entry("transforms.aggregate", "transforms", "Aggregate"),
      entry("models.knn", "models", "K nearest"),
      entry("sources.csv", "sources", "CSV file"),
      entry("extra.thing", "extra", "A plugin node"),
    ];
    const browsing = groupByCategory(searchEntries(all, ""), true).map((g) => g.category);
    expect(browsing).toEqual(["sources", "transforms", "models", "outputs", "extra"]);
    const searching = groupByCategory(searchEntries(all, "chart")).map((g) => g.category);
    expect(searching[0]).toBe("outputs");
    expect(browseEntries(all).map((h) => h.entry.typeId)).toEqual([
      "sources.csv",
      "transforms.aggregate",
      "models.knn",
      "outputs.chart",
      "extra.thing",
    ]);
  });

  it("groups hits by category in order of their best hit", () => {
    const groups = groupByCategory(searchEntries(entries, "csv"));
    expect(groups.map((g) => g.category)).toEqual(["sources", "outputs"]);
    expect(groups[0]?.entries.map((e) => e.typeId)).toEqual(["sources.csv", "sources.s3_object"]);
  });
});

describe("editDistance", () => {
  it("counts edits and gives up past the limit", () => {
    expect(editDistance("filtr", "filter")).toBe(1);
    expect(editDistance("fitler", "filter")).toBe(1);
    expect(editDistance("kitten", "sitting", 3)).toBe(3);
    expect(editDistance("abc", "xyzuvw", 2)).toBe(3);
  });
});
