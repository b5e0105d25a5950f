import { describe, expect, it } from "vitest";
import { downstreamOf, rerunFromHere, singleSelectedId, upstreamOf } from "./selection";

// a -> b -> d, a -> c -> d, d -> e; f stands alone
const edges = [
  { source: "a", target: "b" },
  { source: "a", target: "c" },
  { source: "b", target: "d" },
  { source: "c", target: "d" },
  { source: "d", target: "e" },
];
const order = ["a", "b", "c", "d", "e", "f"];

describe("downstreamOf / upstreamOf", () => {
  it("follows edges forward through diamonds, including the start", () => {
    expect([...downstreamOf(["b"], edges)].sort()).toEqual(["b", "d", "e"]);
    expect([...downstreamOf(["a"], edges)].sort()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("follows edges backward", () => {
    expect([...upstreamOf(["d"], edges)].sort()).toEqual(["a", "b", "c", "d"]);
    expect([...upstreamOf(["a"], edges)]).toEqual(["a"]);
  });

  it("keeps a node without edges on its own and terminates on cycles", () => {
    expect([...downstreamOf(["f"], edges)]).toEqual(["f"]);
    const cyclic = [
      { source: "x", target: "y" },
      { source: "y", target: "x" },
    ];
    expect([...downstreamOf(["x"], cyclic)].sort()).toEqual(["x", "y"]);
  });
});

describe("rerunFromHere", () => {
  it("is the node and its downstream in document order", () => {
    expect(rerunFromHere("c", order, edges)).toEqual(["c", "d", "e"]);
    expect(rerunFromHere("e", order, edges)).toEqual(["e"]);
  });

  it("leaves out siblings that do not read from the node", () => {
    expect(rerunFromHere("b", order, edges)).not.toContain("c");
  });
});

describe("singleSelectedId", () => {
  it("is the one selected node, else null", () => {
    expect(singleSelectedId([{ id: "a" }, { id: "b", selected: true }])).toBe("b");
    expect(singleSelectedId([{ id: "a" }, { id: "b" }])).toBeNull();
    expect(
      singleSelectedId([
        { id: "a", selected: true },
        { id: "b", selected: true },
      ]),
    ).toBeNull();
  });

  it("counts only workflow nodes, not other kinds such as group frames", () => {
    const nodes = [
      { id: "frame", type: "group", selected: true },
      { id: "a", type: "canvas", selected: true },
    ];
    expect(singleSelectedId(nodes)).toBe("a");
    expect(singleSelectedId([{ id: "frame", type: "group", selected: true }])).toBeNull();
  });
});
