/**
 * The graph document as React Flow nodes and edges. Unchanged document nodes keep their React
 * Flow node object (and so their memo'd component does not re-render); selection and measured
 * sizes, which only the canvas knows, carry over by id.
 */

import type { Edge, Node } from "@xyflow/react";
import type { GraphDoc, GraphEdge, GraphNode } from "../graph/ops";

export interface CanvasNodeData extends Record<string, unknown> {
  typeId: string;
  label: string;
}

export type CanvasFlowNode = Node<CanvasNodeData, "canvas">;

export function toFlowNodes(
  doc: GraphDoc,
  previous: readonly CanvasFlowNode[],
  cache: WeakMap<GraphNode, CanvasFlowNode>,
): CanvasFlowNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return doc.nodes.map((node) => {
    const prev = before.get(node.id);
    const cached = cache.get(node);
    if (cached && prev === cached) return cached;
    const flowNode: CanvasFlowNode = {
      id: node.id,
      type: "canvas",
      position: { x: node.position.x, y: node.position.y },
      data: { typeId: node.type, label: node.label },
      ...(prev?.selected ? { selected: true } : {}),
      ...(prev?.measured ? { measured: prev.measured } : {}),
    };
    cache.set(node, flowNode);
    return flowNode;
  });
}

export function edgeId(source: string, sourcePort: string, target: string, targetPort: string) {
  return `${source}.${sourcePort}->${target}.${targetPort}`;
}

export function toFlowEdges(
  doc: GraphDoc,
  previous: readonly Edge[],
  cache: WeakMap<GraphEdge, Edge>,
): Edge[] {
  const selected = new Set(previous.filter((e) => e.selected).map((e) => e.id));
  return doc.edges.map((edge) => {
    const cached = cache.get(edge);
    if (cached && Boolean(cached.selected) === selected.has(edge.id)) return cached;
    const flowEdge: Edge = {
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.source_port,
      target: edge.target,
      targetHandle: edge.target_port,
      ...(selected.has(edge.id) ? { selected: true } : {}),
    };
    cache.set(edge, flowEdge);
    return flowEdge;
  });
}
