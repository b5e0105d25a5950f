/**
 * A node's pydantic params JSON schema as form field descriptors (pure, tested): numbers and
 * integers with their bounds, booleans, enums (`enum`, a `$ref` to an enum in `$defs`, or `anyOf`
 * of consts), strings, lists of strings, each possibly nullable (`anyOf` with null). Anything else
 * is "unsupported" and edited as JSON text. Also: which string params name a column, and the
 * columns a node's inputs receive according to the server's validation.
 */

export type JsonSchema = Record<string, unknown>;
export type EnumValue = string | number | boolean;

interface FieldBase {
  name: string;
  title: string;
  description: string;
  /** The schema's default; `hasDefault` says whether there is one (null is a default too). */
  default: unknown;
  hasDefault: boolean;
  required: boolean;
  nullable: boolean;
}

export type FieldShape =
  | {
      kind: "number" | "integer";
      min: number | null;
      max: number | null;
      exclusiveMin: boolean;
      exclusiveMax: boolean;
    }
  | { kind: "boolean" }
  | { kind: "enum"; options: EnumValue[] }
  | { kind: "string"; maxLength: number | null; minLength: number | null }
  | { kind: "string_list" }
  | { kind: "unsupported" };

export type FieldDescriptor = FieldBase & FieldShape;

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function isEnumValue(value: unknown): value is EnumValue {
  return ["string", "number", "boolean"].includes(typeof value);
}

/** Follow a local `$ref` (`#/$defs/Name`) and a single-element `allOf` wrapper. */
export function resolve(schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema {
  if (depth > 8) return schema;
  const ref = schema.$ref;
  if (typeof ref === "string" && ref.startsWith("#/")) {
    let target: unknown = root;
    for (const part of ref.slice(2).split("/"))
      target = isObject(target) ? target[part] : undefined;
    if (isObject(target)) return resolve({ ...target, ...withoutRef(schema) }, root, depth + 1);
  }
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0])) {
    const rest = { ...schema };
    delete rest.allOf;
    return resolve({ ...allOf[0], ...rest }, root, depth + 1);
  }
  return schema;
}

function withoutRef(schema: JsonSchema): JsonSchema {
  const rest = { ...schema };
  delete rest.$ref;
  return rest;
}

function isNullSchema(schema: unknown): boolean {
  return isObject(schema) && (schema.type === "null" || schema.const === null);
}

/** The field shape of one (non-null) schema. */
function shapeOf(schema: JsonSchema, root: JsonSchema): FieldShape {
  const s = resolve(schema, root);
  if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every(isEnumValue)) {
    return { kind: "enum", options: s.enum };
  }
  if ("const" in s && isEnumValue(s.const)) return { kind: "enum", options: [s.const] };
  const alternatives = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null;
  if (alternatives) {
    const resolved = alternatives.filter(isObject).map((a) => resolve(a, root));
    const consts = resolved.map((a) => a.const);
    if (resolved.length === alternatives.length && consts.every(isEnumValue)) {
      return { kind: "enum", options: consts };
    }
    return { kind: "unsupported" };
  }
  switch (s.type) {
    case "number":
    case "integer": {
      const exMin = num(s.exclusiveMinimum);
      const exMax = num(s.exclusiveMaximum);
      return {
        kind: s.type,
        min: num(s.minimum) ?? exMin,
        max: num(s.maximum) ?? exMax,
        exclusiveMin: num(s.minimum) === null && exMin !== null,
        exclusiveMax: num(s.maximum) === null && exMax !== null,
      };
    }
    case "boolean":
      return { kind: "boolean" };
    case "string":
      return { kind: "string", maxLength: num(s.maxLength), minLength: num(s.minLength) };
    case "array": {
      const items = isObject(s.items) ? resolve(s.items, root) : null;
      return items?.type === "string" && !Array.isArray(items.enum)
        ? { kind: "string_list" }
        : { kind: "unsupported" };
    }
    default:
      return { kind: "unsupported" };
  }
}

function describe(
  name: string,
  raw: JsonSchema,
  root: JsonSchema,
  required: boolean,
): FieldDescriptor {
  const schema = resolve(raw, root);
  const anyOf = Array.isArray(schema.anyOf) ? schema.anyOf : null;
  const nonNull = anyOf?.filter((a) => !isNullSchema(a)) ?? null;
  const nullable = anyOf !== null && nonNull !== null && nonNull.length < anyOf.length;
  let shape: FieldShape;
  if (nullable && nonNull) {
    const only = nonNull.length === 1 ? nonNull[0] : undefined;
    shape = isObject(only)
      ? shapeOf(only, root)
      : shapeOf({ ...withoutAnyOf(schema), anyOf: nonNull }, root);
  } else {
    shape = shapeOf(schema, root);
  }
  return {
    name,
    title: typeof schema.title === "string" ? schema.title : name,
    description: typeof schema.description === "string" ? schema.description : "",
    default: schema.default,
    hasDefault: "default" in schema,
    required,
    nullable,
    ...shape,
  };
}

function withoutAnyOf(schema: JsonSchema): JsonSchema {
  const rest = { ...schema };
  delete rest.anyOf;
  return rest;
}

/** One descriptor per property, in the schema's order. */
export function fieldsFromSchema(schema: unknown): FieldDescriptor[] {
  if (!isObject(schema)) return [];
  const root = resolve(schema, schema);
  const properties = isObject(root.properties) ? root.properties : {};
  const required = new Set(Array.isArray(root.required) ? root.required : []);
  return Object.entries(properties)
    .filter((entry): entry is [string, JsonSchema] => isObject(entry[1]))
    .map(([name, prop]) => describe(name, prop, schema, required.has(name)));
}

export type ParseResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The value a field's text input means. An empty input means null for nullable fields and
 * "unset" (undefined: the server fills the default) for the others.
 */
export function parseFieldText(field: FieldDescriptor, text: string): ParseResult {
  const trimmed = text.trim();
  const empty: ParseResult = { ok: true, value: field.nullable ? null : undefined };
  switch (field.kind) {
    case "number":
    case "integer": {
      if (trimmed === "") return empty;
      const value = Number(trimmed);
      if (!Number.isFinite(value)) return { ok: false, error: "not a number" };
      if (field.kind === "integer" && !Number.isInteger(value)) {
        return { ok: false, error: "not a whole number" };
      }
      if (field.min !== null && (field.exclusiveMin ? value <= field.min : value < field.min)) {
        return { ok: false, error: `must be ${field.exclusiveMin ? ">" : "≥"} ${field.min}` };
      }
      if (field.max !== null && (field.exclusiveMax ? value >= field.max : value > field.max)) {
        return { ok: false, error: `must be ${field.exclusiveMax ? "<" : "≤"} ${field.max}` };
      }
      return { ok: true, value };
    }
    case "string":
      return text === "" && field.nullable ? empty : { ok: true, value: text };
    case "string_list": {
      const items = text
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      return items.length === 0 && field.nullable ? empty : { ok: true, value: items };
    }
    case "unsupported": {
      if (trimmed === "") return empty;
      try {
        return { ok: true, value: JSON.parse(trimmed) as unknown };
      } catch {
        return { ok: false, error: "not valid JSON" };
      }
    }
    case "boolean":
      return { ok: true, value: trimmed === "true" };
    case "enum": {
      if (trimmed === "") return empty;
      const option = field.options.find((o) => String(o) === text);
      return option === undefined
        ? { ok: false, error: "not an option" }
        : { ok: true, value: option };
    }
  }
}

/** The text an input shows for a value (the inverse of parseFieldText). */
export function formatFieldValue(field: FieldDescriptor, value: unknown): string {
  if (value === undefined || value === null) return "";
  switch (field.kind) {
    case "string_list":
      return Array.isArray(value) ? value.map(String).join(", ") : JSON.stringify(value);
    case "unsupported":
      return JSON.stringify(value, null, 2);
    default:
      return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

const COLUMN_PARAM = /(^|_)(columns?|cols?|x|y|color|colour|group_by|subset|by|parse_dates)$/;

/** Whether a string (or string list) param names columns of the input, by its name. */
export function isColumnParam(name: string): boolean {
  return COLUMN_PARAM.test(name.toLowerCase());
}

export interface PortColumns {
  nodeId: string;
  port: string;
  columns?: readonly { name: string }[] | null;
}

export interface EdgeLike {
  source: string;
  source_port: string;
  target: string;
}

/** Column names arriving at a node's inputs (the inferred schemas of the upstream ports). */
export function upstreamColumns(
  nodeId: string,
  edges: readonly EdgeLike[],
  schemas: readonly PortColumns[],
): string[] {
  const names = new Set<string>();
  for (const edge of edges) {
    if (edge.target !== nodeId) continue;
    const schema = schemas.find((s) => s.nodeId === edge.source && s.port === edge.source_port);
    for (const column of schema?.columns ?? []) names.add(column.name);
  }
  return [...names];
}

/** JSON with sorted keys, to compare params whatever their key order. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
