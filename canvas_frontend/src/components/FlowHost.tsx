/**
 * The React Flow pane, and the one component of the canvas page that subscribes to the flow's
 * `nodes` and `edges`: a drag re-renders it on every frame while the toolbar and the side panels
 * (palette, properties, problems, runs, results) stay as they are. `onNodesChange` only applies
 * React Flow's own changes (store/useWorkflowStore.ts); every edit arrives through the callbacks
 * passed in. Performance choices (bench/bench_canvas.py): only visible elements are rendered, the
 * grid hides while zooming and the minimap shows only while panning (useViewportMotion.ts), and
 * zoomed far out the nodes' simplified look is one class on the pane (SimpleLookSwitch.tsx). The
 * first view is placed by FirstView.tsx (fit, never below a legible zoom).
 */

import {
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeTypes,
  type OnConnectStart,
  type OnDelete,
  type OnNodeDrag,
  type ReactFlowInstance,
} from "@xyflow/react";
import { memo, useState, type MouseEvent as ReactMouseEvent, type RefObject } from "react";
import { SNAP_GRID } from "../graph/grid";
import { CanvasNode } from "../nodes/CanvasNode";
import type { FlowNode } from "../store/flowModel";
import { useColorMode } from "../store/useThemeStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { CanvasGrid } from "./CanvasGrid";
import { ConnectionHintLabel } from "./ConnectionHintStyles";
import { FirstView } from "./FirstView";
import { FlowFocus } from "./FlowFocus";
import { GroupFrame } from "./GroupFrame";
import { SimpleLookSwitch } from "./SimpleLookSwitch";
import { FIT_VIEW_OPTIONS, useViewportMotion } from "./useViewportMotion";

const nodeTypes: NodeTypes = { canvas: CanvasNode, groupFrame: GroupFrame };
const MULTI_SELECTION_KEYS = ["Shift", "Meta", "Control"];
const DELETE_KEYS = ["Backspace", "Delete"];

export interface FlowHostProps {
  flowRef: RefObject<ReactFlowInstance<FlowNode> | null>;
  /** Place the first view on the nodes when the pane first shows them (FirstView.tsx). */
  fitOnOpen: boolean;
  onNodeDragStop: OnNodeDrag<FlowNode>;
  onSelectionDragStop: (event: ReactMouseEvent, nodes: FlowNode[]) => void;
  onConnect: (connection: Connection) => void;
  onConnectStart: OnConnectStart;
  onConnectEnd: (event: MouseEvent | TouchEvent, state: FinalConnectionState) => void;
  isValidConnection: IsValidConnection;
  onDelete: OnDelete<FlowNode>;
}

export const FlowHost = memo(function FlowHost({
  flowRef,
  fitOnOpen,
  onNodeDragStop,
  onSelectionDragStop,
  onConnect,
  onConnectStart,
  onConnectEnd,
  isValidConnection,
  onDelete,
}: FlowHostProps) {
  const nodes = useWorkflowStore((s) => s.nodes);
  const edges = useWorkflowStore((s) => s.edges);
  const onNodesChange = useWorkflowStore((s) => s.onNodesChange);
  const onEdgesChange = useWorkflowStore((s) => s.onEdgesChange);
  const colorMode = useColorMode();
  const { motion, onMoveStart, onMove, onMoveEnd } = useViewportMotion();
  const [simpleLook, setSimpleLook] = useState(false);

  return (
    <ReactFlow<FlowNode>
      className={simpleLook ? "simple-look" : undefined}
      onInit={(instance) => {
        flowRef.current = instance;
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
      minZoom={0.1}
      snapToGrid
      snapGrid={SNAP_GRID}
      zoomOnDoubleClick={false}
      multiSelectionKeyCode={MULTI_SELECTION_KEYS}
      deleteKeyCode={DELETE_KEYS}
    >
      {motion !== "zoom" && <CanvasGrid />}
      <Controls showInteractive={false} fitViewOptions={FIT_VIEW_OPTIONS} />
      {motion === "pan" && <MiniMap pannable={false} zoomable={false} />}
      <FlowFocus />
      <FirstView active={fitOnOpen} />
      <SimpleLookSwitch onChange={setSimpleLook} />
      <ConnectionHintLabel />
    </ReactFlow>
  );
});
