/**
 * Connection feedback and connection-aware adding (pure).
 *
 * When the user starts dragging a connection from a port, `connectionHints` says for every port
 * of the other side (inputs when dragging from an output, outputs when dragging from an input)
 * whether the connection may end there and why not: a node cannot feed itself, an edge must not
 * close a cycle, and the data types must fit (graph/ports.ts, the server's rules). It is computed
 * once per drag; `hintStyles` turns it into CSS keyed by React Flow's handle data attributes, so
 * highlighting costs no React render.
 *
 * When the drag ends on empty canvas, `compatibleTypes` lists the node types that have a port
 * fitting the dragged one (for the quick-add popup) and `addAndWireOps` adds the chosen node and
 * its edge as one batch.
 */

import { edgeId } from "./nodeIds";
import type { GraphDoc, GraphNode, GraphOp } from "./ops";
import { canConnect, type RuleSet } from "./ports";
import { downstreamOf, upstreamOf } from "./selection";

export interface HintPort {
  name: string;
  dataType: string;
  accepts: readonly string[];
  required?: boolean;
}

export interface HintSpec {
  typeId: string;
  inputs: readonly HintPort[];
  outputs: readonly HintPort[];
}

/** Where a connection drag starts: a node's output ("source") or input ("target") port. */
export interface ConnectionStart {
  nodeId: string;
  port: string;
  side: "source" | "target";
}

export interface PortHint {
  state: "ok" | "bad";
  /** Why not (state "bad"), or a note such as the edge an input connection replaces. */
  reason: string;
}

/** Port name -> hint, for the ports of one node on the side the drag can end on. */
export type NodeHints = Readonly<Record<string, PortHint>>;

/** The dragged port's spec, or null when the node or port is unknown. */
export function startPort(
  start: ConnectionStart,
  doc: GraphDoc,
  specs: Readonly<Record<string, HintSpec>>,
): HintPort | null {
  const node = doc.nodes.find((n) => n.id === start.nodeId);
  const spec = node && specs[node.type];
  const ports = start.side === "source" ? spec?.outputs : spec?.inputs;
  return ports?.find((p) => p.name === start.port) ?? null;
}

/** For every node, the ports on the other side of the drag and whether it may end there. */
export function connectionHints(
  start: ConnectionStart,
  doc: GraphDoc,
  specs: Readonly<Record<string, HintSpec>>,
  rules: RuleSet,
): Record<string, NodeHints> {
  const from = startPort(start, doc, specs);
  if (!from) return {};
  const fromSource = start.side === "source";
  // Dragging from an output of S, an input of an upstream node would close a cycle (and the
  // other way round from an input).
  // (The set includes the start node itself; portHint refuses that node before this check.)
  const loops = (fromSource ? upstreamOf : downstreamOf)([start.nodeId], doc.edges);
  const fedBy = new Map(doc.edges.map((e) => [`${e.target}\u0000${e.target_port}`, e]));
  const hints: Record<string, NodeHints> = {};
  for (const node of doc.nodes) {
    const spec = specs[node.type];
    const ports = fromSource ? spec?.inputs : spec?.outputs;
    if (!ports || ports.length === 0) continue;
    const nodeHints: Record<string, PortHint> = {};
    for (const port of ports) {
      nodeHints[port.name] = portHint(start, node.id, from, port, loops, fedBy, rules);
    }
    hints[node.id] = nodeHints;
  }
  return hints;
}

function portHint(
  start: ConnectionStart,
  nodeId: string,
  from: HintPort,
  port: HintPort,
  loops: ReadonlySet<string>,
  fedBy: ReadonlyMap<string, { id: string; source: string; source_port: string }>,
  rules: RuleSet,
): PortHint {
  if (nodeId === start.nodeId) return { state: "bad", reason: "a node cannot feed itself" };
  if (loops.has(nodeId)) {
    const [up, down] = start.side === "source" ? [nodeId, start.nodeId] : [start.nodeId, nodeId];
    return {
      state: "bad",
      reason: `this would close a cycle: '${up}' already feeds '${down}'`,
    };
  }
  const [out, inp] = start.side === "source" ? [from, port] : [port, from];
  const verdict = canConnect(out.dataType, inp.dataType, inp.accepts, rules);
  if (!verdict.ok) return { state: "bad", reason: verdict.reason };
  if (start.side === "source") {
    const existing = fedBy.get(`${nodeId}\u0000${port.name}`);
    if (existing) {
      return {
        state: "ok",
        reason: `replaces the connection from ${existing.source}.${existing.source_port}`,
      };
    }
  }
  return { state: "ok", reason: "" };
}

/** A CSS string literal (double-quoted) for an attribute selector. */
function cssString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\a ")}"`;
}

/**
 * CSS that dims every handle but the dragged one while a connection is being drawn, and lights
 * up the handles it may end on (inputs when the drag started at an output, and the other way
 * round: an input and an output of one node may share a name). `scope` selects the canvas.
 */
export function hintStyles(
  hints: Readonly<Record<string, NodeHints>>,
  start: ConnectionStart,
  scope: string,
): string {
  const end = start.side === "source" ? "target" : "source";
  const ok = Object.entries(hints).flatMap(([nodeId, ports]) =>
    Object.entries(ports)
      .filter(([, hint]) => hint.state === "ok")
      .map(
        ([port]) =>
          `${scope} .react-flow__handle.${end}[data-nodeid=${cssString(nodeId)}][data-handleid=${cssString(port)}]`,
      ),
  );
  const rules = [
    `${scope} .react-flow__handle:not(.connectingfrom) { opacity: 0.3; }`,
    ...(ok.length > 0
      ? [
          `${ok.join(",\n")} { opacity: 1; box-shadow: 0 0 0 4px var(--ok-bg), 0 0 0 5px var(--ok); }`,
        ]
      : []),
  ];
  return rules.join("\n");
}

/** A node type and the port of it that fits the dragged port. */
export interface Candidate {
  typeId: string;
  port: string;
}

function fitScore(port: HintPort, dataType: string): number {
  return (port.dataType === dataType ? 2 : 0) + (port.required ? 1 : 0);
}

/**
 * The node types with a port the dragged port may connect to, each with its best such port (the
 * same data type first, then a required input), in the order of `specs`.
 */
export function compatibleTypes(
  from: HintPort,
  side: ConnectionStart["side"],
  specs: readonly HintSpec[],
  rules: RuleSet,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const spec of specs) {
    const ports = side === "source" ? spec.inputs : spec.outputs;
    let best: HintPort | null = null;
    for (const port of ports) {
      const verdict =
        side === "source"
          ? canConnect(from.dataType, port.dataType, port.accepts, rules)
          : canConnect(port.dataType, from.dataType, from.accepts, rules);
      if (!verdict.ok) continue;
      if (!best || fitScore(port, from.dataType) > fitScore(best, from.dataType)) best = port;
    }
    if (best) candidates.push({ typeId: spec.typeId, port: best.name });
  }
  return candidates;
}

/**
 * One batch: add `node` and connect its `port` to the dragged port. An input takes one edge, so
 * an edge already feeding the input that gets connected is removed in the same batch.
 */
export function addAndWireOps(
  doc: GraphDoc,
  start: ConnectionStart,
  node: GraphNode,
  port: string,
): GraphOp[] {
  const [source, sourcePort, target, targetPort] =
    start.side === "source"
      ? [start.nodeId, start.port, node.id, port]
      : [node.id, port, start.nodeId, start.port];
  const ops: GraphOp[] = [{ op: "add_node", node }];
  for (const e of doc.edges) {
    if (e.target === target && e.target_port === targetPort) {
      ops.push({ op: "remove_edge", edge_id: e.id });
    }
  }
  ops.push({
    op: "add_edge",
    edge: {
      id: edgeId(source, sourcePort, target, targetPort),
      source,
      source_port: sourcePort,
      target,
      target_port: targetPort,
    },
  });
  return ops;
}
