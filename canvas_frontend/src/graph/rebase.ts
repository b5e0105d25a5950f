/**
 * Rebasing this user's not-yet-saved edits onto a teammate's change: a batch written against
 * document `base` is rewritten to apply to `onto` (base plus the teammate's batches) so that
 * both edits survive. Rules, op by op:
 *
 * - update_params merges per parameter (three-way): the parameters this user changed (against
 *   `base`) are set on top of the teammate's current parameters, so editing different fields of
 *   one node keeps both edits. A field both changed takes this user's value (their batch is the
 *   later one at the server, as with every last-writer-wins property editor).
 * - add_node whose id a teammate took meanwhile gets a free id (`csv_2` becomes `csv_3`), and the
 *   batch's later ops follow the rename; an edge id taken by a different edge likewise.
 * - remove_node / remove_edge of something already gone, and add_edge of an identical edge that
 *   already exists, are dropped: what the user asked for is already true.
 * - moves, labels and the workflow's name and description apply as they are (last writer wins).
 * - Groups: an added group whose id was taken gets a free one; update_group merges the member
 *   list three-way (the members this user added or took out, applied to the teammate's list) and
 *   sets title and collapsed as they are; removing a group already gone is dropped.
 *
 * Anything that cannot apply any more (editing, moving, connecting or grouping a node a teammate
 * removed; an input a teammate connected meanwhile; a group a teammate removed) is a conflict: the batch is not rewritten and the
 * reason says what happened, so the caller can tell the user. Batches are all-or-nothing.
 */

import { jsonEqual } from "./changeKeys";
import { applyOps, OpError, type GraphDoc, type GraphEdge, type GraphOp } from "./ops";

export type RebaseResult =
  | {
      ok: true;
      /** The batch rewritten for `onto` (ops already true there are left out). */
      ops: GraphOp[];
      /** `onto` with the rewritten batch applied. */
      doc: GraphDoc;
      /** Node ids this batch added that were taken meanwhile, and what they became. */
      renamed: Record<string, string>;
    }
  | { ok: false; reason: string; nodeId: string | null };

/**
 * Three-way merge of a node's parameters: `theirs` plus every field `mine` changed relative to
 * `base` (set or removed). Without a base (the node is new in this batch), `mine` as it is.
 */
export function mergeParams(
  base: Record<string, unknown> | undefined,
  mine: Record<string, unknown>,
  theirs: Record<string, unknown>,
): Record<string, unknown> {
  if (!base) return structuredClone(mine);
  const merged = new Map(Object.entries(structuredClone(theirs)));
  for (const key of new Set([...Object.keys(base), ...Object.keys(mine)])) {
    const mineHas = Object.hasOwn(mine, key);
    if (mineHas === Object.hasOwn(base, key) && jsonEqual(mine[key], base[key])) continue;
    if (mineHas) merged.set(key, structuredClone(mine[key]));
    else merged.delete(key);
  }
  return Object.fromEntries(merged);
}

function freeId(id: string, taken: (candidate: string) => boolean): string {
  const stem = /^(.*)_\d+$/.exec(id)?.[1] ?? id;
  for (let n = 2; ; n++) {
    const candidate = `${stem}_${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/** Three-way merge of a group's member list: `theirs`, plus what `mine` added, minus what it took out. */
export function mergeMembers(
  base: readonly string[] | undefined,
  mine: readonly string[],
  theirs: readonly string[],
): string[] {
  if (!base) return [...mine];
  const added = mine.filter((id) => !base.includes(id));
  const takenOut = new Set(base.filter((id) => !mine.includes(id)));
  const merged = theirs.filter((id) => !takenOut.has(id));
  for (const id of added) if (!merged.includes(id)) merged.push(id);
  return merged;
}

function label(doc: GraphDoc, nodeId: string): string {
  return `'${doc.nodes.find((n) => n.id === nodeId)?.label || nodeId}'`;
}

class Conflict extends Error {
  readonly nodeId: string | null;

  constructor(reason: string, nodeId: string | null) {
    super(reason);
    this.nodeId = nodeId;
  }
}

function sameEnds(a: GraphEdge, b: GraphEdge): boolean {
  return (
    a.source === b.source &&
    a.source_port === b.source_port &&
    a.target === b.target &&
    a.target_port === b.target_port
  );
}

/** Rewrite `op` for the current draft of `onto`; null drops it (already true there). */
function rebaseOne(op: GraphOp, before: GraphDoc, onto: GraphDoc, ids: Renames): GraphOp | null {
  const node = (id: string) => ids.nodes.get(id) ?? id;
  const edge = (id: string) => ids.edges.get(id) ?? id;
  const group = (id: string) => ids.groups.get(id) ?? id;
  const has = (id: string) => onto.nodes.some((n) => n.id === id);
  const removed = (id: string) =>
    new Conflict(`a teammate removed ${label(before, id)} meanwhile`, id);
  const groupGone = (id: string) => {
    const title = before.groups.find((g) => g.id === id)?.title || id;
    return new Conflict(`a teammate removed the group '${title}' meanwhile`, null);
  };
  const members = (nodeIds: readonly string[]) =>
    nodeIds.map((id) => {
      if (!has(node(id))) throw removed(id);
      return node(id);
    });

  switch (op.op) {
    case "add_node": {
      const groups = op.groups?.map((slot) => {
        if (!onto.groups.some((g) => g.id === group(slot.group_id))) throw groupGone(slot.group_id);
        return { ...slot, group_id: group(slot.group_id) };
      });
      const slots = groups ? { groups } : {};
      if (!has(op.node.id)) return { ...op, ...slots };
      const id = freeId(op.node.id, (c) => has(c) || before.nodes.some((n) => n.id === c));
      ids.nodes.set(op.node.id, id);
      return { ...op, ...slots, node: { ...op.node, id } };
    }
    case "remove_node": {
      const id = node(op.node_id);
      return has(id) ? { ...op, node_id: id } : null;
    }
    case "update_params": {
      const id = node(op.node_id);
      const theirs = onto.nodes.find((n) => n.id === id);
      if (!theirs) throw removed(op.node_id);
      const base = before.nodes.find((n) => n.id === op.node_id)?.params;
      return { ...op, node_id: id, params: mergeParams(base, op.params, theirs.params) };
    }
    case "move_nodes": {
      const positions: Record<string, { x: number; y: number }> = {};
      for (const [id, position] of Object.entries(op.positions)) {
        if (!has(node(id))) throw removed(id);
        positions[node(id)] = position;
      }
      return { ...op, positions };
    }
    case "set_label": {
      const id = node(op.node_id);
      if (!has(id)) throw removed(op.node_id);
      return { ...op, node_id: id };
    }
    case "add_edge": {
      const wanted: GraphEdge = {
        ...op.edge,
        source: node(op.edge.source),
        target: node(op.edge.target),
      };
      for (const end of [op.edge.source, op.edge.target]) if (!has(node(end))) throw removed(end);
      const same = onto.edges.find((e) => sameEnds(e, wanted));
      if (same) {
        ids.edges.set(op.edge.id, same.id);
        return null;
      }
      const taken = onto.edges.find(
        (e) => e.target === wanted.target && e.target_port === wanted.target_port,
      );
      if (taken) {
        throw new Conflict(
          `a teammate connected input '${wanted.target_port}' of ${label(onto, wanted.target)}` +
            ` to ${label(onto, taken.source)} meanwhile`,
          wanted.target,
        );
      }
      if (onto.edges.some((e) => e.id === wanted.id)) {
        const id = freeId(wanted.id, (c) => onto.edges.some((e) => e.id === c));
        ids.edges.set(op.edge.id, id);
        wanted.id = id;
      }
      return { ...op, edge: wanted };
    }
    case "remove_edge": {
      const id = edge(op.edge_id);
      return onto.edges.some((e) => e.id === id) ? { ...op, edge_id: id } : null;
    }
    case "rename_workflow":
    case "set_description":
    case "set_executor":
      return op;
    case "add_group": {
      const taken = (c: string) =>
        onto.groups.some((g) => g.id === c) || before.groups.some((g) => g.id === c);
      let id = op.group.id;
      if (onto.groups.some((g) => g.id === id)) {
        id = freeId(id, taken);
        ids.groups.set(op.group.id, id);
      }
      return { ...op, group: { ...op.group, id, node_ids: members(op.group.node_ids) } };
    }
    case "update_group": {
      const id = group(op.group_id);
      const theirs = onto.groups.find((g) => g.id === id);
      if (!theirs) throw groupGone(op.group_id);
      if (op.node_ids == null) return { ...op, group_id: id };
      const base = before.groups.find((g) => g.id === op.group_id)?.node_ids;
      const merged = mergeMembers(base, op.node_ids.map(node), theirs.node_ids);
      // a member this user added that a teammate removed meanwhile is a conflict
      members(merged.filter((m) => !theirs.node_ids.includes(m)));
      return { ...op, group_id: id, node_ids: merged };
    }
    case "remove_group": {
      const id = group(op.group_id);
      return onto.groups.some((g) => g.id === id) ? { ...op, group_id: id } : null;
    }
  }
}

interface Renames {
  nodes: Map<string, string>;
  edges: Map<string, string>;
  groups: Map<string, string>;
}

/** Rewrite a batch written against `base` so it applies to `onto`; see the module docstring. */
export function rebaseOps(base: GraphDoc, ops: readonly GraphOp[], onto: GraphDoc): RebaseResult {
  const ids: Renames = { nodes: new Map(), edges: new Map(), groups: new Map() };
  const out: GraphOp[] = [];
  let before = base; // `base` with the ops so far: what this user saw when writing the next op
  let draft = onto;
  for (const op of ops) {
    let rewritten: GraphOp | null;
    try {
      rewritten = rebaseOne(op, before, draft, ids);
    } catch (err) {
      if (err instanceof Conflict) return { ok: false, reason: err.message, nodeId: err.nodeId };
      throw err;
    }
    if (rewritten) {
      try {
        draft = applyOps(draft, [rewritten]).doc;
      } catch (err) {
        if (!(err instanceof OpError)) throw err;
        return { ok: false, reason: err.message.replace(/^op \d+: /, ""), nodeId: null };
      }
      out.push(rewritten);
    }
    try {
      before = applyOps(before, [op]).doc;
    } catch {
      // the op did not apply to its own base (it was rewritten before): keep the last view
    }
  }
  return { ok: true, ops: out, doc: draft, renamed: Object.fromEntries(ids.nodes) };
}
