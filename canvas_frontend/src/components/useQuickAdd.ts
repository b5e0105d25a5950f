/**
 * The quick-add popup's state (QuickAdd.tsx): where it opens (at a client point inside the
 * canvas), where the new node goes, and, for a connection dropped on empty canvas, the node
 * types that fit the dragged port and the port each offers. Opened by a double-click on the
 * canvas, the shortcut, or a dropped connection (useConnectionHandlers.ts); a palette entry
 * dropped while the popup waits for a dropped connection's node is wired to it too.
 */

import type { ReactFlowInstance } from "@xyflow/react";
import { useCallback, useState, type MouseEvent as ReactMouseEvent, type RefObject } from "react";
import type { NodeTypeSpec } from "../api/canvasApi";
import { compatibleTypes, startPort, type ConnectionStart } from "../graph/connectionHints";
import { snapToGrid } from "../graph/grid";
import type { Position } from "../graph/ops";
import { DEFAULT_NODE_SIZE, type FlowNode } from "../store/flowModel";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import type { Wire } from "./useCanvasEdits";
import type { ClientPoint } from "./useCanvasPointer";

const QUICK_ADD_SIZE = { width: 300, height: 360 };

export interface QuickAddState {
  left: number;
  top: number;
  /** Where the new node goes, in flow coordinates. */
  at: Position;
  /** The dragged connection the new node is wired to, with the port each type offers. */
  start: ConnectionStart | null;
  ports: Readonly<Record<string, string>>;
  entries: NodeTypeSpec[];
  context?: string;
}

export function useQuickAdd(
  flowRef: RefObject<ReactFlowInstance<FlowNode> | null>,
  canvasRef: RefObject<HTMLDivElement | null>,
  addNode: (typeId: string, position: Position, wire?: Wire) => void,
) {
  const [quickAdd, setQuickAdd] = useState<QuickAddState | null>(null);

  /** Open the popup at a client point, for a dragged connection or for any node. */
  const openQuickAdd = useCallback(
    (client: ClientPoint, start: ConnectionStart | null) => {
      const rect = canvasRef.current?.getBoundingClientRect();
      const instance = flowRef.current;
      const doc = useWorkflowStore.getState().doc;
      if (!rect || !instance || !doc) return;
      const { specs, rules } = useRegistryStore.getState();
      let entries = Object.values(specs);
      let ports: Record<string, string> = {};
      let context: string | undefined;
      if (start) {
        const from = startPort(start, doc, specs);
        if (!from) return;
        const candidates = compatibleTypes(from, start.side, entries, rules);
        ports = Object.fromEntries(candidates.map((c) => [c.typeId, c.port]));
        entries = candidates.flatMap((c) => {
          const spec = specs[c.typeId];
          return spec ? [spec] : [];
        });
        const direction = start.side === "source" ? "from" : "into";
        context = `Add a node ${direction} ${start.nodeId}.${start.port} (${from.dataType})`;
      }
      const at = snapToGrid(instance.screenToFlowPosition(client));
      setQuickAdd({
        left: Math.max(0, Math.min(client.x - rect.left, rect.width - QUICK_ADD_SIZE.width)),
        top: Math.max(0, Math.min(client.y - rect.top, rect.height - QUICK_ADD_SIZE.height)),
        at: start?.side === "target" ? { x: at.x - DEFAULT_NODE_SIZE.width, y: at.y } : at,
        start,
        ports,
        entries,
        ...(context ? { context } : {}),
      });
    },
    [canvasRef, flowRef],
  );

  const closeQuickAdd = useCallback(() => setQuickAdd(null), []);

  const pickQuickAdd = useCallback(
    (typeId: string) => {
      if (!quickAdd) return;
      const port = quickAdd.ports[typeId];
      setQuickAdd(null);
      addNode(
        typeId,
        quickAdd.at,
        quickAdd.start && port ? { start: quickAdd.start, port } : undefined,
      );
    },
    [addNode, quickAdd],
  );

  /**
   * The wiring for a palette entry of `typeId` dropped now: the waiting dropped connection's,
   * when the type fits it (the popup then closes), else none.
   */
  const wireForDrop = useCallback(
    (typeId: string): Wire | undefined => {
      const port = quickAdd?.start ? quickAdd.ports[typeId] : undefined;
      if (!quickAdd?.start || !port) return undefined;
      setQuickAdd(null);
      return { start: quickAdd.start, port };
    },
    [quickAdd],
  );

  /** A double-click on empty canvas opens the popup there. */
  const onDoubleClick = useCallback(
    (event: ReactMouseEvent) => {
      const target = event.target as Element;
      if (!target.classList?.contains("react-flow__pane")) return;
      openQuickAdd({ x: event.clientX, y: event.clientY }, null);
    },
    [openQuickAdd],
  );

  return { quickAdd, openQuickAdd, closeQuickAdd, pickQuickAdd, wireForDrop, onDoubleClick };
}
