/**
 * The workflow editor: toolbar, palette, the React Flow canvas, and the panels around it.
 *
 * Every edit goes through `commit(ops)` (useGraphCommit) as one batch, so it is one undo step and
 * one applyGraphOps: moves, connections, deletes (with the groups they empty), copy/paste and
 * duplicate (graph/clipboard.ts), groups (graph/groups.ts, frames in store/flowModel.ts), quick
 * add (QuickAdd.tsx, wired to a dropped connection by graph/connectionHints.ts) and tidy up.
 * Keyboard shortcuts come from the table in graph/shortcuts.ts, which the "?" overlay lists.
 *
 * Copy and paste use the system clipboard through the page's copy/paste events (no permission
 * prompt), with the last copy kept in memory as the fallback (canvasClipboard.ts).
 */

import {
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeTypes,
  type OnConnectStart,
  type OnDelete,
  type OnMove,
  type OnMoveEnd,
  type OnMoveStart,
  type OnNodeDrag,
  type ReactFlowInstance,
} from "@xyflow/react";
import {
  memo,
  useCallback,
  useEffect,
  useRef,
  useState,
  type DragEvent,
  type MouseEvent as ReactMouseEvent,
  type PointerEvent as ReactPointerEvent,
} from "react";
import {
  fetchConnectionRules,
  fetchNodeTypes,
  fetchValidation,
  fetchWorkflow,
  toGraphDoc,
  type NodeTypeSpec,
} from "../api/canvasApi";
import { copySelection, parseClipboard, pasteOps, serializeClipboard } from "../graph/clipboard";
import {
  addAndWireOps,
  compatibleTypes,
  connectionHints,
  startPort,
  type ConnectionStart,
} from "../graph/connectionHints";
import { SNAP_GRID, snapToGrid } from "../graph/grid";
import { deleteOps, groupIdOfFrame, groupOps, ungroupOps } from "../graph/groups";
import { canRedo, canUndo } from "../graph/history";
import { layoutLeftToRight } from "../graph/layout";
import { freeNodeId } from "../graph/nodeIds";
import type { GraphNode, GraphOp, Position } from "../graph/ops";
import { matchShortcut, type ShortcutId } from "../graph/shortcuts";
import { CanvasNode } from "../nodes/CanvasNode";
import { DEFAULT_NODE_SIZE, edgeId, isCanvasNode, type FlowNode } from "../store/flowModel";
import { useConnectionHintStore } from "../store/useConnectionHintStore";
import { useRegistryStore } from "../store/useRegistryStore";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
import { useRunStore } from "../store/useRunStore";
import { useColorMode } from "../store/useThemeStore";
import { refreshFreshness } from "./freshness";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { CanvasGrid } from "./CanvasGrid";
import { lastCopiedText, rememberCopied } from "./canvasClipboard";
import { checkConnection } from "./connection";
import { ConnectionHintStyles } from "./ConnectionHintStyles";
import { FlowFocus } from "./FlowFocus";
import { GroupFrame } from "./GroupFrame";
import { NODE_TYPE_MIME, Palette } from "./Palette";
import { PropertiesPanel } from "./PropertiesPanel";
import { ProblemsPanel } from "./ProblemsPanel";
import { QuickAdd } from "./QuickAdd";
import { ResultsPanel } from "./results/ResultsPanel";
import { RunControls } from "./RunControls";
import { RunHistoryPanel } from "./RunHistoryPanel";
import { ScheduleDialog } from "./ScheduleDialog";
import { runStale } from "./runActions";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { DagsterLink } from "./DagsterLink";
import { ThemeToggle } from "./ThemeToggle";
import { CanvasEmptyState } from "./CanvasEmptyState";
import { LiveIndicator } from "./LiveIndicator";
import { useWorkflowChanges } from "./useWorkflowChanges";
import { useGraphCommit } from "./useGraphCommit";

// Never zoom in past 100 % to fit: one or two nodes would otherwise fill the screen.
const FIT_VIEW_OPTIONS = { maxZoom: 1, padding: 0.15 };
const nodeTypes: NodeTypes = { canvas: CanvasNode, groupFrame: GroupFrame };
const MULTI_SELECTION_KEYS = ["Shift", "Meta", "Control"];
const DELETE_KEYS = ["Backspace", "Delete"];
/** How far a paste without a pointer position, or a duplicate, lands from the originals. */
const PASTE_OFFSET = 40;
const QUICK_ADD_SIZE = { width: 300, height: 360 };

interface QuickAddState {
  left: number;
  top: number;
  /** Where the new node goes, in flow coordinates. */
  at: Position;
  /** The dragged connection the new node is wired to, with the port each type offers. */
  start: ConnectionStart | null;
  ports: Readonly<Record<string, string>>;
  entries: NodeTypeSpec[];
  context?: string;
}

async function refreshValidation(workflowId: string): Promise<void> {
  const result = await fetchValidation(workflowId);
  const store = useWorkflowStore.getState();
  if (result.ok && store.workflowId === workflowId) store.setValidation(result.value);
}

/** Typing in a field keeps its own keys (undo, copy, select all...). */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.isContentEditable;
}

function selectedNodeIds(): string[] {
  return useWorkflowStore
    .getState()
    .nodes.filter((n) => isCanvasNode(n) && n.selected && !n.hidden)
    .map((n) => n.id);
}

function notifyError(text: string): void {
  useWorkflowStore.getState().notify({ kind: "error", text });
}

function clientPoint(event: MouseEvent | TouchEvent): { x: number; y: number } | null {
  if ("changedTouches" in event) {
    const touch = event.changedTouches[0];
    return touch ? { x: touch.clientX, y: touch.clientY } : null;
  }
  return { x: event.clientX, y: event.clientY };
}

export function CanvasView({ workflowId, onBack }: { workflowId: string; onBack: () => void }) {
  const nodes = useWorkflowStore((s) => s.nodes);
  const edges = useWorkflowStore((s) => s.edges);
  const name = useWorkflowStore((s) => s.name);
  const notice = useWorkflowStore((s) => s.notice);
  const history = useWorkflowStore((s) => s.history);
  const onNodesChange = useWorkflowStore((s) => s.onNodesChange);
  const onEdgesChange = useWorkflowStore((s) => s.onEdgesChange);
  const colorMode = useColorMode();
  const runsOpen = useRunPanelsStore((s) => s.runsOpen);
  const { commit, undoLast, redoLast } = useGraphCommit();
  // What the viewport is doing: the minimap shows only while panning and the grid hides while
  // zooming; both re-raster on every frame of a zoom (bench/bench_canvas.py measured them as the
  // whole of the app's zoom cost over a bare React Flow page at 500 nodes).
  const [motion, setMotion] = useState<"idle" | "pan" | "zoom">("idle");
  const motionStart = useRef<{ zoom: number; mode: "idle" | "pan" | "zoom" }>({
    zoom: 1,
    mode: "idle",
  });
  const [loadError, setLoadError] = useState<string | null>(null);
  // Fit the view once when a workflow with nodes opens; an empty one keeps 100 % so the first
  // dropped node stays where the user put it.
  const [fitOnOpen, setFitOnOpen] = useState(false);
  const [quickAdd, setQuickAdd] = useState<QuickAddState | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const flow = useRef<ReactFlowInstance<FlowNode> | null>(null);
  const canvasRef = useRef<HTMLDivElement | null>(null);
  /** The pointer over the canvas (client coordinates), or null when it is elsewhere. */
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const lastPaste = useRef({ text: "", at: "", count: 0 });

  useEffect(() => {
    let live = true;
    const registry = useRegistryStore.getState();
    const loading = registry.loaded
      ? Promise.resolve()
      : Promise.all([fetchNodeTypes(), fetchConnectionRules()]).then(([specs, rules]) =>
          useRegistryStore.getState().setRegistry(specs, rules),
        );
    Promise.all([loading, fetchWorkflow(workflowId)])
      .then(([, result]) => {
        if (!live) return;
        if (!result.ok) {
          setLoadError(result.error.message);
          return;
        }
        useRunStore.getState().clear();
        useRunPanelsStore.getState().reset();
        useWorkflowStore
          .getState()
          .open(result.value.id, result.value.revision, toGraphDoc(result.value));
        setFitOnOpen(result.value.nodes.length > 0);
        void refreshValidation(result.value.id).catch(() => undefined);
        return refreshFreshness(result.value.id);
      })
      .catch((err: unknown) => live && setLoadError(String(err)));
    return () => {
      live = false;
      useWorkflowStore.getState().close();
    };
  }, [workflowId]);

  useWorkflowChanges(workflowId);

  /** The snapped flow position under the pointer, or null when the pointer is not on the canvas. */
  const pointerPosition = useCallback((): Position | null => {
    const at = pointer.current;
    const instance = flow.current;
    return at && instance ? snapToGrid(instance.screenToFlowPosition(at)) : null;
  }, []);

  /** Commit an edit that adds nodes and select exactly those. */
  const commitAndSelect = useCallback(
    (ops: readonly GraphOp[], nodeIds: readonly string[]) => {
      if (commit(ops)) useWorkflowStore.getState().selectNodes(new Set(nodeIds));
    },
    [commit],
  );

  /** The selection as clipboard text (also kept in memory); null when nothing is selected. */
  const copySelected = useCallback((): string | null => {
    const doc = useWorkflowStore.getState().doc;
    const payload = doc && copySelection(doc, selectedNodeIds());
    if (!payload) return null;
    const text = serializeClipboard(payload);
    rememberCopied(text);
    return text;
  }, []);

  const pasteText = useCallback(
    (text: string) => {
      const doc = useWorkflowStore.getState().doc;
      if (!doc) return;
      const parsed = parseClipboard(text);
      if (!parsed.ok) {
        notifyError(parsed.message);
        return;
      }
      // Pasting the same thing at the same place again steps each copy down and right.
      const at = pointerPosition();
      const where = at ? `${at.x},${at.y}` : "";
      const last = lastPaste.current;
      const count = last.text === text && last.at === where ? last.count + 1 : 1;
      lastPaste.current = { text, at: where, count };
      const step = PASTE_OFFSET * (count - 1);
      const result = pasteOps(
        parsed.value,
        doc,
        useRegistryStore.getState().specs,
        at ? { at: { x: at.x + step, y: at.y + step } } : { offset: PASTE_OFFSET * count },
      );
      if (!result.ok) {
        notifyError(result.message);
        return;
      }
      useWorkflowStore.getState().notify(null);
      commitAndSelect(result.value.ops, result.value.nodeIds);
    },
    [commitAndSelect, pointerPosition],
  );

  const duplicate = useCallback(() => {
    const doc = useWorkflowStore.getState().doc;
    const payload = doc && copySelection(doc, selectedNodeIds());
    if (!doc || !payload) return;
    const result = pasteOps(payload, doc, useRegistryStore.getState().specs, {
      offset: PASTE_OFFSET,
    });
    if (!result.ok) notifyError(result.message);
    else commitAndSelect(result.value.ops, result.value.nodeIds);
  }, [commitAndSelect]);

  const groupSelected = useCallback(() => {
    const doc = useWorkflowStore.getState().doc;
    if (!doc) return;
    const result = groupOps(doc, selectedNodeIds());
    if (!result.ok) notifyError(result.message);
    else commit(result.value.ops);
  }, [commit]);

  const ungroupSelected = useCallback(() => {
    const doc = useWorkflowStore.getState().doc;
    if (!doc) return;
    const ops = ungroupOps(doc, selectedNodeIds());
    if (ops.length === 0) {
      useWorkflowStore
        .getState()
        .notify({ kind: "info", text: "None of the selected nodes is in a group." });
    } else commit(ops);
  }, [commit]);

  const fitView = useCallback(() => {
    void flow.current?.fitView({ ...FIT_VIEW_OPTIONS, duration: 200 });
  }, []);

  const tidyUp = useCallback(() => {
    const { nodes: current, doc } = useWorkflowStore.getState();
    if (!doc) return;
    const placed = layoutLeftToRight(
      current.filter(isCanvasNode).map((n) => ({
        id: n.id,
        width: n.measured?.width ?? DEFAULT_NODE_SIZE.width,
        height: n.measured?.height ?? DEFAULT_NODE_SIZE.height,
      })),
      doc.edges,
    );
    commit([{ op: "move_nodes", positions: placed }]);
  }, [commit]);

  /** Open the quick-add popup at a client point, for a dragged connection or for any node. */
  const openQuickAdd = useCallback(
    (client: { x: number; y: number }, start: ConnectionStart | null) => {
      const rect = canvasRef.current?.getBoundingClientRect();
      const instance = flow.current;
      const doc = useWorkflowStore.getState().doc;
      if (!rect || !instance || !doc) return;
      const { specs, rules } = useRegistryStore.getState();
      let entries = Object.values(specs);
      let ports: Record<string, string> = {};
      let context: string | undefined;
      if (start) {
        const from = startPort(start, doc, specs);
        if (!from) return;
        const candidates = compatibleTypes(from, start.side, entries, rules);
        ports = Object.fromEntries(candidates.map((c) => [c.typeId, c.port]));
        entries = candidates.flatMap((c) => {
          const spec = specs[c.typeId];
          return spec ? [spec] : [];
        });
        const direction = start.side === "source" ? "from" : "into";
        context = `Add a node ${direction} ${start.nodeId}.${start.port} (${from.dataType})`;
      }
      const at = snapToGrid(instance.screenToFlowPosition(client));
      setQuickAdd({
        left: Math.max(0, Math.min(client.x - rect.left, rect.width - QUICK_ADD_SIZE.width)),
        top: Math.max(0, Math.min(client.y - rect.top, rect.height - QUICK_ADD_SIZE.height)),
        at: start?.side === "target" ? { x: at.x - DEFAULT_NODE_SIZE.width, y: at.y } : at,
        start,
        ports,
        entries,
        ...(context ? { context } : {}),
      });
    },
    [],
  );

  const closeQuickAdd = useCallback(() => setQuickAdd(null), []);

  /** Add a node of `typeId` at a flow position (wired to `start` when given). */
  const addNode = useCallback(
    (typeId: string, position: Position, wire?: { start: ConnectionStart; port: string }) => {
      const doc = useWorkflowStore.getState().doc;
      const spec = useRegistryStore.getState().specs[typeId];
      if (!doc || !spec) return;
      const node: GraphNode = {
        id: freeNodeId(
          typeId,
          doc.nodes.map((n) => n.id),
        ),
        type: typeId,
        type_version: spec.version,
        params: {}, // the server fills the params' defaults
        position: { x: Math.round(position.x), y: Math.round(position.y) },
        label: spec.displayName,
      };
      const ops: GraphOp[] = wire
        ? addAndWireOps(doc, wire.start, node, wire.port)
        : [{ op: "add_node", node }];
      commitAndSelect(ops, [node.id]);
    },
    [commitAndSelect],
  );

  const pickQuickAdd = useCallback(
    (typeId: string) => {
      if (!quickAdd) return;
      const port = quickAdd.ports[typeId];
      setQuickAdd(null);
      addNode(
        typeId,
        quickAdd.at,
        quickAdd.start && port ? { start: quickAdd.start, port } : undefined,
      );
    },
    [addNode, quickAdd],
  );

  const addAtCenter = useCallback(
    (typeId: string) => {
      const rect = canvasRef.current?.getBoundingClientRect();
      const instance = flow.current;
      const at =
        rect && instance
          ? instance.screenToFlowPosition({
              x: rect.left + rect.width / 2 - DEFAULT_NODE_SIZE.width / 2,
              y: rect.top + rect.height / 2 - DEFAULT_NODE_SIZE.height / 2,
            })
          : { x: 0, y: 0 };
      addNode(typeId, snapToGrid(at));
    },
    [addNode],
  );

  const runShortcut = useCallback(
    (id: ShortcutId): boolean => {
      switch (id) {
        case "undo":
          undoLast();
          return true;
        case "redo":
          redoLast();
          return true;
        case "duplicate":
          duplicate();
          return true;
        case "selectAll":
          useWorkflowStore.getState().selectNodes(null);
          return true;
        case "group":
          groupSelected();
          return true;
        case "ungroup":
          ungroupSelected();
          return true;
        case "fitView":
          fitView();
          return true;
        case "quickAdd": {
          const rect = canvasRef.current?.getBoundingClientRect();
          const at =
            pointer.current ??
            (rect ? { x: rect.left + rect.width / 2, y: rect.top + rect.height / 3 } : null);
          if (at) openQuickAdd(at, null);
          return true;
        }
        case "tidyUp":
          tidyUp();
          return true;
        case "run":
          void runStale();
          return true;
        case "help":
          setHelpOpen((open) => !open);
          return true;
        // copy and paste go through the clipboard events; delete is React Flow's
        case "copy":
        case "paste":
        case "delete":
          return false;
      }
    },
    [duplicate, fitView, groupSelected, openQuickAdd, redoLast, tidyUp, undoLast, ungroupSelected],
  );

  useEffect(() => {
    let pasteEventSeen = false;
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented || isTyping(e.target)) return;
      const id = matchShortcut(e);
      if (id === "copy") {
        copySelected(); // the in-memory copy; the copy event that follows fills the clipboard
      } else if (id === "paste") {
        // The paste event follows at once when the browser has a clipboard; else use the memory.
        pasteEventSeen = false;
        setTimeout(() => {
          const text = lastCopiedText();
          if (!pasteEventSeen && text) pasteText(text);
        }, 0);
      } else if (id && runShortcut(id)) {
        e.preventDefault();
      }
    }
    function onCopy(e: ClipboardEvent) {
      if (isTyping(e.target)) return;
      const text = copySelected();
      if (!text || !e.clipboardData) return;
      e.clipboardData.setData("text/plain", text);
      e.preventDefault();
    }
    function onPaste(e: ClipboardEvent) {
      if (isTyping(e.target) || !useWorkflowStore.getState().doc) return;
      pasteEventSeen = true;
      e.preventDefault();
      pasteText(e.clipboardData?.getData("text/plain") || lastCopiedText() || "");
    }
    window.addEventListener("keydown", onKeyDown);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [copySelected, pasteText, runShortcut]);

  /** Commit where dragged nodes (and the members of dragged group frames) ended up. */
  const saveDraggedPositions = useCallback(
    (dragged: readonly FlowNode[]) => {
      const { doc, nodes: current } = useWorkflowStore.getState();
      if (!doc) return;
      const ids = new Set<string>();
      for (const n of dragged) {
        const groupId = groupIdOfFrame(n.id);
        if (groupId === null) ids.add(n.id);
        else doc.groups.find((g) => g.id === groupId)?.node_ids.forEach((id) => ids.add(id));
      }
      const byId = new Map(current.map((n) => [n.id, n]));
      const positions: Record<string, Position> = {};
      for (const node of doc.nodes) {
        const now = ids.has(node.id) ? byId.get(node.id)?.position : undefined;
        if (now && (now.x !== node.position.x || now.y !== node.position.y)) {
          positions[node.id] = { x: Math.round(now.x), y: Math.round(now.y) };
        }
      }
      if (Object.keys(positions).length > 0) commit([{ op: "move_nodes", positions }]);
    },
    [commit],
  );

  const onNodeDragStop: OnNodeDrag<FlowNode> = useCallback(
    (_event, _node, dragged) => saveDraggedPositions(dragged),
    [saveDraggedPositions],
  );

  const onSelectionDragStop = useCallback(
    (_event: ReactMouseEvent, dragged: FlowNode[]) => saveDraggedPositions(dragged),
    [saveDraggedPositions],
  );

  const isValidConnection: IsValidConnection = useCallback((connection: Connection | Edge) => {
    const doc = useWorkflowStore.getState().doc;
    const { specs, rules } = useRegistryStore.getState();
    return doc ? checkConnection(connection, doc, specs, rules).ok : false;
  }, []);

  const onConnectStart: OnConnectStart = useCallback((_event, params) => {
    const doc = useWorkflowStore.getState().doc;
    if (!doc || !params.nodeId || !params.handleId || !params.handleType) return;
    if (groupIdOfFrame(params.nodeId) !== null) return;
    const start: ConnectionStart = {
      nodeId: params.nodeId,
      port: params.handleId,
      side: params.handleType,
    };
    const { specs, rules } = useRegistryStore.getState();
    useConnectionHintStore.getState().begin(start, connectionHints(start, doc, specs, rules));
  }, []);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const start = useConnectionHintStore.getState().start;
      useConnectionHintStore.getState().end();
      if (!state.fromHandle) return;
      const target = event.target as Element | null;
      const onEmptyCanvas =
        !state.toHandle &&
        target?.closest?.(".react-flow__pane") &&
        !target.closest(".react-flow__node");
      if (onEmptyCanvas && start) {
        const point = clientPoint(event);
        if (point) openQuickAdd(point, start);
        return;
      }
      if (state.isValid !== false || !state.toHandle) return;
      const doc = useWorkflowStore.getState().doc;
      const { specs, rules } = useRegistryStore.getState();
      if (!doc) return;
      const fromSource = state.fromHandle.type === "source";
      const [src, tgt] = fromSource
        ? [state.fromHandle, state.toHandle]
        : [state.toHandle, state.fromHandle];
      const verdict = checkConnection(
        {
          source: src.nodeId,
          sourceHandle: src.id ?? null,
          target: tgt.nodeId,
          targetHandle: tgt.id ?? null,
        },
        doc,
        specs,
        rules,
      );
      if (!verdict.ok) notifyError(`Cannot connect: ${verdict.reason}`);
    },
    [openQuickAdd],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const doc = useWorkflowStore.getState().doc;
      if (!doc || !c.sourceHandle || !c.targetHandle) return;
      const { specs, rules } = useRegistryStore.getState();
      const verdict = checkConnection(c, doc, specs, rules);
      if (!verdict.ok) {
        notifyError(`Cannot connect: ${verdict.reason}`);
        return;
      }
      // An input takes one edge: a new connection replaces the old one, in the same undo step.
      const ops: GraphOp[] = doc.edges
        .filter((e) => e.target === c.target && e.target_port === c.targetHandle)
        .map((e) => ({ op: "remove_edge", edge_id: e.id }));
      ops.push({
        op: "add_edge",
        edge: {
          id: edgeId(c.source, c.sourceHandle, c.target, c.targetHandle),
          source: c.source,
          source_port: c.sourceHandle,
          target: c.target,
          target_port: c.targetHandle,
        },
      });
      useWorkflowStore.getState().notify(null);
      commit(ops);
    },
    [commit],
  );

  const onDelete: OnDelete<FlowNode> = useCallback(
    ({ nodes: gone, edges: cut }) => {
      const doc = useWorkflowStore.getState().doc;
      if (!doc) return;
      const ops = deleteOps(
        doc,
        gone.filter(isCanvasNode).map((n) => n.id),
        cut.map((e) => e.id),
      );
      if (ops.length > 0) commit(ops);
    },
    [commit],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const typeId = event.dataTransfer.getData(NODE_TYPE_MIME);
      if (!typeId || !flow.current) return;
      event.preventDefault();
      const at = snapToGrid(
        flow.current.screenToFlowPosition({ x: event.clientX, y: event.clientY }),
      );
      // A palette node dropped while a dropped connection waits for its node is wired to it.
      const port = quickAdd?.start ? quickAdd.ports[typeId] : undefined;
      if (quickAdd?.start && port) {
        setQuickAdd(null);
        addNode(typeId, at, { start: quickAdd.start, port });
      } else addNode(typeId, at);
    },
    [addNode, quickAdd],
  );

  const onDoubleClick = useCallback(
    (event: ReactMouseEvent) => {
      const target = event.target as Element;
      if (!target.classList?.contains("react-flow__pane")) return;
      openQuickAdd({ x: event.clientX, y: event.clientY }, null);
    },
    [openQuickAdd],
  );

  const onPointerMove = useCallback((event: ReactPointerEvent) => {
    pointer.current = { x: event.clientX, y: event.clientY };
  }, []);
  const onPointerLeave = useCallback(() => {
    pointer.current = null;
  }, []);

  const onMoveStart: OnMoveStart = useCallback((_event, viewport) => {
    motionStart.current = { zoom: viewport.zoom, mode: "idle" };
  }, []);
  // Called on every frame of a gesture: state changes at most once per gesture.
  const onMove: OnMove = useCallback((_event, viewport) => {
    const current = motionStart.current;
    const mode = viewport.zoom !== current.zoom ? "zoom" : "pan";
    if (mode === current.mode || current.mode === "zoom") return;
    current.mode = mode;
    setMotion(mode);
  }, []);
  const onMoveEnd: OnMoveEnd = useCallback(() => {
    motionStart.current.mode = "idle";
    setMotion("idle");
  }, []);

  if (loadError) {
    return (
      <main className="workflow-list">
        <p className="error">{loadError}</p>
        <button type="button" onClick={onBack}>
          Back to workflows
        </button>
      </main>
    );
  }

  return (
    <div className="canvas-page">
      <header className="toolbar">
        <button type="button" onClick={onBack} aria-label="Back to workflows">
          ←
        </button>
        <h1>{name}</h1>
        <span className="spacer" />
        <button type="button" onClick={undoLast} disabled={!canUndo(history)} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button
          type="button"
          onClick={redoLast}
          disabled={!canRedo(history)}
          title="Redo (Ctrl+Shift+Z)"
        >
          Redo
        </button>
        <button type="button" onClick={groupSelected} title="Group the selected nodes (Ctrl+G)">
          Group
        </button>
        <button type="button" onClick={tidyUp} title="Auto-layout left to right (Shift+Alt+T)">
          Tidy up
        </button>
        <button
          type="button"
          onClick={() => setHelpOpen(true)}
          title="Keyboard shortcuts (?)"
          aria-haspopup="dialog"
        >
          Shortcuts
        </button>
        <DagsterLink />
        <LiveIndicator />
        <ThemeToggle />
        <RunPanelButtons />
        <RunControls />
      </header>
      {notice && (
        <div
          className={`notice notice-${notice.kind}`}
          role={notice.kind === "error" ? "alert" : "status"}
        >
          {notice.text}
          <button
            type="button"
            onClick={() => useWorkflowStore.getState().notify(null)}
            aria-label="Dismiss"
          >
            ×
          </button>
        </div>
      )}
      <div className="canvas-body">
        <Palette onAdd={addAtCenter} />
        <div className="canvas-center">
          <div
            className="canvas"
            ref={canvasRef}
            onDragOver={onDragOver}
            onDrop={onDrop}
            onDoubleClick={onDoubleClick}
            onPointerMove={onPointerMove}
            onPointerLeave={onPointerLeave}
          >
            <ReactFlow<FlowNode>
              onInit={(instance) => {
                flow.current = instance;
              }}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              colorMode={colorMode}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onNodeDragStop={onNodeDragStop}
              onSelectionDragStop={onSelectionDragStop}
              onConnect={onConnect}
              onConnectStart={onConnectStart}
              onConnectEnd={onConnectEnd}
              isValidConnection={isValidConnection}
              onDelete={onDelete}
              onMoveStart={onMoveStart}
              onMove={onMove}
              onMoveEnd={onMoveEnd}
              onlyRenderVisibleElements
              fitView={fitOnOpen}
              fitViewOptions={FIT_VIEW_OPTIONS}
              minZoom={0.1}
              snapToGrid
              snapGrid={SNAP_GRID}
              zoomOnDoubleClick={false}
              multiSelectionKeyCode={MULTI_SELECTION_KEYS}
              deleteKeyCode={DELETE_KEYS}
            >
              {motion !== "zoom" && <CanvasGrid />}
              <Controls showInteractive={false} />
              {motion === "pan" && <MiniMap pannable={false} zoomable={false} />}
              <FlowFocus />
            </ReactFlow>
            <CanvasEmptyState />
            <ConnectionHintStyles scope=".canvas" />
            {quickAdd && (
              <QuickAdd
                left={quickAdd.left}
                top={quickAdd.top}
                entries={quickAdd.entries}
                {...(quickAdd.context ? { context: quickAdd.context } : {})}
                onPick={pickQuickAdd}
                onClose={closeQuickAdd}
              />
            )}
          </div>
          {/* Runs takes the results' place while open; the results panel stays mounted (its
              port, sort and filter choices survive) */}
          <RunHistoryPanel />
          <div className="results-slot" hidden={runsOpen}>
            <ResultsPanel />
          </div>
        </div>
        <ProblemsPanel />
        <PropertiesPanel commit={commit} />
      </div>
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
      <ScheduleDialog />
    </div>
  );
}

/** "Runs" (the run history below the canvas) and "Schedule…" (the schedule dialog); memo'd,
 * since the page re-renders on every drag frame. */
const RunPanelButtons = memo(function RunPanelButtons() {
  const runsOpen = useRunPanelsStore((s) => s.runsOpen);
  return (
    <>
      <button
        type="button"
        aria-pressed={runsOpen}
        onClick={() => useRunPanelsStore.getState().toggleRuns()}
        title="The workflow's runs: status, trigger, duration, steps; compare two runs' metrics"
      >
        Runs
      </button>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => useRunPanelsStore.getState().openSchedule(null)}
        title="Run this workflow on a schedule"
      >
        Schedule…
      </button>
    </>
  );
});
