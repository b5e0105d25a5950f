/**
 * The search-space editor's logic (pure, tested): a tuning node's `space` param
 * (node_library/ml/search_space.py) as rows, one per hyperparameter, and back.
 *
 * An entry is `{param, values}` (grid and random search) or, where the param's schema allows
 * ranges (`x-search-ranges`, random search only), `{param, low, high, log, integer}`. The
 * hyperparameters offered are the params of the model node connected to the tuning node's `model`
 * input (its params JSON schema, without the column params such as target and features), with
 * their type, bounds and choices, so values are typed as the model takes them. Also: the number
 * of candidates, and the problems the server would report (`space_issues`), inline and at once.
 */

import { columnRole, fieldsFromSchema, type FieldDescriptor, type ScalarType } from "./paramsForm";

export const SEARCH_RANGES = "x-search-ranges";

export type SpaceValue = string | number | boolean | null;

/** One hyperparameter of the connected model, as the editor types its values. */
export interface HyperParam {
  name: string;
  title: string;
  description: string;
  kind: "number" | "integer" | "boolean" | "enum" | "string" | "scalar";
  min: number | null;
  max: number | null;
  exclusiveMin: boolean;
  exclusiveMax: boolean;
  /** The choices of an enum or a boolean, null included when the param is nullable. */
  options: SpaceValue[];
  /** The plain types of a union param (`int | str`). */
  types: ScalarType[];
  nullable: boolean;
  default: unknown;
}

export interface SpaceRow {
  param: string;
  kind: "values" | "range";
  values: SpaceValue[];
  low: number | null;
  high: number | null;
  log: boolean;
  integer: boolean;
}

export type SpaceEntry =
  | { param: string; values: SpaceValue[] }
  | { param: string; low: number | null; high: number | null; log?: true; integer?: true };

export interface Problem {
  severity: "error" | "warning";
  message: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSpaceValue(value: unknown): value is SpaceValue {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

/** Whether param `name` is a search space (`x-widget: search_space`) and, if so, whether it
 * takes ranges (random search); null for any other param. */
export function searchSpaceParam(paramsSchema: unknown, name: string): { ranges: boolean } | null {
  const props = isObject(paramsSchema) ? paramsSchema.properties : undefined;
  const prop = isObject(props) ? props[name] : undefined;
  if (!isObject(prop) || prop["x-widget"] !== "search_space") return null;
  return { ranges: prop[SEARCH_RANGES] === true };
}

function hyperParam(field: FieldDescriptor): HyperParam | null {
  if (columnRole(field) !== null) return null; // target, features: columns, not hyperparameters
  const base = {
    name: field.name,
    title: field.title,
    description: field.description,
    nullable: field.nullable,
    default: field.default,
    min: null,
    max: null,
    exclusiveMin: false,
    exclusiveMax: false,
    options: [] as SpaceValue[],
    types: [] as ScalarType[],
  };
  const withNull = (options: SpaceValue[]) =>
    field.nullable && !options.includes(null) ? [...options, null] : options;
  switch (field.kind) {
    case "number":
    case "integer":
      return {
        ...base,
        kind: field.kind,
        min: field.min,
        max: field.max,
        exclusiveMin: field.exclusiveMin,
        exclusiveMax: field.exclusiveMax,
      };
    case "boolean":
      return { ...base, kind: "boolean", options: withNull([true, false]) };
    case "enum":
      return { ...base, kind: "enum", options: withNull([...field.options]) };
    case "string":
      return { ...base, kind: "string" };
    case "scalar":
      return { ...base, kind: "scalar", types: [...field.types] };
    default:
      return null; // lists, objects: not something a search varies
  }
}

/**
 * The hyperparameters of a model node, from its params JSON schema, in the schema's order; with
 * the node's own params, each one's `default` is the value the node has (where a search starts).
 */
export function hyperparameters(
  modelParamsSchema: unknown,
  modelParams: Readonly<Record<string, unknown>> = {},
): HyperParam[] {
  return fieldsFromSchema(modelParamsSchema)
    .map(hyperParam)
    .filter((p): p is HyperParam => p !== null)
    .map((p) => (modelParams[p.name] === undefined ? p : { ...p, default: modelParams[p.name] }));
}

export type RowsResult = { ok: true; rows: SpaceRow[] } | { ok: false; error: string };

const ENTRY_KEYS = new Set(["param", "values", "low", "high", "log", "integer"]);

/**
 * A stored space as rows; not ok when the value is something the rows cannot show (then the
 * editor falls back to JSON and says why).
 */
export function rowsFromSpace(value: unknown, ranges: boolean): RowsResult {
  if (value === undefined || value === null) return { ok: true, rows: [] };
  if (!Array.isArray(value)) return { ok: false, error: "the search space is not a list" };
  const rows: SpaceRow[] = [];
  for (const [i, entry] of value.entries()) {
    const where = `entry ${i + 1}`;
    if (!isObject(entry)) return { ok: false, error: `${where} is not an object` };
    const unknown = Object.keys(entry).filter((k) => !ENTRY_KEYS.has(k));
    if (unknown.length > 0) return { ok: false, error: `${where} has unknown keys: ${unknown}` };
    if (typeof entry.param !== "string") return { ok: false, error: `${where} names no param` };
    const ranged = ["low", "high", "log", "integer"].some(
      (k) => entry[k] !== undefined && entry[k] !== null && entry[k] !== false,
    );
    if (ranged && !ranges) {
      return { ok: false, error: `${where} is a range; only random search takes ranges` };
    }
    const values = entry.values;
    if (values !== undefined && values !== null) {
      if (ranged) return { ok: false, error: `${where} gives both values and a range` };
      if (!Array.isArray(values) || !values.every(isSpaceValue)) {
        return { ok: false, error: `${where}: values must be a list of numbers, text, true/false` };
      }
      rows.push({ ...blankRow(entry.param), values: [...values] });
      continue;
    }
    const num = (k: string) => (typeof entry[k] === "number" ? (entry[k] as number) : null);
    if (
      (entry.low != null && num("low") === null) ||
      (entry.high != null && num("high") === null)
    ) {
      return { ok: false, error: `${where}: low and high must be numbers` };
    }
    rows.push({
      ...blankRow(entry.param),
      kind: ranges ? "range" : "values",
      low: num("low"),
      high: num("high"),
      log: entry.log === true,
      integer: entry.integer === true,
    });
  }
  return { ok: true, rows };
}

function blankRow(param: string): SpaceRow {
  return { param, kind: "values", values: [], low: null, high: null, log: false, integer: false };
}

/** Rows as the space param's value (what the node stores). */
export function spaceFromRows(rows: readonly SpaceRow[]): SpaceEntry[] {
  return rows.map((row) => {
    if (row.kind === "values") return { param: row.param, values: [...row.values] };
    return {
      param: row.param,
      low: row.low,
      high: row.high,
      ...(row.log ? { log: true as const } : {}),
      ...(row.integer ? { integer: true as const } : {}),
    };
  });
}

/** How many combinations the rows' value lists make; null when a row is a range. */
export function candidateCount(rows: readonly SpaceRow[]): number | null {
  let count = 1;
  for (const row of rows) {
    if (row.kind === "range") return null;
    count *= row.values.length;
  }
  return rows.length === 0 ? 0 : count;
}

/**
 * The line under the rows: how many candidates the search tries and how many fits that is, as
 * the node counts them (a random search draws at most n_iter, and at most the grid's size).
 */
export function searchSummary(
  rows: readonly SpaceRow[],
  nIter: number | null,
  nSplits: number | null,
): string {
  const grid = candidateCount(rows);
  const sizes = rows.map((r) => (r.kind === "range" ? "range" : String(r.values.length)));
  let text: string;
  let candidates: number | null;
  if (nIter === null) {
    candidates = grid;
    text =
      rows.length > 1
        ? `${sizes.join(" × ")} = ${plural(grid ?? 0, "candidate")}`
        : plural(grid ?? 0, "candidate");
  } else if (grid === null) {
    candidates = nIter;
    text = `${plural(nIter, "random draw")} (ranges)`;
  } else {
    candidates = Math.min(nIter, grid);
    text = `${plural(candidates, "candidate")}: ${nIter >= grid ? "all" : nIter} of ${plural(
      grid,
      "combination",
    )}`;
  }
  if (nSplits !== null && candidates !== null && candidates > 0) {
    text += ` × ${nSplits} folds = ${plural(candidates * nSplits, "fit")}`;
  }
  return text;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

/** A value as its chip reads: null as "none". */
export function formatSpaceValue(value: SpaceValue): string {
  return value === null ? "none" : String(value);
}

export type ValueResult = { ok: true; value: SpaceValue } | { ok: false; error: string };

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NONE_TEXT = /^(none|null)$/i;

/** Why a value does not fit the hyperparameter, or "" when it does. */
export function valueProblem(value: SpaceValue, hp: HyperParam | null): string {
  if (!hp) return "";
  if (value === null) return hp.nullable ? "" : `${hp.name} cannot be none`;
  switch (hp.kind) {
    case "number":
    case "integer": {
      if (typeof value !== "number") return `${formatSpaceValue(value)} is not a number`;
      if (hp.kind === "integer" && !Number.isInteger(value)) {
        return `${value} is not a whole number`;
      }
      return boundProblem(hp, value);
    }
    case "boolean":
    case "enum":
      return hp.options.includes(value)
        ? ""
        : `${formatSpaceValue(value)} is not one of ${hp.options.map(formatSpaceValue).join(", ")}`;
    case "string":
      return typeof value === "string" ? "" : `${formatSpaceValue(value)} is not text`;
    case "scalar": {
      const type = typeof value;
      const fits =
        (type === "string" && hp.types.includes("string")) ||
        (type === "boolean" && hp.types.includes("boolean")) ||
        (type === "number" &&
          (hp.types.includes("number") ||
            (hp.types.includes("integer") && Number.isInteger(value))));
      return fits ? "" : `${formatSpaceValue(value)} is not ${hp.types.join(" or ")}`;
    }
  }
}

function boundProblem(hp: HyperParam, value: number): string {
  if (hp.min !== null && (hp.exclusiveMin ? value <= hp.min : value < hp.min)) {
    return `${hp.name} must be ${hp.exclusiveMin ? ">" : "≥"} ${hp.min} (${value} is not)`;
  }
  if (hp.max !== null && (hp.exclusiveMax ? value >= hp.max : value > hp.max)) {
    return `${hp.name} must be ${hp.exclusiveMax ? "<" : "≤"} ${hp.max} (${value} is not)`;
  }
  return "";
}

/**
 * The value typed into a row's "add a value" box, typed as the hyperparameter takes it:
 * numbers for numeric params, one of the choices for enums and booleans, text for text; without
 * a known hyperparameter, a number where it reads as one, true/false, none, else text ("quoted"
 * text stays text).
 */
export function parseSpaceValue(text: string, hp: HyperParam | null): ValueResult {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, error: "type a value" };
  let value: SpaceValue;
  if (NONE_TEXT.test(trimmed)) value = null;
  else if (/^".*"$/s.test(trimmed)) value = trimmed.slice(1, -1);
  else if (hp?.kind === "string") value = trimmed;
  else if (hp?.kind === "enum" || hp?.kind === "boolean") {
    const option = hp.options.find((o) => formatSpaceValue(o) === trimmed);
    if (option === undefined) {
      return {
        ok: false,
        error: `not one of ${hp.options.map(formatSpaceValue).join(", ")}`,
      };
    }
    value = option;
  } else if (NUMBER_TEXT.test(trimmed)) value = Number(trimmed);
  else if (trimmed === "true" || trimmed === "false") value = trimmed === "true";
  else if (hp?.kind === "number" || hp?.kind === "integer") {
    return { ok: false, error: `${trimmed} is not a number` };
  } else value = trimmed;
  const problem = valueProblem(value, hp);
  return problem ? { ok: false, error: problem } : { ok: true, value };
}

/** Values a new row starts with: both booleans, every choice, else the model's own value. */
export function suggestedValues(hp: HyperParam | null): SpaceValue[] {
  if (!hp) return [];
  if (hp.kind === "boolean" || hp.kind === "enum") return [...hp.options];
  return isSpaceValue(hp.default) && hp.default !== null ? [hp.default] : [];
}

/** A new row for the first hyperparameter not in the space yet (free text when none is known). */
export function newRow(rows: readonly SpaceRow[], hps: readonly HyperParam[]): SpaceRow {
  const used = new Set(rows.map((r) => r.param));
  const hp = hps.find((p) => !used.has(p.name)) ?? null;
  return { ...blankRow(hp?.name ?? ""), values: suggestedValues(hp) };
}

/** A row moved to another hyperparameter: values that no longer fit give way to suggestions. */
export function withParam(row: SpaceRow, hp: HyperParam | null, param: string): SpaceRow {
  const fits = row.values.length > 0 && row.values.every((v) => valueProblem(v, hp) === "");
  const numeric = hp === null || hp.kind === "number" || hp.kind === "integer";
  const next: SpaceRow = { ...row, param };
  if (row.kind === "range" && !numeric) return { ...toValues(next), values: suggestedValues(hp) };
  if (row.kind === "values" && !fits) next.values = suggestedValues(hp);
  if (row.kind === "range" && hp?.kind === "integer") next.integer = true;
  return next;
}

function toValues(row: SpaceRow): SpaceRow {
  const ends = [row.low, row.high].filter((v): v is number => v !== null);
  return { ...blankRow(row.param), values: [...new Set(ends)] };
}

/**
 * A row switched between a list of values and a range: a range spans the numeric values listed
 * (log scale when they span two orders of magnitude or more, above 0; whole numbers for an
 * integer hyperparameter), and a list keeps the range's ends.
 */
export function switchKind(row: SpaceRow, hp: HyperParam | null): SpaceRow {
  if (row.kind === "range") return toValues(row);
  const numbers = row.values.filter((v): v is number => typeof v === "number");
  let low = numbers.length > 0 ? Math.min(...numbers) : (hp?.min ?? null);
  let high = numbers.length > 1 ? Math.max(...numbers) : (hp?.max ?? null);
  if (low !== null && high !== null && low >= high) high = null;
  if (low === null && high !== null && high > 1) low = 1;
  const integer = hp?.kind === "integer" || (numbers.length > 0 && numbers.every(Number.isInteger));
  const log = low !== null && high !== null && low > 0 && high / low >= 100;
  if (hp?.kind === "integer" && low !== null) low = Math.ceil(low);
  if (hp?.kind === "integer" && high !== null) high = Math.floor(high);
  return { ...row, kind: "range", values: [], low, high, log, integer };
}

/**
 * What is wrong with each row, as the server's validation would say it (space_issues), plus
 * values that do not fit the connected model's hyperparameter. `hps` empty: no model connected,
 * names are not checked. A name the model node does not have is a warning only: the estimator
 * may take more params than the node shows, and the run checks the name against it.
 */
export function rowProblems(
  rows: readonly SpaceRow[],
  hps: readonly HyperParam[],
  ranges: boolean,
): Problem[][] {
  const byName = new Map(hps.map((p) => [p.name, p]));
  const seen = new Set<string>();
  return rows.map((row) => {
    const problems: Problem[] = [];
    const error = (message: string) => problems.push({ severity: "error", message });
    const name = row.param.trim();
    const hp = byName.get(name) ?? null;
    if (name === "") error("pick a hyperparameter");
    else if (seen.has(name)) error(`${name} is listed twice: merge the two rows`);
    else if (hps.length > 0 && !hp) {
      problems.push({
        severity: "warning",
        message: `${name} is not a parameter of the connected model node; the run checks it against the estimator`,
      });
    }
    seen.add(name);
    if (row.kind === "values") {
      if (row.values.length === 0) error("add at least one value to try");
      const keys = row.values.map((v) => JSON.stringify(v));
      if (new Set(keys).size < keys.length) error("a value is listed twice");
      for (const value of row.values) {
        const problem = valueProblem(value, hp);
        if (problem) error(problem);
      }
      return problems;
    }
    if (!ranges) error("only random search draws from a range: list values instead");
    if (hp && hp.kind !== "number" && hp.kind !== "integer") {
      error(`${name} is not numeric: list its values instead of a range`);
    }
    if (row.low === null || row.high === null) {
      error("give both low and high");
      return problems;
    }
    if (row.low >= row.high) error(`low (${row.low}) must be below high (${row.high})`);
    else if (row.log && row.low <= 0) error("a log-scale range must start above 0");
    if (row.integer && !(Number.isInteger(row.low) && Number.isInteger(row.high))) {
      error("whole numbers need whole-number ends");
    }
    if (hp?.kind === "integer" && !row.integer) {
      problems.push({ severity: "warning", message: `${name} takes whole numbers: tick them` });
    }
    if (hp) {
      for (const end of [row.low, row.high]) {
        const problem = boundProblem(hp, end);
        if (problem) error(problem);
      }
    }
    return problems;
  });
}
