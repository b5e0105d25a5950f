import { describe, expect, it } from "vitest";
import { applyOps, type GraphDoc } from "../graph/ops";
import { frameId, FRAME_HEADER, FRAME_OUT, FRAME_PADDING } from "../graph/groups";
import {
  expandFrameMoves,
  isCanvasNode,
  isFrameNode,
  refreshFrames,
  selectedCanvasNodeIds,
  toFlowEdges,
  toFlowNodes,
  type FlowNode,
} from "./flowModel";

/** The value, or a test failure when it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

const doc: GraphDoc = {
  name: "wf",
  description: "",
  nodes: [
    { id: "a", type: "t", type_version: 1, params: {}, position: { x: 0, y: 0 }, label: "" },
    { id: "b", type: "t", type_version: 1, params: {}, position: { x: 9, y: 0 }, label: "B" },
  ],
  edges: [{ id: "e", source: "a", source_port: "o", target: "b", target_port: "i" }],
  groups: [],
};

describe("toFlowNodes", () => {
  it("keeps unchanged nodes identical and carries selection over to changed ones", () => {
    const cache = new WeakMap();
    const first = toFlowNodes(doc, [], cache);
    const selected: FlowNode[] = first.map((n) => (n.id === "b" ? { ...n, selected: true } : n));
    const moved = applyOps(doc, [{ op: "move_nodes", positions: { b: { x: 50, y: 5 } } }]).doc;
    const second = toFlowNodes(moved, selected, cache);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toMatchObject({
      position: { x: 50, y: 5 },
      selected: true,
      data: { label: "B" },
    });
  });
});

describe("toFlowEdges", () => {
  it("maps ports to handles", () => {
    expect(toFlowEdges(doc, [], new WeakMap())[0]).toMatchObject({
      source: "a",
      sourceHandle: "o",
      target: "b",
      targetHandle: "i",
    });
  });
});

const grouped: GraphDoc = {
  ...doc,
  nodes: [
    ...doc.nodes,
    { id: "c", type: "t", type_version: 1, params: {}, position: { x: 500, y: 0 }, label: "" },
  ],
  edges: [...doc.edges, { id: "bc", source: "b", source_port: "o", target: "c", target_port: "i" }],
  groups: [{ id: "g", title: "Prep", node_ids: ["a", "b"], collapsed: false }],
};

describe("group frames", () => {
  it("come first, below the nodes, around their members", () => {
    const nodes = toFlowNodes(grouped, [], new WeakMap());
    expect(nodes.map((n) => n.id)).toEqual([frameId("g"), "a", "b", "c"]);
    const frame = must(nodes[0]);
    expect(isFrameNode(frame)).toBe(true);
    expect(frame).toMatchObject({
      position: { x: -FRAME_PADDING, y: -FRAME_PADDING - FRAME_HEADER },
      width: 9 + 200 + 2 * FRAME_PADDING,
      selectable: false,
      data: { groupId: "g", title: "Prep", count: 2, collapsed: false },
    });
  });

  it("hide and deselect collapsed members and draw their edges to the frame", () => {
    const collapsed: GraphDoc = {
      ...grouped,
      groups: [{ id: "g", title: "Prep", node_ids: ["a", "b"], collapsed: true }],
    };
    const before = toFlowNodes(grouped, [], new WeakMap()).map((n) =>
      n.id === "a" ? { ...n, selected: true } : n,
    );
    const nodes = toFlowNodes(collapsed, before, new WeakMap());
    const a = nodes.find((n) => n.id === "a");
    expect(a).toMatchObject({ hidden: true });
    expect(a?.selected).toBeUndefined();
    expect(nodes.find((n) => n.id === "c")?.hidden).toBeUndefined();
    const edges = toFlowEdges(collapsed, [], new WeakMap());
    expect(edges).toEqual([
      { id: "bc", source: frameId("g"), sourceHandle: FRAME_OUT, target: "c", targetHandle: "i" },
    ]);
  });
});

describe("moving a frame", () => {
  const nodes = toFlowNodes(grouped, [], new WeakMap());
  const frame = must(nodes[0]);

  it("moves its members by the same amount, once", () => {
    const changes = expandFrameMoves(
      [
        {
          type: "position",
          id: frame.id,
          position: { x: frame.position.x + 20, y: frame.position.y + 40 },
          dragging: true,
        },
        { type: "position", id: "b", position: { x: 29, y: 40 }, dragging: true },
      ],
      nodes,
      grouped.groups,
    );
    expect(changes.slice(2)).toEqual([
      { type: "position", id: "a", position: { x: 20, y: 40 }, dragging: true },
    ]);
  });

  it("keeps unrelated changes as they are", () => {
    const select = [{ type: "select" as const, id: "c", selected: true }];
    expect(expandFrameMoves(select, nodes, grouped.groups)).toEqual(select);
  });

  it("brings only the affected frame up to date when a member moves", () => {
    const moved = nodes.map((n): FlowNode =>
      n.id === "b" ? { ...n, position: { x: 109, y: 0 } } : n,
    );
    const change = [{ type: "position" as const, id: "b", position: { x: 109, y: 0 } }];
    const refreshed = refreshFrames(moved, change, grouped.groups);
    expect(refreshed[0]).not.toBe(frame);
    expect(refreshed[0]?.width).toBe(109 + 200 + 2 * FRAME_PADDING);
    expect(refreshed.slice(1)).toEqual(moved.slice(1));
    const other = [{ type: "position" as const, id: "c", position: { x: 1, y: 1 } }];
    expect(refreshFrames(nodes, other, grouped.groups)).toBe(nodes);
    expect(nodes.filter(isCanvasNode)).toHaveLength(3);
  });
});

describe("selectedCanvasNodeIds", () => {
  it("names the selected workflow nodes, not frames or hidden members", () => {
    const nodes = toFlowNodes(grouped, [], new WeakMap()).map((n) => ({ ...n, selected: true }));
    expect(selectedCanvasNodeIds(nodes)).toEqual(["a", "b", "c"]);
    const hidden = nodes.map((n) => (n.id === "b" ? { ...n, hidden: true } : n));
    expect(selectedCanvasNodeIds(hidden)).toEqual(["a", "c"]);
  });
});
