/**
 * Auto-layout ("tidy up"): left-to-right layers with dagre. Pure: takes node sizes and edges,
 * returns top-left positions (React Flow's origin) for every node. elkjs in a worker is the later
 * choice for port-aware and group layouts.
 */

import dagre from "@dagrejs/dagre";
import type { Position } from "./ops";

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface LayoutOptions {
  rankSep?: number;
  nodeSep?: number;
}

export function layoutLeftToRight(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions = {},
): Record<string, Position> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", ranksep: options.rankSep ?? 80, nodesep: options.nodeSep ?? 40 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set<string>();
  for (const n of nodes) {
    ids.add(n.id);
    g.setNode(n.id, { width: n.width, height: n.height });
  }
  edges.forEach((e, i) => {
    if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target, {}, `e${i}`);
  });
  dagre.layout(g);
  const positions: Record<string, Position> = {};
  for (const n of nodes) {
    const placed = g.node(n.id);
    // dagre gives centres; round so the saved document stays readable.
    positions[n.id] = {
      x: Math.round(placed.x - n.width / 2),
      y: Math.round(placed.y - n.height / 2),
    };
  }
  return positions;
}
