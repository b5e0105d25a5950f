import { describe, expect, it } from "vitest";
import type { Position } from "./ops";
import { layoutLeftToRight } from "./layout";

function at(positions: Record<string, Position>, id: string): Position {
  const p = positions[id];
  if (!p) throw new Error(`no position for ${id}`);
  return p;
}

const size = { width: 180, height: 60 };

describe("layoutLeftToRight", () => {
  it("places each downstream node to the right of its source", () => {
    const nodes = ["a", "b", "c", "d"].map((id) => ({ id, ...size }));
    const edges = [
      { source: "a", target: "b" },
      { source: "a", target: "c" },
      { source: "b", target: "d" },
      { source: "c", target: "d" },
    ];
    const placed = layoutLeftToRight(nodes, edges);
    const [a, b, c, d] = ["a", "b", "c", "d"].map((id) => at(placed, id));
    if (!a || !b || !c || !d) throw new Error("missing positions");
    expect(b.x).toBeGreaterThanOrEqual(a.x + size.width);
    expect(d.x).toBeGreaterThan(b.x);
    expect(b.y).not.toBe(c.y);
  });

  it("lays out unconnected nodes and ignores edges to unknown nodes", () => {
    const p = layoutLeftToRight([{ id: "x", ...size }], [{ source: "x", target: "ghost" }]);
    expect(Object.keys(p)).toEqual(["x"]);
    expect(Number.isFinite(at(p, "x").x)).toBe(true);
  });
});
