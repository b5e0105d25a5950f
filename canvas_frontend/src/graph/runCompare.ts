/**
 * Two runs' metrics side by side: one row per node · metric name, the value in run A and in run
 * B (formatted as the results panel formats metrics) and B − A when both are numbers. A metric
 * only one run has shows a dash on the other side. Pure, so the runs panel only renders.
 */

import { formatNumber } from "./gridFormat";
import { scalarText, type Scalar } from "./resultsMetrics";

export interface RunMetricsLike {
  nodeId: string;
  port: string;
  /** Flat {"name": scalar}; anything else is shown as JSON. */
  values: unknown;
}

export interface CompareRow {
  key: string;
  /** The node (with its port when the node has metrics on more than one port). */
  node: string;
  metric: string;
  a: string;
  b: string;
  /** B − A as text ("+0.012", "−3"), "" when either side is missing or not a number. */
  diff: string;
  /** The sign of B − A (0 when equal or not comparable), to colour the difference. */
  direction: -1 | 0 | 1;
}

export const MISSING = "—";

function valueText(value: unknown): string {
  if (value === undefined) return MISSING;
  if (value === null || ["number", "string", "boolean"].includes(typeof value)) {
    return scalarText(value as Scalar);
  }
  return JSON.stringify(value);
}

/** B − A with its sign; tiny float noise (below 1e-12 relative) counts as equal. */
export function numericDiff(a: unknown, b: unknown): { text: string; direction: -1 | 0 | 1 } {
  if (typeof a !== "number" || typeof b !== "number" || !Number.isFinite(a + b)) {
    return { text: "", direction: 0 };
  }
  const diff = b - a;
  const scale = Math.max(Math.abs(a), Math.abs(b), 1);
  if (Math.abs(diff) <= scale * 1e-12) return { text: "0", direction: 0 };
  // round away the float noise of the subtraction (0.3 - 0.1 = 0.19999999999999998)
  const rounded = Number(diff.toPrecision(12));
  const text = formatNumber(Math.abs(rounded));
  return diff > 0 ? { text: `+${text}`, direction: 1 } : { text: `−${text}`, direction: -1 };
}

function flat(values: unknown): Record<string, unknown> {
  return typeof values === "object" && values !== null && !Array.isArray(values)
    ? (values as Record<string, unknown>)
    : { value: values };
}

/** The rows comparing run A's metrics with run B's, in A's order then B's new ones. */
export function compareMetrics(
  a: readonly RunMetricsLike[],
  b: readonly RunMetricsLike[],
): CompareRow[] {
  const portsOf = new Map<string, Set<string>>();
  for (const m of [...a, ...b]) {
    const ports = portsOf.get(m.nodeId) ?? new Set<string>();
    ports.add(m.port);
    portsOf.set(m.nodeId, ports);
  }
  const order: string[] = [];
  const inA = new Map<string, unknown>();
  const inB = new Map<string, unknown>();
  const where = new Map<string, { node: string; metric: string }>();
  const collect = (runs: readonly RunMetricsLike[], into: Map<string, unknown>) => {
    for (const m of runs) {
      const node = (portsOf.get(m.nodeId)?.size ?? 0) > 1 ? `${m.nodeId}.${m.port}` : m.nodeId;
      for (const [metric, value] of Object.entries(flat(m.values))) {
        const key = `${m.nodeId}\u0000${m.port}\u0000${metric}`;
        if (!where.has(key)) {
          where.set(key, { node, metric });
          order.push(key);
        }
        into.set(key, value);
      }
    }
  };
  collect(a, inA);
  collect(b, inB);
  return order.map((key) => {
    const { node, metric } = where.get(key) ?? { node: "", metric: "" };
    const va = inA.get(key);
    const vb = inB.get(key);
    const { text, direction } = numericDiff(va, vb);
    return { key, node, metric, a: valueText(va), b: valueText(vb), diff: text, direction };
  });
}
