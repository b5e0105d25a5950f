/**
 * A batch of graph operations in words ("moved 'Revenue'", "changed the settings of 'Totals'"),
 * for messages about an edit that conflicted with a teammate's or an undo that was refused.
 */

import type { GraphDoc, GraphOp } from "./ops";

function quoted(doc: GraphDoc | null, nodeId: string): string {
  const label = doc?.nodes.find((n) => n.id === nodeId)?.label;
  return `'${label || nodeId}'`;
}

function groupName(doc: GraphDoc | null, groupId: string): string {
  return `'${doc?.groups.find((g) => g.id === groupId)?.title || groupId}'`;
}

function list(names: string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  if (names.length > 3) return `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

function shortValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** One op in words; `doc` is the document it applies to (for node labels). */
export function describeOp(op: GraphOp, doc: GraphDoc | null): string {
  switch (op.op) {
    case "add_node":
      return `added '${op.node.label || op.node.id}'`;
    case "remove_node":
      return `removed ${quoted(doc, op.node_id)}`;
    case "update_params": {
      const before = doc?.nodes.find((n) => n.id === op.node_id)?.params ?? {};
      const changed = Object.keys({ ...before, ...op.params }).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(op.params[k]),
      );
      const what = changed
        .slice(0, 3)
        .map((k) => (k in op.params ? `${k} = ${shortValue(op.params[k])}` : `${k} cleared`))
        .join(", ");
      return `changed the settings of ${quoted(doc, op.node_id)}${what ? ` (${what})` : ""}`;
    }
    case "move_nodes":
      return `moved ${list(Object.keys(op.positions).map((id) => quoted(doc, id)))}`;
    case "add_edge":
      return `connected ${quoted(doc, op.edge.source)} to ${quoted(doc, op.edge.target)}`;
    case "remove_edge": {
      const edge = doc?.edges.find((e) => e.id === op.edge_id);
      return edge
        ? `disconnected ${quoted(doc, edge.source)} from ${quoted(doc, edge.target)}`
        : `removed the connection '${op.edge_id}'`;
    }
    case "set_label":
      return `renamed ${quoted(doc, op.node_id)} to '${op.label}'`;
    case "rename_workflow":
      return `renamed the workflow to '${op.name}'`;
    case "set_description":
      return "changed the workflow's description";
    case "set_executor":
      return op.executor === "celery"
        ? "ran the workflow on Celery workers"
        : "ran the workflow on this machine's engine";
    case "add_group":
      return `grouped ${list(op.group.node_ids.map((id) => quoted(doc, id)))} as '${op.group.title}'`;
    case "update_group":
      return `changed the group ${groupName(doc, op.group_id)}`;
    case "remove_group":
      return `removed the group ${groupName(doc, op.group_id)}`;
  }
}

/** A batch in words: its first two ops, and how many more. */
export function describeOps(ops: readonly GraphOp[], doc: GraphDoc | null): string {
  if (ops.length === 0) return "an empty edit";
  // a connection that replaces the old one is "connected ...", not "disconnected ... and ..."
  const shown = ops.some((o) => o.op === "add_edge")
    ? ops.filter((o) => o.op !== "remove_edge")
    : ops;
  const words = shown.slice(0, 2).map((op) => describeOp(op, doc));
  const more = shown.length - words.length;
  return words.join(" and ") + (more > 0 ? ` (and ${more} more change${more > 1 ? "s" : ""})` : "");
}
