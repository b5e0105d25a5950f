/**
 * React Flow's connection callbacks. While a connection is dragged, the ports it may end on are
 * hinted (graph/connectionHints.ts, useConnectionHintStore); a connection is checked against the
 * port types and the connection rules (connection.ts) and committed as one batch, replacing the
 * edge the input had; a refused one says why; one dropped on empty canvas opens quick add with
 * the node types that fit.
 */

import type {
  Connection,
  Edge,
  FinalConnectionState,
  IsValidConnection,
  OnConnectStart,
} from "@xyflow/react";
import { useCallback } from "react";
import { connectionHints, type ConnectionStart } from "../graph/connectionHints";
import { groupIdOfFrame } from "../graph/groups";
import type { GraphOp } from "../graph/ops";
import { edgeId } from "../store/flowModel";
import { useConnectionHintStore } from "../store/useConnectionHintStore";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { checkConnection } from "./connection";
import type { ClientPoint } from "./useCanvasPointer";
import type { Commit } from "./useGraphCommit";

function notifyError(text: string): void {
  useWorkflowStore.getState().notify({ kind: "error", text });
}

function clientPoint(event: MouseEvent | TouchEvent): ClientPoint | null {
  if ("changedTouches" in event) {
    const touch = event.changedTouches[0];
    return touch ? { x: touch.clientX, y: touch.clientY } : null;
  }
  return { x: event.clientX, y: event.clientY };
}

export function useConnectionHandlers(
  commit: Commit,
  openQuickAdd: (client: ClientPoint, start: ConnectionStart | null) => void,
) {
  const isValidConnection: IsValidConnection = useCallback((connection: Connection | Edge) => {
    const doc = useWorkflowStore.getState().doc;
    const { specs, rules } = useRegistryStore.getState();
    return doc ? checkConnection(connection, doc, specs, rules).ok : false;
  }, []);

  const onConnectStart: OnConnectStart = useCallback((_event, params) => {
    const doc = useWorkflowStore.getState().doc;
    if (!doc || !params.nodeId || !params.handleId || !params.handleType) return;
    if (groupIdOfFrame(params.nodeId) !== null) return;
    const start: ConnectionStart = {
      nodeId: params.nodeId,
      port: params.handleId,
      side: params.handleType,
    };
    const { specs, rules } = useRegistryStore.getState();
    useConnectionHintStore.getState().begin(start, connectionHints(start, doc, specs, rules));
  }, []);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const start = useConnectionHintStore.getState().start;
      useConnectionHintStore.getState().end();
      if (!state.fromHandle) return;
      const target = event.target as Element | null;
      const onEmptyCanvas =
        !state.toHandle &&
        target?.closest?.(".react-flow__pane") &&
        !target.closest(".react-flow__node");
      if (onEmptyCanvas && start) {
        const point = clientPoint(event);
        if (point) openQuickAdd(point, start);
        return;
      }
      if (state.isValid !== false || !state.toHandle) return;
      const doc = useWorkflowStore.getState().doc;
      const { specs, rules } = useRegistryStore.getState();
      if (!doc) return;
      const fromSource = state.fromHandle.type === "source";
      const [src, tgt] = fromSource
        ? [state.fromHandle, state.toHandle]
        : [state.toHandle, state.fromHandle];
      const verdict = checkConnection(
        {
          source: src.nodeId,
          sourceHandle: src.id ?? null,
          target: tgt.nodeId,
          targetHandle: tgt.id ?? null,
        },
        doc,
        specs,
        rules,
      );
      if (!verdict.ok) notifyError(`Cannot connect: ${verdict.reason}`);
    },
    [openQuickAdd],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const doc = useWorkflowStore.getState().doc;
      if (!doc || !c.sourceHandle || !c.targetHandle) return;
      const { specs, rules } = useRegistryStore.getState();
      const verdict = checkConnection(c, doc, specs, rules);
      if (!verdict.ok) {
        notifyError(`Cannot connect: ${verdict.reason}`);
        return;
      }
      // An input takes one edge: a new connection replaces the old one, in the same undo step.
      const ops: GraphOp[] = doc.edges
        .filter((e) => e.target === c.target && e.target_port === c.targetHandle)
        .map((e) => ({ op: "remove_edge", edge_id: e.id }));
      ops.push({
        op: "add_edge",
        edge: {
          id: edgeId(c.source, c.sourceHandle, c.target, c.targetHandle),
          source: c.source,
          source_port: c.sourceHandle,
          target: c.target,
          target_port: c.targetHandle,
        },
      });
      useWorkflowStore.getState().notify(null);
      commit(ops);
    },
    [commit],
  );

  return { isValidConnection, onConnectStart, onConnectEnd, onConnect };
}
