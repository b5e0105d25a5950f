/**
 * Groups on the canvas (pure): a titled frame around member nodes, drawn as a React Flow node
 * behind them. The document only stores the members; the frame's box is derived from the
 * members' boxes, so it follows them (moving the frame moves its members, see the store).
 *
 * A collapsed group hides its members and shows a compact frame; edges to and from hidden members
 * are drawn to the frame's one input / one output handle, and edges between members of the same
 * collapsed group are not drawn. The canvas keeps a node in at most one group (grouping refuses
 * nodes that already have one), which keeps "the frame of a node" unambiguous.
 */

import { freeGroupId } from "./nodeIds";
import { GROUP_TITLE_MAX, type GraphDoc, type GraphGroup, type GraphOp } from "./ops";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Space between the members and the frame, and the frame's title bar above them. */
export const FRAME_PADDING = 24;
export const FRAME_HEADER = 34;
export const COLLAPSED_SIZE = { width: 240, height: 64 } as const;
/** The frame's handles, used only while it is collapsed. */
export const FRAME_IN = "in";
export const FRAME_OUT = "out";

const FRAME_PREFIX = "group:";

/** The frame node's id (node ids are slugs, so it never collides with one). */
export function frameId(groupId: string): string {
  return `${FRAME_PREFIX}${groupId}`;
}

export function groupIdOfFrame(id: string): string | null {
  return id.startsWith(FRAME_PREFIX) ? id.slice(FRAME_PREFIX.length) : null;
}

/** The frame around member boxes; null without members. */
export function frameBox(members: readonly Box[], collapsed: boolean): Box | null {
  if (members.length === 0) return null;
  const minX = Math.min(...members.map((b) => b.x));
  const minY = Math.min(...members.map((b) => b.y));
  const x = minX - FRAME_PADDING;
  const y = minY - FRAME_PADDING - FRAME_HEADER;
  if (collapsed) return { x, y, ...COLLAPSED_SIZE };
  const maxX = Math.max(...members.map((b) => b.x + b.width));
  const maxY = Math.max(...members.map((b) => b.y + b.height));
  return { x, y, width: maxX + FRAME_PADDING - x, height: maxY + FRAME_PADDING - y };
}

/** node id -> the collapsed group hiding it (the first one, if a document has several). */
export function hiddenBy(groups: readonly GraphGroup[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const group of groups) {
    if (!group.collapsed) continue;
    for (const id of group.node_ids) if (!owners.has(id)) owners.set(id, group.id);
  }
  return owners;
}

/** node id -> the groups it belongs to. */
export function groupsByMember(groups: readonly GraphGroup[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const group of groups) {
    for (const id of group.node_ids) {
      const list = index.get(id);
      if (list) list.push(group.id);
      else index.set(id, [group.id]);
    }
  }
  return index;
}

export interface DrawnEnds {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

/**
 * Where an edge is drawn: between its ports, or from/to a collapsed frame when an end is hidden;
 * null when both ends hide in the same collapsed group.
 */
export function drawnEnds(
  edge: { source: string; source_port: string; target: string; target_port: string },
  owners: ReadonlyMap<string, string>,
): DrawnEnds | null {
  const from = owners.get(edge.source);
  const to = owners.get(edge.target);
  if (from !== undefined && from === to) return null;
  return {
    source: from !== undefined ? frameId(from) : edge.source,
    sourceHandle: from !== undefined ? FRAME_OUT : edge.source_port,
    target: to !== undefined ? frameId(to) : edge.target,
    targetHandle: to !== undefined ? FRAME_IN : edge.target_port,
  };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** The batch grouping the selected nodes, or why it cannot. */
export function groupOps(
  doc: GraphDoc,
  selectedIds: readonly string[],
  title = "Group",
): Checked<{ ops: GraphOp[]; groupId: string }> {
  const ids = new Set(selectedIds);
  const members = doc.nodes.filter((n) => ids.has(n.id)).map((n) => n.id);
  if (members.length === 0) {
    return {
      ok: false,
      message: "Select the nodes to group first (click, Shift+click or Shift+drag around them).",
    };
  }
  const byMember = groupsByMember(doc.groups);
  for (const id of members) {
    const groupId = byMember.get(id)?.[0];
    if (groupId === undefined) continue;
    const group = doc.groups.find((g) => g.id === groupId);
    return {
      ok: false,
      message: `'${id}' is already in the group “${group?.title || groupId}”; ungroup it first.`,
    };
  }
  const groupId = freeGroupId(doc.groups.map((g) => g.id));
  return {
    ok: true,
    value: {
      groupId,
      ops: [
        {
          op: "add_group",
          group: {
            id: groupId,
            title: title.slice(0, GROUP_TITLE_MAX),
            node_ids: members,
            collapsed: false,
          },
        },
      ],
    },
  };
}

/** Removing the groups that hold any of the nodes (the nodes stay). */
export function ungroupOps(doc: GraphDoc, nodeIds: readonly string[]): GraphOp[] {
  const ids = new Set(nodeIds);
  return doc.groups
    .filter((g) => g.node_ids.some((id) => ids.has(id)))
    .map((g): GraphOp => ({ op: "remove_group", group_id: g.id }));
}

/**
 * One batch deleting nodes and edges: the edges first (those not removed with their nodes), then
 * the nodes, then the groups the deletion leaves empty, so undo brings all of them back at once.
 */
export function deleteOps(
  doc: GraphDoc,
  nodeIds: readonly string[],
  edgeIds: readonly string[],
): GraphOp[] {
  const gone = new Set(nodeIds.filter((id) => doc.nodes.some((n) => n.id === id)));
  const ops: GraphOp[] = [];
  const cut = new Set(edgeIds);
  for (const edge of doc.edges) {
    if (cut.has(edge.id) && !gone.has(edge.source) && !gone.has(edge.target)) {
      ops.push({ op: "remove_edge", edge_id: edge.id });
    }
  }
  for (const node of doc.nodes) {
    if (gone.has(node.id)) ops.push({ op: "remove_node", node_id: node.id });
  }
  for (const group of doc.groups) {
    const emptied =
      group.node_ids.length > 0 && group.node_ids.every((id) => gone.has(id)) && gone.size > 0;
    if (emptied) ops.push({ op: "remove_group", group_id: group.id });
  }
  return ops;
}

/** Why a title cannot be used, or null. */
export function titleProblem(title: string): string | null {
  if (title.length > GROUP_TITLE_MAX) {
    return `A group title can have at most ${GROUP_TITLE_MAX} characters (this one has ${title.length}).`;
  }
  return null;
}
