/**
 * Mounted inside <ReactFlow>: places the view once when a workflow opens, by graph/viewport.ts's
 * rule (fit, but never below the legible zoom; a graph too big for it starts at its top-left).
 *
 * It waits until React Flow has measured the nodes it draws at the starting view (only visible
 * nodes are drawn, so the others keep the size they are assumed to have), as React Flow's own
 * `fitView` does, then sets the viewport and stops listening: one store subscription, for the
 * first moments of the page only.
 */

import { useReactFlow, useStoreApi, type ReactFlowState } from "@xyflow/react";
import { useEffect } from "react";
import { awaitingSizes, boundsOf, firstViewport } from "../graph/viewport";
import { DEFAULT_NODE_SIZE, type FlowNode } from "../store/flowModel";

/** The first view, once React Flow has measured the nodes it draws; null while it has not. */
function placeFirstView(s: ReactFlowState<FlowNode>) {
  const ready = s.panZoom !== null && s.width > 0 && s.height > 0 && s.nodeLookup.size > 0;
  if (!ready) return null;
  const shown = [...s.nodeLookup.values()].filter((n) => !n.hidden);
  const [x, y, zoom] = s.transform;
  const pane = { width: s.width, height: s.height };
  const corners = shown.map((n) => ({
    ...n.internals.positionAbsolute,
    measured: Boolean(n.measured.width),
  }));
  if (awaitingSizes(corners, { x, y, zoom }, pane)) return null;
  const bounds = boundsOf(
    shown.map((n) => ({
      ...n.internals.positionAbsolute,
      width: n.measured.width ?? n.width ?? DEFAULT_NODE_SIZE.width,
      height: n.measured.height ?? n.height ?? DEFAULT_NODE_SIZE.height,
    })),
  );
  return bounds && firstViewport(bounds, pane);
}

/** Place the first view of the open workflow when `active` (it has nodes). */
export function FirstView({ active }: { active: boolean }) {
  const store = useStoreApi<FlowNode>();
  const flow = useReactFlow<FlowNode>();
  useEffect(() => {
    if (!active) return;
    let placed = false;
    const place = (s: ReactFlowState<FlowNode>) => {
      if (placed) return;
      const viewport = placeFirstView(s);
      if (!viewport) return;
      placed = true;
      unsubscribe();
      void flow.setViewport(viewport);
    };
    const unsubscribe = store.subscribe(place);
    place(store.getState());
    return () => {
      placed = true;
      unsubscribe();
    };
  }, [active, flow, store]);
  return null;
}
