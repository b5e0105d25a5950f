/**
 * A node type's documentation, generated from the registry (pure): what the "Learn more" dialog
 * (components/NodeDocs.tsx) shows. Everything comes from the spec the server sends, so a
 * third-party node is documented as well as a built-in one:
 * - the description, category, version and whether it is deterministic;
 * - its params from the params JSON schema (graph/paramsForm.ts reads it for the form too): name,
 *   type, default, description, bounds, choices, and when a param applies (`x-visible-when`);
 * - its ports with their data types and what else each accepts, and for each port the node types
 *   that can feed it (an input) or read it (an output), by the connection rules (graph/ports.ts);
 * - an example: a minimal wiring, one node type feeding each required input (the first input
 *   when none is required) and one reading the first output, the simplest that fits (simplestPeer).
 */

import { compatibleTypes, type HintPort, type HintSpec } from "./connectionHints";
import { fieldsFromSchema, type FieldDescriptor } from "./paramsForm";
import type { RuleSet } from "./ports";
import { CATEGORY_ORDER } from "./search";

export interface DocPortSpec extends HintPort {
  label: string;
  description: string;
  required: boolean;
}

export interface DocSpec extends HintSpec {
  typeId: string;
  version: number;
  displayName: string;
  category: string;
  description: string;
  tags: readonly string[];
  deterministic: boolean;
  inputs: readonly DocPortSpec[];
  outputs: readonly DocPortSpec[];
  paramsSchema: unknown;
}

export interface ParamDoc {
  name: string;
  title: string;
  /** The value's type in words: "integer", "one of 3 choices", "list of sort keys"... */
  type: string;
  /** The default as JSON text, or null when there is none. */
  default: string | null;
  required: boolean;
  description: string;
  /** Bounds, choices, lengths, when it applies: one short phrase each. */
  constraints: string[];
}

/** A node type on the other end of a port. */
export interface Peer {
  typeId: string;
  displayName: string;
  port: string;
}

export interface PortDoc {
  name: string;
  label: string;
  dataType: string;
  /** Other data types the input takes (its `accepts`). */
  accepts: readonly string[];
  required: boolean;
  description: string;
  /** Node types that can feed this input, or read this output; in palette order. */
  peers: Peer[];
}

/** One edge of the example wiring. */
export interface ExampleEdge {
  from: Peer;
  to: Peer;
}

export interface NodeDoc {
  typeId: string;
  title: string;
  category: string;
  version: number;
  description: string;
  deterministic: boolean;
  tags: readonly string[];
  params: ParamDoc[];
  inputs: PortDoc[];
  outputs: PortDoc[];
  example: ExampleEdge[];
}

function typeText(field: FieldDescriptor): string {
  const base = ((): string => {
    switch (field.kind) {
      case "enum":
        return field.options.length === 1 ? "constant" : `one of ${field.options.length} choices`;
      case "string":
        return "text";
      case "string_list":
        return "list of text";
      case "scalar":
        return field.types.map((t) => (t === "string" ? "text" : t)).join(" or ");
      case "object_list":
        return `list of ${field.itemTitle}s`;
      case "map":
        return `map of text to ${typeText(field.valueField)}`;
      case "unsupported":
        return "JSON";
      default:
        return field.kind;
    }
  })();
  return field.nullable ? `${base} (or empty)` : base;
}

function bound(value: number | null, exclusive: boolean, lower: boolean): string | null {
  if (value === null) return null;
  return `${lower ? (exclusive ? ">" : "≥") : exclusive ? "<" : "≤"} ${value}`;
}

function visibleWhen(raw: unknown): string[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  return Object.entries(raw as Record<string, unknown>).map(([param, values]) => {
    const list = Array.isArray(values) ? values.map(String) : [String(values)];
    return `applies when ${param} is ${list.join(" or ")}`;
  });
}

function constraintsOf(field: FieldDescriptor, schema: Record<string, unknown>): string[] {
  const out: string[] = [];
  switch (field.kind) {
    case "number":
    case "integer": {
      const low = bound(field.min, field.exclusiveMin, true);
      const high = bound(field.max, field.exclusiveMax, false);
      if (low) out.push(low);
      if (high) out.push(high);
      break;
    }
    case "enum":
      if (field.options.length > 1) out.push(`choices: ${field.options.map(String).join(", ")}`);
      else out.push(`always ${String(field.options[0])}`);
      break;
    case "string":
      if (field.minLength !== null && field.minLength > 0) {
        out.push(`at least ${field.minLength} characters`);
      }
      if (field.maxLength !== null) out.push(`at most ${field.maxLength} characters`);
      break;
    case "object_list":
      out.push(
        `each ${field.itemTitle}: ${field.itemFields
          .map((f) => `${f.name} (${typeText(f)}${f.required ? ", required" : ""})`)
          .join(", ")}`,
      );
      break;
    default:
      break;
  }
  if (field.widget === "expression") out.push("an expression (see the expression help)");
  if (field.widget === "column" || field.widget === "columns") {
    out.push(field.inputPort ? `columns of input ${field.inputPort}` : "column names");
  }
  return [...out, ...visibleWhen(schema["x-visible-when"])];
}

function rawProperties(schema: unknown): Record<string, Record<string, unknown>> {
  if (typeof schema !== "object" || schema === null) return {};
  const props = (schema as { properties?: unknown }).properties;
  return typeof props === "object" && props !== null
    ? (props as Record<string, Record<string, unknown>>)
    : {};
}

/** The params of a params JSON schema, in the schema's order. */
export function paramDocs(schema: unknown): ParamDoc[] {
  const raw = rawProperties(schema);
  return fieldsFromSchema(schema).map((field) => ({
    name: field.name,
    title: field.title,
    type: typeText(field),
    default: field.hasDefault ? JSON.stringify(field.default) : null,
    required: field.required,
    description: field.description,
    constraints: constraintsOf(field, raw[field.name] ?? {}),
  }));
}

function categoryRank(category: string): number {
  const index = CATEGORY_ORDER.indexOf(category);
  return index === -1 ? CATEGORY_ORDER.length : index;
}

function paletteOrder(a: DocSpec, b: DocSpec): number {
  return (
    categoryRank(a.category) - categoryRank(b.category) ||
    a.displayName.localeCompare(b.displayName)
  );
}

function peersOf(
  port: DocPortSpec,
  side: "source" | "target",
  ordered: readonly DocSpec[],
  rules: RuleSet,
): Peer[] {
  const byId = new Map(ordered.map((s) => [s.typeId, s]));
  return compatibleTypes(port, side, ordered, rules).map((c) => ({
    typeId: c.typeId,
    displayName: byId.get(c.typeId)?.displayName ?? c.typeId,
    port: c.port,
  }));
}

function portDoc(
  port: DocPortSpec,
  side: "source" | "target",
  ordered: readonly DocSpec[],
  rules: RuleSet,
): PortDoc {
  return {
    name: port.name,
    label: port.label || port.name,
    dataType: port.dataType,
    accepts: port.accepts,
    required: port.required,
    description: port.description,
    peers: peersOf(port, side, ordered, rules),
  };
}

/**
 * The clearest node type to show on the other end of a port in the example, by (in order): the
 * same data type; the peer's port is a required one (its main input, not an optional extra); the
 * fewest inputs of its own (a source before a transform); for a feeder, from the category that
 * produces that data type most often (a model from "models", not a fitted scaler); palette order.
 */
function simplestPeer(
  port: PortDoc,
  specs: ReadonlyMap<string, DocSpec>,
  self: string,
  side: "source" | "target",
): Peer | null {
  const share = new Map<string, number>();
  for (const spec of specs.values()) {
    const ports = side === "target" ? spec.outputs : spec.inputs;
    if (ports.some((p) => p.dataType === port.dataType)) {
      share.set(spec.category, (share.get(spec.category) ?? 0) + 1);
    }
  }
  const rank = (peer: Peer): number[] => {
    const spec = specs.get(peer.typeId);
    const ports = (side === "target" ? spec?.outputs : spec?.inputs) ?? [];
    const end = ports.find((p) => p.name === peer.port);
    return [
      end?.dataType === port.dataType ? 0 : 1,
      side === "source" && !end?.required ? 1 : 0,
      spec?.inputs.length ?? 0,
      side === "target" ? -(share.get(spec?.category ?? "") ?? 0) : 0,
    ];
  };
  let best: Peer | null = null;
  let bestRank: number[] = [];
  for (const peer of port.peers) {
    if (peer.typeId === self) continue;
    const r = rank(peer);
    const better = r.findIndex((v, i) => v !== bestRank[i]);
    if (!best || (better !== -1 && (r[better] ?? 0) < (bestRank[better] ?? 0))) {
      best = peer;
      bestRank = r;
    }
  }
  return best;
}

/** The documentation of `spec`, with its peers looked up among `all` (the whole registry). */
export function nodeDoc(spec: DocSpec, all: readonly DocSpec[], rules: RuleSet): NodeDoc {
  const ordered = [...all].sort(paletteOrder);
  const byId = new Map(ordered.map((s) => [s.typeId, s]));
  const inputs = spec.inputs.map((p) => portDoc(p, "target", ordered, rules));
  const outputs = spec.outputs.map((p) => portDoc(p, "source", ordered, rules));
  const self: Peer = { typeId: spec.typeId, displayName: spec.displayName, port: "" };

  const example: ExampleEdge[] = [];
  const fed = inputs.filter((p) => p.required);
  for (const input of fed.length > 0 ? fed : inputs.slice(0, 1)) {
    const peer = simplestPeer(input, byId, spec.typeId, "target");
    if (peer) example.push({ from: peer, to: { ...self, port: input.name } });
  }
  const first = outputs[0];
  if (first) {
    const peer = simplestPeer(first, byId, spec.typeId, "source");
    if (peer) example.push({ from: { ...self, port: first.name }, to: peer });
  }

  return {
    typeId: spec.typeId,
    title: spec.displayName,
    category: spec.category,
    version: spec.version,
    description: spec.description,
    deterministic: spec.deterministic,
    tags: spec.tags,
    params: paramDocs(spec.paramsSchema),
    inputs,
    outputs,
    example,
  };
}
