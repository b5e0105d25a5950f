/**
 * A node's pydantic params JSON schema as form field descriptors (pure, tested): numbers and
 * integers with their bounds, booleans, enums (`enum`, a `$ref` to an enum in `$defs`, or `anyOf`
 * of consts), strings, lists of strings, unions of plain types (`int | str`), lists of objects (one
 * row per item, each property a field of its own) and maps of plain values (`dict[str, str]`),
 * each possibly nullable (`anyOf` with null). Anything else is "unsupported" and edited as JSON
 * text.
 *
 * Widget hints from the schema (node_library/widgets.py): `x-widget` says which control a
 * param wants (an expression editor, a column picker, a list of columns, a map keyed by columns,
 * multi-line text, or plain text), `x-input-port` which input's columns it picks from. Params
 * without a hint fall back to a guess from their name (third-party nodes). `x-secret-name`
 * (node_library/secrets.py SECRET_NAME_HINT) marks a param that holds the NAME of a server secret,
 * or a map whose values are such names: the form offers the server's secret names and says when
 * a name is not set there. Also: the columns a node's inputs receive according to the server's
 * validation, with their dtypes.
 */

import { matchScore } from "./expressionComplete";

export type JsonSchema = Record<string, unknown>;
export type EnumValue = string | number | boolean;

export const WIDGETS = [
  "expression",
  "column",
  "columns",
  "column_map",
  "multiline",
  "text",
] as const;
export type Widget = (typeof WIDGETS)[number];
export type ScalarType = "string" | "integer" | "number" | "boolean";

interface FieldBase {
  name: string;
  title: string;
  description: string;
  /** The schema's default; `hasDefault` says whether there is one (null is a default too). */
  default: unknown;
  hasDefault: boolean;
  required: boolean;
  nullable: boolean;
  /** The schema's `x-widget`, when it is one the form knows. */
  widget: Widget | null;
  /** The schema's `x-input-port`: the input whose columns a column param picks from. */
  inputPort: string | null;
  /** The schema's `x-secret-name`: the value names a server secret (on a map: its values do). */
  secretName: boolean;
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
  /** A union of plain types, e.g. `int | str`: typed as text, read as the first type it fits. */
  | { kind: "scalar"; types: ScalarType[] }
  /** A list of objects: one row per item, `itemFields` describe an item's properties. */
  | { kind: "object_list"; itemFields: FieldDescriptor[]; itemTitle: string }
  /** An object with free keys and plain values (`additionalProperties`), e.g. column -> type. */
  | { kind: "map"; valueField: FieldDescriptor }
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

function isSecretName(schema: JsonSchema): boolean {
  return schema["x-secret-name"] === true;
}

function isNullSchema(schema: unknown): boolean {
  return isObject(schema) && (schema.type === "null" || schema.const === null);
}

/** "SortKey" -> "sort key": how the form names one item of a list. */
export function humanTitle(title: unknown): string {
  if (typeof title !== "string" || title.trim() === "") return "item";
  return title
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
}

function isScalarType(value: unknown): value is ScalarType {
  return value === "string" || value === "integer" || value === "number" || value === "boolean";
}

/** Kinds a list row or a map value can hold: one input each, no nesting. */
const PLAIN_KINDS: ReadonlySet<FieldShape["kind"]> = new Set([
  "number",
  "integer",
  "boolean",
  "enum",
  "string",
  "string_list",
  "scalar",
]);

/** The fields of an object schema whose properties are all plain; null when it is not one. */
function objectFields(
  schema: JsonSchema,
  root: JsonSchema,
  depth: number,
): FieldDescriptor[] | null {
  if (schema.type !== "object" || !isObject(schema.properties)) return null;
  const fields = propertyFields(schema, root, depth);
  return fields.length > 0 && fields.every((f) => PLAIN_KINDS.has(f.kind)) ? fields : null;
}

/** The field shape of one (non-null) schema. */
function shapeOf(schema: JsonSchema, root: JsonSchema, depth: number): FieldShape {
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
    const types = resolved.map((a) => a.type);
    if (resolved.length === alternatives.length && types.every(isScalarType)) {
      return { kind: "scalar", types: [...new Set(types)] };
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
      if (items?.type === "string" && !Array.isArray(items.enum)) return { kind: "string_list" };
      const itemFields = items && depth < 2 ? objectFields(items, root, depth + 1) : null;
      if (!itemFields) return { kind: "unsupported" };
      return { kind: "object_list", itemFields, itemTitle: humanTitle(items?.title) };
    }
    case "object": {
      const values = s.additionalProperties;
      if (!isObject(values) || (isObject(s.properties) && Object.keys(s.properties).length > 0)) {
        return { kind: "unsupported" };
      }
      const valueField = describe("value", values, root, true, depth + 1);
      return PLAIN_KINDS.has(valueField.kind) && !valueField.nullable
        ? { kind: "map", valueField }
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
  depth = 0,
): FieldDescriptor {
  const schema = resolve(raw, root);
  const anyOf = Array.isArray(schema.anyOf) ? schema.anyOf : null;
  const nonNull = anyOf?.filter((a) => !isNullSchema(a)) ?? null;
  const nullable = anyOf !== null && nonNull !== null && nonNull.length < anyOf.length;
  let shape: FieldShape;
  if (nullable && nonNull) {
    const only = nonNull.length === 1 ? nonNull[0] : undefined;
    shape = isObject(only)
      ? shapeOf(only, root, depth)
      : shapeOf({ ...withoutAnyOf(schema), anyOf: nonNull }, root, depth);
  } else {
    shape = shapeOf(schema, root, depth);
  }
  const secretName = isSecretName(schema);
  if (secretName && shape.kind === "map") {
    // pydantic puts a dict field's json_schema_extra on the map: it is its values that are names
    shape = { ...shape, valueField: { ...shape.valueField, secretName: true } };
  }
  const widget = schema["x-widget"];
  const port = schema["x-input-port"];
  return {
    name,
    title: typeof schema.title === "string" ? schema.title : name,
    description: typeof schema.description === "string" ? schema.description : "",
    default: schema.default,
    hasDefault: "default" in schema,
    required,
    nullable,
    widget: WIDGETS.find((w) => w === widget) ?? null,
    inputPort: typeof port === "string" ? port : null,
    secretName,
    ...shape,
  };
}

function withoutAnyOf(schema: JsonSchema): JsonSchema {
  const rest = { ...schema };
  delete rest.anyOf;
  return rest;
}

function propertyFields(schema: JsonSchema, root: JsonSchema, depth: number): FieldDescriptor[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties)
    .filter((entry): entry is [string, JsonSchema] => isObject(entry[1]))
    .map(([name, prop]) => describe(name, prop, root, required.has(name), depth));
}

/** One descriptor per property, in the schema's order. */
export function fieldsFromSchema(schema: unknown): FieldDescriptor[] {
  if (!isObject(schema)) return [];
  return propertyFields(resolve(schema, schema), schema, 0);
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
    case "scalar":
      return trimmed === "" ? empty : parseScalar(field.types, text);
    case "object_list":
    case "map":
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
    case "object_list":
    case "map":
    case "unsupported":
      return JSON.stringify(value, null, 2);
    case "scalar": {
      // Text that would read back as another type (or as other text) is shown quoted.
      if (typeof value !== "string") return String(value);
      const back = parseScalar(field.types, value);
      return back.ok && back.value === value ? value : JSON.stringify(value);
    }
    default:
      return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Text typed into a union of plain types: a number where numbers are allowed, true/false where
 * booleans are, "quoted" text as that text, else the text itself where text is allowed.
 */
function parseScalar(types: readonly ScalarType[], text: string): ParseResult {
  const trimmed = text.trim();
  if (types.includes("string") && /^".*"$/s.test(trimmed)) {
    try {
      return { ok: true, value: JSON.parse(trimmed) as unknown };
    } catch {
      return { ok: false, error: "the quoted text is not closed properly" };
    }
  }
  if (NUMBER_TEXT.test(trimmed)) {
    const value = Number(trimmed);
    if (types.includes("number") || (types.includes("integer") && Number.isInteger(value))) {
      return { ok: true, value };
    }
  }
  if (types.includes("boolean") && (trimmed === "true" || trimmed === "false")) {
    return { ok: true, value: trimmed === "true" };
  }
  if (types.includes("string")) return { ok: true, value: text };
  return {
    ok: false,
    error: `not ${types.map((t) => (t === "integer" ? "a whole number" : `a ${t}`)).join(" or ")}`,
  };
}

const COLUMN_PARAM = /(^|_)(columns?|cols?|x|y|color|colour|group_by|subset|by|parse_dates)$/;

/** Whether a string (or string list) param names columns of the input, by its name. */
export function isColumnParam(name: string): boolean {
  return COLUMN_PARAM.test(name.toLowerCase());
}

export type ColumnRole = "column" | "columns" | "column_map";

/**
 * How a field picks columns of the input: one column, a list of them, or a map keyed by them;
 * null when it does not. The `x-widget` hint decides; without one, a string or string list whose
 * name sounds like columns (see isColumnParam) is taken for one.
 */
export function columnRole(field: FieldDescriptor): ColumnRole | null {
  switch (field.widget) {
    case "column":
      return field.kind === "string" ? "column" : null;
    case "columns":
      return field.kind === "string_list" ? "columns" : null;
    case "column_map":
      return field.kind === "map" ? "column_map" : null;
    case null:
      if (!isColumnParam(field.name)) return null;
      return field.kind === "string" ? "column" : field.kind === "string_list" ? "columns" : null;
    default:
      return null;
  }
}

/** Whether a field is edited with the expression editor. */
export function isExpressionField(field: FieldDescriptor): boolean {
  return field.widget === "expression" && field.kind === "string";
}

/** Whether a field is edited with the secret picker: text that names a server secret. */
export function isSecretNameField(field: FieldDescriptor): boolean {
  return field.secretName && field.kind === "string";
}

const SECRET_ENV_PREFIX = "CANVAS_SECRET_";
const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The environment variable that sets secret `name` on the server (as node_library/secrets.py). */
export function secretEnvName(name: string): string {
  return SECRET_ENV_PREFIX + name.trim().toUpperCase();
}

export type SecretNameCheck =
  /** Nothing typed, or the server's names are not known (not loaded, or not allowed to see). */
  | { state: "empty" | "unknown"; message: "" }
  | { state: "set"; message: "" }
  | { state: "missing" | "invalid"; message: string };

/**
 * What the picker says under a secret name, given the names set on the server (null: not known).
 * Names are case-insensitive, as on the server; the wording follows the server's validation
 * issues `missing_secret` and `invalid_secret_name`.
 */
export function checkSecretName(
  name: string,
  configured: readonly string[] | null,
): SecretNameCheck {
  const trimmed = name.trim();
  if (trimmed === "") return { state: "empty", message: "" };
  if (!SECRET_NAME.test(trimmed)) {
    return {
      state: "invalid",
      message:
        "not a secret name: use letters, digits and '_' (up to 64), starting with a letter; " +
        "the name, never the secret itself",
    };
  }
  if (configured === null) return { state: "unknown", message: "" };
  if (configured.some((c) => c.toLowerCase() === trimmed.toLowerCase())) {
    return { state: "set", message: "" };
  }
  return {
    state: "missing",
    message: `not set on the server: set ${secretEnvName(trimmed)} and restart`,
  };
}

/** The server's validation issues about a secret name (node_library rest_api `_secret_issues`). */
const SECRET_ISSUE_CODES: ReadonlySet<string> = new Set(["missing_secret", "invalid_secret_name"]);

/**
 * The picker's own line under a secret name: shown at once while typing, and left out once the
 * server's issue about the field (its `issues`, when the draft is saved) says the same at length.
 */
export function secretCheckMessage(
  check: SecretNameCheck,
  issues: readonly { code: string }[],
  pending: boolean,
): string {
  if (!pending && issues.some((i) => SECRET_ISSUE_CODES.has(i.code))) return "";
  return check.message;
}

/** A new list row: each property's default, or an empty value of its kind when it has none. */
export function newItem(fields: readonly FieldDescriptor[]): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.hasDefault) item[f.name] = f.default;
    else if (!f.required) continue;
    else if (f.nullable) item[f.name] = null;
    else if (f.kind === "boolean") item[f.name] = false;
    else if (f.kind === "enum") item[f.name] = f.options[0];
    else if (f.kind === "string_list") item[f.name] = [];
    else if (f.kind === "number" || f.kind === "integer") item[f.name] = Math.max(f.min ?? 0, 0);
    else item[f.name] = "";
  }
  return item;
}

export interface ColumnInfo {
  name: string;
  /** The inferred logical dtype ("integer", "string"...); "" when not known. */
  dtype: string;
  /** What the column is for ("target", "feature", "id", "ignore"; node_library/roles.py);
   * absent when not known. */
  role?: string;
}

export interface PortColumns {
  nodeId: string;
  port: string;
  columns?: readonly { name: string; dtype?: string; role?: string }[] | null;
}

export interface EdgeLike {
  source: string;
  source_port: string;
  target: string;
  target_port?: string;
}

export interface InputColumns {
  columns: ColumnInfo[];
  /** True when every input feeding the node (or the port) is connected and its columns are
   * known before a run, so a name missing from `columns` is really missing. */
  known: boolean;
}

/**
 * The columns arriving at a node's inputs (or only at `port`), from the inferred schemas of the
 * upstream ports, in input order without repeats.
 */
export function inputColumns(
  nodeId: string,
  edges: readonly EdgeLike[],
  schemas: readonly PortColumns[],
  port: string | null = null,
): InputColumns {
  const byName = new Map<string, ColumnInfo>();
  let feeds = 0;
  let known = true;
  for (const edge of edges) {
    if (edge.target !== nodeId || (port !== null && edge.target_port !== port)) continue;
    feeds += 1;
    const schema = schemas.find((s) => s.nodeId === edge.source && s.port === edge.source_port);
    if (!schema?.columns) known = false;
    for (const column of schema?.columns ?? []) {
      if (!byName.has(column.name)) {
        byName.set(column.name, columnInfo(column));
      }
    }
  }
  return { columns: [...byName.values()], known: known && feeds > 0 };
}

function columnInfo(column: { name: string; dtype?: string; role?: string }): ColumnInfo {
  const info: ColumnInfo = { name: column.name, dtype: column.dtype ?? "" };
  if (column.role) info.role = column.role.toLowerCase();
  return info;
}

/** The columns matching `query` (see matchScore), best first, in input order among equals. */
export function rankColumns(
  columns: readonly ColumnInfo[],
  query: string,
  exclude?: ReadonlySet<string>,
): ColumnInfo[] {
  return columns
    .filter((c) => !exclude?.has(c.name))
    .map((c, order) => ({ c, order, score: matchScore(c.name, query) }))
    .filter((x): x is { c: ColumnInfo; order: number; score: number } => x.score !== null)
    .sort((a, b) => a.score - b.score || a.order - b.order)
    .map((x) => x.c);
}

/** The columns a node's own outputs are inferred to have (for sources, which have no inputs). */
export function outputColumns(nodeId: string, schemas: readonly PortColumns[]): ColumnInfo[] {
  const byName = new Map<string, ColumnInfo>();
  for (const schema of schemas) {
    if (schema.nodeId !== nodeId) continue;
    for (const column of schema.columns ?? []) {
      if (!byName.has(column.name)) {
        byName.set(column.name, columnInfo(column));
      }
    }
  }
  return [...byName.values()];
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
