/**
 * Live collaboration at a glance, for the toolbar's indicator: whether teammates' changes are
 * streaming in, how many of their batches were applied since the workflow was opened, and how
 * many of this user's edits are not saved yet. Pure state: components/useGraphCommit.ts and
 * useWorkflowChanges.ts feed it.
 */

import { create } from "zustand";

export type LiveConnection = "connecting" | "live" | "offline";

interface CollabStore {
  connection: LiveConnection;
  /** Teammates' batches applied to the open workflow since it was opened. */
  teammateEdits: number;
  /** This user's batches not confirmed by the server yet. */
  unsaved: number;
  /** Saving failed for a network reason and is being retried. */
  retrying: boolean;
  setConnection: (connection: LiveConnection) => void;
  countTeammateEdit: () => void;
  setUnsaved: (unsaved: number) => void;
  setRetrying: (retrying: boolean) => void;
  reset: () => void;
}

const initial = {
  connection: "connecting",
  teammateEdits: 0,
  unsaved: 0,
  retrying: false,
} as const;

export const useCollabStore = create<CollabStore>()((set) => ({
  ...initial,
  setConnection: (connection) => set({ connection }),
  countTeammateEdit: () => set((s) => ({ teammateEdits: s.teammateEdits + 1 })),
  setUnsaved: (unsaved) => set({ unsaved }),
  setRetrying: (retrying) => set({ retrying }),
  reset: () => set(initial),
}));
