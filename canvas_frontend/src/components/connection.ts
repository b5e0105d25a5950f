/** Decides whether a drawn connection may become an edge, from the registry's port specs. */

import type { Connection, Edge } from "@xyflow/react";
import type { NodeTypeSpec } from "../api/canvasApi";
import type { GraphDoc } from "../graph/ops";
import { canConnect, type ConnectVerdict, type RuleSet } from "../graph/ports";

export function checkConnection(
  connection: Connection | Edge,
  doc: GraphDoc,
  specs: Readonly<Record<string, NodeTypeSpec>>,
  rules: RuleSet,
): ConnectVerdict {
  if (connection.source === connection.target) {
    return { ok: false, reason: "a node cannot feed itself" };
  }
  const source = doc.nodes.find((n) => n.id === connection.source);
  const target = doc.nodes.find((n) => n.id === connection.target);
  const out = source && specs[source.type]?.outputs.find((p) => p.name === connection.sourceHandle);
  const inp = target && specs[target.type]?.inputs.find((p) => p.name === connection.targetHandle);
  if (!out || !inp) return { ok: false, reason: "unknown port" };
  return canConnect(out.dataType, inp.dataType, inp.accepts, rules);
}
