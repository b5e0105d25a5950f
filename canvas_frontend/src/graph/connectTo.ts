/**
 * "Connect to…" from the keyboard (pure): every (node, port) a node may be wired to, on both
 * sides. Its outputs may feed the inputs of other nodes, and other nodes' outputs may feed its
 * inputs, under the same rules a dragged connection follows (graph/connectionHints.ts: no
 * self-loop, no cycle, the data types fit). Edges that already exist are left out; an input that
 * is already fed says which edge the new one replaces. The list is ordered as a user scans the
 * canvas: the node's outputs first (what comes next), nodes on the natural side first (to the
 * right of it for its outputs, to the left for its inputs), nearer ones first; `filterTargets` narrows
 * it with the palette's typo-tolerant word match (graph/search.ts).
 */

import {
  connectionHints,
  type ConnectionStart,
  type HintPort,
  type HintSpec,
} from "./connectionHints";
import type { GraphDoc } from "./ops";
import type { RuleSet } from "./ports";
import { wordScore, words } from "./search";

/** A port spec as the registry gives it; the label is what the user reads. */
export interface TargetPort extends HintPort {
  label?: string;
}

export interface TargetSpec extends HintSpec {
  displayName?: string;
  inputs: readonly TargetPort[];
  outputs: readonly TargetPort[];
}

/** One edge the command can make: from the node's `port` to (or from) `other`.`otherPort`. */
export interface ConnectTarget {
  /** "out": node.port feeds other.otherPort; "in": other.otherPort feeds node.port. */
  direction: "out" | "in";
  port: string;
  portLabel: string;
  other: string;
  otherLabel: string;
  otherPort: string;
  otherPortLabel: string;
  /** The data type that flows (the output's). */
  dataType: string;
  /** Set when the input already has an edge: the edge the new one replaces. */
  note: string;
  /** The connection as React Flow names it, for the mouse's commit path. */
  connection: { source: string; sourceHandle: string; target: string; targetHandle: string };
}

function labelOf(port: TargetPort): string {
  return port.label || port.name;
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Every connection `nodeId` can take part in, outputs first, then by distance, then by name. */
export function connectTargets(
  nodeId: string,
  doc: GraphDoc,
  specs: Readonly<Record<string, TargetSpec>>,
  rules: RuleSet,
): ConnectTarget[] {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const spec = node && specs[node.type];
  if (!node || !spec) return [];
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const existing = new Set(
    doc.edges.map(
      (e) => `${e.source}\u0000${e.source_port}\u0000${e.target}\u0000${e.target_port}`,
    ),
  );
  const ranked: { target: ConnectTarget; wrongSide: boolean; far: number }[] = [];
  const sides = [
    ["out", spec.outputs],
    ["in", spec.inputs],
  ] as const;
  for (const [direction, ports] of sides) {
    for (const port of ports) {
      const start: ConnectionStart = {
        nodeId,
        port: port.name,
        side: direction === "out" ? "source" : "target",
      };
      const hints = connectionHints(start, doc, specs, rules);
      for (const [otherId, nodeHints] of Object.entries(hints)) {
        const other = byId.get(otherId);
        const otherSpec = other && specs[other.type];
        if (!other || !otherSpec) continue;
        const otherPorts = direction === "out" ? otherSpec.inputs : otherSpec.outputs;
        for (const otherPort of otherPorts) {
          const hint = nodeHints[otherPort.name];
          if (hint?.state !== "ok") continue;
          const connection =
            direction === "out"
              ? {
                  source: nodeId,
                  sourceHandle: port.name,
                  target: otherId,
                  targetHandle: otherPort.name,
                }
              : {
                  source: otherId,
                  sourceHandle: otherPort.name,
                  target: nodeId,
                  targetHandle: port.name,
                };
          const key = `${connection.source}\u0000${connection.sourceHandle}\u0000${connection.target}\u0000${connection.targetHandle}`;
          if (existing.has(key)) continue;
          // an input of this node that is already fed: connectionHints only notes replacements
          // on the far side, so look it up here
          const fed =
            direction === "in"
              ? doc.edges.find((e) => e.target === nodeId && e.target_port === port.name)
              : undefined;
          const target: ConnectTarget = {
            direction,
            port: port.name,
            portLabel: labelOf(port),
            other: otherId,
            otherLabel: other.label || otherSpec.displayName || otherId,
            otherPort: otherPort.name,
            otherPortLabel: labelOf(otherPort),
            dataType: direction === "out" ? port.dataType : otherPort.dataType,
            note: fed
              ? `replaces the connection from ${fed.source}.${fed.source_port}`
              : hint.reason,
            connection,
          };
          ranked.push({
            target,
            // the natural side first: what it feeds to its right, what feeds it to its left
            wrongSide:
              direction === "out"
                ? other.position.x < node.position.x
                : other.position.x > node.position.x,
            far: distance(node.position, other.position),
          });
        }
      }
    }
  }
  ranked.sort(
    (a, b) =>
      (a.target.direction === b.target.direction ? 0 : a.target.direction === "out" ? -1 : 1) ||
      Number(a.wrongSide) - Number(b.wrongSide) ||
      a.far - b.far ||
      a.target.otherLabel.localeCompare(b.target.otherLabel) ||
      a.target.otherPort.localeCompare(b.target.otherPort),
  );
  return ranked.map((r) => r.target);
}

/** The words a target is found by: the other node's label and id, both ports, the data type. */
function targetWords(t: ConnectTarget): string[] {
  return [
    t.otherLabel,
    t.other,
    t.otherPortLabel,
    t.otherPort,
    t.portLabel,
    t.port,
    t.dataType,
  ].flatMap(words);
}

/** The targets every query word matches (by prefix, substring or a small typo), best first. */
export function filterTargets(targets: readonly ConnectTarget[], query: string): ConnectTarget[] {
  const terms = words(query);
  if (terms.length === 0) return [...targets];
  const scored = targets.flatMap((target, index) => {
    const list = targetWords(target);
    let total = 0;
    for (const term of terms) {
      const best = Math.max(0, ...list.map((w) => wordScore(term, w)));
      if (best === 0) return [];
      total += best;
    }
    return [{ target, total, index }];
  });
  scored.sort((a, b) => b.total - a.total || a.index - b.index);
  return scored.map((s) => s.target);
}

/** How a target reads in the list, e.g. "data → Sort rows · data (dataframe)". */
export function describeTarget(t: ConnectTarget): string {
  const arrow = t.direction === "out" ? "→" : "←";
  return `${t.portLabel} ${arrow} ${t.otherLabel} · ${t.otherPortLabel} (${t.dataType})`;
}
