import { describe, expect, it } from "vitest";
import { node, threeNodes } from "./collabFixtures";
import { applyOps, type GraphDoc, type GraphOp } from "./ops";
import { mergeMembers, mergeParams, rebaseOps } from "./rebase";

const base = threeNodes();

/** The teammate's change: `base` with their ops applied. */
function theirs(ops: GraphOp[]): GraphDoc {
  return applyOps(base, ops).doc;
}

function rebased(ops: GraphOp[], onto: GraphDoc) {
  const result = rebaseOps(base, ops, onto);
  if (!result.ok) throw new Error(`unexpected conflict: ${result.reason}`);
  return result;
}

function paramsOf(doc: GraphDoc, id: string) {
  return doc.nodes.find((n) => n.id === id)?.params;
}

describe("mergeParams", () => {
  it("sets only the fields this user changed on top of the teammate's", () => {
    const merged = mergeParams({ a: 1, b: 2, c: 3 }, { a: 10, b: 2 }, { a: 1, b: 20, c: 3, d: 4 });
    expect(merged).toEqual({ a: 10, b: 20, d: 4 }); // a set, c cleared by me; b, d theirs
  });

  it("lets this user's value win a field both changed (the later write)", () => {
    expect(mergeParams({ a: 1 }, { a: 2 }, { a: 3 })).toEqual({ a: 2 });
  });

  it("takes this user's params as they are for a node without a base", () => {
    expect(mergeParams(undefined, { a: 1 }, { b: 2 })).toEqual({ a: 1 });
  });
});

describe("mergeMembers", () => {
  it("applies the members this user added and took out to the teammate's list", () => {
    expect(mergeMembers(["a", "b"], ["b", "c"], ["a", "b", "d"])).toEqual(["b", "d", "c"]);
  });
});

describe("rebaseOps", () => {
  it("keeps both edits when two users change different params of one node", () => {
    const onto = theirs([{ op: "update_params", node_id: "a", params: { keep: false, limit: 5 } }]);
    const result = rebased(
      [{ op: "update_params", node_id: "a", params: { keep: true, limit: 9 } }],
      onto,
    );
    expect(paramsOf(result.doc, "a")).toEqual({ keep: false, limit: 9 });
    expect(result.ops).toEqual([
      { op: "update_params", node_id: "a", params: { keep: false, limit: 9 } },
    ]);
  });

  it("moves and a teammate's params edit on the same node both survive", () => {
    const onto = theirs([{ op: "update_params", node_id: "b", params: { x: 1 } }]);
    const result = rebased([{ op: "move_nodes", positions: { b: { x: 7, y: 8 } } }], onto);
    const b = result.doc.nodes.find((n) => n.id === "b");
    expect(b?.position).toEqual({ x: 7, y: 8 });
    expect(b?.params).toEqual({ x: 1 });
  });

  it("gives an added node a free id when a teammate took it, and later ops follow", () => {
    const onto = theirs([{ op: "add_node", node: node("d") }]);
    const result = rebased(
      [
        { op: "add_node", node: node("d", { mine: true }) },
        {
          op: "add_edge",
          edge: { id: "c-d", source: "c", source_port: "out", target: "d", target_port: "in" },
        },
        { op: "update_params", node_id: "d", params: { mine: 2 } },
      ],
      onto,
    );
    expect(result.renamed).toEqual({ d: "d_2" });
    expect(result.doc.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "d", "d_2"]);
    expect(result.doc.edges.at(-1)).toMatchObject({ source: "c", target: "d_2" });
    expect(paramsOf(result.doc, "d_2")).toEqual({ mine: 2 });
    expect(paramsOf(result.doc, "d")).toEqual({});
  });

  it("drops what is already true: a removal of something gone, an identical connection", () => {
    const onto = theirs([{ op: "remove_node", node_id: "c" }]);
    const result = rebased(
      [
        { op: "remove_edge", edge_id: "e2" },
        { op: "remove_node", node_id: "c" },
      ],
      onto,
    );
    expect(result.ops).toEqual([]);
    expect(result.doc).toEqual(onto);

    const connected = theirs([
      { op: "remove_edge", edge_id: "e2" },
      {
        op: "add_edge",
        edge: { id: "t", source: "a", source_port: "out", target: "c", target_port: "in" },
      },
    ]);
    const same = rebased(
      [
        { op: "remove_edge", edge_id: "e2" },
        {
          op: "add_edge",
          edge: { id: "m", source: "a", source_port: "out", target: "c", target_port: "in" },
        },
      ],
      connected,
    );
    expect(same.ops).toEqual([]);
  });

  it("is a conflict, with the reason, to edit a node a teammate removed", () => {
    const onto = theirs([{ op: "remove_node", node_id: "b" }]);
    for (const op of [
      { op: "update_params", node_id: "b", params: { x: 1 } },
      { op: "move_nodes", positions: { a: { x: 1, y: 1 }, b: { x: 2, y: 2 } } },
      { op: "set_label", node_id: "b", label: "x" },
    ] as GraphOp[]) {
      const result = rebaseOps(base, [op], onto);
      expect(result).toEqual({
        ok: false,
        reason: "a teammate removed 'B' meanwhile",
        nodeId: "b",
      });
    }
  });

  it("is a conflict to connect an input a teammate connected meanwhile", () => {
    const onto = theirs([
      { op: "add_node", node: node("x") },
      {
        op: "add_edge",
        edge: { id: "t", source: "x", source_port: "out", target: "a", target_port: "in" },
      },
    ]);
    const result = rebaseOps(
      base,
      [
        {
          op: "add_edge",
          edge: { id: "m", source: "c", source_port: "out", target: "a", target_port: "in" },
        },
      ],
      onto,
    );
    expect(result).toEqual({
      ok: false,
      reason: "a teammate connected input 'in' of 'A' to 'X' meanwhile",
      nodeId: "a",
    });
  });

  it("merges a group's member list and conflicts on a group a teammate removed", () => {
    const onto = theirs([{ op: "update_group", group_id: "g", node_ids: ["a", "b", "c"] }]);
    const result = rebased([{ op: "update_group", group_id: "g", node_ids: ["b"] }], onto);
    expect(result.doc.groups[0]?.node_ids).toEqual(["b", "c"]);

    const gone = theirs([{ op: "remove_group", group_id: "g" }]);
    const conflict = rebaseOps(base, [{ op: "update_group", group_id: "g", title: "T" }], gone);
    expect(conflict).toMatchObject({
      ok: false,
      reason: "a teammate removed the group 'G' meanwhile",
    });
    expect(rebased([{ op: "remove_group", group_id: "g" }], gone).ops).toEqual([]);
  });

  it("leaves a batch unchanged when the teammate touched something else", () => {
    const onto = theirs([{ op: "rename_workflow", name: "theirs" }]);
    const ops: GraphOp[] = [
      { op: "move_nodes", positions: { a: { x: 3, y: 4 } } },
      { op: "update_params", node_id: "c", params: { q: 1 } },
    ];
    const result = rebased(ops, onto);
    expect(result.ops).toEqual(ops);
    expect(result.doc.name).toBe("theirs");
  });
});
