/**
 * Files dragged from the desktop onto the canvas: each is uploaded (uploadDataFile, progress in
 * the floating notice) and becomes the source node that reads it, at the drop point (several
 * files one below the other), labelled with the file's name, as one undo step per file. The
 * node type and params are the server's answer, which recognizes the file by its content (a
 * .json holding JSON Lines gets `lines`); the extension is checked first, so a file no source
 * reads is refused at once with a notice naming the kinds that are (graph/dataFiles.ts).
 *
 * Anything else dragged over the canvas (a palette entry) goes to the palette's handlers.
 */

import type { ReactFlowInstance } from "@xyflow/react";
import { useCallback, type DragEvent, type RefObject } from "react";
import { fileErrorText, uploadDataFile } from "../api/filesApi";
import { dropPositions, kindOfFileName, sourceLabel } from "../graph/dataFiles";
import { snapToGrid } from "../graph/grid";
import { freeNodeId } from "../graph/nodeIds";
import type { GraphNode, GraphOp, Position } from "../graph/ops";
import type { FlowNode } from "../store/flowModel";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";

interface DropHandlers {
  onDragOver: (event: DragEvent) => void;
  onDrop: (event: DragEvent) => void;
}

const MAX_LABEL = 120;

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer.types.includes("Files");
}

function notify(kind: "error" | "info", text: string): void {
  useWorkflowStore.getState().notify({ kind, text });
}

/** Upload one file and add the node that reads it at `at`; what went wrong, or null. */
async function addFileNode(
  file: File,
  at: Position,
  commitAndSelect: (ops: readonly GraphOp[], nodeIds: readonly string[]) => void,
): Promise<string | null> {
  notify("info", `Uploading “${file.name}”…`);
  const result = await uploadDataFile(file, {
    onProgress: (sent) => notify("info", `Uploading “${file.name}”… ${Math.round(sent * 100)}%`),
  });
  if (!result.ok) return fileErrorText(result.error);
  const uploaded = result.value;
  const doc = useWorkflowStore.getState().doc;
  const spec = useRegistryStore.getState().specs[uploaded.sourceType];
  if (!doc || !spec) {
    return `“${file.name}” was stored as ${uploaded.path}, but this canvas has no ${uploaded.sourceType} node to read it.`;
  }
  const node: GraphNode = {
    id: freeNodeId(
      uploaded.sourceType,
      doc.nodes.map((n) => n.id),
    ),
    type: uploaded.sourceType,
    type_version: spec.version,
    params: (uploaded.sourceParams ?? {}) as Record<string, unknown>,
    position: { x: Math.round(at.x), y: Math.round(at.y) },
    label: file.name.slice(0, MAX_LABEL),
  };
  commitAndSelect([{ op: "add_node", node }], [node.id]);
  notify("info", `Added “${file.name}” as a ${sourceLabel(uploaded.sourceType)} source.`);
  return null;
}

export function useFileDrop(
  flowRef: RefObject<ReactFlowInstance<FlowNode> | null>,
  commitAndSelect: (ops: readonly GraphOp[], nodeIds: readonly string[]) => void,
  otherwise: DropHandlers,
): DropHandlers {
  const { onDragOver: otherDragOver, onDrop: otherDrop } = otherwise;
  const onDragOver = useCallback(
    (event: DragEvent) => {
      if (!carriesFiles(event)) {
        otherDragOver(event);
        return;
      }
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    },
    [otherDragOver],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const files = Array.from(event.dataTransfer.files);
      const instance = flowRef.current;
      if (files.length === 0 || !instance) {
        otherDrop(event);
        return;
      }
      event.preventDefault();
      const refused = files.flatMap((f) => {
        const kind = kindOfFileName(f.name);
        return kind.ok ? [] : [kind.message];
      });
      const accepted = files.filter((f) => kindOfFileName(f.name).ok);
      const at = snapToGrid(instance.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
      const places = dropPositions(at, accepted.length);
      void (async () => {
        // One after the other: the notice shows one upload's progress at a time; what went
        // wrong is said last, so that notice is the one left on screen.
        const problems = [...refused];
        for (const [i, file] of accepted.entries()) {
          const problem = await addFileNode(file, places[i] ?? at, commitAndSelect);
          if (problem) problems.push(problem);
        }
        if (problems.length > 0) notify("error", problems.join(" "));
      })();
    },
    [commitAndSelect, flowRef, otherDrop],
  );

  return { onDragOver, onDrop };
}
