/**
 * Copy, paste and duplicate on the canvas (graph/clipboard.ts). Copy and paste use the system
 * clipboard through the page's copy and paste events (no permission prompt), with the last copy
 * kept in memory as the fallback (canvasClipboard.ts). A paste lands under the pointer when it is
 * on the canvas, else offset from the originals; pasting the same thing at the same place again
 * steps each copy down and right. Returns `duplicate` for the shortcut table.
 */

import type { ReactFlowInstance } from "@xyflow/react";
import { useCallback, useEffect, useRef, type RefObject } from "react";
import { copySelection, parseClipboard, pasteOps, serializeClipboard } from "../graph/clipboard";
import { snapToGrid } from "../graph/grid";
import type { GraphOp, Position } from "../graph/ops";
import { matchShortcut } from "../graph/shortcuts";
import { selectedCanvasNodeIds, type FlowNode } from "../store/flowModel";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { lastCopiedText, rememberCopied } from "./canvasClipboard";
import type { ClientPoint } from "./useCanvasPointer";
import { isTyping } from "./useCanvasShortcuts";

/** How far a paste without a pointer position, or a duplicate, lands from the originals. */
const PASTE_OFFSET = 40;

function notifyError(text: string): void {
  useWorkflowStore.getState().notify({ kind: "error", text });
}

function selectedNodeIds(): string[] {
  return selectedCanvasNodeIds(useWorkflowStore.getState().nodes);
}

export function useCanvasClipboard(
  commitAndSelect: (ops: readonly GraphOp[], nodeIds: readonly string[]) => void,
  flowRef: RefObject<ReactFlowInstance<FlowNode> | null>,
  pointerRef: RefObject<ClientPoint | null>,
): { duplicate: () => void } {
  const lastPaste = useRef({ text: "", at: "", count: 0 });

  /** The snapped flow position under the pointer, or null when the pointer is not on the canvas. */
  const pointerPosition = useCallback((): Position | null => {
    const at = pointerRef.current;
    const instance = flowRef.current;
    return at && instance ? snapToGrid(instance.screenToFlowPosition(at)) : null;
  }, [flowRef, pointerRef]);

  /** The selection as clipboard text (also kept in memory); null when nothing is selected. */
  const copySelected = useCallback((): string | null => {
    const doc = useWorkflowStore.getState().doc;
    const payload = doc && copySelection(doc, selectedNodeIds());
    if (!payload) return null;
    const text = serializeClipboard(payload);
    rememberCopied(text);
    return text;
  }, []);

  const pasteText = useCallback(
    (text: string) => {
      const doc = useWorkflowStore.getState().doc;
      if (!doc) return;
      const parsed = parseClipboard(text);
      if (!parsed.ok) {
        notifyError(parsed.message);
        return;
      }
      const at = pointerPosition();
      const where = at ? `${at.x},${at.y}` : "";
      const last = lastPaste.current;
      const count = last.text === text && last.at === where ? last.count + 1 : 1;
      lastPaste.current = { text, at: where, count };
      const step = PASTE_OFFSET * (count - 1);
      const result = pasteOps(
        parsed.value,
        doc,
        useRegistryStore.getState().specs,
        at ? { at: { x: at.x + step, y: at.y + step } } : { offset: PASTE_OFFSET * count },
      );
      if (!result.ok) {
        notifyError(result.message);
        return;
      }
      useWorkflowStore.getState().notify(null);
      commitAndSelect(result.value.ops, result.value.nodeIds);
    },
    [commitAndSelect, pointerPosition],
  );

  const duplicate = useCallback(() => {
    const doc = useWorkflowStore.getState().doc;
    const payload = doc && copySelection(doc, selectedNodeIds());
    if (!doc || !payload) return;
    const result = pasteOps(payload, doc, useRegistryStore.getState().specs, {
      offset: PASTE_OFFSET,
    });
    if (!result.ok) notifyError(result.message);
    else commitAndSelect(result.value.ops, result.value.nodeIds);
  }, [commitAndSelect]);

  useEffect(() => {
    let pasteEventSeen = false;
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented || isTyping(e.target)) return;
      const id = matchShortcut(e);
      if (id === "copy") {
        copySelected(); // the in-memory copy; the copy event that follows fills the clipboard
      } else if (id === "paste") {
        // The paste event follows at once when the browser has a clipboard; else use the memory.
        pasteEventSeen = false;
        setTimeout(() => {
          const text = lastCopiedText();
          if (!pasteEventSeen && text) pasteText(text);
        }, 0);
      }
    }
    function onCopy(e: ClipboardEvent) {
      if (isTyping(e.target)) return;
      const text = copySelected();
      if (!text || !e.clipboardData) return;
      e.clipboardData.setData("text/plain", text);
      e.preventDefault();
    }
    function onPaste(e: ClipboardEvent) {
      if (isTyping(e.target) || !useWorkflowStore.getState().doc) return;
      pasteEventSeen = true;
      e.preventDefault();
      pasteText(e.clipboardData?.getData("text/plain") || lastCopiedText() || "");
    }
    window.addEventListener("keydown", onKeyDown);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [copySelected, pasteText]);

  return { duplicate };
}
