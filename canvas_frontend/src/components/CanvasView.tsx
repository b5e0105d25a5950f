/**
 * The workflow editor: toolbar, palette, the React Flow canvas, and the panels around it.
 *
 * This component composes; the parts each own one concern. Every edit goes through
 * `commit(ops)` (useGraphCommit.ts) as one batch, so it is one undo step and one applyGraphOps:
 * moves, deletes, adding nodes, groups and tidy up (useCanvasEdits.ts), arrow-key moves
 * (useArrowNudges.ts), connections (useConnectionHandlers.ts), copy/paste and duplicate
 * (useCanvasClipboard.ts), quick add (useQuickAdd.ts, QuickAdd.tsx) and palette drops
 * (usePaletteDrop.ts). Keyboard shortcuts come from the table in graph/shortcuts.ts
 * (useCanvasShortcuts.ts), which the "?" overlay lists.
 *
 * Only FlowHost subscribes to the flow's nodes and edges, so a drag re-renders the pane alone;
 * this component re-renders when the workflow loads, a popup opens or the runs panel toggles.
 */

import type { ReactFlowInstance } from "@xyflow/react";
import { useCallback, useRef, useState } from "react";
import type { FlowNode } from "../store/flowModel";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
// The panels come in this order because their stylesheets load in it (later rules win ties).
import { FlowHost } from "./FlowHost";
import { Palette } from "./Palette";
import { PropertiesPanel } from "./PropertiesPanel";
import { ProblemsPanel } from "./ProblemsPanel";
import { QuickAdd } from "./QuickAdd";
import { ResultsPanel } from "./results/ResultsPanel";
import { RunHistoryPanel } from "./RunHistoryPanel";
import { ScheduleDialog } from "./ScheduleDialog";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { CanvasToolbar } from "./CanvasToolbar";
import { CanvasEmptyState } from "./CanvasEmptyState";
import { ConnectionHintStyles } from "./ConnectionHintStyles";
import { ConnectTo } from "./ConnectTo";
import { NodeDocs } from "./NodeDocs";
import { Onboarding } from "./Onboarding";
import { usePaletteAdd } from "./usePaletteAdd";
import { NoticeBar } from "./NoticeBar";
import { useArrowNudges } from "./useArrowNudges";
import { useCanvasClipboard } from "./useCanvasClipboard";
import { useCanvasEdits } from "./useCanvasEdits";
import { useCanvasPointer } from "./useCanvasPointer";
import { useCanvasShortcuts } from "./useCanvasShortcuts";
import { useConnectionHandlers } from "./useConnectionHandlers";
import { useFileDrop } from "./useFileDrop";
import { useGraphCommit } from "./useGraphCommit";
import { usePaletteDrop } from "./usePaletteDrop";
import { useQuickAdd } from "./useQuickAdd";
import { useWorkflowChanges } from "./useWorkflowChanges";
import { useWorkflowLoader } from "./useWorkflowLoader";

export function CanvasView({ workflowId, onBack }: { workflowId: string; onBack: () => void }) {
  const runsOpen = useRunPanelsStore((s) => s.runsOpen);
  const { commit, undoLast, redoLast } = useGraphCommit();
  const { loadError, fitOnOpen } = useWorkflowLoader(workflowId);
  useWorkflowChanges(workflowId);

  const flowRef = useRef<ReactFlowInstance<FlowNode> | null>(null);
  const canvasRef = useRef<HTMLDivElement | null>(null);
  const { pointerRef, onPointerMove, onPointerLeave } = useCanvasPointer();
  const [helpOpen, setHelpOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  const closeHelp = useCallback(() => setHelpOpen(false), []);
  const toggleHelp = useCallback(() => setHelpOpen((open) => !open), []);

  const {
    commitAndSelect,
    addNode,
    addAtCenter,
    groupSelected,
    ungroupSelected,
    tidyUp,
    onNodeDragStop,
    onSelectionDragStop,
    onDelete,
  } = useCanvasEdits(commit, flowRef, canvasRef);
  const { quickAdd, openQuickAdd, closeQuickAdd, pickQuickAdd, wireForDrop, onDoubleClick } =
    useQuickAdd(flowRef, canvasRef, addNode);
  const palette = usePaletteDrop(flowRef, addNode, wireForDrop);
  const { onDragOver, onDrop } = useFileDrop(flowRef, commitAndSelect, palette);
  const connection = useConnectionHandlers(commit, openQuickAdd);
  const paletteAdd = usePaletteAdd(addNode, addAtCenter, flowRef, canvasRef);
  const { duplicate } = useCanvasClipboard(commitAndSelect, flowRef, pointerRef);
  useArrowNudges(commit, canvasRef);
  useCanvasShortcuts(
    {
      undoLast,
      redoLast,
      duplicate,
      groupSelected,
      ungroupSelected,
      tidyUp,
      openQuickAdd,
      toggleHelp,
    },
    flowRef,
    canvasRef,
    pointerRef,
  );

  if (loadError) {
    return (
      <main className="workflow-list">
        <p className="error">{loadError}</p>
        <button type="button" onClick={onBack}>
          Back to workflows
        </button>
      </main>
    );
  }

  return (
    <div className="canvas-page">
      <CanvasToolbar
        onBack={onBack}
        onUndo={undoLast}
        onRedo={redoLast}
        onGroup={groupSelected}
        onTidyUp={tidyUp}
        onHelp={openHelp}
      />
      <div className="canvas-body">
        <Palette onAdd={paletteAdd} />
        <div className="canvas-center">
          <NoticeBar />
          <div
            className="canvas"
            ref={canvasRef}
            onDragOver={onDragOver}
            onDrop={onDrop}
            onDoubleClick={onDoubleClick}
            onPointerMove={onPointerMove}
            onPointerLeave={onPointerLeave}
          >
            <FlowHost
              flowRef={flowRef}
              fitOnOpen={fitOnOpen}
              onNodeDragStop={onNodeDragStop}
              onSelectionDragStop={onSelectionDragStop}
              onDelete={onDelete}
              {...connection}
            />
            <CanvasEmptyState />
            <ConnectionHintStyles scope=".canvas" />
            <ConnectTo onConnect={connection.onConnect} />
            <Onboarding />
            {quickAdd && (
              <QuickAdd
                left={quickAdd.left}
                top={quickAdd.top}
                entries={quickAdd.entries}
                {...(quickAdd.context ? { context: quickAdd.context } : {})}
                onPick={pickQuickAdd}
                onClose={closeQuickAdd}
              />
            )}
          </div>
          {/* Runs takes the results' place while open; the results panel stays mounted (its
              port, sort and filter choices survive) */}
          <RunHistoryPanel />
          <div className="results-slot" hidden={runsOpen}>
            <ResultsPanel />
          </div>
        </div>
        <ProblemsPanel />
        <PropertiesPanel commit={commit} />
      </div>
      {helpOpen && <ShortcutsHelp onClose={closeHelp} />}
      <NodeDocs />
      <ScheduleDialog />
    </div>
  );
}
