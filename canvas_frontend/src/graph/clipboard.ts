/**
 * Copy and paste of canvas nodes (pure). The clipboard holds JSON text in a recognizable
 * envelope, `{"visual-ml-canvas": 1, nodes, edges, groups}`, so a paste can tell our nodes from
 * any other text, and nodes travel between workflows, tabs and browser windows.
 *
 * - `copySelection` takes the selected nodes with their params, labels and positions, the edges
 *   between them (edges to nodes left behind are not copied) and the groups all of whose members
 *   are selected.
 * - `parseClipboard` checks the text and says what is wrong with it (foreign text, a newer
 *   format, a damaged field) instead of throwing.
 * - `pasteOps` turns a payload into ONE batch (one undo step): fresh node and group ids, edges
 *   remapped to them, positions moved to the paste point (or offset); node types this server does
 *   not have, or has in another version, refuse the paste with a message.
 */

import { edgeId, freeCopyId, freeGroupId } from "./nodeIds";
import {
  GROUP_TITLE_MAX,
  type GraphDoc,
  type GraphEdge,
  type GraphGroup,
  type GraphNode,
  type GraphOp,
  type Position,
} from "./ops";

export const CLIPBOARD_KEY = "visual-ml-canvas";
export const CLIPBOARD_VERSION = 1;
/** More than this many nodes in one paste is refused (a runaway clipboard, not a workflow). */
export const MAX_PASTE_NODES = 2000;

export interface ClipboardPayload {
  [CLIPBOARD_KEY]: typeof CLIPBOARD_VERSION;
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** The selected nodes and what connects and frames only them; null when nothing is selected. */
export function copySelection(
  doc: GraphDoc,
  selectedIds: Iterable<string>,
): ClipboardPayload | null {
  const selected = new Set(selectedIds);
  const nodes = doc.nodes.filter((n) => selected.has(n.id));
  if (nodes.length === 0) return null;
  const ids = new Set(nodes.map((n) => n.id));
  return {
    [CLIPBOARD_KEY]: CLIPBOARD_VERSION,
    nodes: structuredClone(nodes),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...e })),
    groups: doc.groups
      .filter((g) => g.node_ids.length > 0 && g.node_ids.every((id) => ids.has(id)))
      .map((g) => ({ ...g, node_ids: [...g.node_ids] })),
  };
}

export function serializeClipboard(payload: ClipboardPayload): string {
  return JSON.stringify(payload);
}

const FOREIGN =
  "The clipboard holds no canvas nodes. Select nodes and press Ctrl+C (⌘C on a Mac) to copy them.";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isString = (v: unknown): v is string => typeof v === "string";
const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The first problem of one clipboard node, as "field: what it must be", or null. */
function nodeProblem(node: unknown): string | null {
  if (!isRecord(node)) return "must be an object";
  if (!isString(node.id) || !node.id) return "id must be a non-empty text";
  if (!isString(node.type) || !node.type) return "type must be a node type id";
  if (!Number.isInteger(node.type_version)) return "type_version must be an integer";
  if (!isRecord(node.params)) return "params must be an object";
  const position = node.position;
  if (!isRecord(position) || !isFiniteNumber(position.x) || !isFiniteNumber(position.y)) {
    return "position must be {x, y} numbers";
  }
  if (!isString(node.label)) return "label must be a text";
  return null;
}

function edgeProblem(edge: unknown): string | null {
  if (!isRecord(edge)) return "must be an object";
  for (const field of ["id", "source", "source_port", "target", "target_port"]) {
    if (!isString(edge[field]) || !edge[field]) return `${field} must be a non-empty text`;
  }
  return null;
}

function groupProblem(group: unknown): string | null {
  if (!isRecord(group)) return "must be an object";
  if (!isString(group.id) || !group.id) return "id must be a non-empty text";
  if (!isString(group.title)) return "title must be a text";
  if (!Array.isArray(group.node_ids) || !group.node_ids.every(isString)) {
    return "node_ids must be a list of node ids";
  }
  if (typeof group.collapsed !== "boolean") return "collapsed must be true or false";
  return null;
}

function damaged(where: string, problem: string): Checked<ClipboardPayload> {
  return {
    ok: false,
    message: `The canvas data on the clipboard is damaged (${where}: ${problem}). Copy the nodes again.`,
  };
}

/** The payload in clipboard text, or what is wrong with the text. */
export function parseClipboard(text: string): Checked<ClipboardPayload> {
  if (!text.trim()) return { ok: false, message: FOREIGN };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, message: FOREIGN };
  }
  if (!isRecord(data) || !(CLIPBOARD_KEY in data)) return { ok: false, message: FOREIGN };
  const version = data[CLIPBOARD_KEY];
  if (isFiniteNumber(version) && version > CLIPBOARD_VERSION) {
    return {
      ok: false,
      message:
        `The nodes on the clipboard were copied by a newer Visual ML Canvas (format ${version}, ` +
        `this page reads ${CLIPBOARD_VERSION}). Reload this page, then paste again.`,
    };
  }
  if (version !== CLIPBOARD_VERSION)
    return damaged(CLIPBOARD_KEY, `unknown format ${String(version)}`);
  const { nodes, edges } = data;
  const groups = data.groups ?? [];
  if (!Array.isArray(nodes)) return damaged("nodes", "must be a list");
  if (!Array.isArray(edges)) return damaged("edges", "must be a list");
  if (!Array.isArray(groups)) return damaged("groups", "must be a list");
  if (nodes.length === 0) return damaged("nodes", "the list is empty");
  if (nodes.length > MAX_PASTE_NODES) {
    return {
      ok: false,
      message: `The clipboard holds ${nodes.length} nodes; paste at most ${MAX_PASTE_NODES} at once.`,
    };
  }
  for (const [label, list, check] of [
    ["nodes", nodes, nodeProblem],
    ["edges", edges, edgeProblem],
    ["groups", groups, groupProblem],
  ] as const) {
    for (let i = 0; i < list.length; i++) {
      const problem = check(list[i]);
      if (problem) return damaged(`${label}[${i}]`, problem);
    }
  }
  return {
    ok: true,
    value: {
      [CLIPBOARD_KEY]: CLIPBOARD_VERSION,
      nodes: nodes as GraphNode[],
      edges: edges as GraphEdge[],
      groups: groups as GraphGroup[],
    },
  };
}

/** What the paste needs to know about a node type: its current version. */
export interface KnownType {
  version: number;
}

export interface PasteOptions {
  /** The top-left corner of the pasted block, in flow coordinates (e.g. the mouse pointer). */
  at?: Position | null;
  /** Used when `at` is not given: the copies sit this far right and down of the originals. */
  offset?: number;
}

export interface Paste {
  ops: GraphOp[];
  /** The new nodes' ids, in payload order (to select them after the paste). */
  nodeIds: string[];
}

/** One batch adding copies of the payload's nodes, edges and groups to `doc`. */
export function pasteOps(
  payload: ClipboardPayload,
  doc: GraphDoc,
  types: Readonly<Record<string, KnownType>>,
  options: PasteOptions = {},
): Checked<Paste> {
  for (const node of payload.nodes) {
    const known = types[node.type];
    if (!known) {
      return {
        ok: false,
        message:
          `Cannot paste: this server has no node type '${node.type}' (node '${node.id}'). ` +
          "Install the node package that provides it, or copy other nodes.",
      };
    }
    if (known.version !== node.type_version) {
      return {
        ok: false,
        message:
          `Cannot paste '${node.id}': it was copied from ${node.type} version ` +
          `${node.type_version}, and this server has version ${known.version}. ` +
          "Open the workflow it came from on this server and copy it again.",
      };
    }
  }
  const taken = new Set(doc.nodes.map((n) => n.id));
  const newId = new Map<string, string>();
  for (const node of payload.nodes) {
    if (newId.has(node.id)) continue; // a repeated id in the payload is pasted once
    const id = freeCopyId(node.id, taken);
    taken.add(id);
    newId.set(node.id, id);
  }
  const minX = Math.min(...payload.nodes.map((n) => n.position.x));
  const minY = Math.min(...payload.nodes.map((n) => n.position.y));
  const offset = options.offset ?? 40;
  const [dx, dy] = options.at ? [options.at.x - minX, options.at.y - minY] : [offset, offset];

  const ops: GraphOp[] = [];
  const nodeIds: string[] = [];
  const pasted = new Set<string>();
  for (const node of payload.nodes) {
    if (pasted.has(node.id)) continue;
    pasted.add(node.id);
    const id = newId.get(node.id) ?? node.id;
    nodeIds.push(id);
    ops.push({
      op: "add_node",
      node: {
        id,
        type: node.type,
        type_version: node.type_version,
        params: structuredClone(node.params),
        position: { x: Math.round(node.position.x + dx), y: Math.round(node.position.y + dy) },
        label: node.label,
      },
    });
  }
  const fedInputs = new Set<string>();
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  for (const edge of payload.edges) {
    const source = newId.get(edge.source);
    const target = newId.get(edge.target);
    if (!source || !target) continue; // an edge to a node that was not copied
    const input = `${target}\u0000${edge.target_port}`;
    const id = edgeId(source, edge.source_port, target, edge.target_port);
    if (fedInputs.has(input) || edgeIds.has(id)) continue; // one edge per input
    fedInputs.add(input);
    edgeIds.add(id);
    ops.push({
      op: "add_edge",
      edge: {
        id,
        source,
        source_port: edge.source_port,
        target,
        target_port: edge.target_port,
      },
    });
  }
  const groupIds = doc.groups.map((g) => g.id);
  for (const group of payload.groups) {
    const members = [...new Set(group.node_ids)].map((id) => newId.get(id));
    if (members.length === 0 || members.some((id) => id === undefined)) continue;
    const id = freeGroupId(groupIds);
    groupIds.push(id);
    ops.push({
      op: "add_group",
      group: {
        id,
        title: group.title.slice(0, GROUP_TITLE_MAX),
        node_ids: members as string[],
        collapsed: group.collapsed,
      },
    });
  }
  return { ok: true, value: { ops, nodeIds } };
}
