import { describe, expect, it } from "vitest";
import {
  checkSecretName,
  columnRole,
  fieldsFromSchema,
  formatFieldValue,
  inputColumns,
  isColumnParam,
  isExpressionField,
  isSecretNameField,
  newItem,
  secretCheckMessage,
  outputColumns,
  parseFieldText,
  rankColumns,
  stableKey,
  type FieldDescriptor,
  type PortColumns,
} from "./paramsForm";

const schema = {
  $defs: {
    Kind: { enum: ["line", "bar"], title: "Kind", type: "string" },
    SortKey: { properties: { column: { type: "string" } }, title: "SortKey", type: "object" },
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

  it("reads lists of objects, maps of plain values and unions of plain types", () => {
    const by = field("by");
    if (by.kind !== "object_list") throw new Error(`by is ${by.kind}`);
    expect(by.itemFields.map((f) => [f.name, f.kind])).toEqual([["column", "string"]]);
    expect(by.itemTitle).toBe("sort key");
    const rename = field("rename");
    if (rename.kind !== "map") throw new Error(`rename is ${rename.kind}`);
    expect(rename.valueField.kind).toBe("string");
    expect(field("sheet")).toMatchObject({ kind: "scalar", types: ["integer", "string"] });
  });

  it("leaves nested structures, free objects and mixed unions unsupported", () => {
    const tricky = fieldsFromSchema({
      properties: {
        body: { anyOf: [{ additionalProperties: true, type: "object" }, { type: "null" }] },
        nested: {
          items: {
            properties: { tags: { items: { type: "object" }, type: "array" } },
            type: "object",
          },
          type: "array",
        },
        mixed: { anyOf: [{ type: "integer" }, { items: { type: "string" }, type: "array" }] },
        deep: {
          additionalProperties: { additionalProperties: { type: "string" }, type: "object" },
          type: "object",
        },
      },
      type: "object",
    });
    expect(tricky.map((f) => f.kind)).toEqual([
      "unsupported",
      "unsupported",
      "unsupported",
      "unsupported",
    ]);
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

  const edges = [
    { source: "a", source_port: "out", target: "c", target_port: "left" },
    { source: "b", source_port: "out", target: "c", target_port: "right" },
    { source: "a", source_port: "out", target: "d", target_port: "data" },
    { source: "rest", source_port: "data", target: "e", target_port: "data" },
  ];
  const schemas = [
    {
      nodeId: "a",
      port: "out",
      columns: [
        { name: "region", dtype: "string" },
        { name: "units", dtype: "integer" },
      ],
    },
    {
      nodeId: "b",
      port: "out",
      columns: [
        { name: "units", dtype: "float" },
        { name: "price", dtype: "float" },
      ],
    },
    { nodeId: "b", port: "other", columns: [{ name: "nope", dtype: "string" }] },
    { nodeId: "rest", port: "data", columns: null },
  ];

  it("collects the inferred columns and dtypes of the ports feeding a node", () => {
    expect(inputColumns("c", edges, schemas)).toEqual({
      columns: [
        { name: "region", dtype: "string" },
        { name: "units", dtype: "integer" },
        { name: "price", dtype: "float" },
      ],
      known: true,
    });
    expect(inputColumns("a", edges, schemas)).toEqual({ columns: [], known: false });
  });

  it("keeps to one input port when asked", () => {
    expect(inputColumns("c", edges, schemas, "right").columns.map((c) => c.name)).toEqual([
      "units",
      "price",
    ]);
    expect(inputColumns("c", edges, schemas, "nowhere")).toEqual({ columns: [], known: false });
  });

  it("says the columns are not known when an input's schema is unknown before a run", () => {
    expect(inputColumns("e", edges, schemas)).toEqual({ columns: [], known: false });
  });

  it("ranks columns by how well they match, in input order among equals", () => {
    const columns = [
      { name: "unit_price", dtype: "float" },
      { name: "units", dtype: "integer" },
      { name: "discount", dtype: "float" },
      { name: "count", dtype: "integer" },
    ];
    const names = (query: string, exclude?: Set<string>) =>
      rankColumns(columns, query, exclude).map((c) => c.name);
    expect(names("")).toEqual(["unit_price", "units", "discount", "count"]);
    expect(names("count")).toEqual(["count", "discount"]);
    expect(names("unit")).toEqual(["unit_price", "units"]);
    expect(names("", new Set(["units"]))).toEqual(["unit_price", "discount", "count"]);
    expect(names("zz")).toEqual([]);
  });

  it("reads a node's own output columns (for sources)", () => {
    expect(outputColumns("b", schemas).map((c) => c.name)).toEqual(["units", "price", "nope"]);
  });

  it("carries each column's role from the server's schema, in lower case", () => {
    const withRoles: PortColumns[] = [
      {
        nodeId: "a",
        port: "out",
        columns: [
          { name: "cultivar", dtype: "integer", role: "TARGET" },
          { name: "alcohol", dtype: "float", role: "FEATURE" },
        ],
      },
    ];
    expect(inputColumns("c", edges, withRoles).columns).toEqual([
      { name: "cultivar", dtype: "integer", role: "target" },
      { name: "alcohol", dtype: "float", role: "feature" },
    ]);
    expect(outputColumns("a", withRoles)[0]?.role).toBe("target");
  });
});

describe("stableKey", () => {
  it("ignores key order", () => {
    expect(stableKey({ a: 1, b: { c: 2, d: 3 } })).toBe(stableKey({ b: { d: 3, c: 2 }, a: 1 }));
  });
});

describe("widget hints", () => {
  const hinted = fieldsFromSchema({
    $defs: {
      JoinKey: {
        properties: {
          left: { type: "string", "x-widget": "column", "x-input-port": "left" },
          right: { type: "string", "x-widget": "column", "x-input-port": "right" },
        },
        required: ["left", "right"],
        type: "object",
      },
    },
    properties: {
      expression: { default: "", type: "string", "x-widget": "expression" },
      x: { anyOf: [{ type: "string" }, { type: "null" }], default: null, "x-widget": "column" },
      group_by: { items: { type: "string" }, type: "array", "x-widget": "columns" },
      types: {
        additionalProperties: { enum: ["integer", "float"], type: "string" },
        type: "object",
        "x-widget": "column_map",
      },
      keys: { items: { $ref: "#/$defs/JoinKey" }, type: "array" },
      target_column: { default: "target", type: "string", "x-widget": "text" },
      query: { default: "", type: "string", "x-widget": "multiline" },
      color: { type: "string" },
      odd: { type: "string", "x-widget": "sparkles" },
      columns: { type: "integer", "x-widget": "columns" },
    },
    type: "object",
  });
  const get = (name: string): FieldDescriptor => {
    const found = hinted.find((f) => f.name === name);
    if (!found) throw new Error(`no field ${name}`);
    return found;
  };

  it("reads x-widget and x-input-port, nested ones included", () => {
    expect(get("expression").widget).toBe("expression");
    expect(isExpressionField(get("expression"))).toBe(true);
    expect(get("query").widget).toBe("multiline");
    expect(get("odd").widget).toBeNull(); // unknown hints are ignored
    const keys = get("keys");
    if (keys.kind !== "object_list") throw new Error("keys is not a row list");
    expect(keys.itemFields.map((f) => [f.name, f.widget, f.inputPort, f.required])).toEqual([
      ["left", "column", "left", true],
      ["right", "column", "right", true],
    ]);
  });

  it("gives each field its column role from the hint, or from its name without one", () => {
    expect(columnRole(get("x"))).toBe("column");
    expect(columnRole(get("group_by"))).toBe("columns");
    expect(columnRole(get("types"))).toBe("column_map");
    expect(columnRole(get("target_column"))).toBeNull(); // marked plain text
    expect(columnRole(get("color"))).toBe("column"); // no hint: by its name
    expect(columnRole(get("columns"))).toBeNull(); // a hint that does not fit the type
    expect(columnRole(get("expression"))).toBeNull();
  });
});

describe("newItem", () => {
  it("fills defaults and empty values of the required properties", () => {
    const [aggregations] = fieldsFromSchema({
      $defs: {
        Aggregation: {
          properties: {
            column: { type: "string", "x-widget": "column" },
            function: { default: "sum", enum: ["sum", "mean"], type: "string" },
            as: { default: "", type: "string" },
            weight: { type: "number", minimum: 1 },
            flag: { type: "boolean" },
            how: { enum: ["a", "b"], type: "string" },
            note: { type: "string" },
          },
          required: ["column", "weight", "flag", "how"],
          type: "object",
        },
      },
      properties: { aggregations: { items: { $ref: "#/$defs/Aggregation" }, type: "array" } },
      type: "object",
    });
    if (aggregations?.kind !== "object_list") throw new Error("not a row list");
    expect(newItem(aggregations.itemFields)).toEqual({
      column: "",
      function: "sum",
      as: "",
      weight: 1,
      flag: false,
      how: "a",
    });
  });
});

describe("scalar unions", () => {
  const [sheet, value] = fieldsFromSchema({
    properties: {
      sheet: { anyOf: [{ type: "integer" }, { type: "string" }], default: 0 },
      value: {
        anyOf: [
          { type: "boolean" },
          { type: "integer" },
          { type: "number" },
          { type: "string" },
          { type: "null" },
        ],
        default: null,
      },
    },
    type: "object",
  });
  if (!sheet || !value) throw new Error("fields missing");

  it("reads text as the first type it fits, and quoted text as text", () => {
    expect(parseFieldText(sheet, "2")).toEqual({ ok: true, value: 2 });
    expect(parseFieldText(sheet, "1.5")).toEqual({ ok: true, value: "1.5" });
    expect(parseFieldText(sheet, "Sales")).toEqual({ ok: true, value: "Sales" });
    expect(parseFieldText(sheet, '"2"')).toEqual({ ok: true, value: "2" });
    expect(parseFieldText(sheet, "")).toEqual({ ok: true, value: undefined });
    expect(parseFieldText(value, "")).toEqual({ ok: true, value: null });
    expect(parseFieldText(value, "true")).toEqual({ ok: true, value: true });
    expect(parseFieldText(value, "-0.5")).toEqual({ ok: true, value: -0.5 });
    expect(parseFieldText(value, "n/a")).toEqual({ ok: true, value: "n/a" });
  });

  it("refuses text no type fits", () => {
    const [count] = fieldsFromSchema({
      properties: { count: { anyOf: [{ type: "integer" }, { type: "boolean" }] } },
      type: "object",
    });
    if (!count) throw new Error("field missing");
    expect(parseFieldText(count, "x")).toEqual({
      ok: false,
      error: "not a whole number or a boolean",
    });
  });

  it("shows text that would read back as another type quoted", () => {
    for (const v of [2, "2", "Sales", "true", true, '"q"']) {
      const text = formatFieldValue(value, v);
      expect(parseFieldText(value, text)).toEqual({ ok: true, value: v });
    }
    expect(formatFieldValue(sheet, "2")).toBe('"2"');
    expect(formatFieldValue(sheet, "Sales")).toBe("Sales");
  });
});

describe("secret names", () => {
  // as node_library/nodes/sources/rest_api.py's Params schema gives them
  const restSchema = {
    properties: {
      auth_secret: {
        default: "",
        maxLength: 64,
        title: "Auth Secret",
        type: "string",
        "x-secret-name": true,
      },
      secret_headers: {
        additionalProperties: { type: "string" },
        title: "Secret Headers",
        type: "object",
        "x-secret-name": true,
      },
      secret_query_params: {
        additionalProperties: { type: "string" },
        type: "object",
        "x-secret-name": true,
      },
      headers: { additionalProperties: { type: "string" }, type: "object" },
      auth_username: { default: "", type: "string" },
      maybe_secret: { anyOf: [{ type: "string" }, { type: "null" }], "x-secret-name": true },
      maybe_map: {
        anyOf: [{ additionalProperties: { type: "string" }, type: "object" }, { type: "null" }],
        "x-secret-name": true,
      },
    },
    type: "object",
  };
  const byName = new Map(fieldsFromSchema(restSchema).map((f) => [f.name, f]));
  const get = (name: string): FieldDescriptor => {
    const found = byName.get(name);
    if (!found) throw new Error(`no field ${name}`);
    return found;
  };
  const valueOf = (name: string): FieldDescriptor => {
    const f = get(name);
    if (f.kind !== "map") throw new Error(`${name} is not a map`);
    return f.valueField;
  };

  it("picks a secret for a text param marked x-secret-name, nullable or not", () => {
    expect(isSecretNameField(get("auth_secret"))).toBe(true);
    expect(isSecretNameField(get("maybe_secret"))).toBe(true);
    expect(get("maybe_secret").nullable).toBe(true);
  });

  it("picks a secret for each value of a map marked x-secret-name, keys stay free text", () => {
    expect(get("secret_headers").kind).toBe("map");
    expect(isSecretNameField(get("secret_headers"))).toBe(false);
    expect(isSecretNameField(valueOf("secret_headers"))).toBe(true);
    expect(isSecretNameField(valueOf("secret_query_params"))).toBe(true);
    expect(isSecretNameField(valueOf("maybe_map"))).toBe(true);
  });

  it("leaves unmarked text and maps plain", () => {
    expect(isSecretNameField(get("auth_username"))).toBe(false);
    expect(isSecretNameField(valueOf("headers"))).toBe(false);
    expect(columnRole(get("auth_secret"))).toBeNull();
  });

  it("never takes a marked number or list for a secret name", () => {
    const [count] = fieldsFromSchema({
      properties: { count: { type: "integer", "x-secret-name": true } },
      type: "object",
    });
    if (!count) throw new Error("field missing");
    expect(isSecretNameField(count)).toBe(false);
  });

  it("accepts a configured name in any case, as the server does", () => {
    expect(checkSecretName("github", ["github", "weather"])).toEqual({ state: "set", message: "" });
    expect(checkSecretName(" GitHub ", ["github"]).state).toBe("set");
  });

  it("says which variable to set for a name the server does not have", () => {
    expect(checkSecretName("weather_key", ["github"])).toEqual({
      state: "missing",
      message: "not set on the server: set CANVAS_SECRET_WEATHER_KEY and restart",
    });
    expect(checkSecretName("github", []).state).toBe("missing");
  });

  it("flags text that cannot name a secret, whether the names are known or not", () => {
    for (const names of [["github"], null]) {
      const check = checkSecretName("my-key", names);
      expect(check.state).toBe("invalid");
      expect(check.message).toContain("not a secret name");
    }
    expect(checkSecretName("Bearer abc", null).state).toBe("invalid");
  });

  it("leaves the line to the server's issue once the saved name is flagged there", () => {
    const check = checkSecretName("wether", ["weather"]);
    const missing = [{ code: "missing_secret" }];
    expect(secretCheckMessage(check, [], false)).toBe(check.message);
    expect(secretCheckMessage(check, missing, true)).toBe(check.message);
    expect(secretCheckMessage(check, missing, false)).toBe("");
    expect(secretCheckMessage(check, [{ code: "invalid_secret_name" }], false)).toBe("");
    expect(secretCheckMessage(check, [{ code: "missing_param" }], false)).toBe(check.message);
  });

  it("says nothing while the field is empty or the server's names are not known", () => {
    expect(checkSecretName("", ["github"])).toEqual({ state: "empty", message: "" });
    expect(checkSecretName("  ", null).state).toBe("empty");
    expect(checkSecretName("weather", null)).toEqual({ state: "unknown", message: "" });
  });
});
