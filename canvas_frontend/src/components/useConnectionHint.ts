/**
 * The connection hints of one node while a connection is dragged: port name -> {state: "ok" |
 * "bad", reason}, or undefined (no drag, or the node has no port on the side the drag can end
 * on). For the node component: a class on the handle and the reason as its title.
 */

import type { NodeHints } from "../graph/connectionHints";
import { useConnectionHintStore } from "../store/useConnectionHintStore";

export function useConnectionHint(nodeId: string): NodeHints | undefined {
  return useConnectionHintStore((s) => s.hints?.[nodeId]);
}
