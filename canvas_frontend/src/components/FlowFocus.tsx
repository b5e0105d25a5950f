/** Mounted inside <ReactFlow>: lets revealNode (reveal.ts) center the view on a node. */

import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import { LEGIBLE_ZOOM } from "../graph/viewport";
import type { CanvasFlowNode } from "../store/flowModel";
import { registerCenterOn } from "./reveal";

const FALLBACK_SIZE = { width: 200, height: 80 };

export function FlowFocus() {
  const flow = useReactFlow<CanvasFlowNode>();
  useEffect(
    () =>
      registerCenterOn((nodeId) => {
        // The internal node has the absolute position and the measured size even when the node
        // is culled (onlyRenderVisibleElements); fall back to the document's position.
        const internal = flow.getInternalNode(nodeId);
        const node = internal ?? flow.getNode(nodeId);
        if (!node) return;
        const position = internal?.internals.positionAbsolute ?? node.position;
        const width = node.measured?.width ?? FALLBACK_SIZE.width;
        const height = node.measured?.height ?? FALLBACK_SIZE.height;
        void flow.setCenter(position.x + width / 2, position.y + height / 2, {
          zoom: Math.max(flow.getZoom(), LEGIBLE_ZOOM),
          duration: 300,
        });
      }),
    [flow],
  );
  return null;
}
