/**
 * The open workflow: the server's document and revision, this user's undo history, and the React
 * Flow view of it (canvas nodes plus group frames, store/flowModel.ts). Pure state: the network
 * lives in graph/syncSession.ts, which components/useGraphCommit.ts wires to this store.
 */

import {
  applyEdgeChanges,
  applyNodeChanges,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from "@xyflow/react";
import { create } from "zustand";
import type { Validation } from "../api/canvasApi";
import { emptyHistory, type HistoryState } from "../graph/history";
import type { GraphDoc, GraphEdge, GraphNode } from "../graph/ops";
import {
  expandFrameMoves,
  isCanvasNode,
  refreshFrames,
  toFlowEdges,
  toFlowNodes,
  type CanvasFlowNode,
  type FlowNode,
} from "./flowModel";

export interface Notice {
  kind: "error" | "info";
  text: string;
}

interface WorkflowStore {
  workflowId: string | null;
  name: string;
  revision: number;
  doc: GraphDoc | null;
  history: HistoryState;
  /** Group frames first (drawn below), then the document's nodes. */
  nodes: FlowNode[];
  edges: Edge[];
  notice: Notice | null;
  /** The server's last validation of the stored document (issues, inferred port columns). */
  validation: Validation | null;
  open: (workflowId: string, revision: number, doc: GraphDoc) => void;
  close: () => void;
  setDoc: (doc: GraphDoc) => void;
  setRevision: (revision: number) => void;
  setHistory: (history: HistoryState) => void;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  /** Select exactly these nodes (null: every visible node) and no edge. */
  selectNodes: (ids: ReadonlySet<string> | null) => void;
  notify: (notice: Notice | null) => void;
  setValidation: (validation: Validation | null) => void;
}

const nodeCache = new WeakMap<GraphNode, CanvasFlowNode>();
const edgeCache = new WeakMap<GraphEdge, Edge>();

export const useWorkflowStore = create<WorkflowStore>()((set) => ({
  workflowId: null,
  name: "",
  revision: 0,
  doc: null,
  history: emptyHistory,
  nodes: [],
  edges: [],
  notice: null,
  validation: null,
  open: (workflowId, revision, doc) =>
    set({
      workflowId,
      name: doc.name,
      revision,
      doc,
      history: emptyHistory,
      nodes: toFlowNodes(doc, [], nodeCache),
      edges: toFlowEdges(doc, [], edgeCache),
      notice: null,
      validation: null,
    }),
  close: () =>
    set({
      workflowId: null,
      doc: null,
      nodes: [],
      edges: [],
      history: emptyHistory,
      notice: null,
      validation: null,
    }),
  setDoc: (doc) =>
    set((s) => ({
      doc,
      name: doc.name,
      nodes: toFlowNodes(doc, s.nodes, nodeCache),
      edges: toFlowEdges(doc, s.edges, edgeCache),
    })),
  setRevision: (revision) => set({ revision }),
  setHistory: (history) => set({ history }),
  // Only applies React Flow's own changes (drag positions, selection, measurement); removals are
  // committed as graph ops through onDelete, so they are filtered out here. A dragged frame moves
  // its members along, and frames follow their members (only the affected frames change).
  onNodesChange: (changes) =>
    set((s) => {
      const groups = s.doc?.groups ?? [];
      const kept = expandFrameMoves(
        changes.filter((c) => c.type !== "remove"),
        s.nodes,
        groups,
      );
      return { nodes: refreshFrames(applyNodeChanges(kept, s.nodes), kept, groups) };
    }),
  selectNodes: (ids) =>
    set((s) => ({
      nodes: s.nodes.map((n) => {
        const want = isCanvasNode(n) && !n.hidden && (ids === null || ids.has(n.id));
        return Boolean(n.selected) === want ? n : { ...n, selected: want };
      }),
      edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
    })),
  onEdgesChange: (changes) =>
    set((s) => ({
      edges: applyEdgeChanges(
        changes.filter((c) => c.type !== "remove"),
        s.edges,
      ),
    })),
  notify: (notice) => set({ notice }),
  setValidation: (validation) => set({ validation }),
}));
