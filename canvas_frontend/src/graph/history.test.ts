import { describe, expect, it } from "vitest";
import { canRedo, canUndo, emptyHistory, record, redo, undo, type Batch } from "./history";
import { applyOps, type GraphDoc, type GraphOp } from "./ops";

const doc: GraphDoc = {
  name: "wf",
  description: "",
  nodes: [
    { id: "a", type: "t", type_version: 1, params: {}, position: { x: 0, y: 0 }, label: "" },
    { id: "b", type: "t", type_version: 1, params: {}, position: { x: 9, y: 0 }, label: "" },
  ],
  edges: [{ id: "e", source: "a", source_port: "o", target: "b", target_port: "i" }],
  groups: [],
};

function batch(on: GraphDoc, ops: GraphOp[]): { batch: Batch; doc: GraphDoc } {
  const applied = applyOps(on, ops);
  return { batch: { ops, inverse: applied.inverse }, doc: applied.doc };
}

describe("history", () => {
  it("undoes a multi-delete as one step and redoes it", () => {
    const del = batch(doc, [
      { op: "remove_node", node_id: "a" },
      { op: "remove_node", node_id: "b" },
    ]);
    let history = record(emptyHistory, del.batch);
    expect(canUndo(history)).toBe(true);

    const back = undo(history);
    expect(back).not.toBeNull();
    if (!back) return;
    expect(applyOps(del.doc, back.ops).doc).toEqual(doc);
    history = back.history;
    expect(canUndo(history)).toBe(false);
    expect(canRedo(history)).toBe(true);

    const again = redo(history);
    expect(again?.ops).toEqual(del.batch.ops);
    expect(again && canRedo(again.history)).toBe(false);
  });

  it("clears redo when a new batch is recorded and ignores empty batches", () => {
    const move = batch(doc, [{ op: "move_nodes", positions: { a: { x: 1, y: 1 } } }]);
    const undone = undo(record(emptyHistory, move.batch));
    expect(undone).not.toBeNull();
    if (!undone) return;
    const label = batch(doc, [{ op: "set_label", node_id: "a", label: "A" }]);
    const history = record(undone.history, label.batch);
    expect(canRedo(history)).toBe(false);
    expect(record(history, { ops: [], inverse: [] })).toBe(history);
  });

  it("keeps at most `limit` steps", () => {
    let history = emptyHistory;
    for (let i = 0; i < 5; i++) {
      history = record(
        history,
        batch(doc, [{ op: "set_label", node_id: "a", label: `${i}` }]).batch,
        3,
      );
    }
    expect(history.past).toHaveLength(3);
    expect(undo(emptyHistory)).toBeNull();
    expect(redo(emptyHistory)).toBeNull();
  });
});
