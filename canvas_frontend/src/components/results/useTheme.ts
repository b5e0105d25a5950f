/** The app's theme as <html data-theme> says ("light" unless "dark"), following its changes. */

import { useSyncExternalStore } from "react";

function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}

function currentTheme(): string {
  return document.documentElement.dataset.theme ?? "light";
}

/** The theme ("light" or "dark") from <html data-theme>, re-rendering when it changes. */
export function useTheme(): string {
  return useSyncExternalStore(subscribeTheme, currentTheme, () => "light");
}
