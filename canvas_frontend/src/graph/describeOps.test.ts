import { describe, expect, it } from "vitest";
import { node, threeNodes } from "./collabFixtures";
import { describeOps } from "./describeOps";

const doc = threeNodes();

describe("describeOps", () => {
  it("names nodes by their labels and says what changed", () => {
    expect(describeOps([{ op: "move_nodes", positions: { a: { x: 1, y: 1 } } }], doc)).toBe(
      "moved 'A'",
    );
    expect(
      describeOps([{ op: "update_params", node_id: "a", params: { keep: true, limit: 7 } }], doc),
    ).toBe("changed the settings of 'A' (limit = 7)");
    expect(describeOps([{ op: "add_node", node: { ...node("d"), label: "" } }], doc)).toBe(
      "added 'd'",
    );
  });

  it("describes a replacing connection as a connection", () => {
    const ops = [
      { op: "remove_edge", edge_id: "e2" },
      {
        op: "add_edge",
        edge: { id: "n", source: "a", source_port: "out", target: "c", target_port: "in" },
      },
    ] as const;
    expect(describeOps(ops, doc)).toBe("connected 'A' to 'C'");
  });

  it("lists many nodes briefly and counts further changes", () => {
    const positions = Object.fromEntries(
      ["a", "b", "c", "d", "e"].map((id) => [id, { x: 0, y: 0 }]),
    );
    expect(describeOps([{ op: "move_nodes", positions }], doc)).toBe(
      "moved 'A', 'B', 'C' and 2 more",
    );
    expect(
      describeOps(
        [
          { op: "set_label", node_id: "a", label: "x" },
          { op: "set_label", node_id: "b", label: "y" },
          { op: "rename_workflow", name: "z" },
        ],
        doc,
      ),
    ).toBe("renamed 'A' to 'x' and renamed 'B' to 'y' (and 1 more change)");
  });
});
