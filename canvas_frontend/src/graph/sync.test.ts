import { describe, expect, it } from "vitest";
import { node, threeNodes } from "./collabFixtures";
import { applyOps, type GraphOp } from "./ops";
import {
  addLocal,
  dropPending,
  incorporate,
  resync,
  startSync,
  type RemoteBatch,
  type SyncState,
} from "./sync";

const start = startSync(4, threeNodes());

function remote(
  revision: number,
  ops: readonly GraphOp[],
  batchId: string | null = null,
): RemoteBatch {
  return { revision, author: "teammate", kind: "ops", ops, batchId };
}

function take(state: SyncState, batch: RemoteBatch) {
  return incorporate(state, batch);
}

const moveA: GraphOp[] = [{ op: "move_nodes", positions: { a: { x: 50, y: 60 } } }];
const paramsB: GraphOp[] = [{ op: "update_params", node_id: "b", params: { x: 1 } }];

describe("sync", () => {
  it("shows a local edit at once and keeps it pending until its batch comes back", () => {
    const local = addLocal(start, "mine-1", moveA);
    expect(local.state.doc.nodes[0]?.position).toEqual({ x: 50, y: 60 });
    expect(local.state.confirmed).toBe(start.confirmed);
    expect(local.inverse).toEqual([{ op: "move_nodes", positions: { a: { x: 0, y: 0 } } }]);

    const back = take(local.state, remote(5, moveA, "mine-1"));
    expect(back.kind).toBe("own");
    expect(back.state.pending).toEqual([]);
    expect(back.state.revision).toBe(5);
    expect(back.state.doc).toEqual(local.state.doc);
  });

  it("applies a teammate's batch under the pending local edits, keeping both", () => {
    const local = addLocal(start, "mine-1", moveA).state;
    const result = take(local, remote(5, paramsB, "theirs-1"));
    expect(result.kind).toBe("remote");
    if (result.kind !== "remote") return;
    expect([...result.changed]).toEqual(["node:b/params"]);
    expect(result.conflicts).toEqual([]);
    expect(result.state.revision).toBe(5);
    expect(result.state.pending.map((p) => p.batchId)).toEqual(["mine-1"]);
    expect(result.state.doc.nodes[0]?.position).toEqual({ x: 50, y: 60 });
    expect(result.state.doc.nodes[1]?.params).toEqual({ x: 1 });
    // the mirror holds only what the server has
    expect(result.state.confirmed.nodes[0]?.position).toEqual({ x: 0, y: 0 });
  });

  it("takes each revision once, from whichever source brings it first", () => {
    const first = take(start, remote(5, paramsB));
    const again = take(first.state, remote(5, paramsB));
    expect(again.kind).toBe("stale");
    expect(again.state).toBe(first.state);
  });

  it("asks to catch up on a gap and to reload after a whole-document replacement", () => {
    expect(take(start, remote(7, paramsB)).kind).toBe("gap");
    expect(take(start, { ...remote(5, []), kind: "replace_document" }).kind).toBe("reload");
    const drifted = take(start, remote(5, [{ op: "remove_node", node_id: "zz" }]));
    expect(drifted.kind).toBe("reload");
  });

  it("rebases pending edits onto the teammate's: a taken node id is renamed", () => {
    const local = addLocal(start, "mine-1", [{ op: "add_node", node: node("d") }]).state;
    const result = take(local, remote(5, [{ op: "add_node", node: node("d", { t: 1 }) }]));
    expect(result.state.doc.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "d", "d_2"]);
    expect(result.state.pending[0]?.ops).toEqual([
      { op: "add_node", node: { ...node("d"), id: "d_2" } },
    ]);
  });

  it("reports a pending edit the teammate's change made impossible, and drops only it", () => {
    let state = addLocal(start, "mine-1", paramsB).state;
    state = addLocal(state, "mine-2", moveA).state;
    const result = take(state, remote(5, [{ op: "remove_node", node_id: "b" }]));
    expect(result.kind).toBe("remote");
    if (result.kind !== "remote") return;
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]?.batch.batchId).toBe("mine-1");
    expect(result.conflicts[0]?.reason).toBe("a teammate removed 'B' meanwhile");
    expect(result.state.pending.map((p) => p.batchId)).toEqual(["mine-2"]);
    expect(result.state.doc.nodes.map((n) => n.id)).toEqual(["a", "c"]);
    expect(result.state.doc.nodes[0]?.position).toEqual({ x: 50, y: 60 });
  });

  it("keeps a later pending edit based on the rebased earlier one", () => {
    let state = addLocal(start, "mine-1", [
      { op: "update_params", node_id: "a", params: { keep: true, limit: 9 } },
    ]).state;
    state = addLocal(state, "mine-2", [
      { op: "update_params", node_id: "a", params: { keep: true, limit: 9, extra: 1 } },
    ]).state;
    const result = take(
      state,
      remote(5, [{ op: "update_params", node_id: "a", params: { keep: false, limit: 5 } }]),
    );
    expect(result.state.doc.nodes[0]?.params).toEqual({ keep: false, limit: 9, extra: 1 });
    // the own batches come back from the server as sent and leave pending in order
    const sent = result.state.pending[0];
    if (!sent) throw new Error("mine-1 should still be pending");
    const own = take(result.state, remote(6, sent.ops, "mine-1"));
    expect(own.kind).toBe("own");
    expect(own.state.pending.map((p) => p.batchId)).toEqual(["mine-2"]);
    expect(own.state.doc.nodes[0]?.params).toEqual({ keep: false, limit: 9, extra: 1 });
  });

  it("resyncs from a reloaded document, keeping the pending edits not yet applied", () => {
    let state = addLocal(start, "mine-1", moveA).state;
    state = addLocal(state, "mine-2", paramsB).state;
    const server = applyOps(start.confirmed, [
      ...moveA,
      { op: "set_label", node_id: "c", label: "Z" },
    ]);
    const result = resync(state, 9, server.doc, new Set(["mine-1"]));
    expect(result.state.revision).toBe(9);
    expect(result.state.pending.map((p) => p.batchId)).toEqual(["mine-2"]);
    expect(result.state.doc.nodes[1]?.params).toEqual({ x: 1 });
    expect(result.state.doc.nodes[2]?.label).toBe("Z");
    expect([...result.changed].sort()).toEqual(["node:a/position", "node:c/label"]);
  });

  it("drops a batch the server refused and shows the rest on the server's document", () => {
    let state = addLocal(start, "mine-1", moveA).state;
    state = addLocal(state, "mine-2", paramsB).state;
    const result = dropPending(state, "mine-1");
    expect(result.state.pending.map((p) => p.batchId)).toEqual(["mine-2"]);
    expect(result.state.doc.nodes[0]?.position).toEqual({ x: 0, y: 0 });
    expect(result.state.doc.nodes[1]?.params).toEqual({ x: 1 });
  });
});
