/**
 * The canvas's edits that are neither connections nor the clipboard: adding a node (from the
 * palette, a drop or quick add, wired to a dragged connection by graph/connectionHints.ts),
 * grouping and ungrouping the selection (graph/groups.ts), tidying up (graph/layout.ts, then the
 * view moves onto the result as when a workflow opens), and what React Flow's gestures end in:
 * moved nodes (with the members of dragged group frames) and deletions (with the groups they
 * empty). Each is one committed batch, so one undo step.
 */

import type { OnDelete, OnNodeDrag, ReactFlowInstance } from "@xyflow/react";
import { useCallback, type MouseEvent as ReactMouseEvent, type RefObject } from "react";
import { addAndWireOps, type ConnectionStart } from "../graph/connectionHints";
import { snapToGrid } from "../graph/grid";
import { deleteOps, groupIdOfFrame, groupOps, ungroupOps } from "../graph/groups";
import { layoutLeftToRight } from "../graph/layout";
import { freeNodeId } from "../graph/nodeIds";
import { moveNodesOp } from "../graph/nudge";
import type { GraphNode, GraphOp, Position } from "../graph/ops";
import { boundsOf, firstViewport } from "../graph/viewport";
import {
  DEFAULT_NODE_SIZE,
  isCanvasNode,
  selectedCanvasNodeIds,
  type FlowNode,
} from "../store/flowModel";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import type { Commit } from "./useGraphCommit";

/** How long the view takes to move onto a tidied-up graph. */
const TIDY_UP_MOTION_MS = 300;

/** A new node's wiring: the dragged connection and the port of the new node it ends on. */
export interface Wire {
  start: ConnectionStart;
  port: string;
}

export function useCanvasEdits(
  commit: Commit,
  flowRef: RefObject<ReactFlowInstance<FlowNode> | null>,
  canvasRef: RefObject<HTMLDivElement | null>,
) {
  /** Commit an edit that adds nodes and select exactly those. */
  const commitAndSelect = useCallback(
    (ops: readonly GraphOp[], nodeIds: readonly string[]) => {
      if (commit(ops)) useWorkflowStore.getState().selectNodes(new Set(nodeIds));
    },
    [commit],
  );

  /** Add a node of `typeId` at a flow position (wired to `wire.start` when given). */
  const addNode = useCallback(
    (typeId: string, position: Position, wire?: Wire) => {
      const doc = useWorkflowStore.getState().doc;
      const spec = useRegistryStore.getState().specs[typeId];
      if (!doc || !spec) return;
      const node: GraphNode = {
        id: freeNodeId(
          typeId,
          doc.nodes.map((n) => n.id),
        ),
        type: typeId,
        type_version: spec.version,
        params: {}, // the server fills the params' defaults
        position: { x: Math.round(position.x), y: Math.round(position.y) },
        label: spec.displayName,
      };
      const ops: GraphOp[] = wire
        ? addAndWireOps(doc, wire.start, node, wire.port)
        : [{ op: "add_node", node }];
      commitAndSelect(ops, [node.id]);
    },
    [commitAndSelect],
  );

  /** Add a node of `typeId` in the middle of the visible canvas (a palette click). */
  const addAtCenter = useCallback(
    (typeId: string) => {
      const rect = canvasRef.current?.getBoundingClientRect();
      const instance = flowRef.current;
      const at =
        rect && instance
          ? instance.screenToFlowPosition({
              x: rect.left + rect.width / 2 - DEFAULT_NODE_SIZE.width / 2,
              y: rect.top + rect.height / 2 - DEFAULT_NODE_SIZE.height / 2,
            })
          : { x: 0, y: 0 };
      addNode(typeId, snapToGrid(at));
    },
    [addNode, canvasRef, flowRef],
  );

  const groupSelected = useCallback(() => {
    const { doc, nodes } = useWorkflowStore.getState();
    if (!doc) return;
    const result = groupOps(doc, selectedCanvasNodeIds(nodes));
    if (!result.ok) useWorkflowStore.getState().notify({ kind: "error", text: result.message });
    else commit(result.value.ops);
  }, [commit]);

  const ungroupSelected = useCallback(() => {
    const { doc, nodes } = useWorkflowStore.getState();
    if (!doc) return;
    const ops = ungroupOps(doc, selectedCanvasNodeIds(nodes));
    if (ops.length === 0) {
      useWorkflowStore
        .getState()
        .notify({ kind: "info", text: "None of the selected nodes is in a group." });
    } else commit(ops);
  }, [commit]);

  /** Lay the nodes out left to right, then show them as a workflow opens (graph/viewport.ts). */
  const tidyUp = useCallback(() => {
    const { nodes: current, doc } = useWorkflowStore.getState();
    if (!doc) return;
    const sized = current.filter(isCanvasNode).map((n) => ({
      id: n.id,
      width: n.measured?.width ?? DEFAULT_NODE_SIZE.width,
      height: n.measured?.height ?? DEFAULT_NODE_SIZE.height,
      hidden: Boolean(n.hidden),
    }));
    const placed = layoutLeftToRight(sized, doc.edges);
    if (!commit([{ op: "move_nodes", positions: placed }])) return;
    const bounds = boundsOf(
      sized.flatMap((n) => {
        const at = placed[n.id];
        return at && !n.hidden ? [{ ...at, width: n.width, height: n.height }] : [];
      }),
    );
    const rect = canvasRef.current?.getBoundingClientRect();
    const viewport = bounds && rect ? firstViewport(bounds, rect) : null;
    if (viewport) void flowRef.current?.setViewport(viewport, { duration: TIDY_UP_MOTION_MS });
  }, [canvasRef, commit, flowRef]);

  /** Commit where dragged nodes (and the members of dragged group frames) ended up. */
  const saveDraggedPositions = useCallback(
    (dragged: readonly FlowNode[]) => {
      const { doc, nodes: current } = useWorkflowStore.getState();
      if (!doc) return;
      const ids = new Set<string>();
      for (const n of dragged) {
        const groupId = groupIdOfFrame(n.id);
        if (groupId === null) ids.add(n.id);
        else doc.groups.find((g) => g.id === groupId)?.node_ids.forEach((id) => ids.add(id));
      }
      const positions = new Map(
        current.filter((n) => ids.has(n.id)).map((n): [string, Position] => [n.id, n.position]),
      );
      const op = moveNodesOp(doc, positions);
      if (op) commit([op]);
    },
    [commit],
  );

  const onNodeDragStop: OnNodeDrag<FlowNode> = useCallback(
    (_event, _node, dragged) => saveDraggedPositions(dragged),
    [saveDraggedPositions],
  );

  const onSelectionDragStop = useCallback(
    (_event: ReactMouseEvent, dragged: FlowNode[]) => saveDraggedPositions(dragged),
    [saveDraggedPositions],
  );

  const onDelete: OnDelete<FlowNode> = useCallback(
    ({ nodes: gone, edges: cut }) => {
      const doc = useWorkflowStore.getState().doc;
      if (!doc) return;
      const ops = deleteOps(
        doc,
        gone.filter(isCanvasNode).map((n) => n.id),
        cut.map((e) => e.id),
      );
      if (ops.length > 0) commit(ops);
    },
    [commit],
  );

  return {
    commitAndSelect,
    addNode,
    addAtCenter,
    groupSelected,
    ungroupSelected,
    tidyUp,
    onNodeDragStop,
    onSelectionDragStop,
    onDelete,
  };
}
