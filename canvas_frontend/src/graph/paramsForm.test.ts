import { describe, expect, it } from "vitest";
import {
  fieldsFromSchema,
  formatFieldValue,
  isColumnParam,
  parseFieldText,
  stableKey,
  upstreamColumns,
  type FieldDescriptor,
} from "./paramsForm";

const schema = {
  $defs: {
    Kind: { enum: ["line", "bar"], title: "Kind", type: "string" },
    SortKey: { properties: { column: { type: "string" } }, type: "object" },
  },
  additionalProperties: false,
  properties: {
    kind: { $ref: "#/$defs/Kind", default: "bar", description: "Type of chart." },
    how: { default: "inner", enum: ["inner", "outer"], type: "string" },
    mode: { anyOf: [{ const: "a" }, { const: "b" }], default: "a" },
    x: {
      anyOf: [{ type: "string" }, { type: "null" }],
      default: null,
      description: "Column on the horizontal axis.",
      title: "X",
    },
    bins: { default: 30, maximum: 500, minimum: 1, type: "integer" },
    fraction: { default: 0.1, exclusiveMinimum: 0, maximum: 1, type: "number" },
    header: { default: true, type: "boolean" },
    title: { default: "", maxLength: 300, type: "string" },
    group_by: { items: { type: "string" }, type: "array" },
    columns: {
      anyOf: [{ items: { type: "string" }, type: "array" }, { type: "null" }],
      default: null,
    },
    by: { items: { $ref: "#/$defs/SortKey" }, type: "array" },
    rename: { additionalProperties: { type: "string" }, type: "object" },
    sheet: { anyOf: [{ type: "integer" }, { type: "string" }], default: 0 },
  },
  required: ["bins"],
  title: "P",
  type: "object",
};

const fields = fieldsFromSchema(schema);
const field = (name: string): FieldDescriptor => {
  const found = fields.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name}`);
  return found;
};

describe("fieldsFromSchema", () => {
  it("keeps the schema's order, titles, descriptions and defaults", () => {
    expect(fields.map((f) => f.name)).toEqual(Object.keys(schema.properties));
    expect(field("x")).toMatchObject({
      title: "X",
      description: "Column on the horizontal axis.",
      default: null,
      hasDefault: true,
    });
    expect(field("group_by").hasDefault).toBe(false);
    expect(field("bins").required).toBe(true);
  });

  it("reads enums from enum, a $ref into $defs and anyOf of consts", () => {
    expect(field("kind")).toMatchObject({ kind: "enum", options: ["line", "bar"], default: "bar" });
    expect(field("how")).toMatchObject({ kind: "enum", options: ["inner", "outer"] });
    expect(field("mode")).toMatchObject({ kind: "enum", options: ["a", "b"] });
  });

  it("reads numbers with inclusive and exclusive bounds", () => {
    expect(field("bins")).toMatchObject({ kind: "integer", min: 1, max: 500, exclusiveMin: false });
    expect(field("fraction")).toMatchObject({
      kind: "number",
      min: 0,
      max: 1,
      exclusiveMin: true,
      exclusiveMax: false,
    });
  });

  it("reads booleans, strings, string lists and nullables", () => {
    expect(field("header").kind).toBe("boolean");
    expect(field("title")).toMatchObject({ kind: "string", maxLength: 300, nullable: false });
    expect(field("x")).toMatchObject({ kind: "string", nullable: true });
    expect(field("group_by")).toMatchObject({ kind: "string_list", nullable: false });
    expect(field("columns")).toMatchObject({ kind: "string_list", nullable: true });
  });

  it("marks lists of objects, maps and unions of types unsupported", () => {
    expect(field("by").kind).toBe("unsupported");
    expect(field("rename").kind).toBe("unsupported");
    expect(field("sheet").kind).toBe("unsupported");
  });

  it("gives no fields for a non-object schema", () => {
    expect(fieldsFromSchema(null)).toEqual([]);
  });
});

describe("parseFieldText", () => {
  it("checks numbers against their bounds", () => {
    expect(parseFieldText(field("bins"), "12")).toEqual({ ok: true, value: 12 });
    expect(parseFieldText(field("bins"), "1.5").ok).toBe(false);
    expect(parseFieldText(field("bins"), "0")).toEqual({ ok: false, error: "must be ≥ 1" });
    expect(parseFieldText(field("fraction"), "0")).toEqual({ ok: false, error: "must be > 0" });
    expect(parseFieldText(field("bins"), "")).toEqual({ ok: true, value: undefined });
  });

  it("turns empty nullable inputs into null and splits lists", () => {
    expect(parseFieldText(field("x"), "")).toEqual({ ok: true, value: null });
    expect(parseFieldText(field("group_by"), "a, b,,c")).toEqual({
      ok: true,
      value: ["a", "b", "c"],
    });
    expect(parseFieldText(field("columns"), " ")).toEqual({ ok: true, value: null });
  });

  it("parses unsupported fields as JSON and round-trips formatting", () => {
    expect(parseFieldText(field("rename"), '{"a": "b"}')).toEqual({ ok: true, value: { a: "b" } });
    expect(parseFieldText(field("rename"), "{").ok).toBe(false);
    const by = [{ column: "a" }];
    expect(parseFieldText(field("by"), formatFieldValue(field("by"), by))).toEqual({
      ok: true,
      value: by,
    });
    expect(formatFieldValue(field("group_by"), ["a", "b"])).toBe("a, b");
  });
});

describe("columns", () => {
  it("recognizes column-like param names", () => {
    for (const name of ["column", "columns", "x", "y", "color", "group_by", "stratify_column"]) {
      expect(isColumnParam(name)).toBe(true);
    }
    for (const name of ["expression", "path", "value", "title"]) {
      expect(isColumnParam(name)).toBe(false);
    }
  });

  it("collects the inferred columns of the ports feeding a node", () => {
    const edges = [
      { source: "a", source_port: "out", target: "c" },
      { source: "b", source_port: "out", target: "c" },
      { source: "a", source_port: "out", target: "d" },
    ];
    const schemas = [
      { nodeId: "a", port: "out", columns: [{ name: "region" }, { name: "units" }] },
      { nodeId: "b", port: "out", columns: [{ name: "units" }, { name: "price" }] },
      { nodeId: "b", port: "other", columns: [{ name: "nope" }] },
    ];
    expect(upstreamColumns("c", edges, schemas)).toEqual(["region", "units", "price"]);
    expect(upstreamColumns("a", edges, schemas)).toEqual([]);
  });
});

describe("stableKey", () => {
  it("ignores key order", () => {
    expect(stableKey({ a: 1, b: { c: 2, d: 3 } })).toBe(stableKey({ b: { d: 3, c: 2 }, a: 1 }));
  });
});
