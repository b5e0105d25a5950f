/**
 * Paging math of the results grid: which pages of rows the visible window needs, which cached
 * pages to drop when too many are held, where a row lives, and the sort a header click asks for.
 * Pure: the grid component fetches and renders.
 */

/** Rows fetched per request (the API's limit is 1000). */
export const PAGE_SIZE = 200;
/** Pages kept in memory at most (the ones nearest the view survive). */
export const MAX_CACHED_PAGES = 12;

/** Page indices holding rows [first, last] (inclusive), widened by `overscan` rows each way. */
export function pagesForRange(
  first: number,
  last: number,
  total: number,
  pageSize: number = PAGE_SIZE,
  overscan = 0,
): number[] {
  if (total <= 0 || last < first) return [];
  const lo = Math.max(0, Math.min(first - overscan, total - 1));
  const hi = Math.max(0, Math.min(last + overscan, total - 1));
  const pages: number[] = [];
  for (let p = Math.floor(lo / pageSize); p <= Math.floor(hi / pageSize); p++) pages.push(p);
  return pages;
}

/** The pages of `needed` that are neither cached nor already being fetched. */
export function missingPages(
  needed: readonly number[],
  cached: ReadonlySet<number> | ReadonlyMap<number, unknown>,
  inFlight: ReadonlySet<number>,
): number[] {
  return needed.filter((p) => !cached.has(p) && !inFlight.has(p));
}

/**
 * The cached pages to drop so at most `max` remain: the farthest from the pages in view first.
 * Pages in view are never dropped.
 */
export function pagesToEvict(
  cached: readonly number[],
  inView: readonly number[],
  max: number = MAX_CACHED_PAGES,
): number[] {
  if (cached.length <= max) return [];
  const visible = new Set(inView);
  const centre = inView.length > 0 ? (Math.min(...inView) + Math.max(...inView)) / 2 : 0;
  const candidates = cached
    .filter((p) => !visible.has(p))
    .sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre) || b - a);
  return candidates.slice(0, Math.max(0, cached.length - max));
}

/** Where row `index` sits: its page and its position inside the page. */
export function locateRow(index: number, pageSize: number = PAGE_SIZE): [number, number] {
  return [Math.floor(index / pageSize), index % pageSize];
}

export type SortDirection = "asc" | "desc";

export interface SortState {
  column: string | null;
  descending: boolean;
}

export const NO_SORT: SortState = { column: null, descending: false };

/** A header click cycles its column: unsorted, ascending, descending, unsorted. */
export function nextSort(current: SortState, column: string): SortState {
  if (current.column !== column) return { column, descending: false };
  if (!current.descending) return { column, descending: true };
  return NO_SORT;
}

/** How a column is sorted now, for the header's arrow and aria-sort. */
export function sortOf(current: SortState, column: string): SortDirection | null {
  if (current.column !== column) return null;
  return current.descending ? "desc" : "asc";
}
