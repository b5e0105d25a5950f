/**
 * Light, dark or system theme. The choice is kept in localStorage ("mlcanvas.theme"); the resolved
 * theme is written to `<html data-theme>` (the CSS tokens in styles.css switch on it) and
 * "system" follows `prefers-color-scheme` while the page is open. The DOM and storage are reached
 * only through `startTheme`, which App calls once.
 */

import { create } from "zustand";
import {
  nextPreference,
  parsePreference,
  resolveTheme,
  type ColorMode,
  type ThemePreference,
} from "../graph/theme";

export const THEME_KEY = "mlcanvas.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

interface ThemeStore {
  preference: ThemePreference;
  systemDark: boolean;
  setPreference: (preference: ThemePreference) => void;
  cycle: () => void;
  setSystemDark: (dark: boolean) => void;
}

function readStored(): ThemePreference {
  try {
    return parsePreference(globalThis.localStorage?.getItem(THEME_KEY));
  } catch {
    return "system"; // storage disabled (privacy mode)
  }
}

function systemPrefersDark(): boolean {
  return globalThis.matchMedia?.(DARK_QUERY).matches ?? false;
}

export const useThemeStore = create<ThemeStore>()((set) => ({
  preference: readStored(),
  systemDark: systemPrefersDark(),
  setPreference: (preference) => set({ preference }),
  cycle: () => set((s) => ({ preference: nextPreference(s.preference) })),
  setSystemDark: (systemDark) => set({ systemDark }),
}));

/** The theme shown, for React Flow's `colorMode` prop. */
export function useColorMode(): ColorMode {
  return useThemeStore((s) => resolveTheme(s.preference, s.systemDark));
}

export function useThemePreference(): ThemePreference {
  return useThemeStore((s) => s.preference);
}

function apply(preference: ThemePreference, systemDark: boolean): void {
  const root = globalThis.document?.documentElement;
  if (root) root.dataset.theme = resolveTheme(preference, systemDark);
}

let started = false;

/** Apply the theme now and keep `<html data-theme>`, localStorage and the OS setting in step. */
export function startTheme(): void {
  if (started) return;
  started = true;
  const initial = useThemeStore.getState();
  apply(initial.preference, initial.systemDark);
  useThemeStore.subscribe((s, before) => {
    apply(s.preference, s.systemDark);
    if (s.preference === before.preference) return;
    try {
      globalThis.localStorage?.setItem(THEME_KEY, s.preference);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  });
  globalThis
    .matchMedia?.(DARK_QUERY)
    .addEventListener("change", (e) => useThemeStore.getState().setSystemDark(e.matches));
}
