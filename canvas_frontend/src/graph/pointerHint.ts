/**
 * The words next to the pointer while a connection is dragged (pure): over a port, whether the
 * connection may end there and why not, from the hints computed when the drag started
 * (graph/connectionHints.ts). The same reasons are the ports' tooltips; this puts them where the
 * user is looking, without waiting for a native tooltip.
 */

import type { ConnectionStart, NodeHints } from "./connectionHints";

/** The handle under (or nearest to) the pointer, as React Flow's connection state names it. */
export interface OverHandle {
  nodeId: string;
  id?: string | null;
  type: "source" | "target";
}

export interface PointerHint {
  state: "ok" | "bad";
  text: string;
}

export function pointerHint(
  hints: Readonly<Record<string, NodeHints>> | null,
  start: ConnectionStart | null,
  over: OverHandle | null,
): PointerHint | null {
  if (!hints || !start || !over || !over.id) return null;
  if (over.nodeId === start.nodeId && over.id === start.port && over.type === start.side) {
    return null; // still on the port the drag started from
  }
  if (over.type === start.side) {
    return {
      state: "bad",
      text:
        start.side === "source"
          ? "Cannot connect: an output connects to an input (the left side of a node)"
          : "Cannot connect: an input is fed by an output (the right side of a node)",
    };
  }
  const hint = hints[over.nodeId]?.[over.id];
  if (!hint) return null;
  if (hint.state === "bad") return { state: "bad", text: `Cannot connect: ${hint.reason}` };
  return { state: "ok", text: hint.reason ? `Fits: ${hint.reason}` : "Fits" };
}
