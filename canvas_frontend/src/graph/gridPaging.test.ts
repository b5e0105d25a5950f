import { describe, expect, it } from "vitest";
import {
  NO_SORT,
  locateRow,
  missingPages,
  nextSort,
  pagesForRange,
  pagesToEvict,
  sortOf,
} from "./gridPaging";

describe("pagesForRange", () => {
  it("covers the visible rows with whole pages", () => {
    expect(pagesForRange(0, 30, 1_000_000, 200)).toEqual([0]);
    expect(pagesForRange(190, 230, 1_000_000, 200)).toEqual([0, 1]);
    expect(pagesForRange(999_990, 999_999, 1_000_000, 200)).toEqual([4999]);
  });

  it("widens by the overscan but never past the table", () => {
    expect(pagesForRange(210, 240, 1000, 200, 20)).toEqual([0, 1]);
    expect(pagesForRange(0, 10, 50, 200, 500)).toEqual([0]);
    expect(pagesForRange(950, 1200, 1000, 200, 100)).toEqual([4]);
  });

  it("needs nothing for an empty table or an empty window", () => {
    expect(pagesForRange(0, 10, 0)).toEqual([]);
    expect(pagesForRange(5, 4, 100)).toEqual([]);
  });

  it("never asks for a million rows at once", () => {
    expect(pagesForRange(0, 40, 1_000_000, 200, 10).length).toBe(1);
  });
});

describe("missingPages", () => {
  it("skips cached pages and pages already on their way", () => {
    const cached = new Map<number, unknown>([[0, []]]);
    expect(missingPages([0, 1, 2], cached, new Set([2]))).toEqual([1]);
    expect(missingPages([3], new Set([3]), new Set())).toEqual([]);
  });
});

describe("pagesToEvict", () => {
  it("keeps everything under the limit", () => {
    expect(pagesToEvict([0, 1, 2], [1], 5)).toEqual([]);
  });

  it("drops the pages farthest from the view first and never a visible one", () => {
    const cached = [0, 1, 2, 3, 10, 11, 12, 40];
    expect(pagesToEvict(cached, [11, 12], 5).sort((a, b) => a - b)).toEqual([0, 1, 40]);
    expect(pagesToEvict([5, 6, 7], [5, 6, 7], 1)).toEqual([]);
  });
});

describe("locateRow", () => {
  it("splits a row index into page and offset", () => {
    expect(locateRow(0, 200)).toEqual([0, 0]);
    expect(locateRow(199, 200)).toEqual([0, 199]);
    expect(locateRow(200, 200)).toEqual([1, 0]);
    expect(locateRow(123_456, 200)).toEqual([617, 56]);
  });
});

describe("nextSort", () => {
  it("cycles a column through ascending, descending and unsorted", () => {
    const asc = nextSort(NO_SORT, "units");
    expect(asc).toEqual({ column: "units", descending: false });
    const desc = nextSort(asc, "units");
    expect(desc).toEqual({ column: "units", descending: true });
    expect(nextSort(desc, "units")).toEqual(NO_SORT);
  });

  it("starts ascending when another column is clicked", () => {
    expect(nextSort({ column: "units", descending: true }, "region")).toEqual({
      column: "region",
      descending: false,
    });
  });

  it("reports the direction of one column", () => {
    expect(sortOf({ column: "a", descending: true }, "a")).toBe("desc");
    expect(sortOf({ column: "a", descending: false }, "a")).toBe("asc");
    expect(sortOf({ column: "a", descending: false }, "b")).toBeNull();
  });
});
