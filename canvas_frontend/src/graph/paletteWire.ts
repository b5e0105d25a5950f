/**
 * Adding from the palette next to the selected node (pure): which of its outputs feeds which
 * input of the new node, and where the new node goes. An output with an input of its own data
 * type wins (a model node's "spec" feeds cross-validation's model_spec port, its "model" feeds
 * Predict); otherwise the first output of the selected node that fits an input of the new type
 * (outputs in their declared order, so a model's "model" before its "metrics"); among that
 * output's fitting inputs, one of the same data type first, then a required one, then the first
 * declared. The new node goes to the right of the selected one,
 * moved down past any node already there, so chained adds (CSV, then Filter, then Sort) build a
 * readable left-to-right row.
 */

import type { ConnectionStart, HintPort, HintSpec } from "./connectionHints";
import type { GraphDoc } from "./ops";
import { canConnect, type RuleSet } from "./ports";

/** The new node's wiring: the selected node's output (`start`) and the new node's input. */
export interface PaletteWire {
  start: ConnectionStart;
  port: string;
}

function inputScore(input: HintPort, dataType: string): number {
  return (input.dataType === dataType ? 2 : 0) + (input.required ? 1 : 0);
}

/** How the selected node feeds a new node of `typeId`, or null when nothing fits. */
export function paletteWire(
  doc: GraphDoc,
  selectedId: string,
  typeId: string,
  specs: Readonly<Record<string, HintSpec>>,
  rules: RuleSet,
): PaletteWire | null {
  const selected = doc.nodes.find((n) => n.id === selectedId);
  const from = selected && specs[selected.type];
  const to = specs[typeId];
  if (!from || !to) return null;
  for (const output of from.outputs) {
    const same = to.inputs.filter((input) => input.dataType === output.dataType);
    const best = same.find((input) => input.required) ?? same[0];
    if (best) {
      return { start: { nodeId: selectedId, port: output.name, side: "source" }, port: best.name };
    }
  }
  for (const output of from.outputs) {
    let best: HintPort | null = null;
    for (const input of to.inputs) {
      if (!canConnect(output.dataType, input.dataType, input.accepts, rules).ok) continue;
      if (!best || inputScore(input, output.dataType) > inputScore(best, output.dataType)) {
        best = input;
      }
    }
    if (best) {
      return { start: { nodeId: selectedId, port: output.name, side: "source" }, port: best.name };
    }
  }
  return null;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlaps(a: Box, b: Box, margin: number): boolean {
  return (
    a.x < b.x + b.width + margin &&
    b.x < a.x + a.width + margin &&
    a.y < b.y + b.height + margin &&
    b.y < a.y + a.height + margin
  );
}

/** Horizontal gap between the selected node and the new one, in flow units. */
export const RIGHT_GAP = 80;
/** Vertical room kept between the new node and a node it is moved below. */
const ROW_GAP = 40;
/** Give up moving down after this many rows (then it overlaps rather than going far away). */
const MAX_ROWS = 50;

/**
 * The top-left corner of a `size` box to the right of `anchor`, level with it, moved down below
 * each node in the way.
 */
export function placeRightOf(
  anchor: Box,
  others: readonly Box[],
  size: { width: number; height: number },
): { x: number; y: number } {
  const box: Box = { x: anchor.x + anchor.width + RIGHT_GAP, y: anchor.y, ...size };
  for (let row = 0; row < MAX_ROWS; row++) {
    const blocking = others.filter((o) => overlaps(box, o, ROW_GAP / 2));
    if (blocking.length === 0) break;
    box.y = Math.max(...blocking.map((o) => o.y + o.height)) + ROW_GAP;
  }
  return { x: box.x, y: box.y };
}
