import { describe, expect, it } from "vitest";
import { applyOps, type GraphDoc } from "../graph/ops";
import { toFlowEdges, toFlowNodes, type CanvasFlowNode } from "./flowModel";

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
    const selected: CanvasFlowNode[] = first.map((n) =>
      n.id === "b" ? { ...n, selected: true } : n,
    );
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
