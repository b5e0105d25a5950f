/**
 * The canvas's keyboard shortcuts, from the table in graph/shortcuts.ts (which the "?" overlay
 * lists). Copy and paste are the clipboard's (useCanvasClipboard.ts); delete, Tab between nodes
 * and edges, selecting the focused one and arrow-key moves are React Flow's; a key typed into a
 * field keeps its own meaning (undo, copy, select all...). C opens "Connect to…" (ConnectTo.tsx)
 * for the focused node, else the selected one.
 */

import type { ReactFlowInstance } from "@xyflow/react";
import { useCallback, useEffect, type RefObject } from "react";
import type { ConnectionStart } from "../graph/connectionHints";
import { singleSelectedId } from "../graph/selection";
import { matchShortcut, type ShortcutId } from "../graph/shortcuts";
import type { FlowNode } from "../store/flowModel";
import { useHelpStore } from "../store/useHelpStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { runStale } from "./runActions";
import type { ClientPoint } from "./useCanvasPointer";
import { FIT_VIEW_OPTIONS } from "./useViewportMotion";

/** The workflow node "Connect to…" is for: the focused node, else the one selected node. */
function connectToNodeId(): string | null {
  const { doc, nodes } = useWorkflowStore.getState();
  const focused = document.activeElement?.closest?.(".react-flow__node")?.getAttribute("data-id");
  if (focused && doc?.nodes.some((n) => n.id === focused)) return focused;
  return singleSelectedId(nodes);
}

function openConnectTo(): void {
  // not behind a dialog that holds the page (a shortcut there belongs to it)
  if (document.querySelector('[role="dialog"][aria-modal="true"]')) return;
  const nodeId = connectToNodeId();
  if (nodeId) useHelpStore.getState().openConnectTo(nodeId);
  else {
    useWorkflowStore.getState().notify({
      kind: "info",
      text: "Select one node (or focus it with Tab), then press C to connect it.",
    });
  }
}

/** Typing in a field keeps its own keys (undo, copy, select all...). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.isContentEditable;
}

export interface ShortcutActions {
  undoLast: () => void;
  redoLast: () => void;
  duplicate: () => void;
  groupSelected: () => void;
  ungroupSelected: () => void;
  tidyUp: () => void;
  openQuickAdd: (client: ClientPoint, start: ConnectionStart | null) => void;
  toggleHelp: () => void;
}

export function useCanvasShortcuts(
  actions: ShortcutActions,
  flowRef: RefObject<ReactFlowInstance<FlowNode> | null>,
  canvasRef: RefObject<HTMLDivElement | null>,
  pointerRef: RefObject<ClientPoint | null>,
): void {
  const {
    undoLast,
    redoLast,
    duplicate,
    groupSelected,
    ungroupSelected,
    tidyUp,
    openQuickAdd,
    toggleHelp,
  } = actions;

  const runShortcut = useCallback(
    (id: ShortcutId): boolean => {
      switch (id) {
        case "undo":
          undoLast();
          return true;
        case "redo":
          redoLast();
          return true;
        case "duplicate":
          duplicate();
          return true;
        case "selectAll":
          useWorkflowStore.getState().selectNodes(null);
          return true;
        case "group":
          groupSelected();
          return true;
        case "ungroup":
          ungroupSelected();
          return true;
        case "fitView":
          void flowRef.current?.fitView({ ...FIT_VIEW_OPTIONS, duration: 200 });
          return true;
        case "quickAdd": {
          const rect = canvasRef.current?.getBoundingClientRect();
          const at =
            pointerRef.current ??
            (rect ? { x: rect.left + rect.width / 2, y: rect.top + rect.height / 3 } : null);
          if (at) openQuickAdd(at, null);
          return true;
        }
        case "tidyUp":
          tidyUp();
          return true;
        case "run":
          void runStale();
          return true;
        case "help":
          toggleHelp();
          return true;
        case "connectTo":
          openConnectTo();
          return true;
        // copy and paste go through the clipboard events; the rest is React Flow's
        case "copy":
        case "paste":
        case "delete":
        case "focusNext":
        case "selectFocused":
        case "moveSelected":
          return false;
      }
    },
    [
      canvasRef,
      duplicate,
      flowRef,
      groupSelected,
      openQuickAdd,
      pointerRef,
      redoLast,
      tidyUp,
      toggleHelp,
      undoLast,
      ungroupSelected,
    ],
  );

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented || isTyping(e.target)) return;
      const id = matchShortcut(e);
      if (id && runShortcut(id)) e.preventDefault();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [runShortcut]);
}
