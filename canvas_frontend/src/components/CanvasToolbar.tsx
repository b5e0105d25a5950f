/**
 * The canvas page's toolbar: the "Skip to canvas" link (the page's first focusable element), back
 * to the list, the workflow's name, undo and redo, group, tidy up, the shortcuts overlay, the Help
 * menu (getting started, node reference, the API explorer), the Dagster link, the live indicator, the theme, the runs panel and
 * schedule buttons, and the run controls. It reads the name and the undo history only, so
 * dragging on the canvas does not redraw it.
 */

import { memo } from "react";
import { canRedo, canUndo } from "../graph/history";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { DagsterLink } from "./DagsterLink";
import { HelpMenu } from "./HelpMenu";
import { LiveIndicator } from "./LiveIndicator";
import { RunControls } from "./RunControls";
import { SkipToCanvas } from "./SkipToCanvas";
import { ThemeToggle } from "./ThemeToggle";

export interface CanvasToolbarProps {
  onBack: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onGroup: () => void;
  onTidyUp: () => void;
  onHelp: () => void;
}

export const CanvasToolbar = memo(function CanvasToolbar({
  onBack,
  onUndo,
  onRedo,
  onGroup,
  onTidyUp,
  onHelp,
}: CanvasToolbarProps) {
  const name = useWorkflowStore((s) => s.name);
  const history = useWorkflowStore((s) => s.history);
  return (
    <header className="toolbar">
      <SkipToCanvas />
      <button type="button" onClick={onBack} aria-label="Back to workflows">
        ←
      </button>
      <h1>{name}</h1>
      <span className="spacer" />
      <button type="button" onClick={onUndo} disabled={!canUndo(history)} title="Undo (Ctrl+Z)">
        Undo
      </button>
      <button
        type="button"
        onClick={onRedo}
        disabled={!canRedo(history)}
        title="Redo (Ctrl+Shift+Z)"
      >
        Redo
      </button>
      <button type="button" onClick={onGroup} title="Group the selected nodes (Ctrl+G)">
        Group
      </button>
      <button type="button" onClick={onTidyUp} title="Auto-layout left to right (Shift+Alt+T)">
        Tidy up
      </button>
      <button type="button" onClick={onHelp} title="Keyboard shortcuts (?)" aria-haspopup="dialog">
        Shortcuts
      </button>
      <HelpMenu onShortcuts={onHelp} />
      <DagsterLink />
      <LiveIndicator />
      <ThemeToggle />
      <RunPanelButtons />
      <RunControls />
    </header>
  );
});

/** "Runs" (the run history below the canvas) and "Schedule…" (the schedule dialog); memo'd, so
 * the toolbar's own updates (the name, the undo history) do not redraw them. */
const RunPanelButtons = memo(function RunPanelButtons() {
  const runsOpen = useRunPanelsStore((s) => s.runsOpen);
  return (
    <>
      <button
        type="button"
        aria-pressed={runsOpen}
        onClick={() => useRunPanelsStore.getState().toggleRuns()}
        title="The workflow's runs: status, trigger, duration, steps; compare two runs' metrics"
      >
        Runs
      </button>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => useRunPanelsStore.getState().openSchedule(null)}
        title="Run this workflow on a schedule"
      >
        Schedule…
      </button>
    </>
  );
});
