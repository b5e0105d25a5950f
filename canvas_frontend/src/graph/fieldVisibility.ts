/**
 * Which params the properties form shows (pure, tested). A param whose schema carries
 * `x-visible-when` (node_library/widgets.py `visible_when`) applies only while other params hold
 * one of the listed values, e.g. a split's time column only for `method: "time-ordered"`; every
 * condition must hold. A param absent from the node's params counts as its schema default. A
 * hidden param keeps its value (the node ignores it); it is shown anyway while the server has an
 * issue about it, so a value that still matters can be seen and fixed.
 */

export const VISIBLE_WHEN = "x-visible-when";

/** Param name -> (controlling param -> the values under which it shows). */
export type VisibilityRules = ReadonlyMap<string, Readonly<Record<string, readonly unknown[]>>>;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function properties(schema: unknown): Json {
  return isObject(schema) && isObject(schema.properties) ? schema.properties : {};
}

/** The `x-visible-when` rules of a params JSON schema; malformed rules are left out (shown). */
export function visibilityRules(schema: unknown): VisibilityRules {
  const rules = new Map<string, Record<string, readonly unknown[]>>();
  for (const [name, prop] of Object.entries(properties(schema))) {
    const when = isObject(prop) ? prop[VISIBLE_WHEN] : undefined;
    if (!isObject(when)) continue;
    const conditions = Object.entries(when).filter(
      (entry): entry is [string, unknown[]] => Array.isArray(entry[1]) && entry[1].length > 0,
    );
    if (conditions.length > 0) rules.set(name, Object.fromEntries(conditions));
  }
  return rules;
}

/** A param's value as the node runs with it: its own, else the schema's default. */
export function effectiveValue(schema: unknown, params: Readonly<Json>, name: string): unknown {
  if (params[name] !== undefined) return params[name];
  const prop = properties(schema)[name];
  return isObject(prop) ? prop.default : undefined;
}

/** Whether param `name` applies to the node with these params. */
export function fieldApplies(
  schema: unknown,
  rules: VisibilityRules,
  params: Readonly<Json>,
  name: string,
): boolean {
  const conditions = rules.get(name);
  if (!conditions) return true;
  return Object.entries(conditions).every(([other, values]) =>
    values.includes(effectiveValue(schema, params, other)),
  );
}

/**
 * The names of the params the form hides: those that do not apply, except those named in
 * `flagged` (the params the server has issues about).
 */
export function hiddenFields(
  schema: unknown,
  params: Readonly<Json>,
  flagged: ReadonlySet<string> = new Set(),
  rules: VisibilityRules = visibilityRules(schema),
): Set<string> {
  const hidden = new Set<string>();
  for (const name of rules.keys()) {
    if (!flagged.has(name) && !fieldApplies(schema, rules, params, name)) hidden.add(name);
  }
  return hidden;
}
