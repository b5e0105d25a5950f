/**
 * Which run panels are open: the run history ("Runs") with the runs picked in it, and the
 * schedule dialog with the node it was opened for (null: the whole workflow). Pure state; the
 * panels fetch what they show.
 */

import { create } from "zustand";

interface RunPanelsStore {
  runsOpen: boolean;
  /** The run whose steps the history shows. */
  shownRunId: string | null;
  /** Runs ticked for comparison, oldest tick first (at most two). */
  compareIds: readonly string[];
  /** The comparison of the two ticked runs is shown (instead of one run's steps). */
  comparing: boolean;
  /** The schedule dialog: closed (null) or open for a node (string) or the workflow (""). */
  scheduleFor: string | null;
  toggleRuns: () => void;
  setRunsOpen: (open: boolean) => void;
  showRun: (runId: string | null) => void;
  /** Tick or untick a run; a third tick drops the oldest. */
  toggleCompare: (runId: string) => void;
  setComparing: (on: boolean) => void;
  openSchedule: (node: string | null) => void;
  closeSchedule: () => void;
  reset: () => void;
}

const closed = {
  runsOpen: false,
  shownRunId: null,
  compareIds: [],
  comparing: false,
  scheduleFor: null,
};

export const useRunPanelsStore = create<RunPanelsStore>()((set) => ({
  ...closed,
  toggleRuns: () => set((s) => ({ runsOpen: !s.runsOpen })),
  setRunsOpen: (runsOpen) => set({ runsOpen }),
  showRun: (shownRunId) => set({ shownRunId, comparing: false }),
  toggleCompare: (runId) =>
    set((s) => {
      const compareIds = s.compareIds.includes(runId)
        ? s.compareIds.filter((id) => id !== runId)
        : [...s.compareIds, runId].slice(-2);
      return { compareIds, comparing: s.comparing && compareIds.length === 2 };
    }),
  setComparing: (comparing) => set((s) => ({ comparing: comparing && s.compareIds.length === 2 })),
  openSchedule: (node) => set({ scheduleFor: node ?? "" }),
  closeSchedule: () => set({ scheduleFor: null }),
  reset: () => set(closed),
}));
