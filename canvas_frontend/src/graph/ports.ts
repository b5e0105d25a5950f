/**
 * Port compatibility: which output may feed which input, decided exactly as the server does
 * (node_library/datatypes.py): identity, the target port's `accepts`, or the API's connectionRules.
 */

export interface ConnectionRule {
  source: string;
  target: string;
}

export type ConnectVerdict = { ok: true } | { ok: false; reason: string };

/** The rule table as a set of "source->target" keys, built once per rules list. */
export type RuleSet = ReadonlySet<string>;

export function ruleSet(rules: readonly ConnectionRule[]): RuleSet {
  return new Set(rules.map((r) => `${r.source}->${r.target}`));
}

export function canConnect(
  sourceType: string,
  targetType: string,
  accepts: readonly string[],
  rules: RuleSet,
): ConnectVerdict {
  if (sourceType === targetType || accepts.includes(sourceType)) return { ok: true };
  if (rules.has(`${sourceType}->${targetType}`)) return { ok: true };
  return { ok: false, reason: refusalReason(sourceType, targetType) };
}

/** The sentence shown when a connection is refused (same words as the server's). */
export function refusalReason(sourceType: string, targetType: string): string {
  return (
    `a ${sourceType} output cannot feed a ${targetType} input; ` +
    `connect a node that produces a ${targetType}`
  );
}

/** A stable colour per data type, for handles and edges (light theme). */
export const DATA_TYPE_COLORS: Readonly<Record<string, string>> = {
  dataframe: "#2563eb",
  series: "#0891b2",
  model: "#9333ea",
  // an unfitted model (settings only): a lighter shade of the model colour, as a fitted model
  // also connects to a spec port
  model_spec: "#c084fc",
  metrics: "#16a34a",
  plot: "#ea580c",
  json: "#ca8a04",
  file: "#64748b",
};

export function dataTypeColor(dataType: string): string {
  return DATA_TYPE_COLORS[dataType] ?? "#475569";
}
