import {
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeTypes,
  type OnDelete,
  type OnNodeDrag,
  type ReactFlowInstance,
} from "@xyflow/react";
import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import {
  fetchConnectionRules,
  fetchNodeTypes,
  fetchValidation,
  fetchWorkflow,
  toGraphDoc,
} from "../api/canvasApi";
import { canRedo, canUndo } from "../graph/history";
import { layoutLeftToRight } from "../graph/layout";
import { freeNodeId } from "../graph/nodeIds";
import type { GraphOp, Position } from "../graph/ops";
import { CanvasNode } from "../nodes/CanvasNode";
import { edgeId, type CanvasFlowNode } from "../store/flowModel";
import { useRegistryStore } from "../store/useRegistryStore";
import { useRunStore } from "../store/useRunStore";
import { refreshFreshness } from "./freshness";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { checkConnection } from "./connection";
import { NODE_TYPE_MIME, Palette } from "./Palette";
import { PropertiesPanel } from "./PropertiesPanel";
import { ProblemsPanel } from "./ProblemsPanel";
import { ResultsPanel } from "./results/ResultsPanel";
import { RunControls } from "./RunControls";
import { ThemeToggle } from "./ThemeToggle";
import { useWorkflowChanges } from "./useWorkflowChanges";
import { useGraphCommit } from "./useGraphCommit";

const nodeTypes: NodeTypes = { canvas: CanvasNode };
const DEFAULT_SIZE = { width: 200, height: 80 };

async function refreshValidation(workflowId: string): Promise<void> {
  const result = await fetchValidation(workflowId);
  const store = useWorkflowStore.getState();
  if (result.ok && store.workflowId === workflowId) store.setValidation(result.value);
}

export function CanvasView({ workflowId, onBack }: { workflowId: string; onBack: () => void }) {
  const nodes = useWorkflowStore((s) => s.nodes);
  const edges = useWorkflowStore((s) => s.edges);
  const name = useWorkflowStore((s) => s.name);
  const notice = useWorkflowStore((s) => s.notice);
  const history = useWorkflowStore((s) => s.history);
  const onNodesChange = useWorkflowStore((s) => s.onNodesChange);
  const onEdgesChange = useWorkflowStore((s) => s.onEdgesChange);
  const { commit, undoLast, redoLast } = useGraphCommit();
  const [moving, setMoving] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const flow = useRef<ReactFlowInstance<CanvasFlowNode> | null>(null);

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
        useWorkflowStore
          .getState()
          .open(result.value.id, result.value.revision, toGraphDoc(result.value));
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

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const target = e.target as HTMLElement | null;
      if (target && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        undoLast();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        redoLast();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undoLast, redoLast]);

  const onNodeDragStop: OnNodeDrag<CanvasFlowNode> = useCallback(
    (_event, _node, dragged) => {
      const doc = useWorkflowStore.getState().doc;
      if (!doc) return;
      const positions: Record<string, Position> = {};
      for (const n of dragged) {
        const before = doc.nodes.find((d) => d.id === n.id)?.position;
        if (before && (before.x !== n.position.x || before.y !== n.position.y)) {
          positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
        }
      }
      if (Object.keys(positions).length > 0) commit([{ op: "move_nodes", positions }]);
    },
    [commit],
  );

  const isValidConnection: IsValidConnection = useCallback((connection: Connection | Edge) => {
    const doc = useWorkflowStore.getState().doc;
    const { specs, rules } = useRegistryStore.getState();
    return doc ? checkConnection(connection, doc, specs, rules).ok : false;
  }, []);

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.toHandle || !state.fromHandle) return;
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
      if (!verdict.ok) {
        useWorkflowStore
          .getState()
          .notify({ kind: "error", text: `Cannot connect: ${verdict.reason}` });
      }
    },
    [],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const doc = useWorkflowStore.getState().doc;
      if (!doc || !c.sourceHandle || !c.targetHandle) return;
      const { specs, rules } = useRegistryStore.getState();
      const verdict = checkConnection(c, doc, specs, rules);
      if (!verdict.ok) {
        useWorkflowStore
          .getState()
          .notify({ kind: "error", text: `Cannot connect: ${verdict.reason}` });
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

  const onDelete: OnDelete<CanvasFlowNode> = useCallback(
    ({ nodes: gone, edges: cut }) => {
      const goneIds = new Set(gone.map((n) => n.id));
      const ops: GraphOp[] = [
        ...cut
          .filter((e) => !goneIds.has(e.source) && !goneIds.has(e.target))
          .map((e): GraphOp => ({ op: "remove_edge", edge_id: e.id })),
        ...gone.map((n): GraphOp => ({ op: "remove_node", node_id: n.id })),
      ];
      commit(ops);
    },
    [commit],
  );

  /** Add a node of `typeId` at a flow position; the server fills the params' defaults. */
  const addNode = useCallback(
    (typeId: string, position: Position) => {
      const doc = useWorkflowStore.getState().doc;
      const spec = useRegistryStore.getState().specs[typeId];
      if (!doc || !spec) return;
      const id = freeNodeId(
        typeId,
        doc.nodes.map((n) => n.id),
      );
      commit([
        {
          op: "add_node",
          node: {
            id,
            type: typeId,
            type_version: spec.version,
            params: {},
            position: { x: Math.round(position.x), y: Math.round(position.y) },
            label: spec.displayName,
          },
        },
      ]);
    },
    [commit],
  );

  const addAtCenter = useCallback(
    (typeId: string) => {
      const rect = document.querySelector(".canvas")?.getBoundingClientRect();
      const instance = flow.current;
      const at =
        rect && instance
          ? instance.screenToFlowPosition({
              x: rect.left + rect.width / 2 - DEFAULT_SIZE.width / 2,
              y: rect.top + rect.height / 2 - DEFAULT_SIZE.height / 2,
            })
          : { x: 0, y: 0 };
      addNode(typeId, at);
    },
    [addNode],
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
      addNode(typeId, flow.current.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [addNode],
  );

  const tidyUp = useCallback(() => {
    const { nodes: current, doc } = useWorkflowStore.getState();
    if (!doc) return;
    const placed = layoutLeftToRight(
      current.map((n) => ({
        id: n.id,
        width: n.measured?.width ?? DEFAULT_SIZE.width,
        height: n.measured?.height ?? DEFAULT_SIZE.height,
      })),
      doc.edges,
    );
    commit([{ op: "move_nodes", positions: placed }]);
  }, [commit]);

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
        <button type="button" onClick={tidyUp} title="Auto-layout left to right">
          Tidy up
        </button>
        <ThemeToggle />
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
          <div className="canvas" onDragOver={onDragOver} onDrop={onDrop}>
            <ReactFlow<CanvasFlowNode>
              onInit={(instance) => {
                flow.current = instance;
              }}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onNodeDragStop={onNodeDragStop}
              onConnect={onConnect}
              onConnectEnd={onConnectEnd}
              isValidConnection={isValidConnection}
              onDelete={onDelete}
              onMoveStart={() => setMoving(true)}
              onMoveEnd={() => setMoving(false)}
              onlyRenderVisibleElements
              fitView
              minZoom={0.1}
              deleteKeyCode={["Backspace", "Delete"]}
            >
              <Controls showInteractive={false} />
              {moving && <MiniMap pannable={false} zoomable={false} />}
            </ReactFlow>
          </div>
          <ResultsPanel />
        </div>
        <ProblemsPanel />
        <PropertiesPanel commit={commit} />
      </div>
    </div>
  );
}
