/**
 * Dropping a palette entry on the canvas adds its node where it was dropped (snapped to the
 * grid), wired to the connection quick add is waiting on when the type fits it.
 */

import type { ReactFlowInstance } from "@xyflow/react";
import { useCallback, type DragEvent, type RefObject } from "react";
import { snapToGrid } from "../graph/grid";
import type { Position } from "../graph/ops";
import type { FlowNode } from "../store/flowModel";
import { NODE_TYPE_MIME } from "./Palette";
import type { Wire } from "./useCanvasEdits";

export function usePaletteDrop(
  flowRef: RefObject<ReactFlowInstance<FlowNode> | null>,
  addNode: (typeId: string, position: Position, wire?: Wire) => void,
  wireForDrop: (typeId: string) => Wire | undefined,
) {
  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const typeId = event.dataTransfer.getData(NODE_TYPE_MIME);
      const instance = flowRef.current;
      if (!typeId || !instance) return;
      event.preventDefault();
      const at = snapToGrid(instance.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
      addNode(typeId, at, wireForDrop(typeId));
    },
    [addNode, flowRef, wireForDrop],
  );

  return { onDragOver, onDrop };
}
