import { describe, expect, it } from "vitest";
import { applyOps, OpError, type GraphDoc, type GraphNode, type GraphOp } from "./ops";

function node(id: string, x = 0): GraphNode {
  return {
    id,
    type: "transform.filter_rows",
    type_version: 1,
    params: {},
    position: { x, y: 0 },
    label: "",
  };
}

const doc: GraphDoc = {
  name: "wf",
  description: "",
  nodes: [node("a"), node("b", 100), node("c", 200)],
  edges: [
    { id: "e1", source: "a", source_port: "out", target: "b", target_port: "in" },
    { id: "e2", source: "b", source_port: "out", target: "c", target_port: "in" },
  ],
  groups: [{ id: "g", title: "G", node_ids: ["a", "b"], collapsed: false }],
};

function roundTrip(ops: GraphOp[]): void {
  const forward = applyOps(doc, ops);
  expect(forward.doc).not.toEqual(doc);
  expect(applyOps(forward.doc, forward.inverse).doc).toEqual(doc);
}

describe("applyOps", () => {
  it("undoes remove_node by re-adding the node, its group slot and its edges in place", () => {
    const { doc: after, inverse } = applyOps(doc, [{ op: "remove_node", node_id: "b" }]);
    expect(after.nodes.map((n) => n.id)).toEqual(["a", "c"]);
    expect(after.edges).toEqual([]);
    expect(after.groups[0]?.node_ids).toEqual(["a"]);
    expect(inverse[0]).toMatchObject({
      op: "add_node",
      index: 1,
      groups: [{ group_id: "g", index: 1 }],
    });
    expect(applyOps(after, inverse).doc).toEqual(doc);
  });

  it("inverts a multi-delete batch as one batch", () => {
    roundTrip([
      { op: "remove_edge", edge_id: "e2" },
      { op: "remove_node", node_id: "a" },
      { op: "remove_node", node_id: "c" },
    ]);
  });

  it("inverts params, label, moves, edges and workflow text", () => {
    roundTrip([{ op: "update_params", node_id: "a", params: { expression: "x > 1" } }]);
    roundTrip([{ op: "set_label", node_id: "a", label: "First" }]);
    roundTrip([{ op: "move_nodes", positions: { a: { x: 5, y: 6 }, c: { x: 1, y: 1 } } }]);
    roundTrip([
      { op: "rename_workflow", name: "new" },
      { op: "set_description", description: "d" },
    ]);
    roundTrip([
      { op: "add_node", node: node("d") },
      {
        op: "add_edge",
        edge: { id: "e3", source: "c", source_port: "out", target: "d", target_port: "in" },
      },
    ]);
  });

  it("sets where runs execute; a document without the setting runs locally", () => {
    const applied = applyOps(doc, [{ op: "set_executor", executor: "celery" }]);
    expect(applied.doc.executor).toBe("celery");
    expect(applied.inverse).toEqual([{ op: "set_executor", executor: "local" }]);
    expect(applyOps(applied.doc, applied.inverse).doc).toEqual({ ...doc, executor: "local" });
  });

  it("keeps the first old position when a batch moves a node twice", () => {
    roundTrip([
      { op: "move_nodes", positions: { a: { x: 5, y: 6 } } },
      { op: "move_nodes", positions: { a: { x: 7, y: 8 } } },
    ]);
  });

  it("refuses a second edge into one input and names the op", () => {
    const ops: GraphOp[] = [
      { op: "set_label", node_id: "a", label: "x" },
      {
        op: "add_edge",
        edge: { id: "e9", source: "a", source_port: "out", target: "b", target_port: "in" },
      },
    ];
    expect(() => applyOps(doc, ops)).toThrowError(OpError);
    try {
      applyOps(doc, ops);
    } catch (err) {
      expect(err).toMatchObject({ index: 1, code: "input_already_connected" });
    }
  });

  it("refuses ops on missing nodes and non-finite positions without touching the input", () => {
    const before = structuredClone(doc);
    expect(() => applyOps(doc, [{ op: "remove_node", node_id: "zz" }])).toThrowError(/no node/);
    expect(() =>
      applyOps(doc, [{ op: "move_nodes", positions: { a: { x: Number.NaN, y: 0 } } }]),
    ).toThrowError(/finite/);
    expect(doc).toEqual(before);
  });

  it("adds, updates and removes groups, and undoes each exactly", () => {
    const added = applyOps(doc, [
      { op: "add_group", group: { id: "h", title: "H", node_ids: ["c"], collapsed: false } },
    ]);
    expect(added.doc.groups.map((g) => g.id)).toEqual(["g", "h"]);
    expect(added.inverse).toEqual([{ op: "remove_group", group_id: "h" }]);
    roundTrip([
      {
        op: "add_group",
        group: { id: "h", title: "H", node_ids: ["c"], collapsed: false },
        index: 0,
      },
    ]);

    const collapsed = applyOps(doc, [{ op: "update_group", group_id: "g", collapsed: true }]);
    expect(collapsed.doc.groups[0]).toEqual({
      id: "g",
      title: "G",
      node_ids: ["a", "b"],
      collapsed: true,
    });
    expect(collapsed.inverse).toEqual([{ op: "update_group", group_id: "g", collapsed: false }]);
    roundTrip([{ op: "update_group", group_id: "g", title: "New", node_ids: ["c"] }]);
    // a null field (as the server echoes ops) leaves that field as it is
    const nulls = applyOps(doc, [
      { op: "update_group", group_id: "g", title: null, collapsed: true, node_ids: null },
    ]);
    expect(nulls.doc.groups[0]?.title).toBe("G");

    const removed = applyOps(doc, [{ op: "remove_group", group_id: "g" }]);
    expect(removed.doc.groups).toEqual([]);
    expect(removed.doc.nodes).toEqual(doc.nodes);
    roundTrip([{ op: "remove_group", group_id: "g" }]);
  });

  it("undoes removing a group's last members and the group as one batch", () => {
    roundTrip([
      { op: "remove_node", node_id: "a" },
      { op: "remove_node", node_id: "b" },
      { op: "remove_group", group_id: "g" },
    ]);
  });

  it("refuses bad group ops with the server's codes", () => {
    const cases: [GraphOp, string][] = [
      [
        { op: "add_group", group: { id: "g", title: "", node_ids: [], collapsed: false } },
        "duplicate_group_id",
      ],
      [
        { op: "add_group", group: { id: "", title: "", node_ids: [], collapsed: false } },
        "invalid_group_id",
      ],
      [
        { op: "add_group", group: { id: "h", title: "", node_ids: ["zz"], collapsed: false } },
        "missing_node",
      ],
      [
        { op: "add_group", group: { id: "h", title: "", node_ids: ["a", "a"], collapsed: false } },
        "duplicate_group_member",
      ],
      [
        {
          op: "add_group",
          group: { id: "h", title: "x".repeat(201), node_ids: [], collapsed: false },
        },
        "group_title_too_long",
      ],
      [{ op: "update_group", group_id: "zz", collapsed: true }, "missing_group"],
      [{ op: "update_group", group_id: "g" }, "empty_update"],
      [{ op: "remove_group", group_id: "zz" }, "missing_group"],
    ];
    for (const [op, code] of cases) {
      expect(() => applyOps(doc, [op]), code).toThrowError(OpError);
      try {
        applyOps(doc, [op]);
      } catch (err) {
        expect(err).toMatchObject({ index: 0, code });
      }
    }
  });
});
