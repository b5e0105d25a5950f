import { describe, expect, it } from "vitest";
import {
  COLLAPSED_SIZE,
  deleteOps,
  drawnEnds,
  FRAME_HEADER,
  FRAME_IN,
  FRAME_OUT,
  FRAME_PADDING,
  frameBox,
  frameId,
  groupIdOfFrame,
  groupOps,
  groupsByMember,
  hiddenBy,
  titleProblem,
  ungroupOps,
} from "./groups";
import { applyOps, type GraphDoc, type GraphNode } from "./ops";

/** The value, or a test failure when it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

function node(id: string): GraphNode {
  return { id, type: "t.x", type_version: 1, params: {}, position: { x: 0, y: 0 }, label: "" };
}

const doc: GraphDoc = {
  name: "wf",
  description: "",
  nodes: [node("a"), node("b"), node("c"), node("d")],
  edges: [
    { id: "ab", source: "a", source_port: "o", target: "b", target_port: "i" },
    { id: "bc", source: "b", source_port: "o", target: "c", target_port: "i" },
    { id: "cd", source: "c", source_port: "o", target: "d", target_port: "i" },
  ],
  groups: [{ id: "g", title: "G", node_ids: ["a", "b"], collapsed: false }],
};

describe("frame geometry", () => {
  it("pads the members' bounding box and leaves room for the title", () => {
    const box = frameBox(
      [
        { x: 100, y: 100, width: 200, height: 80 },
        { x: 400, y: 150, width: 200, height: 100 },
      ],
      false,
    );
    expect(box).toEqual({
      x: 100 - FRAME_PADDING,
      y: 100 - FRAME_PADDING - FRAME_HEADER,
      width: 500 + 2 * FRAME_PADDING,
      height: 150 + 2 * FRAME_PADDING + FRAME_HEADER,
    });
  });

  it("is compact when collapsed and absent without members", () => {
    const box = frameBox([{ x: 10, y: 10, width: 999, height: 999 }], true);
    expect(box).toMatchObject(COLLAPSED_SIZE);
    expect(frameBox([], false)).toBeNull();
  });

  it("names frames so that they never collide with node ids", () => {
    expect(groupIdOfFrame(frameId("g"))).toBe("g");
    expect(groupIdOfFrame("a")).toBeNull();
    expect(frameId("g")).not.toMatch(/^[a-z][a-z0-9_]*$/);
  });
});

describe("collapsed groups", () => {
  const collapsed = [{ id: "g", title: "", node_ids: ["a", "b"], collapsed: true }];
  const owners = hiddenBy(collapsed);

  it("hide their members", () => {
    expect([...owners]).toEqual([
      ["a", "g"],
      ["b", "g"],
    ]);
    expect(hiddenBy(doc.groups).size).toBe(0);
  });

  it("draw edges from hidden members to the frame and hide edges inside", () => {
    expect(drawnEnds(must(doc.edges[0]), owners)).toBeNull();
    expect(drawnEnds(must(doc.edges[1]), owners)).toEqual({
      source: frameId("g"),
      sourceHandle: FRAME_OUT,
      target: "c",
      targetHandle: "i",
    });
    const into = { id: "x", source: "d", source_port: "o", target: "a", target_port: "i" };
    expect(drawnEnds(into, owners)).toMatchObject({ target: frameId("g"), targetHandle: FRAME_IN });
    expect(drawnEnds(must(doc.edges[2]), owners)).toEqual({
      source: "c",
      sourceHandle: "o",
      target: "d",
      targetHandle: "i",
    });
  });
});

describe("group and ungroup", () => {
  it("groups the selected nodes in document order with a free id", () => {
    const result = groupOps(doc, ["d", "c"], "Tail");
    expect(result).toEqual({
      ok: true,
      value: {
        groupId: "group",
        ops: [
          {
            op: "add_group",
            group: { id: "group", title: "Tail", node_ids: ["c", "d"], collapsed: false },
          },
        ],
      },
    });
    if (result.ok) expect(applyOps(doc, result.value.ops).doc.groups).toHaveLength(2);
  });

  it("refuses an empty selection and nodes that already have a group", () => {
    const none = groupOps(doc, []);
    expect(none.ok || none.message).toMatch(/Select the nodes/);
    const taken = groupOps(doc, ["c", "b"]);
    expect(taken.ok || taken.message).toMatch(/'b' is already in the group “G”; ungroup it first/);
  });

  it("ungroups the groups holding the nodes and keeps the nodes", () => {
    expect(ungroupOps(doc, ["b", "c"])).toEqual([{ op: "remove_group", group_id: "g" }]);
    expect(ungroupOps(doc, ["c"])).toEqual([]);
    expect(groupsByMember(doc.groups).get("a")).toEqual(["g"]);
  });

  it("limits titles to the server's length", () => {
    expect(titleProblem("ok")).toBeNull();
    expect(titleProblem("x".repeat(201))).toMatch(/at most 200/);
  });
});

describe("deleteOps", () => {
  it("removes cut edges, then nodes, then the groups left empty, undone in one step", () => {
    const ops = deleteOps(doc, ["a", "b"], ["ab", "bc", "cd"]);
    expect(ops).toEqual([
      { op: "remove_edge", edge_id: "cd" },
      { op: "remove_node", node_id: "a" },
      { op: "remove_node", node_id: "b" },
      { op: "remove_group", group_id: "g" },
    ]);
    const { doc: after, inverse } = applyOps(doc, ops);
    expect(after.groups).toEqual([]);
    expect(applyOps(after, inverse).doc).toEqual(doc);
  });

  it("keeps a group that still has members", () => {
    expect(deleteOps(doc, ["a"], [])).toEqual([{ op: "remove_node", node_id: "a" }]);
  });
});
