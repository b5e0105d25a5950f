/**
 * Which help and keyboard popups of the canvas page are open: the first-visit tour
 * (Onboarding.tsx), the documentation of a node type (NodeDocs.tsx: "Learn more" in the palette,
 * the properties panel and the Help menu) and "Connect to…" for a node (ConnectTo.tsx: the C
 * shortcut). A store rather than props, so a button anywhere on the page opens them.
 */

import { create } from "zustand";

interface HelpStore {
  onboardingOpen: boolean;
  /** Whether the tour takes the focus: yes from the Help menu, not when it opens by itself. */
  onboardingFocus: boolean;
  /** The node type whose documentation is shown. */
  docsTypeId: string | null;
  /** The node "Connect to…" lists the connections of. */
  connectFrom: string | null;
  openOnboarding: (focus: boolean) => void;
  closeOnboarding: () => void;
  openDocs: (typeId: string) => void;
  closeDocs: () => void;
  openConnectTo: (nodeId: string) => void;
  closeConnectTo: () => void;
}

export const useHelpStore = create<HelpStore>()((set) => ({
  onboardingOpen: false,
  onboardingFocus: false,
  docsTypeId: null,
  connectFrom: null,
  openOnboarding: (focus) => set({ onboardingOpen: true, onboardingFocus: focus }),
  closeOnboarding: () => set({ onboardingOpen: false }),
  openDocs: (typeId) => set({ docsTypeId: typeId }),
  closeDocs: () => set({ docsTypeId: null }),
  openConnectTo: (nodeId) => set({ connectFrom: nodeId }),
  closeConnectTo: () => set({ connectFrom: null }),
}));
