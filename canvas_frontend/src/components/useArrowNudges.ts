/**
 * Arrow-key moves saved like a drag. React Flow moves the selected nodes when an arrow key is
 * pressed on a focused node or on the box of a multiple selection (and prevents the key's
 * default then), but calls no drag callback, so without this the move stayed on screen only: it
 * was not saved and undo did not know it. Each press is noted in a key burst (graph/nudge.ts);
 * the burst is committed as one `move_nodes` op, one undo step, when the keys pause, before any
 * other edit, undo or redo (registerPendingEdit), when a teammate's edit redraws the canvas, and
 * when the page is hidden, left or the canvas closes.
 */

import { useEffect, useLayoutEffect, useState, type RefObject } from "react";
import { ARROW_KEYS, moveNodesOp, NudgeBurst } from "../graph/nudge";
import type { Position } from "../graph/ops";
import { isCanvasNode } from "../store/flowModel";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { registerPendingEdit, type Commit } from "./useGraphCommit";

/** Where React Flow takes arrow keys to move the selection. */
const MOVABLE = ".react-flow__node, .react-flow__nodesselection-rect";

const browserClock = {
  later(run: () => void, ms: number) {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

function selectedPositions(): [string, Position][] {
  return useWorkflowStore
    .getState()
    .nodes.filter((n) => isCanvasNode(n) && n.selected && !n.hidden)
    .map((n) => [n.id, n.position]);
}

export function useArrowNudges(commit: Commit, canvasRef: RefObject<HTMLDivElement | null>): void {
  const [burst] = useState(
    () =>
      new NudgeBurst(browserClock, (positions) => {
        const doc = useWorkflowStore.getState().doc;
        const op = doc ? moveNodesOp(doc, positions) : null;
        if (op) commit([op]);
      }),
  );

  // A layout effect: on unmount its cleanup runs before the passive effects' (which close the
  // workflow in the store), so the last burst is still committed to the workflow it moved.
  useLayoutEffect(() => {
    const unregister = registerPendingEdit(() => burst.flush());
    return () => {
      unregister();
      burst.flush();
    };
  }, [burst]);

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (!ARROW_KEYS.has(e.key)) return;
      const target = e.target instanceof Element ? e.target : null;
      // React Flow prevents the default of the arrow keys it moved the selection with
      if (e.defaultPrevented && target?.closest(MOVABLE) && canvasRef.current?.contains(target)) {
        burst.movedTo(selectedPositions());
      } else {
        burst.touch();
      }
    }
    function onKeyUp(e: KeyboardEvent) {
      if (ARROW_KEYS.has(e.key)) burst.touch();
    }
    function onHidden() {
      if (document.visibilityState === "hidden") burst.flush();
    }
    // Leaving the page commits the burst first; the canvas then asks before the tab closes on
    // unsaved edits (useWorkflowChanges.ts), as for any other edit still on its way.
    const onLeave = () => burst.flush();
    // A teammate's edit redraws the nodes from the document, which does not have the burst yet:
    // commit it (after the sync session has finished taking their batch).
    const unsubscribe = useWorkflowStore.subscribe((s, prev) => {
      if (s.doc !== prev.doc && burst.pending) queueMicrotask(() => burst.flush());
    });
    // Bubbling to the window: React Flow's own handler has run and moved the nodes by then.
    window.addEventListener("keydown", onKeyDown);
    window.addEventListener("keyup", onKeyUp);
    window.addEventListener("beforeunload", onLeave);
    document.addEventListener("visibilitychange", onHidden);
    return () => {
      unsubscribe();
      window.removeEventListener("keydown", onKeyDown);
      window.removeEventListener("keyup", onKeyUp);
      window.removeEventListener("beforeunload", onLeave);
      document.removeEventListener("visibilitychange", onHidden);
    };
  }, [burst, canvasRef]);
}
