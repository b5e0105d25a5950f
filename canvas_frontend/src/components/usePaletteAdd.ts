/**
 * A palette entry's "add" (a click, or Enter on its button). With one node selected, the new node
 * is wired to it where it fits (graph/paletteWire.ts: its first output that fits an input of the
 * new type) and placed to its right, and the view follows when that is off screen; as the new
 * node is then the selection, adding again continues the chain. With nothing selected, or when
 * nothing fits (which the notice says), the node goes in the middle of the view, unconnected.
 */

import type { ReactFlowInstance } from "@xyflow/react";
import { useCallback, type RefObject } from "react";
import { snapToGrid } from "../graph/grid";
import type { Position } from "../graph/ops";
import { paletteWire, placeRightOf } from "../graph/paletteWire";
import { singleSelectedId } from "../graph/selection";
import { DEFAULT_NODE_SIZE, isCanvasNode, nodeBox, type FlowNode } from "../store/flowModel";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import type { Wire } from "./useCanvasEdits";

/** How long the view takes to bring a node added off screen into view. */
const FOLLOW_MS = 200;

export function usePaletteAdd(
  addNode: (typeId: string, position: Position, wire?: Wire) => void,
  addAtCenter: (typeId: string) => void,
  flowRef: RefObject<ReactFlowInstance<FlowNode> | null>,
  canvasRef: RefObject<HTMLDivElement | null>,
) {
  return useCallback(
    (typeId: string) => {
      const store = useWorkflowStore.getState();
      const { specs, rules } = useRegistryStore.getState();
      const selectedId = singleSelectedId(store.nodes);
      const anchor = selectedId
        ? store.nodes.filter(isCanvasNode).find((n) => n.id === selectedId)
        : undefined;
      if (!store.doc || !selectedId || !anchor) {
        addAtCenter(typeId);
        return;
      }
      const wire = paletteWire(store.doc, selectedId, typeId, specs, rules);
      if (!wire) {
        const name = specs[typeId]?.displayName ?? typeId;
        const from = anchor.data.label || selectedId;
        store.notify({
          kind: "info",
          text: `Added ${name} unconnected: no output of “${from}” fits one of its inputs.`,
        });
        addAtCenter(typeId);
        return;
      }
      const others = store.nodes.filter((n) => isCanvasNode(n) && !n.hidden).map(nodeBox);
      const at = snapToGrid(placeRightOf(nodeBox(anchor), others, DEFAULT_NODE_SIZE));
      addNode(typeId, at, wire);
      bringIntoView(at, flowRef.current, canvasRef.current);
    },
    [addAtCenter, addNode, canvasRef, flowRef],
  );
}

function bringIntoView(
  at: Position,
  instance: ReactFlowInstance<FlowNode> | null,
  canvas: HTMLDivElement | null,
): void {
  if (!instance || !canvas) return;
  const rect = canvas.getBoundingClientRect();
  const topLeft = instance.flowToScreenPosition(at);
  const bottomRight = instance.flowToScreenPosition({
    x: at.x + DEFAULT_NODE_SIZE.width,
    y: at.y + DEFAULT_NODE_SIZE.height,
  });
  const inside =
    topLeft.x >= rect.left &&
    topLeft.y >= rect.top &&
    bottomRight.x <= rect.right &&
    bottomRight.y <= rect.bottom;
  if (inside) return;
  void instance.setCenter(at.x + DEFAULT_NODE_SIZE.width / 2, at.y + DEFAULT_NODE_SIZE.height / 2, {
    zoom: instance.getZoom(),
    duration: FOLLOW_MS,
  });
}
