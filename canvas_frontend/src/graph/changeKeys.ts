/**
 * What changed between two versions of a graph document, as keys naming the parts (the same
 * tree as the server's graph_ops.touched_keys): "node:<id>" is the whole node and contains
 * "node:<id>/position", "/params" and "/label"; "edge:<id>" is an edge; "group:<id>" a group,
 * containing "/title", "/collapsed" and "/members"; "workflow/name" and "workflow/description"
 * the workflow's own fields. Two changes overlap when a key of one equals,
 * contains or lies inside a key of the other: a move of node a overlaps the removal of a but not
 * an edit of a's params.
 *
 * The canvas uses this to keep undo to the user's own edits: an undo step whose parts a teammate
 * has changed since is refused, not applied over their work.
 */

import type { GraphDoc, GraphEdge, GraphGroup, GraphNode } from "./ops";

/** One id as one key segment ("/" separates segments). */
function part(id: string): string {
  return id.replace(/%/g, "%25").replace(/\//g, "%2F");
}

export function nodeKey(id: string, field?: "position" | "params" | "label"): string {
  return field ? `node:${part(id)}/${field}` : `node:${part(id)}`;
}

export function edgeKey(id: string): string {
  return `edge:${part(id)}`;
}

export function groupKey(id: string, field?: "title" | "collapsed" | "members"): string {
  return field ? `group:${part(id)}/${field}` : `group:${part(id)}`;
}

/** Structural equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  return keys.every((k) => Object.hasOwn(rb, k) && jsonEqual(ra[k], rb[k]));
}

function nodeChanges(before: GraphNode, after: GraphNode): string[] {
  if (before === after) return [];
  if (before.type !== after.type || before.type_version !== after.type_version) {
    return [nodeKey(after.id)];
  }
  const keys: string[] = [];
  if (before.position.x !== after.position.x || before.position.y !== after.position.y) {
    keys.push(nodeKey(after.id, "position"));
  }
  if (!jsonEqual(before.params, after.params)) keys.push(nodeKey(after.id, "params"));
  if (before.label !== after.label) keys.push(nodeKey(after.id, "label"));
  return keys;
}

function sameEdge(a: GraphEdge, b: GraphEdge): boolean {
  return (
    a === b ||
    (a.source === b.source &&
      a.source_port === b.source_port &&
      a.target === b.target &&
      a.target_port === b.target_port)
  );
}

function groupChanges(before: GraphGroup, after: GraphGroup): string[] {
  if (before === after) return [];
  const keys: string[] = [];
  if (before.title !== after.title) keys.push(groupKey(after.id, "title"));
  if (before.collapsed !== after.collapsed) keys.push(groupKey(after.id, "collapsed"));
  if (!jsonEqual(before.node_ids, after.node_ids)) keys.push(groupKey(after.id, "members"));
  return keys;
}

/** The keys of every part that differs between `before` and `after`. */
export function docChangeKeys(before: GraphDoc, after: GraphDoc): Set<string> {
  const keys = new Set<string>();
  if (before.name !== after.name) keys.add("workflow/name");
  if (before.description !== after.description) keys.add("workflow/description");
  if ((before.executor ?? "local") !== (after.executor ?? "local")) keys.add("workflow/executor");
  if (before.nodes !== after.nodes) {
    const old = new Map(before.nodes.map((n) => [n.id, n]));
    for (const node of after.nodes) {
      const was = old.get(node.id);
      if (!was) keys.add(nodeKey(node.id));
      else for (const key of nodeChanges(was, node)) keys.add(key);
      old.delete(node.id);
    }
    for (const id of old.keys()) keys.add(nodeKey(id));
  }
  if (before.edges !== after.edges) {
    const old = new Map(before.edges.map((e) => [e.id, e]));
    for (const edge of after.edges) {
      const was = old.get(edge.id);
      if (!was || !sameEdge(was, edge)) keys.add(edgeKey(edge.id));
      old.delete(edge.id);
    }
    for (const id of old.keys()) keys.add(edgeKey(id));
  }
  if (before.groups !== after.groups) {
    const old = new Map(before.groups.map((g) => [g.id, g]));
    for (const group of after.groups) {
      const was = old.get(group.id);
      if (!was) keys.add(groupKey(group.id));
      else for (const key of groupChanges(was, group)) keys.add(key);
      old.delete(group.id);
    }
    for (const id of old.keys()) keys.add(groupKey(id));
  }
  return keys;
}

function parent(key: string): string {
  return key.startsWith("node:") || key.startsWith("group:") ? (key.split("/", 1)[0] ?? key) : key;
}

/** The keys of `mine` that equal, contain or lie inside a key of `theirs`. */
export function overlappingKeys(mine: Iterable<string>, theirs: Iterable<string>): string[] {
  const other = new Set(theirs);
  const otherAndParents = new Set([...other, ...[...other].map(parent)]);
  return [...mine].filter((key) => otherAndParents.has(key) || other.has(parent(key)));
}

/** The node a key is about ("node:a/params" gives "a"), or null for edges and the workflow. */
export function nodeOfKey(key: string): string | null {
  if (!key.startsWith("node:")) return null;
  return decodeURIComponent(parent(key).slice("node:".length));
}
