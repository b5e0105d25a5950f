/**
 * A table result: a filter box taking a condition in the filter node's expression language (the
 * API's error shows inline, with its position), and a virtualized grid (TanStack Virtual) over
 * rows and columns. Only the rows in view are rendered; pages of PAGE_SIZE rows are fetched as
 * they scroll into view, pinned to the result's cache key, and far pages are dropped. Headers are
 * sticky and sort on click (ascending, descending, none; done by the API), and show a mini chart
 * of the column's stats with the full stats on hover or focus. Numbers are right-aligned and
 * formatted, missing values show as a distinct "null".
 */

import { useVirtualizer } from "@tanstack/react-virtual";
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type MouseEvent as ReactMouseEvent,
} from "react";
import {
  asRows,
  fetchTableRows,
  type Cell,
  type ColumnStats,
  type InvalidInput,
  type TablePreview,
} from "../../api/outputsApi";
import {
  columnWidth,
  dateOnly,
  formatCell,
  formatNumber,
  formatRowCount,
  isNumericDtype,
  rowNumberWidth,
} from "../../graph/gridFormat";
import {
  PAGE_SIZE,
  locateRow,
  missingPages,
  nextSort,
  pagesForRange,
  pagesToEvict,
  sortOf,
  type SortState,
} from "../../graph/gridPaging";
import { headerSummary } from "../../graph/resultsStats";
import { MiniChart, StatsPopover } from "./ColumnStats";

const ROW_HEIGHT = 28;
const HEADER_HEIGHT = 54;

interface Page {
  rows: Cell[][];
  rowNumbers: number[];
}

export interface DataGridProps {
  workflowId: string;
  table: TablePreview;
  sort: SortState;
  where: string;
  whereError: InvalidInput | null;
  loading: boolean;
  onSort: (sort: SortState) => void;
  onWhere: (where: string) => void;
}

export const DataGrid = memo(function DataGrid(props: DataGridProps) {
  const { table, sort, where, whereError, loading, onSort, onWhere } = props;
  const shownWhere = table.where ?? "";
  return (
    <div className="data-grid">
      <FilterBox
        // A new applied filter (or a cleared one) resets the box to it.
        key={where}
        where={where}
        error={whereError}
        onWhere={onWhere}
      />
      <div className="grid-status">
        <span className="grid-count" data-testid="grid-count">
          {shownWhere
            ? `${formatNumber(table.totalRows)} of ${formatRowCount(table.storedRows)}`
            : formatRowCount(table.totalRows)}
        </span>
        {shownWhere && <span className="muted small">where {shownWhere}</span>}
        {loading && <span className="grid-loading" aria-label="Loading" />}
      </div>
      <GridBody
        key={`${table.cacheKey}|${table.sortBy ?? ""}|${table.descending}|${shownWhere}`}
        workflowId={props.workflowId}
        table={table}
        sort={sort}
        onSort={onSort}
      />
    </div>
  );
});

function FilterBox({
  where,
  error,
  onWhere,
}: {
  where: string;
  error: InvalidInput | null;
  onWhere: (where: string) => void;
}) {
  const [text, setText] = useState(where);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onWhere(text.trim());
  };
  return (
    <form className="grid-filter" onSubmit={submit} role="search">
      <span className="grid-filter-label">Filter</span>
      <input
        type="text"
        className={`grid-filter-input${error ? " invalid" : ""}`}
        value={text}
        placeholder='e.g. units > 3 and region == "west"   (Enter to apply)'
        aria-label="Filter rows by a condition"
        aria-invalid={error ? true : undefined}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            setText("");
            onWhere("");
          }
        }}
      />
      <button type="submit">Apply</button>
      {where && (
        <button
          type="button"
          onClick={() => {
            setText("");
            onWhere("");
          }}
        >
          Clear
        </button>
      )}
      {error && (
        <div className="grid-filter-error" role="alert">
          <span>{error.message}</span>
          {error.position !== null && (
            <code className="grid-filter-caret">
              {text}
              {"\n"}
              {" ".repeat(Math.max(0, error.position - 1))}^
            </code>
          )}
          {error.hint && <span className="muted">{error.hint}</span>}
        </div>
      )}
    </form>
  );
}

interface StatsAnchor {
  index: number;
  /** Left edge inside the grid, kept so the popover stays within the grid's width. */
  left: number;
}

const POPOVER_WIDTH = 292;

function GridBody({
  workflowId,
  table,
  sort,
  onSort,
}: {
  workflowId: string;
  table: TablePreview;
  sort: SortState;
  onSort: (sort: SortState) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const inFlight = useRef(new Set<number>());
  const [pages, setPages] = useState<ReadonlyMap<number, Page>>(
    () => new Map([[0, { rows: asRows(table.rows), rowNumbers: table.rowNumbers }]]),
  );
  const [pageError, setPageError] = useState<string | null>(null);
  const [stats, setStats] = useState<StatsAnchor | null>(null);
  const hoverTimer = useRef<number | null>(null);

  const columns = table.columns;
  const total = table.totalRows;
  // Widths and date-only columns are judged once from the first page, so they stay put.
  const { widths, datesOnly } = useMemo(() => {
    const sample = asRows(table.rows);
    const values = columns.map((_, i) => sample.map((r) => r[i]));
    return {
      widths: columns.map((c, i) => columnWidth(c.name, c.dtype, values[i] ?? [])),
      datesOnly: columns.map((c, i) => c.dtype === "datetime" && dateOnly(values[i] ?? [])),
    };
  }, [columns, table.rows]);
  const numberWidth = rowNumberWidth(table.storedRows);
  const totalWidth = numberWidth + widths.reduce((a, b) => a + b, 0);

  // No React Compiler here: the grid re-renders as it scrolls, which is what the virtualizer needs.
  // eslint-disable-next-line react-hooks/incompatible-library
  const rowVirtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: HEADER_HEIGHT,
    overscan: 12,
  });
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => widths[i] ?? 120,
    paddingStart: numberWidth,
    overscan: 3,
  });

  const rowItems = rowVirtualizer.getVirtualItems();
  const columnItems = columnVirtualizer.getVirtualItems();
  const firstRow = rowItems[0]?.index ?? 0;
  const lastRow = rowItems[rowItems.length - 1]?.index ?? -1;
  const needed = pagesForRange(firstRow, lastRow, total, PAGE_SIZE, PAGE_SIZE / 4);
  const neededKey = needed.join(",");

  useEffect(() => {
    const wanted = neededKey ? neededKey.split(",").map(Number) : [];
    const fetching = inFlight.current;
    for (const page of missingPages(wanted, pages, fetching)) {
      fetching.add(page);
      fetchTableRows({
        workflowId,
        nodeId: table.nodeId,
        port: table.port,
        cacheKey: table.cacheKey,
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
        sortBy: table.sortBy,
        descending: table.descending,
        where: table.where,
      })
        .then((result) => {
          if (!result.ok) {
            setPageError(result.error.message);
            return;
          }
          setPages((prev) => {
            const next = new Map(prev);
            next.set(page, { rows: result.value.rows, rowNumbers: result.value.rowNumbers });
            for (const gone of pagesToEvict([...next.keys()], wanted)) next.delete(gone);
            return next;
          });
        })
        .catch((err: unknown) => setPageError(String(err)))
        .finally(() => fetching.delete(page));
    }
  }, [neededKey, pages, workflowId, table]);

  useEffect(
    () => () => {
      if (hoverTimer.current !== null) window.clearTimeout(hoverTimer.current);
    },
    [],
  );

  const showStats = useCallback((index: number, target: HTMLElement, delay: number) => {
    if (hoverTimer.current !== null) window.clearTimeout(hoverTimer.current);
    hoverTimer.current = window.setTimeout(() => {
      const wrap = wrapRef.current?.getBoundingClientRect();
      const cell = target.getBoundingClientRect();
      if (!wrap) return;
      const room = Math.max(0, wrap.width - POPOVER_WIDTH - 4);
      setStats({ index, left: Math.min(room, Math.max(0, cell.left - wrap.left)) });
    }, delay);
  }, []);

  const hideStats = useCallback(() => {
    if (hoverTimer.current !== null) window.clearTimeout(hoverTimer.current);
    hoverTimer.current = window.setTimeout(() => setStats(null), 120);
  }, []);

  const leftPad = columnItems[0] ? columnItems[0].start - numberWidth : 0;
  const statsColumn = stats ? columns[stats.index] : undefined;

  return (
    <div className="grid-wrap" ref={wrapRef}>
      <div className="grid-scroll" ref={scrollRef} role="grid" aria-rowcount={total + 1}>
        <div
          className="grid-canvas"
          style={{ height: rowVirtualizer.getTotalSize(), width: totalWidth }}
        >
          <div className="grid-header" role="row" style={{ width: totalWidth }}>
            <div className="grid-rownum grid-corner" style={{ width: numberWidth }}>
              #
            </div>
            {leftPad > 0 && <div style={{ width: leftPad, flex: "none" }} />}
            {columnItems.map((item) => {
              const column = columns[item.index];
              if (!column) return null;
              return (
                <HeaderCell
                  key={column.name}
                  index={item.index}
                  column={column}
                  width={item.size}
                  direction={sortOf(sort, column.name)}
                  storedRows={table.storedRows}
                  onSort={() => onSort(nextSort(sort, column.name))}
                  onShowStats={showStats}
                  onHideStats={hideStats}
                />
              );
            })}
          </div>
          {rowItems.map((item) => {
            const [pageIndex, offset] = locateRow(item.index);
            const page = pages.get(pageIndex);
            const row = page?.rows[offset];
            return (
              <div
                key={item.key}
                className={`grid-row${item.index % 2 ? " odd" : ""}`}
                role="row"
                aria-rowindex={item.index + 2}
                style={{ transform: `translateY(${item.start}px)`, width: totalWidth }}
              >
                <div className="grid-rownum" style={{ width: numberWidth }} role="rowheader">
                  {page?.rowNumbers[offset] ?? ""}
                </div>
                {leftPad > 0 && <div style={{ width: leftPad, flex: "none" }} />}
                {columnItems.map((c) => {
                  const column = columns[c.index];
                  if (!column) return null;
                  return (
                    <GridCell
                      key={c.index}
                      value={row ? row[c.index] : undefined}
                      dtype={column.dtype}
                      datesOnly={datesOnly[c.index] ?? false}
                      width={c.size}
                      loaded={row !== undefined}
                    />
                  );
                })}
              </div>
            );
          })}
        </div>
        {total === 0 && <div className="grid-empty">No rows.</div>}
      </div>
      {pageError && (
        <div className="grid-page-error" role="alert">
          Could not load rows: {pageError}
        </div>
      )}
      {stats && statsColumn && (
        <div
          className="stats-anchor"
          style={{ left: stats.left }}
          onMouseEnter={() => {
            if (hoverTimer.current !== null) window.clearTimeout(hoverTimer.current);
          }}
          onMouseLeave={hideStats}
        >
          <StatsPopover column={statsColumn} storedRows={table.storedRows} />
        </div>
      )}
    </div>
  );
}

const HeaderCell = memo(function HeaderCell({
  index,
  column,
  width,
  direction,
  storedRows,
  onSort,
  onShowStats,
  onHideStats,
}: {
  index: number;
  column: ColumnStats;
  width: number;
  direction: "asc" | "desc" | null;
  storedRows: number;
  onSort: () => void;
  onShowStats: (index: number, target: HTMLElement, delay: number) => void;
  onHideStats: () => void;
}) {
  const numeric = isNumericDtype(column.dtype);
  const summary = headerSummary(column, storedRows);
  const enter = (e: ReactMouseEvent<HTMLElement>) => onShowStats(index, e.currentTarget, 350);
  return (
    <div
      className={`grid-th${numeric ? " num" : ""}${direction ? " sorted" : ""}`}
      role="columnheader"
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}
      style={{ width }}
      onMouseEnter={enter}
      onMouseLeave={onHideStats}
    >
      <button
        type="button"
        className="grid-th-button"
        onClick={onSort}
        onFocus={(e) => onShowStats(index, e.currentTarget.parentElement ?? e.currentTarget, 0)}
        onBlur={onHideStats}
        title={`Sort by ${column.name}`}
      >
        <span className="grid-th-name">{column.name}</span>
        <span className="grid-th-sort" aria-hidden="true">
          {direction === "asc" ? "▲" : direction === "desc" ? "▼" : ""}
        </span>
        <span className={`dtype-chip dtype-${column.dtype}`}>{column.dtype}</span>
      </button>
      <div className="grid-th-stats" title={summary}>
        <MiniChart column={column} storedRows={storedRows} />
        <span className="grid-th-summary">{summary}</span>
      </div>
    </div>
  );
});

const GridCell = memo(function GridCell({
  value,
  dtype,
  datesOnly,
  width,
  loaded,
}: {
  value: Cell | undefined;
  dtype: string;
  datesOnly: boolean;
  width: number;
  loaded: boolean;
}) {
  if (!loaded) {
    return (
      <div className="grid-td" role="gridcell" style={{ width }}>
        <span className="cell-skeleton" />
      </div>
    );
  }
  const cell = formatCell(value, dtype, datesOnly);
  return (
    <div
      className={`grid-td cell-${cell.kind}${cell.kind === "number" ? " num" : ""}`}
      role="gridcell"
      style={{ width }}
      title={cell.text.length > 30 ? cell.text : undefined}
    >
      {cell.text}
    </div>
  );
});
