/** The runner's graph JSON (bench/bench_canvas.py) parsed into React Flow nodes and edges. */

import { Position, type Edge, type Node } from "@xyflow/react";

export interface BenchGraph {
  nodes: Node[];
  edges: Edge[];
}

function field(item: unknown, key: string, kind: "string" | "number", where: string): unknown {
  const value = (item as Record<string, unknown> | null)?.[key];
  if (typeof value !== kind || (kind === "number" && !Number.isFinite(value))) {
    throw new Error(`${where}.${key} must be a ${kind}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Parse the runner's graph JSON into React Flow nodes and edges; a bad document names the item. */
export function parseGraph(raw: unknown, source: string): BenchGraph {
  const doc = raw as { nodes?: unknown; edges?: unknown } | null;
  if (!doc || !Array.isArray(doc.nodes) || !Array.isArray(doc.edges)) {
    throw new Error(`${source}: expected {"nodes": [...], "edges": [...]}`);
  }
  const ids = new Set<string>();
  const nodes = doc.nodes.map((item: unknown, i: number): Node => {
    const where = `${source}: nodes[${i}]`;
    const id = field(item, "id", "string", where) as string;
    ids.add(id);
    return {
      id,
      position: {
        x: field(item, "x", "number", where) as number,
        y: field(item, "y", "number", where) as number,
      },
      data: { label: field(item, "label", "string", where) as string },
      // The graph flows left to right, as in the app.
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
    };
  });
  const edges = doc.edges.map((item: unknown, i: number): Edge => {
    const where = `${source}: edges[${i}]`;
    const edge = {
      id: field(item, "id", "string", where) as string,
      source: field(item, "source", "string", where) as string,
      target: field(item, "target", "string", where) as string,
    };
    for (const end of ["source", "target"] as const) {
      if (!ids.has(edge[end])) throw new Error(`${where}.${end}: no node ${edge[end]}`);
    }
    return edge;
  });
  return { nodes, edges };
}
