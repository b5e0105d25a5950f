import { describe, expect, it } from "vitest";
import type { HintSpec } from "./connectionHints";
import type { GraphDoc } from "./ops";
import { paletteWire, placeRightOf, RIGHT_GAP } from "./paletteWire";
import { ruleSet } from "./ports";

const rules = ruleSet([
  { source: "metrics", target: "json" },
  { source: "model", target: "model_spec" },
]);
const port = (name: string, dataType: string, required = true, accepts: string[] = []) => ({
  name,
  dataType,
  accepts,
  required,
});

const specs: Record<string, HintSpec> = {
  csv: { typeId: "csv", inputs: [], outputs: [port("data", "dataframe")] },
  filter: {
    typeId: "filter",
    inputs: [port("data", "dataframe")],
    outputs: [port("data", "dataframe")],
  },
  model: {
    typeId: "model",
    inputs: [port("train", "dataframe")],
    outputs: [port("model", "model"), port("metrics", "metrics"), port("spec", "model_spec")],
  },
  cv: {
    typeId: "cv",
    inputs: [port("model", "model_spec"), port("data", "dataframe")],
    outputs: [port("scores", "dataframe")],
  },
  predict: {
    typeId: "predict",
    inputs: [port("model", "model"), port("data", "dataframe")],
    outputs: [port("predictions", "dataframe")],
  },
  report: {
    typeId: "report",
    // an optional input that takes anything first, the best fit second
    inputs: [port("extra", "file", false, ["metrics"]), port("payload", "json")],
    outputs: [],
  },
};

function doc(nodes: [string, string][]): GraphDoc {
  return {
    name: "w",
    description: "",
    nodes: nodes.map(([id, type]) => ({
      id,
      type,
      type_version: 1,
      params: {},
      position: { x: 0, y: 0 },
      label: "",
    })),
    edges: [],
    groups: [],
  };
}

describe("paletteWire", () => {
  const d = doc([
    ["orders", "csv"],
    ["rf", "model"],
  ]);

  it("wires the selected node's first fitting output to the new node's input", () => {
    expect(paletteWire(d, "orders", "filter", specs, rules)).toEqual({
      start: { nodeId: "orders", port: "data", side: "source" },
      port: "data",
    });
    // the model output fits predict's "model" input, not its "data" one
    expect(paletteWire(d, "rf", "predict", specs, rules)).toEqual({
      start: { nodeId: "rf", port: "model", side: "source" },
      port: "model",
    });
  });

  it("skips outputs that fit nothing and prefers an input of the same type", () => {
    // rf.model fits no report input; rf.metrics fits both, and "payload" is the better fit
    // (a metrics->json rule, required) over "extra" (accepts metrics, optional)
    expect(paletteWire(d, "rf", "report", specs, rules)).toEqual({
      start: { nodeId: "rf", port: "metrics", side: "source" },
      port: "payload",
    });
  });

  it("prefers an output feeding an input of its own type over an earlier fitting one", () => {
    // rf.model would fit cv's spec port too (a rule), but rf.spec is the exact fit
    expect(paletteWire(d, "rf", "cv", specs, rules)).toEqual({
      start: { nodeId: "rf", port: "spec", side: "source" },
      port: "model",
    });
  });

  it("is null when nothing fits, the new type has no input, or a node is unknown", () => {
    expect(paletteWire(d, "orders", "report", specs, rules)).toBeNull();
    expect(paletteWire(d, "orders", "csv", specs, rules)).toBeNull();
    expect(paletteWire(d, "missing", "filter", specs, rules)).toBeNull();
    expect(paletteWire(d, "orders", "nope", specs, rules)).toBeNull();
  });
});

describe("placeRightOf", () => {
  const anchor = { x: 100, y: 200, width: 200, height: 80 };
  const size = { width: 200, height: 80 };

  it("puts the new node to the right of the anchor, level with it", () => {
    expect(placeRightOf(anchor, [anchor], size)).toEqual({ x: 300 + RIGHT_GAP, y: 200 });
  });

  it("moves it down past the nodes already there", () => {
    const there = { x: 300 + RIGHT_GAP + 20, y: 190, width: 200, height: 100 };
    const below = { x: 300 + RIGHT_GAP, y: 330, width: 200, height: 80 };
    const placed = placeRightOf(anchor, [anchor, there, below], size);
    expect(placed.x).toBe(300 + RIGHT_GAP);
    expect(placed.y).toBe(330 + 80 + 40);
    // a node far away on the right does not move it
    const far = { x: 2000, y: 200, width: 200, height: 80 };
    expect(placeRightOf(anchor, [anchor, far], size)).toEqual({ x: 300 + RIGHT_GAP, y: 200 });
  });
});
