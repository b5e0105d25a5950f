import { describe, expect, it } from "vitest";
import {
  addAndWireOps,
  compatibleTypes,
  connectionHints,
  hintStyles,
  startPort,
  type HintSpec,
} from "./connectionHints";
import { applyOps, type GraphDoc, type GraphNode } from "./ops";
import { ruleSet } from "./ports";

/** The value, or a test failure when it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

const rules = ruleSet([{ source: "metrics", target: "json" }]);

const specs: Record<string, HintSpec> = {
  csv: {
    typeId: "csv",
    inputs: [],
    outputs: [{ name: "data", dataType: "dataframe", accepts: [] }],
  },
  filter: {
    typeId: "filter",
    inputs: [{ name: "data", dataType: "dataframe", accepts: [], required: true }],
    outputs: [{ name: "data", dataType: "dataframe", accepts: [] }],
  },
  join: {
    typeId: "join",
    inputs: [
      { name: "left", dataType: "dataframe", accepts: [], required: true },
      { name: "right", dataType: "dataframe", accepts: [], required: true },
    ],
    outputs: [{ name: "data", dataType: "dataframe", accepts: [] }],
  },
  evaluate: {
    typeId: "evaluate",
    inputs: [
      { name: "model", dataType: "model", accepts: [] },
      { name: "data", dataType: "dataframe", accepts: ["series"], required: false },
    ],
    outputs: [{ name: "metrics", dataType: "metrics", accepts: [] }],
  },
  report: {
    typeId: "report",
    inputs: [{ name: "facts", dataType: "json", accepts: [] }],
    outputs: [],
  },
};

function node(id: string, type: string): GraphNode {
  return { id, type, type_version: 1, params: {}, position: { x: 0, y: 0 }, label: "" };
}

// a -> f -> j.left ; b -> j.right ; ev (evaluate) -> rep (report)
const doc: GraphDoc = {
  name: "wf",
  description: "",
  nodes: [
    node("a", "csv"),
    node("f", "filter"),
    node("b", "csv"),
    node("j", "join"),
    node("ev", "evaluate"),
    node("rep", "report"),
  ],
  edges: [
    { id: "af", source: "a", source_port: "data", target: "f", target_port: "data" },
    { id: "fj", source: "f", source_port: "data", target: "j", target_port: "left" },
    { id: "bj", source: "b", source_port: "data", target: "j", target_port: "right" },
  ],
  groups: [],
};

describe("connectionHints", () => {
  it("marks fitting inputs ok and says why the others are not, from an output", () => {
    const hints = connectionHints({ nodeId: "f", port: "data", side: "source" }, doc, specs, rules);
    expect(hints.f?.data).toEqual({ state: "bad", reason: "a node cannot feed itself" });
    expect(hints.ev?.data).toEqual({ state: "ok", reason: "" });
    expect(hints.ev?.model?.state).toBe("bad");
    expect(hints.ev?.model?.reason).toMatch(/a dataframe output cannot feed a model input/);
    expect(hints.j?.right).toEqual({
      state: "ok",
      reason: "replaces the connection from b.data",
    });
    // sources have no inputs: nothing to hint there
    expect(hints.a).toBeUndefined();
  });

  it("refuses connections that would close a cycle", () => {
    const fromJ = connectionHints({ nodeId: "j", port: "data", side: "source" }, doc, specs, rules);
    expect(fromJ.f?.data).toEqual({
      state: "bad",
      reason: "this would close a cycle: 'f' already feeds 'j'",
    });
    const intoA = connectionHints({ nodeId: "f", port: "data", side: "target" }, doc, specs, rules);
    expect(intoA.j?.data?.state).toBe("bad");
    expect(intoA.j?.data?.reason).toMatch(/cycle: 'f' already feeds 'j'/);
    expect(intoA.b?.data).toEqual({ state: "ok", reason: "" });
  });

  it("uses the connection rules and is empty for an unknown port", () => {
    const fromEv = connectionHints(
      { nodeId: "ev", port: "metrics", side: "source" },
      doc,
      specs,
      rules,
    );
    expect(fromEv.rep?.facts?.state).toBe("ok");
    expect(
      connectionHints({ nodeId: "ev", port: "nope", side: "source" }, doc, specs, rules),
    ).toEqual({});
  });
});

describe("hintStyles", () => {
  it("dims every handle and lights up the ok ones by node and handle id", () => {
    const css = hintStyles(
      { n1: { data: { state: "ok", reason: "" }, x: { state: "bad", reason: "no" } } },
      { nodeId: "a", port: "data", side: "source" },
      ".canvas",
    );
    expect(css).toContain(".canvas .react-flow__handle:not(.connectingfrom) { opacity: 0.3; }");
    // only the inputs: an output of n1 may be called "data" too
    expect(css).toContain(
      '.canvas .react-flow__handle.target[data-nodeid="n1"][data-handleid="data"]',
    );
    expect(css).not.toContain('[data-handleid="x"]');
    const fromInput = hintStyles(
      { n1: { data: { state: "ok", reason: "" } } },
      { nodeId: "a", port: "data", side: "target" },
      ".c",
    );
    expect(fromInput).toContain('.c .react-flow__handle.source[data-nodeid="n1"]');
  });

  it("quotes ids so they cannot break out of the selector", () => {
    const css = hintStyles(
      { 'a"]{}': { "p\\": { state: "ok", reason: "" } } },
      { nodeId: "a", port: "data", side: "source" },
      ".c",
    );
    expect(css).toContain('[data-nodeid="a\\"]{}"][data-handleid="p\\\\"]');
  });
});

describe("compatibleTypes", () => {
  it("lists node types with a fitting input, preferring the same type and required ports", () => {
    const from = startPort({ nodeId: "f", port: "data", side: "source" }, doc, specs);
    expect(from).not.toBeNull();
    const list = compatibleTypes(must(from), "source", Object.values(specs), rules);
    expect(list).toEqual([
      { typeId: "filter", port: "data" },
      { typeId: "join", port: "left" },
      { typeId: "evaluate", port: "data" },
    ]);
  });

  it("lists node types with a fitting output when dragging from an input", () => {
    const from = startPort({ nodeId: "rep", port: "facts", side: "target" }, doc, specs);
    expect(compatibleTypes(must(from), "target", Object.values(specs), rules)).toEqual([
      { typeId: "evaluate", port: "metrics" },
    ]);
  });
});

describe("addAndWireOps", () => {
  it("adds the node and its edge from a dragged output as one batch", () => {
    const ops = addAndWireOps(
      doc,
      { nodeId: "f", port: "data", side: "source" },
      node("f2", "filter"),
      "data",
    );
    expect(ops.map((o) => o.op)).toEqual(["add_node", "add_edge"]);
    const after = applyOps(doc, ops).doc;
    expect(after.edges.at(-1)).toMatchObject({ source: "f", target: "f2", target_port: "data" });
  });

  it("replaces the edge into a dragged input that was connected", () => {
    const ops = addAndWireOps(
      doc,
      { nodeId: "j", port: "right", side: "target" },
      node("c", "csv"),
      "data",
    );
    expect(ops.map((o) => o.op)).toEqual(["add_node", "remove_edge", "add_edge"]);
    const { doc: after, inverse } = applyOps(doc, ops);
    expect(after.edges.find((e) => e.target === "j" && e.target_port === "right")?.source).toBe(
      "c",
    );
    expect(applyOps(after, inverse).doc).toEqual(doc);
  });
});
