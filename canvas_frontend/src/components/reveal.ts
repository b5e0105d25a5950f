/**
 * Show a node to the user from anywhere in the page (the problems list, a launch error): select
 * it alone and center the view on it. Centering needs React Flow's instance, which only lives
 * inside <ReactFlow>; FlowFocus.tsx, mounted there, registers it here. Without it the node is
 * still selected.
 */

import type { NodeSelectionChange } from "@xyflow/react";
import { useWorkflowStore } from "../store/useWorkflowStore";

export type CenterOn = (nodeId: string) => void;

let centerOn: CenterOn | null = null;

/** Called by FlowFocus; returns the function that unregisters it. */
export function registerCenterOn(fn: CenterOn): () => void {
  centerOn = fn;
  return () => {
    if (centerOn === fn) centerOn = null;
  };
}

/** Select `nodeId` alone (as a click would) and bring it into view. */
export function revealNode(nodeId: string): void {
  const store = useWorkflowStore.getState();
  if (!store.nodes.some((n) => n.id === nodeId)) return;
  const changes: NodeSelectionChange[] = store.nodes
    .filter((n) => (n.id === nodeId) !== Boolean(n.selected))
    .map((n) => ({ type: "select", id: n.id, selected: n.id === nodeId }));
  if (changes.length > 0) store.onNodesChange(changes);
  const selectedEdges = store.edges.filter((e) => e.selected);
  if (selectedEdges.length > 0) {
    store.onEdgesChange(selectedEdges.map((e) => ({ type: "select", id: e.id, selected: false })));
  }
  centerOn?.(nodeId);
}
