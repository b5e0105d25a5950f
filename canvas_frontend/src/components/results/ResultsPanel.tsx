/**
 * The selected node's output, below the canvas: a header (node title, port tabs when the node has
 * several outputs, row count or size, a "current" or "earlier result" badge, Download, collapse)
 * over the result drawn by its data type (grid, Plotly chart, metrics table, JSON tree, file or
 * model facts), or an empty state that says what to do next. The panel's height is dragged at its
 * top edge (or set with the arrow keys there) and kept, with the collapsed state, in localStorage.
 *
 * Performance: the panel takes no props and is memo'd, so canvas renders (pan, drag) skip it; it
 * subscribes to primitives only (the selected node's id, type and label, that node's run state and
 * freshness) and fetches again only when one of them, the port, the sort or the filter changes.
 */

import {
  memo,
  useCallback,
  useEffect,
  useState,
  type KeyboardEvent,
  type PointerEvent,
} from "react";
import { downloadResult, type OutputPreview } from "../../api/outputsApi";
import { formatBytes, formatNumber, formatRowCount } from "../../graph/gridFormat";
import { NO_SORT, type SortState } from "../../graph/gridPaging";
import { MIN_PLOT_HEIGHT } from "../../graph/resultsPlot";
import {
  DEFAULT_PANEL_HEIGHT,
  MIN_PANEL_HEIGHT,
  SELECT_A_NODE,
  clampPanelHeight,
  earlierResultNotice,
  emptyState,
  type EmptyState,
} from "../../graph/resultsView";
import { useRegistryStore } from "../../store/useRegistryStore";
import { runIsCurrent } from "../../store/runState";
import { useRunStore } from "../../store/useRunStore";
import { useWorkflowStore } from "../../store/useWorkflowStore";
import { DataGrid } from "./DataGrid";
import { FileView, ModelView } from "./FileView";
import { JsonView } from "./JsonView";
import { MetricsView } from "./MetricsView";
import { PlotView } from "./PlotView";
import { useNodeOutput } from "./useNodeOutput";
import "./results.css";

const HEIGHT_KEY = "mlcanvas.results.height";
/** The header over the body (results.css: 38 px, its border and the panel's). */
const HEADER_PX = 40;
/** A panel the user has not sized yet shows a whole chart without scrolling. */
const FIRST_HEIGHT = Math.max(DEFAULT_PANEL_HEIGHT, MIN_PLOT_HEIGHT + HEADER_PX);
const COLLAPSED_KEY = "mlcanvas.results.collapsed";
const SEP = "\u0000";

/** The selected node as one primitive ("id\0type\0label"), so unrelated store changes are free. */
function selectedNode(s: ReturnType<typeof useWorkflowStore.getState>): string {
  const node = s.nodes.find((n) => n.selected);
  return node ? [node.id, node.data.typeId, node.data.label].join(SEP) : "";
}

function currentRun(s: ReturnType<typeof useRunStore.getState>, nodeId: string) {
  const run = nodeId ? s.byNode[nodeId] : undefined;
  return run && runIsCurrent(run, s.freshness[nodeId]) ? run : undefined;
}

function readStored(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function writeStored(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // storage disabled: the panel just forgets its size
  }
}

interface View {
  sort: SortState;
  where: string;
}

const NO_VIEW: View = { sort: NO_SORT, where: "" };

export const ResultsPanel = memo(function ResultsPanel() {
  const workflowId = useWorkflowStore((s) => s.workflowId);
  const selected = useWorkflowStore(selectedNode);
  const [nodeId = "", typeId = "", label = ""] = selected ? selected.split(SEP) : [];
  const spec = useRegistryStore((s) => (typeId ? s.specs[typeId] : undefined));
  // The run record counts only while it describes the graph as it stands (no edit since).
  const runState = useRunStore((s) => currentRun(s, nodeId)?.state);
  const runMessage = useRunStore((s) => currentRun(s, nodeId)?.message);
  const freshState = useRunStore((s) => (nodeId ? s.freshness[nodeId]?.state : undefined));
  const freshReason = useRunStore((s) => (nodeId ? s.freshness[nodeId]?.reason : undefined));
  const freshKey = useRunStore((s) => (nodeId ? s.freshness[nodeId]?.cacheKey : undefined));

  const [collapsed, setCollapsed] = useState(() => readStored(COLLAPSED_KEY) === "1");
  const [height, setHeight] = useState(() =>
    clampPanelHeight(Number(readStored(HEIGHT_KEY) ?? FIRST_HEIGHT), window.innerHeight),
  );
  const [portByNode, setPortByNode] = useState<Record<string, string>>({});
  const [views, setViews] = useState<Record<string, View>>({});
  const [downloadError, setDownloadError] = useState<string | null>(null);

  useEffect(() => writeStored(HEIGHT_KEY, String(height)), [height]);
  useEffect(() => writeStored(COLLAPSED_KEY, collapsed ? "1" : "0"), [collapsed]);

  const outputs = spec?.outputs ?? [];
  const port = (nodeId && portByNode[nodeId]) || outputs[0]?.name || null;
  const viewKey = `${nodeId}/${port ?? ""}`;
  const view = views[viewKey] ?? NO_VIEW;
  const run = runState ? { state: runState, message: runMessage ?? "" } : undefined;
  const freshness = freshState ? { state: freshState, reason: freshReason ?? "" } : undefined;
  const settledRun = runState === "succeeded" || runState === "failed" ? runState : "-";
  // Without a fresh result, any edit may change the answer (the node just added, a problem fixed):
  // ask again at each revision then. A fresh result changes only with its freshness.
  const revision = useWorkflowStore((s) => (freshState === "fresh" ? 0 : s.revision));
  const reload = [settledRun, freshState, freshReason, freshKey, revision].join("|");

  const target = workflowId && nodeId ? { workflowId, nodeId, port } : null;
  const output = useNodeOutput(
    target,
    { sortBy: view.sort.column, descending: view.sort.descending, where: view.where || null },
    reload,
  );

  const setView = useCallback(
    (change: Partial<View>) =>
      setViews((all) => ({ ...all, [viewKey]: { ...(all[viewKey] ?? NO_VIEW), ...change } })),
    [viewKey],
  );
  const onSort = useCallback((sort: SortState) => setView({ sort }), [setView]);
  const onWhere = useCallback((where: string) => setView({ where }), [setView]);

  const preview = output.preview;
  const download = useCallback(() => {
    if (!preview?.downloadUrl) return;
    setDownloadError(null);
    downloadResult(preview.downloadUrl, `${preview.nodeId}_${preview.port}`).catch((err: unknown) =>
      setDownloadError(String(err)),
    );
  }, [preview]);

  const onResizeStart = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      if (collapsed) return;
      event.preventDefault();
      const handle = event.currentTarget;
      const startY = event.clientY;
      const startHeight = height;
      handle.setPointerCapture(event.pointerId);
      const move = (e: globalThis.PointerEvent) =>
        setHeight(clampPanelHeight(startHeight + (startY - e.clientY), window.innerHeight));
      const end = () => {
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", end);
        handle.removeEventListener("pointercancel", end);
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", end);
      handle.addEventListener("pointercancel", end);
    },
    [collapsed, height],
  );

  const onResizeKey = useCallback((event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 96 : 24;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    const delta = event.key === "ArrowUp" ? step : -step;
    setHeight((h) => clampPanelHeight(h + delta, window.innerHeight));
  }, []);

  const title = label || spec?.displayName || typeId;
  const empty: EmptyState | null = !nodeId
    ? SELECT_A_NODE
    : emptyState(run, freshness, output.error);
  const notice = preview ? earlierResultNotice(preview.current, freshness) : null;

  return (
    <section
      className={`results-panel${collapsed ? " collapsed" : ""}`}
      style={collapsed ? undefined : { height }}
      aria-label="Results"
    >
      <div
        className="results-resize"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the results panel"
        aria-valuenow={height}
        aria-valuemin={MIN_PANEL_HEIGHT}
        tabIndex={0}
        onPointerDown={onResizeStart}
        onKeyDown={onResizeKey}
        onDoubleClick={() => setCollapsed((c) => !c)}
      />
      <header className="results-header">
        <button
          type="button"
          className="results-collapse"
          aria-expanded={!collapsed}
          aria-label={collapsed ? "Expand the results panel" : "Collapse the results panel"}
          onClick={() => setCollapsed((c) => !c)}
        >
          {collapsed ? "▸" : "▾"}
        </button>
        <span className="results-heading">
          {nodeId ? (
            <>
              <span className="results-title">{title}</span>
              <span className="results-node-id muted">{nodeId}</span>
            </>
          ) : (
            <span className="results-title muted">Results</span>
          )}
        </span>
        {outputs.length > 1 && (
          <div className="results-tabs" role="tablist" aria-label="Output ports">
            {outputs.map((p) => (
              <button
                key={p.name}
                type="button"
                role="tab"
                aria-selected={p.name === port}
                className={`results-tab${p.name === port ? " active" : ""}`}
                onClick={() => setPortByNode((all) => ({ ...all, [nodeId]: p.name }))}
                title={p.description}
              >
                {p.label || p.name}
                <span className="results-tab-type">{p.dataType}</span>
              </button>
            ))}
          </div>
        )}
        {preview && nodeId && <ResultFacts preview={preview} />}
        <span className="results-spacer" />
        {output.loading && nodeId && <span className="results-spinner" aria-label="Loading" />}
        {downloadError && (
          <span className="results-download-error" role="alert">
            {downloadError}
          </span>
        )}
        {preview?.downloadUrl && nodeId && (
          <button type="button" className="results-download" onClick={download}>
            Download
          </button>
        )}
      </header>
      {!collapsed && (
        <div className="results-body">
          {output.failure && (
            <div className="results-banner danger" role="alert">
              Could not load the output: {output.failure}
            </div>
          )}
          {empty ? (
            <EmptyView state={empty} />
          ) : preview ? (
            <>
              {notice && <div className="results-banner warn">{notice}</div>}
              <ResultView
                workflowId={workflowId ?? ""}
                preview={preview}
                view={view}
                whereError={output.whereError}
                loading={output.loading}
                onSort={onSort}
                onWhere={onWhere}
                onDownload={download}
              />
            </>
          ) : output.loading ? (
            <div className="results-loading">Loading the output…</div>
          ) : null}
        </div>
      )}
    </section>
  );
});

function ResultFacts({ preview }: { preview: OutputPreview }) {
  let facts = "";
  if (preview.__typename === "DataFramePreview") {
    facts = preview.where
      ? `${formatNumber(preview.totalRows)} of ${formatRowCount(preview.storedRows)}`
      : `${formatRowCount(preview.totalRows)} × ${preview.columns.length} columns`;
  } else if (preview.__typename === "FilePreview") {
    facts = formatBytes(preview.sizeBytes);
  }
  return (
    <>
      <span className={`results-badge ${preview.current ? "current" : "earlier"}`}>
        {preview.current ? "current" : "earlier result"}
      </span>
      <span className="results-type">{preview.dataType}</span>
      {facts && (
        <span className="results-facts" data-testid="results-facts">
          {facts}
        </span>
      )}
    </>
  );
}

function EmptyView({ state }: { state: EmptyState }) {
  return (
    <div className={`results-empty tone-${state.tone}`} role="status">
      <div className="results-empty-title">{state.title}</div>
      <div className="results-empty-detail">{state.detail}</div>
    </div>
  );
}

function ResultView({
  workflowId,
  preview,
  view,
  whereError,
  loading,
  onSort,
  onWhere,
  onDownload,
}: {
  workflowId: string;
  preview: OutputPreview;
  view: View;
  whereError: ReturnType<typeof useNodeOutput>["whereError"];
  loading: boolean;
  onSort: (sort: SortState) => void;
  onWhere: (where: string) => void;
  onDownload: () => void;
}) {
  switch (preview.__typename) {
    case "DataFramePreview":
      return (
        <DataGrid
          workflowId={workflowId}
          table={preview}
          sort={view.sort}
          where={view.where}
          whereError={whereError}
          loading={loading}
          onSort={onSort}
          onWhere={onWhere}
        />
      );
    case "PlotPreview":
      return <PlotView figure={preview.figure} />;
    case "MetricsPreview":
      return <MetricsView values={preview.values} />;
    case "FilePreview":
      return <FileView file={preview} onDownload={onDownload} />;
    case "JsonPreview":
      return preview.dataType === "model" ? (
        <ModelView value={preview.value} />
      ) : (
        <JsonView value={preview.value} />
      );
    default:
      return null;
  }
}
