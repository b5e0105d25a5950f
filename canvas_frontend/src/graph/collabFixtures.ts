/** Small documents for the collaboration tests (changeKeys, rebase, sync). */

import type { GraphDoc, GraphNode } from "./ops";

export function node(id: string, params: Record<string, unknown> = {}, x = 0): GraphNode {
  return {
    id,
    type: "transforms.filter_rows",
    type_version: 1,
    params,
    position: { x, y: 0 },
    label: id.toUpperCase(),
  };
}

/** a -> b -> c, with a and b in group g. */
export function threeNodes(): GraphDoc {
  return {
    name: "wf",
    description: "",
    nodes: [node("a", { keep: true, limit: 5 }), node("b", {}, 100), node("c", {}, 200)],
    edges: [
      { id: "e1", source: "a", source_port: "out", target: "b", target_port: "in" },
      { id: "e2", source: "b", source_port: "out", target: "c", target_port: "in" },
    ],
    groups: [{ id: "g", title: "G", node_ids: ["a", "b"], collapsed: false }],
  };
}
