import { describe, expect, it } from "vitest";
import { asRows, dispositionFilename, fetchNodeOutput, fetchTableRows } from "./outputsApi";

/** A fetch that answers every request with `data` and records what was sent. */
function fakeFetch(data: unknown, sent: unknown[] = []): typeof fetch {
  return (async (_url: RequestInfo | URL, init?: RequestInit) => {
    sent.push(JSON.parse(String(init?.body)));
    return new Response(JSON.stringify({ data }), {
      headers: { "Content-Type": "application/json" },
    });
  }) as typeof fetch;
}

const table = {
  __typename: "DataFramePreview",
  nodeId: "revenue",
  port: "data",
  cacheKey: "a".repeat(32),
  dataType: "dataframe",
  current: true,
  downloadUrl: "/files/s/revenue/aaa/data",
  totalRows: 2,
  storedRows: 5,
  where: "units > 3",
  offset: 0,
  limit: 200,
  sortBy: null,
  descending: false,
  rows: [
    [1, "west"],
    [2, null],
  ],
  rowNumbers: [0, 3],
  columns: [],
};

describe("fetchNodeOutput", () => {
  it("returns a preview as ok and sends the sort and filter", async () => {
    const sent: { variables: Record<string, unknown> }[] = [];
    const result = await fetchNodeOutput(
      { workflowId: "w", nodeId: "revenue", sortBy: "units", descending: true, where: "x > 1" },
      { fetchImpl: fakeFetch({ nodeOutput: table }, sent), token: null },
    );
    expect(result.ok).toBe(true);
    expect(sent[0]?.variables).toMatchObject({
      workflowId: "w",
      nodeId: "revenue",
      port: null,
      cacheKey: null,
      sortBy: "units",
      descending: true,
      where: "x > 1",
    });
  });

  it("returns the API's user errors as errors, with the filter's position", async () => {
    const invalid = {
      __typename: "InvalidInputError",
      message: "where: unknown column 'unitz' (at column 1)",
      field: "where",
      hint: "did you mean units?",
      position: 1,
    };
    const result = await fetchNodeOutput(
      { workflowId: "w", nodeId: "revenue", where: "unitz > 3" },
      { fetchImpl: fakeFetch({ nodeOutput: invalid }), token: null },
    );
    expect(result).toEqual({ ok: false, error: invalid });
    const missing = { __typename: "NoResultError", message: "m", state: "missing", reason: "r" };
    const notRun = await fetchNodeOutput(
      { workflowId: "w", nodeId: "chart" },
      { fetchImpl: fakeFetch({ nodeOutput: { ...missing, earlierCacheKey: null } }), token: null },
    );
    expect(notRun.ok).toBe(false);
  });
});

describe("fetchTableRows", () => {
  it("returns a page of rows pinned to the cache key", async () => {
    const sent: { variables: Record<string, unknown> }[] = [];
    const result = await fetchTableRows(
      {
        workflowId: "w",
        nodeId: "revenue",
        port: "data",
        cacheKey: "a".repeat(32),
        offset: 200,
        limit: 200,
        sortBy: null,
        descending: false,
        where: null,
      },
      { fetchImpl: fakeFetch({ nodeOutput: { ...table, offset: 200 } }, sent), token: null },
    );
    expect(result).toEqual({
      ok: true,
      value: { offset: 200, totalRows: 2, rows: table.rows, rowNumbers: [0, 3] },
    });
    expect(sent[0]?.variables).toMatchObject({ cacheKey: "a".repeat(32), offset: 200 });
  });

  it("reports a result that is no longer there", async () => {
    const gone = { __typename: "NotFoundError", message: "no stored result" };
    const result = await fetchTableRows(
      {
        workflowId: "w",
        nodeId: "revenue",
        port: "data",
        cacheKey: "b".repeat(32),
        offset: 0,
        limit: 200,
        sortBy: null,
        descending: false,
        where: null,
      },
      { fetchImpl: fakeFetch({ nodeOutput: gone }), token: null },
    );
    expect(result).toEqual({ ok: false, error: { message: "no stored result" } });
  });
});

describe("helpers", () => {
  it("reads rows defensively", () => {
    expect(asRows([[1], "x", [2]])).toEqual([[1], [2]]);
    expect(asRows(null)).toEqual([]);
  });

  it("reads the file name of a Content-Disposition header", () => {
    expect(dispositionFilename('attachment; filename="sales.csv"')).toBe("sales.csv");
    expect(dispositionFilename("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.csv")).toBe(
      "résumé.csv",
    );
    expect(dispositionFilename("attachment; filename=plain.json")).toBe("plain.json");
    expect(dispositionFilename(null)).toBeNull();
    expect(dispositionFilename("inline")).toBeNull();
  });
});
