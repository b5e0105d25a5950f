/**
 * Graph operations as the API takes them (node_library/graph_ops, snake_case JSON), and a pure
 * client-side `applyOps` that applies a batch to a document and computes its inverse with the same
 * rules as the server's `invert_ops`: remove_node's inverse re-adds the node at its index (with its
 * group slots) and then its edges at theirs; update_params replaces the whole params object;
 * update_group changes only the fields it names (null or left out: unchanged) and its inverse sets
 * back exactly those; remove_group re-adds the group at its index.
 *
 * The server stays the authority; this lets the canvas apply an edit optimistically and remember
 * how to undo it. The cases in tests/graph_ops_corpus/ are replayed against both (opsCorpus.test.ts).
 */

import type * as Wire from "../api/generated/graphOps";

// The op types and the node, edge and group objects inside them are generated from the server's
// models (src/api/generated/graphOps.ts, `npm run codegen:ops`); these names are what the canvas
// imports.
export type Position = Wire.Position;
export type GraphNode = Wire.Node;
export type GraphEdge = Wire.Edge;
export type GraphGroup = Wire.Group;
export type GroupSlot = Wire.GroupSlot;
export type GraphOp = Wire.GraphOp;

/** Where a workflow's runs execute (WorkflowSettings.executor on the server). */
export type Executor = Wire.SetExecutorOp["executor"];

export interface GraphDoc {
  name: string;
  description: string;
  /** absent in documents that predate the setting: "local" */
  executor?: Executor;
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  groups: readonly GraphGroup[];
}

/** The server's limits (node_library/graph_ops/models.py). */
export const GROUP_TITLE_MAX = 200;
export const GROUP_ID_MAX = 100;

/** An op of a batch that cannot apply; the whole batch is refused. */
export class OpError extends Error {
  readonly index: number;
  readonly code: string;

  constructor(index: number, code: string, message: string) {
    super(`op ${index}: ${message}`);
    this.name = "OpError";
    this.index = index;
    this.code = code;
  }
}

export interface Applied {
  doc: GraphDoc;
  /** The ops that undo the batch when applied to `doc`. */
  inverse: GraphOp[];
}

/** Apply a batch all-or-nothing; the input document is never mutated. */
export function applyOps(doc: GraphDoc, ops: readonly GraphOp[]): Applied {
  const draft: Draft = {
    name: doc.name,
    description: doc.description,
    ...(doc.executor ? { executor: doc.executor } : {}),
    nodes: [...doc.nodes],
    edges: [...doc.edges],
    groups: [...doc.groups],
  };
  const inverses: GraphOp[][] = [];
  ops.forEach((op, index) => inverses.push(applyOne(draft, op, index)));
  return { doc: draft, inverse: inverses.reverse().flat() };
}

interface Draft {
  name: string;
  description: string;
  executor?: Executor;
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
}

function nodeIndex(draft: Draft, index: number, nodeId: string): number {
  const at = draft.nodes.findIndex((n) => n.id === nodeId);
  if (at < 0) throw new OpError(index, "missing_node", `there is no node '${nodeId}'`);
  return at;
}

function clampIndex(index: number | null | undefined, length: number): number {
  return index == null ? length : Math.min(index, length);
}

function groupIndex(draft: Draft, index: number, groupId: string): number {
  const at = draft.groups.findIndex((g) => g.id === groupId);
  if (at < 0) throw new OpError(index, "missing_group", `there is no group '${groupId}'`);
  return at;
}

function checkMembers(draft: Draft, index: number, nodeIds: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of nodeIds) {
    if (seen.has(id)) {
      throw new OpError(index, "duplicate_group_member", `node '${id}' is listed twice`);
    }
    seen.add(id);
    nodeIndex(draft, index, id);
  }
}

function checkTitle(index: number, title: string): void {
  if (title.length > GROUP_TITLE_MAX) {
    throw new OpError(
      index,
      "group_title_too_long",
      `a group title has ${title.length} characters; use at most ${GROUP_TITLE_MAX}`,
    );
  }
}

function applyOne(draft: Draft, op: GraphOp, index: number): GraphOp[] {
  switch (op.op) {
    case "add_node": {
      if (draft.nodes.some((n) => n.id === op.node.id)) {
        throw new OpError(index, "duplicate_node_id", `a node '${op.node.id}' already exists`);
      }
      const slots = op.groups ?? [];
      for (const slot of slots) {
        if (!draft.groups.some((g) => g.id === slot.group_id)) {
          throw new OpError(index, "missing_group", `there is no group '${slot.group_id}'`);
        }
      }
      draft.nodes.splice(clampIndex(op.index, draft.nodes.length), 0, structuredClone(op.node));
      for (const slot of slots) {
        const gi = draft.groups.findIndex((g) => g.id === slot.group_id);
        const group = draft.groups[gi];
        if (!group) continue;
        const members = [...group.node_ids];
        members.splice(clampIndex(slot.index, members.length), 0, op.node.id);
        draft.groups[gi] = { ...group, node_ids: members };
      }
      return [{ op: "remove_node", node_id: op.node.id }];
    }
    case "remove_node": {
      const at = nodeIndex(draft, index, op.node_id);
      const [node] = draft.nodes.splice(at, 1);
      const slots: GroupSlot[] = [];
      draft.groups = draft.groups.map((group) => {
        if (!group.node_ids.includes(op.node_id)) return group;
        group.node_ids.forEach((member, j) => {
          if (member === op.node_id) slots.push({ group_id: group.id, index: j });
        });
        return { ...group, node_ids: group.node_ids.filter((m) => m !== op.node_id) };
      });
      const removed: GraphOp[] = [];
      draft.edges.forEach((edge, j) => {
        if (edge.source === op.node_id || edge.target === op.node_id) {
          removed.push({ op: "add_edge", edge, index: j });
        }
      });
      draft.edges = draft.edges.filter((e) => e.source !== op.node_id && e.target !== op.node_id);
      if (!node) return [];
      return [{ op: "add_node", node, index: at, groups: slots }, ...removed];
    }
    case "update_params": {
      const at = nodeIndex(draft, index, op.node_id);
      const node = draft.nodes[at];
      if (!node) return [];
      draft.nodes[at] = { ...node, params: structuredClone(op.params) };
      return [{ op: "update_params", node_id: op.node_id, params: structuredClone(node.params) }];
    }
    case "move_nodes": {
      const old: Record<string, Position> = {};
      for (const [nodeId, position] of Object.entries(op.positions)) {
        const at = nodeIndex(draft, index, nodeId);
        if (!Number.isFinite(position.x) || !Number.isFinite(position.y)) {
          throw new OpError(index, "invalid_position", `node '${nodeId}' needs finite coordinates`);
        }
        const node = draft.nodes[at];
        if (!node) continue;
        old[nodeId] ??= { ...node.position };
        draft.nodes[at] = { ...node, position: { x: position.x, y: position.y } };
      }
      return [{ op: "move_nodes", positions: old }];
    }
    case "add_edge": {
      const edge = op.edge;
      if (draft.edges.some((e) => e.id === edge.id)) {
        throw new OpError(index, "duplicate_edge_id", `an edge '${edge.id}' already exists`);
      }
      for (const end of [edge.source, edge.target]) {
        if (!draft.nodes.some((n) => n.id === end)) {
          throw new OpError(index, "edge_to_missing_node", `'${end}' is not a node`);
        }
      }
      const taken = draft.edges.find(
        (e) => e.target === edge.target && e.target_port === edge.target_port,
      );
      if (taken) {
        throw new OpError(
          index,
          "input_already_connected",
          `input '${edge.target_port}' of '${edge.target}' is already connected`,
        );
      }
      draft.edges.splice(clampIndex(op.index, draft.edges.length), 0, { ...edge });
      return [{ op: "remove_edge", edge_id: edge.id }];
    }
    case "remove_edge": {
      const at = draft.edges.findIndex((e) => e.id === op.edge_id);
      if (at < 0) throw new OpError(index, "missing_edge", `there is no edge '${op.edge_id}'`);
      const [edge] = draft.edges.splice(at, 1);
      return edge ? [{ op: "add_edge", edge, index: at }] : [];
    }
    case "set_label": {
      const at = nodeIndex(draft, index, op.node_id);
      const node = draft.nodes[at];
      if (!node) return [];
      draft.nodes[at] = { ...node, label: op.label };
      return [{ op: "set_label", node_id: op.node_id, label: node.label }];
    }
    case "rename_workflow": {
      const old = draft.name;
      draft.name = op.name;
      return [{ op: "rename_workflow", name: old }];
    }
    case "set_description": {
      const old = draft.description;
      draft.description = op.description;
      return [{ op: "set_description", description: old }];
    }
    case "set_executor": {
      const old = draft.executor ?? "local";
      draft.executor = op.executor;
      return [{ op: "set_executor", executor: old }];
    }
    case "add_group": {
      const group = op.group;
      if (!group.id || group.id.length > GROUP_ID_MAX) {
        throw new OpError(
          index,
          "invalid_group_id",
          `group id '${group.id}' must have 1 to ${GROUP_ID_MAX} characters`,
        );
      }
      if (draft.groups.some((g) => g.id === group.id)) {
        throw new OpError(index, "duplicate_group_id", `a group '${group.id}' already exists`);
      }
      checkTitle(index, group.title);
      checkMembers(draft, index, group.node_ids);
      draft.groups.splice(clampIndex(op.index, draft.groups.length), 0, structuredClone(group));
      return [{ op: "remove_group", group_id: group.id }];
    }
    case "update_group": {
      const at = groupIndex(draft, index, op.group_id);
      const group = draft.groups[at];
      if (!group) return [];
      if (op.title == null && op.collapsed == null && op.node_ids == null) {
        throw new OpError(index, "empty_update", `update_group '${op.group_id}' changes nothing`);
      }
      if (op.title != null) checkTitle(index, op.title);
      if (op.node_ids != null) checkMembers(draft, index, op.node_ids);
      draft.groups[at] = {
        ...group,
        ...(op.title != null ? { title: op.title } : {}),
        ...(op.collapsed != null ? { collapsed: op.collapsed } : {}),
        ...(op.node_ids != null ? { node_ids: [...op.node_ids] } : {}),
      };
      return [
        {
          op: "update_group",
          group_id: op.group_id,
          ...(op.title != null ? { title: group.title } : {}),
          ...(op.collapsed != null ? { collapsed: group.collapsed } : {}),
          ...(op.node_ids != null ? { node_ids: [...group.node_ids] } : {}),
        },
      ];
    }
    case "remove_group": {
      const at = groupIndex(draft, index, op.group_id);
      const [group] = draft.groups.splice(at, 1);
      return group ? [{ op: "add_group", group, index: at }] : [];
    }
  }
}
