/**
 * The graph document as React Flow nodes and edges. Unchanged document nodes keep their React
 * Flow node object (and so their memo'd component does not re-render); selection and measured
 * sizes, which only the canvas knows, carry over by id.
 *
 * Groups become frame nodes (type "groupFrame", graph/groups.ts) placed before the canvas nodes,
 * so drawn below them and above the edges (a frame's title bar stays clickable where an edge
 * crosses it; its body lets clicks through); their box follows the members' boxes. Members of a collapsed group
 * are hidden, and their edges are drawn to the frame.
 */

import type { Edge, Node, NodeChange } from "@xyflow/react";
import {
  drawnEnds,
  frameBox,
  frameId,
  groupIdOfFrame,
  groupsByMember,
  hiddenBy,
  type Box,
} from "../graph/groups";
import type { GraphDoc, GraphEdge, GraphGroup, GraphNode } from "../graph/ops";

export { edgeId } from "../graph/nodeIds";

export interface CanvasNodeData extends Record<string, unknown> {
  typeId: string;
  label: string;
}

export type CanvasFlowNode = Node<CanvasNodeData, "canvas">;

export interface GroupFrameData extends Record<string, unknown> {
  groupId: string;
  title: string;
  /** How many member nodes the frame holds. */
  count: number;
  collapsed: boolean;
}

export type GroupFrameNode = Node<GroupFrameData, "groupFrame">;

/** Every node the canvas draws. */
export type FlowNode = CanvasFlowNode | GroupFrameNode;

/** The size a node is assumed to have before React Flow has measured it. */
export const DEFAULT_NODE_SIZE = { width: 200, height: 80 } as const;

export function isCanvasNode(node: FlowNode): node is CanvasFlowNode {
  return node.type === "canvas";
}

export function isFrameNode(node: FlowNode): node is GroupFrameNode {
  return node.type === "groupFrame";
}

/** The workflow nodes selected on the canvas and not hidden in a collapsed group. */
export function selectedCanvasNodeIds(nodes: readonly FlowNode[]): string[] {
  return nodes.filter((n) => isCanvasNode(n) && n.selected && !n.hidden).map((n) => n.id);
}

export function nodeBox(node: FlowNode): Box {
  return {
    x: node.position.x,
    y: node.position.y,
    width: node.measured?.width ?? node.width ?? DEFAULT_NODE_SIZE.width,
    height: node.measured?.height ?? node.height ?? DEFAULT_NODE_SIZE.height,
  };
}

export function toFlowNodes(
  doc: GraphDoc,
  previous: readonly FlowNode[],
  cache: WeakMap<GraphNode, CanvasFlowNode>,
): FlowNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  const owners = hiddenBy(doc.groups);
  const canvas = doc.nodes.map((node): CanvasFlowNode => {
    const prev = before.get(node.id);
    const hidden = owners.has(node.id);
    const cached = cache.get(node);
    if (cached && prev === cached && Boolean(cached.hidden) === hidden) return cached;
    const flowNode: CanvasFlowNode = {
      id: node.id,
      type: "canvas",
      position: { x: node.position.x, y: node.position.y },
      data: { typeId: node.type, label: node.label },
      // a hidden node is never selected (so a delete or copy does not take it unseen)
      ...(hidden ? { hidden: true } : prev?.selected ? { selected: true } : {}),
      ...(prev?.measured ? { measured: prev.measured } : {}),
    };
    cache.set(node, flowNode);
    return flowNode;
  });
  const byId = new Map(canvas.map((n) => [n.id, n]));
  const frames = doc.groups.flatMap((group) => {
    const frame = groupFrame(group, byId, before.get(frameId(group.id)));
    return frame ? [frame] : [];
  });
  return [...frames, ...canvas];
}

/**
 * The frame of a group around its members' current boxes; `previous` is returned as it is when
 * nothing it shows changed (so the frame does not re-render). Null when no member exists.
 */
export function groupFrame(
  group: GraphGroup,
  nodesById: ReadonlyMap<string, FlowNode>,
  previous: FlowNode | undefined,
): GroupFrameNode | null {
  const members = group.node_ids.flatMap((id) => {
    const node = nodesById.get(id);
    return node ? [nodeBox(node)] : [];
  });
  const box = frameBox(members, group.collapsed);
  if (!box) return null;
  const data: GroupFrameData = {
    groupId: group.id,
    title: group.title,
    count: members.length,
    collapsed: group.collapsed,
  };
  if (
    previous &&
    isFrameNode(previous) &&
    previous.position.x === box.x &&
    previous.position.y === box.y &&
    previous.width === box.width &&
    previous.height === box.height &&
    previous.data.title === data.title &&
    previous.data.count === data.count &&
    previous.data.collapsed === data.collapsed
  ) {
    return previous;
  }
  return {
    id: frameId(group.id),
    type: "groupFrame",
    position: { x: box.x, y: box.y },
    width: box.width,
    height: box.height,
    data,
    selectable: false,
    deletable: false,
    focusable: false,
    connectable: false,
    dragHandle: ".group-frame-header",
    className: "group-frame-node",
    ...(previous?.measured ? { measured: previous.measured } : {}),
  };
}

export function toFlowEdges(
  doc: GraphDoc,
  previous: readonly Edge[],
  cache: WeakMap<GraphEdge, Edge>,
): Edge[] {
  const selected = new Set(previous.filter((e) => e.selected).map((e) => e.id));
  const owners = hiddenBy(doc.groups);
  return doc.edges.flatMap((edge) => {
    const isSelected = selected.has(edge.id);
    if (owners.size > 0 && (owners.has(edge.source) || owners.has(edge.target))) {
      // drawn to a collapsed frame (or not at all): rare, so not cached
      const ends = drawnEnds(edge, owners);
      return ends ? [{ id: edge.id, ...ends, ...(isSelected ? { selected: true } : {}) }] : [];
    }
    const cached = cache.get(edge);
    if (cached && Boolean(cached.selected) === isSelected) return [cached];
    const flowEdge: Edge = {
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.source_port,
      target: edge.target,
      targetHandle: edge.target_port,
      ...(isSelected ? { selected: true } : {}),
    };
    cache.set(edge, flowEdge);
    return [flowEdge];
  });
}

/**
 * React Flow's changes plus, for a frame being dragged, the same move for each of its members
 * (hidden ones too) that is not already moving with the selection.
 */
export function expandFrameMoves(
  changes: readonly NodeChange<FlowNode>[],
  nodes: readonly FlowNode[],
  groups: readonly GraphGroup[],
): NodeChange<FlowNode>[] {
  const frameMoves = changes.filter(
    (c) => c.type === "position" && c.position && groupIdOfFrame(c.id) !== null,
  );
  if (frameMoves.length === 0) return [...changes];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const moving = new Set(changes.filter((c) => c.type === "position").map((c) => c.id));
  const extra: NodeChange<FlowNode>[] = [];
  for (const change of frameMoves) {
    if (change.type !== "position" || !change.position) continue;
    const frame = byId.get(change.id);
    const group = groups.find((g) => g.id === groupIdOfFrame(change.id));
    if (!frame || !group) continue;
    const dx = change.position.x - frame.position.x;
    const dy = change.position.y - frame.position.y;
    for (const id of group.node_ids) {
      const member = byId.get(id);
      if (!member || moving.has(id)) continue;
      moving.add(id);
      extra.push({
        type: "position",
        id,
        position: { x: member.position.x + dx, y: member.position.y + dy },
        ...(change.dragging !== undefined ? { dragging: change.dragging } : {}),
      });
    }
  }
  return [...changes, ...extra];
}

/** `nodes` with the frames of groups whose members moved or were measured brought up to date. */
export function refreshFrames(
  nodes: FlowNode[],
  changes: readonly NodeChange<FlowNode>[],
  groups: readonly GraphGroup[],
): FlowNode[] {
  if (groups.length === 0) return nodes;
  const index = groupsByMember(groups);
  const affected = new Set<string>();
  for (const change of changes) {
    if (change.type !== "position" && change.type !== "dimensions") continue;
    for (const groupId of index.get(change.id) ?? []) affected.add(groupId);
  }
  if (affected.size === 0) return nodes;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const replaced = new Map<string, FlowNode>();
  for (const group of groups) {
    if (!affected.has(group.id)) continue;
    const id = frameId(group.id);
    const current = byId.get(id);
    const frame = groupFrame(group, byId, current);
    if (frame && frame !== current) replaced.set(id, frame);
  }
  if (replaced.size === 0) return nodes;
  const result = nodes.map((n) => replaced.get(n.id) ?? n);
  // a frame that did not exist (its first member just appeared) goes first, under the nodes
  const missing = [...replaced.values()].filter((f) => !byId.has(f.id));
  return missing.length > 0 ? [...missing, ...result] : result;
}
