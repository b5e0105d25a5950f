/**
 * The first-visit tour (pure): its three steps, and whether it opens by itself. It opens once,
 * the first time a browser opens a workflow; closing it (at any step) is remembered in
 * localStorage, and the Help menu opens it again. It never opens by itself in a browser driven by
 * automation (`navigator.webdriver`): a scripted session is not a first visit, and a card over
 * the canvas would get in the way of the scripts' clicks (the browser tests open it from the
 * Help menu when they test it).
 */

export const ONBOARDING_KEY = "mlcanvas.onboarding";
/** Bump to show a reworked tour once more to everyone. */
export const ONBOARDING_VERSION = "1";

export interface OnboardingStep {
  title: string;
  body: string;
  /** Where on the page the step points, in words (the card does not cover it). */
  where: string;
}

export const ONBOARDING_STEPS: readonly OnboardingStep[] = [
  {
    title: "Add nodes from the palette",
    body:
      "Drag a node from the palette onto the canvas, or press its “add” button (Enter): with a " +
      "node selected, the new one is wired to it and placed to its right. Double-click the " +
      "canvas or press Shift+A to search for one at the pointer.",
    where: "the palette, on the left",
  },
  {
    title: "Wire the ports",
    body:
      "Drag from an output (right side of a node) to an input (left side). The ports that fit " +
      "light up; over one that does not, the reason shows next to the pointer. From the " +
      "keyboard: select a node and press C to connect it.",
    where: "the ports on each node",
  },
  {
    title: "Run and inspect the results",
    body:
      "Press Run (Ctrl+Enter): only what changed runs again. Select a node to see its " +
      "parameters on the right and its results (rows, column statistics, charts, metrics) " +
      "below the canvas.",
    where: "Run, top right; results below the canvas",
  },
];

/** Whether the tour opens by itself: not seen in this browser, and not an automated browser. */
export function shouldAutoShow(stored: string | null, webdriver: boolean): boolean {
  return stored !== ONBOARDING_VERSION && !webdriver;
}

/** The storage's value for the key, or null when it cannot be read (private mode, disabled). */
export function readSeen(storage: Pick<Storage, "getItem"> | null): string | null {
  try {
    return storage?.getItem(ONBOARDING_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Remember that the tour was seen; false when the storage refused it (it then shows again). */
export function markSeen(storage: Pick<Storage, "setItem"> | null): boolean {
  try {
    storage?.setItem(ONBOARDING_KEY, ONBOARDING_VERSION);
    return storage !== null;
  } catch {
    return false;
  }
}
