import { describe, expect, it } from "vitest";
import { docChangeKeys, jsonEqual, nodeOfKey, overlappingKeys } from "./changeKeys";
import { node, threeNodes } from "./collabFixtures";
import { applyOps } from "./ops";

describe("docChangeKeys", () => {
  const doc = threeNodes();

  it("names exactly the fields a batch changed", () => {
    const after = applyOps(doc, [
      { op: "move_nodes", positions: { a: { x: 5, y: 5 } } },
      { op: "update_params", node_id: "b", params: { x: 1 } },
      { op: "set_label", node_id: "c", label: "Sink" },
      { op: "rename_workflow", name: "other" },
    ]).doc;
    expect([...docChangeKeys(doc, after)].sort()).toEqual([
      "node:a/position",
      "node:b/params",
      "node:c/label",
      "workflow/name",
    ]);
  });

  it("names added and removed nodes, edges and groups as a whole", () => {
    const after = applyOps(doc, [
      { op: "remove_node", node_id: "c" },
      { op: "add_node", node: node("d") },
      { op: "update_group", group_id: "g", title: "New" },
    ]).doc;
    expect([...docChangeKeys(doc, after)].sort()).toEqual([
      "edge:e2",
      "group:g/title",
      "node:c",
      "node:d",
    ]);
  });

  it("sees no change in params that differ only in key order", () => {
    const after = applyOps(doc, [
      { op: "update_params", node_id: "a", params: { limit: 5, keep: true } },
    ]).doc;
    expect(docChangeKeys(doc, after).size).toBe(0);
  });
});

describe("overlappingKeys", () => {
  it("matches equal keys and keys inside or around each other, not siblings", () => {
    expect(overlappingKeys(["node:a/position"], ["node:a"])).toEqual(["node:a/position"]);
    expect(overlappingKeys(["node:a"], ["node:a/params"])).toEqual(["node:a"]);
    expect(overlappingKeys(["node:a/position"], ["node:a/params"])).toEqual([]);
    expect(overlappingKeys(["node:a/position"], ["node:ab/position"])).toEqual([]);
    expect(overlappingKeys(["group:g/title"], ["group:g"])).toEqual(["group:g/title"]);
    expect(overlappingKeys(["edge:e1"], ["edge:e1", "node:z"])).toEqual(["edge:e1"]);
  });

  it("keeps ids containing a slash in one segment", () => {
    expect(nodeOfKey("node:a%2Fb/params")).toBe("a/b");
    expect(nodeOfKey("edge:e1")).toBeNull();
  });
});

describe("jsonEqual", () => {
  it("compares nested JSON structurally", () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});
