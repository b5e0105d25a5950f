/**
 * While a connection is dragged: a style sheet that dims the handles it cannot end on and lights
 * up those it can (graph/connectionHints.ts), built once per drag, no node re-renders; and, over
 * a port, why it fits or not in words next to the pointer (graph/pointerHint.ts), not only in
 * the port's native tooltip (which waits a second and hides while a button is held).
 */

import { useConnection, useStore, type ConnectionState } from "@xyflow/react";
import { memo, useMemo } from "react";
import { hintStyles } from "../graph/connectionHints";
import { pointerHint, type OverHandle } from "../graph/pointerHint";
import { useConnectionHintStore } from "../store/useConnectionHintStore";

function ConnectionHintStylesView({ scope }: { scope: string }) {
  const hints = useConnectionHintStore((s) => s.hints);
  const start = useConnectionHintStore((s) => s.start);
  const css = useMemo(
    () => (hints && start ? hintStyles(hints, start, scope) : ""),
    [hints, start, scope],
  );
  return css ? <style data-testid="connection-hints">{css}</style> : null;
}

export const ConnectionHintStyles = memo(ConnectionHintStylesView);

/** Where the label sits from the pointer, clear of the cursor. */
const OFFSET = { x: 16, y: 18 };
/** Room the label needs below the pointer before it goes above instead. */
const ROOM_BELOW = 80;

/** Plain values only: React Flow compares the selection shallowly to skip re-renders. */
interface PointerState {
  x: number;
  y: number;
  nodeId: string | null;
  handleId: string | null;
  type: OverHandle["type"] | null;
}

function selectPointer(connection: ConnectionState): PointerState | null {
  if (!connection.inProgress) return null;
  const handle = connection.toHandle;
  return {
    x: connection.pointer.x,
    y: connection.pointer.y,
    nodeId: handle?.nodeId ?? null,
    handleId: handle?.id ?? null,
    type: handle?.type ?? null,
  };
}

/**
 * The reason next to the pointer. Rendered inside <ReactFlow> (it reads the connection in
 * progress; React Flow gives the pointer relative to its own box), so only this small element
 * re-renders while the pointer moves.
 */
function ConnectionHintLabelView() {
  const hints = useConnectionHintStore((s) => s.hints);
  const start = useConnectionHintStore((s) => s.start);
  const pointer = useConnection(selectPointer);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const over =
    pointer?.nodeId && pointer.type
      ? { nodeId: pointer.nodeId, id: pointer.handleId, type: pointer.type }
      : null;
  const hint = pointerHint(hints, start, over);
  if (!pointer || !hint) return null;
  // on the side of the pointer with room, so the pane's edge never cuts it: left of the pointer
  // in the right half, above it near the bottom (the label's own size, by percentages)
  const left = pointer.x > width / 2;
  const above = pointer.y > height - ROOM_BELOW;
  const x = left ? `calc(${pointer.x - OFFSET.x}px - 100%)` : `${pointer.x + OFFSET.x}px`;
  const y = above ? `calc(${pointer.y - OFFSET.y}px - 100%)` : `${pointer.y + OFFSET.y}px`;
  return (
    <div
      className={`connection-pointer-hint connection-pointer-hint-${hint.state}`}
      role="status"
      style={{ transform: `translate(${x}, ${y})` }}
    >
      {hint.text}
    </div>
  );
}

export const ConnectionHintLabel = memo(ConnectionHintLabelView);
