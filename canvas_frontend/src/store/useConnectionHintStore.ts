/**
 * While a connection is being dragged: where it started and, per node, which of its ports it may
 * end on (graph/connectionHints.ts). Set once when the drag starts and cleared when it ends, so a
 * node reading its own entry re-renders twice per drag, never per pointer move.
 */

import { create } from "zustand";
import type { ConnectionStart, NodeHints } from "../graph/connectionHints";

interface ConnectionHintStore {
  start: ConnectionStart | null;
  hints: Readonly<Record<string, NodeHints>> | null;
  begin: (start: ConnectionStart, hints: Readonly<Record<string, NodeHints>>) => void;
  end: () => void;
}

export const useConnectionHintStore = create<ConnectionHintStore>()((set) => ({
  start: null,
  hints: null,
  begin: (start, hints) => set({ start, hints }),
  end: () => set({ start: null, hints: null }),
}));
