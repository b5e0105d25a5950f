import { describe, expect, it } from "vitest";
import { connectTargets, describeTarget, filterTargets, type TargetSpec } from "./connectTo";
import type { GraphDoc } from "./ops";
import { ruleSet } from "./ports";

/** The value, or a test failure when it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

const rules = ruleSet([{ source: "metrics", target: "json" }]);

const df = (name: string, label?: string) => ({
  name,
  dataType: "dataframe",
  accepts: [] as string[],
  required: true,
  ...(label ? { label } : {}),
});

const specs: Record<string, TargetSpec> = {
  csv: { typeId: "csv", displayName: "CSV file", inputs: [], outputs: [df("data")] },
  filter: {
    typeId: "filter",
    displayName: "Filter rows",
    inputs: [df("data")],
    outputs: [df("data")],
  },
  join: {
    typeId: "join",
    displayName: "Join",
    inputs: [df("left", "Left table"), df("right", "Right table")],
    outputs: [df("data")],
  },
  metrics: {
    typeId: "metrics",
    displayName: "Metrics",
    inputs: [df("scored")],
    outputs: [{ name: "metrics", dataType: "metrics", accepts: [] }],
  },
  report: {
    typeId: "report",
    displayName: "Report",
    inputs: [{ name: "payload", dataType: "json", accepts: [] }],
    outputs: [],
  },
};

function node(id: string, type: string, x: number, label = "") {
  return { id, type, type_version: 1, params: {}, position: { x, y: 0 }, label };
}

function doc(nodes: GraphDoc["nodes"], edges: GraphDoc["edges"] = []): GraphDoc {
  return { name: "w", description: "", nodes, edges, groups: [] };
}

const edge = (source: string, sourcePort: string, target: string, targetPort: string) => ({
  id: `${source}.${sourcePort}->${target}.${targetPort}`,
  source,
  source_port: sourcePort,
  target,
  target_port: targetPort,
});

describe("connectTargets", () => {
  it("lists what the node's outputs can feed first, then what can feed its inputs, natural side and nearest first", () => {
    const d = doc([
      node("orders", "csv", 0, "Orders"),
      node("f", "filter", 300),
      node("far", "filter", 2000, "Far filter"),
      node("j", "join", 600),
    ]);
    const targets = connectTargets("f", d, specs, rules);
    expect(targets.map((t) => [t.direction, t.other, t.otherPort])).toEqual([
      ["out", "j", "left"],
      ["out", "j", "right"],
      ["out", "far", "data"],
      // the inputs: every output that may feed f.data (orders on its left first, then the
      // nodes on its right, nearest first)
      ["in", "orders", "data"],
      ["in", "j", "data"],
      ["in", "far", "data"],
    ]);
    expect(targets[0]?.connection).toEqual({
      source: "f",
      sourceHandle: "data",
      target: "j",
      targetHandle: "left",
    });
    expect(targets[3]?.connection).toEqual({
      source: "orders",
      sourceHandle: "data",
      target: "f",
      targetHandle: "data",
    });
    // labels: the node's label, else its type's name; the port's label, else its name
    expect(targets[0]?.otherLabel).toBe("Join");
    expect(targets[0]?.otherPortLabel).toBe("Left table");
    expect(targets[3]?.otherLabel).toBe("Orders");
  });

  it("leaves out existing edges, self-loops and cycles, and says what a fed input loses", () => {
    // orders -> f -> j.left; j.data may not feed f (cycle); f may not feed itself
    const d = doc(
      [
        node("orders", "csv", 0),
        node("f", "filter", 300),
        node("j", "join", 600),
        node("other", "csv", 100),
      ],
      [edge("orders", "data", "f", "data"), edge("f", "data", "j", "left")],
    );
    const targets = connectTargets("f", d, specs, rules);
    const keys = targets.map((t) => `${t.direction}:${t.other}.${t.otherPort}`);
    expect(keys).toEqual(["out:j.right", "in:other.data"]);
    expect(targets[0]?.note).toBe("");
    expect(targets[1]?.note).toBe("replaces the connection from orders.data");
    // from the join's side, its free right input notes nothing and f's output is offered
    const fromJoin = connectTargets("j", d, specs, rules).map((t) => `${t.port}<-${t.other}`);
    expect(fromJoin).toContain("right<-orders");
    expect(fromJoin).not.toContain("right<-j");
  });

  it("follows the data types and the connection rules", () => {
    const d = doc([node("m", "metrics", 0), node("r", "report", 300), node("f", "filter", 600)]);
    const targets = connectTargets("m", d, specs, rules);
    // metrics may feed a json input (a rule); a filter's dataframe input no
    expect(targets.filter((t) => t.direction === "out").map((t) => t.other)).toEqual(["r"]);
    expect(targets.find((t) => t.other === "r")?.dataType).toBe("metrics");
    // the filter's dataframe output may feed the metrics' scored input
    expect(targets.filter((t) => t.direction === "in").map((t) => t.other)).toEqual(["f"]);
  });

  it("is empty for an unknown node or node type", () => {
    const d = doc([node("x", "nope", 0), node("f", "filter", 300)]);
    expect(connectTargets("x", d, specs, rules)).toEqual([]);
    expect(connectTargets("missing", d, specs, rules)).toEqual([]);
  });
});

describe("filterTargets and describeTarget", () => {
  const d = doc([
    node("orders", "csv", 0, "Orders"),
    node("f", "filter", 300),
    node("j", "join", 600, "Join customers"),
  ]);
  const targets = connectTargets("f", d, specs, rules);

  it("keeps the targets every query word matches, typos included, best first", () => {
    expect(filterTargets(targets, "").length).toBe(targets.length);
    expect(filterTargets(targets, "join right").map((t) => t.otherPort)).toEqual(["right"]);
    expect(filterTargets(targets, "custmers").map((t) => t.other)).toEqual(["j", "j", "j"]);
    expect(filterTargets(targets, "ordr").map((t) => t.other)).toEqual(["orders"]);
    expect(filterTargets(targets, "zebra")).toEqual([]);
  });

  it("reads as the port, the direction, the other node and port, and the type", () => {
    expect(describeTarget(must(targets[0]))).toBe("data → Join customers · Left table (dataframe)");
    const input = must(targets.find((t) => t.direction === "in"));
    expect(describeTarget(input)).toBe("data ← Orders · data (dataframe)");
  });
});
