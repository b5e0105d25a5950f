/**
 * Which nodes a run from the canvas touches: the single selected node, the nodes upstream or
 * downstream of some nodes (following edges), and "re-run from here" (a node and everything
 * downstream of it, in document order). Pure: no React, no store.
 */

export interface EdgeLike {
  source: string;
  target: string;
}

/** The id of the one selected workflow node (React Flow nodes of `type`; others, such as group
 * frames, are not workflow nodes), or null when none or several are selected. */
export function singleSelectedId(
  nodes: readonly { id: string; type?: string; selected?: boolean }[],
  type = "canvas",
): string | null {
  let found: string | null = null;
  for (const node of nodes) {
    if (!node.selected || (node.type !== undefined && node.type !== type)) continue;
    if (found !== null) return null;
    found = node.id;
  }
  return found;
}

function reachable(
  start: Iterable<string>,
  edges: readonly EdgeLike[],
  forward: boolean,
): Set<string> {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const [from, to] = forward ? [edge.source, edge.target] : [edge.target, edge.source];
    const list = next.get(from);
    if (list) list.push(to);
    else next.set(from, [to]);
  }
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const to of next.get(id) ?? []) if (!seen.has(to)) stack.push(to);
  }
  return seen;
}

/** The start nodes and every node that reads from them, directly or not. */
export function downstreamOf(start: Iterable<string>, edges: readonly EdgeLike[]): Set<string> {
  return reachable(start, edges, true);
}

/** The start nodes and every node they read from, directly or not. */
export function upstreamOf(start: Iterable<string>, edges: readonly EdgeLike[]): Set<string> {
  return reachable(start, edges, false);
}

/**
 * The nodes "Re-run from here" runs for `nodeId`: the node and its downstream, in the order of
 * `nodeOrder` (the document's nodes), so the launch request is stable and readable.
 */
export function rerunFromHere(
  nodeId: string,
  nodeOrder: readonly string[],
  edges: readonly EdgeLike[],
): string[] {
  const wanted = downstreamOf([nodeId], edges);
  return nodeOrder.filter((id) => wanted.has(id));
}
