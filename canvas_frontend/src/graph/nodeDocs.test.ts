import { describe, expect, it } from "vitest";
import { nodeDoc, paramDocs, type DocPortSpec, type DocSpec } from "./nodeDocs";
import { ruleSet } from "./ports";

/** The value, or a test failure when it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

const rules = ruleSet([{ source: "metrics", target: "json" }]);

function port(name: string, dataType: string, extra: Partial<DocPortSpec> = {}): DocPortSpec {
  return { name, dataType, accepts: [], required: true, label: "", description: "", ...extra };
}

function spec(typeId: string, extra: Partial<DocSpec>): DocSpec {
  return {
    typeId,
    version: 1,
    displayName: typeId,
    category: typeId.split(".")[0] ?? "",
    description: "",
    tags: [],
    deterministic: true,
    inputs: [],
    outputs: [],
    paramsSchema: { type: "object", properties: {} },
    ...extra,
  };
}

// The shape of pydantic's schemas, as the registry serves them (SampleParams, SortParams).
const SAMPLE_SCHEMA = {
  additionalProperties: false,
  properties: {
    mode: {
      default: "random_n",
      description: "How rows are chosen.",
      enum: ["random_n", "random_fraction", "first_n"],
      title: "Mode",
      type: "string",
    },
    n: {
      default: 1000,
      description: "Number of rows (random_n, first_n).",
      maximum: 1000000000,
      minimum: 1,
      title: "N",
      type: "integer",
      "x-visible-when": { mode: ["random_n", "first_n"] },
    },
    fraction: {
      default: 0.1,
      exclusiveMinimum: 0.0,
      maximum: 1.0,
      title: "Fraction",
      type: "number",
    },
    stratify_column: {
      anyOf: [{ type: "string", maxLength: 64 }, { type: "null" }],
      default: null,
      title: "Stratify Column",
      "x-widget": "column",
      "x-input-port": "data",
    },
  },
  required: ["mode"],
  title: "SampleParams",
  type: "object",
};

const SORT_SCHEMA = {
  $defs: {
    SortKey: {
      properties: {
        column: { title: "Column", type: "string", "x-widget": "column" },
        descending: { default: false, title: "Descending", type: "boolean" },
      },
      required: ["column"],
      title: "SortKey",
      type: "object",
    },
  },
  properties: {
    by: {
      description: "Sort keys.",
      items: { $ref: "#/$defs/SortKey" },
      title: "By",
      type: "array",
    },
  },
  type: "object",
};

const csv = spec("sources.csv", { displayName: "CSV file", outputs: [port("data", "dataframe")] });
const parquet = spec("sources.parquet", {
  displayName: "Parquet file",
  outputs: [port("data", "dataframe")],
});
const sample = spec("transforms.sample", {
  displayName: "Sample rows",
  description: "Keep a sample of the rows.",
  deterministic: true,
  inputs: [port("data", "dataframe", { label: "Data", description: "The table to sample." })],
  outputs: [port("data", "dataframe", { description: "The sampled rows." })],
  paramsSchema: SAMPLE_SCHEMA,
});
const join = spec("transforms.join", {
  displayName: "Join",
  inputs: [
    port("left", "dataframe"),
    port("right", "dataframe"),
    port("extra", "dataframe", { required: false }),
  ],
  outputs: [port("data", "dataframe")],
});
const model = spec("models.forest", {
  displayName: "Random forest",
  inputs: [port("train", "dataframe")],
  outputs: [port("model", "model"), port("metrics", "metrics")],
});
const report = spec("outputs.report", {
  displayName: "Report",
  inputs: [port("payload", "json", { required: false, accepts: ["plot"] })],
});
// its only input is optional: not the clearest reader to show, though it comes first
const append = spec("transforms.append", {
  displayName: "Append",
  inputs: [port("extra", "dataframe", { required: false })],
  outputs: [port("data", "dataframe")],
});
const tree = spec("models.tree", {
  displayName: "Decision tree",
  inputs: [port("train", "dataframe", { required: false })],
  outputs: [port("model", "model")],
});
// a fitted transformer is a model too, and its category comes first in the palette
const scale = spec("features.scale", {
  displayName: "Scaling",
  inputs: [port("train", "dataframe")],
  outputs: [port("train", "dataframe"), port("model", "model")],
});
const predict = spec("models.predict", {
  displayName: "Predict",
  inputs: [port("model", "model"), port("data", "dataframe")],
  outputs: [port("predictions", "dataframe")],
});
const ALL = [report, model, join, sample, parquet, csv];
const MORE = [...ALL, append, tree, scale, predict];

describe("paramDocs", () => {
  it("documents each param's type, default, description, bounds, choices and when it applies", () => {
    const params = paramDocs(SAMPLE_SCHEMA);
    expect(params.map((p) => p.name)).toEqual(["mode", "n", "fraction", "stratify_column"]);
    const [mode, n, fraction, stratify] = params;
    expect(mode).toEqual({
      name: "mode",
      title: "Mode",
      type: "one of 3 choices",
      default: '"random_n"',
      required: true,
      description: "How rows are chosen.",
      constraints: ["choices: random_n, random_fraction, first_n"],
    });
    expect(n?.type).toBe("integer");
    expect(n?.default).toBe("1000");
    expect(n?.constraints).toEqual([
      "≥ 1",
      "≤ 1000000000",
      "applies when mode is random_n or first_n",
    ]);
    expect(fraction?.constraints).toEqual(["> 0", "≤ 1"]);
    expect(stratify?.type).toBe("text (or empty)");
    expect(stratify?.default).toBe("null");
    expect(stratify?.constraints).toEqual(["at most 64 characters", "columns of input data"]);
  });

  it("describes a list of objects by its items' fields, and no default as null", () => {
    const [by] = paramDocs(SORT_SCHEMA);
    expect(by?.type).toBe("list of sort keys");
    expect(by?.default).toBeNull();
    expect(by?.constraints).toEqual([
      "each sort key: column (text, required), descending (boolean)",
    ]);
    expect(paramDocs(undefined)).toEqual([]);
  });
});

describe("nodeDoc", () => {
  it("carries the spec's description and ports, with the node types on their other end", () => {
    const doc = nodeDoc(sample, ALL, rules);
    expect(doc.title).toBe("Sample rows");
    expect(doc.description).toBe("Keep a sample of the rows.");
    expect(doc.params).toHaveLength(4);
    expect(doc.inputs).toHaveLength(1);
    const input = must(doc.inputs[0]);
    expect([input.label, input.dataType, input.required, input.description]).toEqual([
      "Data",
      "dataframe",
      true,
      "The table to sample.",
    ]);
    // in palette order: sources, then transforms, then models...; itself included (it chains)
    expect(input.peers.map((p) => p.typeId)).toEqual([
      "sources.csv",
      "sources.parquet",
      "transforms.join",
      "transforms.sample",
    ]);
    // the port label falls back to the name
    expect(doc.outputs[0]?.label).toBe("data");
    expect(doc.outputs[0]?.peers.map((p) => `${p.typeId}.${p.port}`)).toEqual([
      "transforms.join.left",
      "transforms.sample.data",
      "models.forest.train",
    ]);
  });

  it("follows the connection rules and accepts for peers", () => {
    const doc = nodeDoc(model, ALL, rules);
    const [modelOut, metricsOut] = doc.outputs;
    expect(modelOut?.peers).toEqual([]);
    // metrics may feed a json input by the rules
    expect(metricsOut?.peers.map((p) => p.typeId)).toEqual(["outputs.report"]);
    expect(nodeDoc(report, ALL, rules).inputs[0]?.accepts).toEqual(["plot"]);
  });

  it("gives a minimal example wiring: a source into each required input, a reader of the output", () => {
    const doc = nodeDoc(join, ALL, rules);
    const lines = doc.example.map(
      (e) => `${e.from.typeId}.${e.from.port} -> ${e.to.typeId}.${e.to.port}`,
    );
    expect(lines).toEqual([
      "sources.csv.data -> transforms.join.left",
      "sources.csv.data -> transforms.join.right",
      "transforms.join.data -> transforms.sample.data",
    ]);
    // a source: only its reader
    expect(nodeDoc(csv, ALL, rules).example.map((e) => e.to.typeId)).toEqual(["transforms.sample"]);
    // an optional-only input still gets an example feeder when something fits
    expect(nodeDoc(report, ALL, rules).example.map((e) => e.from.typeId)).toEqual([
      "models.forest",
    ]);
  });

  it("picks the clearest peers: a reader's main input, a model from the models", () => {
    // Append reads dataframes too, and comes first, but only through an optional input
    expect(nodeDoc(csv, MORE, rules).example.map((e) => e.to.typeId)).toEqual([
      "transforms.sample",
    ]);
    // a model comes from the category that makes models, not from a fitted scaler
    const lines = nodeDoc(predict, MORE, rules).example.map(
      (e) => `${e.from.typeId}.${e.from.port} -> ${e.to.typeId}.${e.to.port}`,
    );
    expect(lines).toEqual([
      "models.tree.model -> models.predict.model",
      "sources.csv.data -> models.predict.data",
      "models.predict.predictions -> transforms.sample.data",
    ]);
  });
});
