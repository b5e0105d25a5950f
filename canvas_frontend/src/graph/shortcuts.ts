/**
 * The canvas's keyboard shortcuts as data: the key handler matches events against this table and
 * the help overlay lists it, so the two cannot disagree. Combos are written "Mod+Shift+Z", where
 * Mod is Ctrl (⌘ on a Mac); a digit matches by its physical key, so "Shift+1" works on any layout.
 */

export type ShortcutId =
  | "undo"
  | "redo"
  | "copy"
  | "paste"
  | "duplicate"
  | "delete"
  | "selectAll"
  | "group"
  | "ungroup"
  | "fitView"
  | "quickAdd"
  | "tidyUp"
  | "run"
  | "help"
  | "connectTo"
  | "focusNext"
  | "selectFocused"
  | "moveSelected";

export interface Shortcut {
  id: ShortcutId;
  label: string;
  keys: readonly string[];
  /** How to do it with the mouse, for the overlay. */
  mouse?: string;
  /** Handled by React Flow itself (listed, never matched here). */
  native?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: "undo", label: "Undo", keys: ["Mod+Z"] },
  { id: "redo", label: "Redo", keys: ["Mod+Shift+Z", "Mod+Y"] },
  { id: "copy", label: "Copy the selected nodes", keys: ["Mod+C"] },
  { id: "paste", label: "Paste at the mouse pointer", keys: ["Mod+V"] },
  { id: "duplicate", label: "Duplicate the selected nodes", keys: ["Mod+D"] },
  {
    id: "delete",
    label: "Delete the selection",
    keys: ["Delete", "Backspace"],
    native: true,
  },
  {
    id: "selectAll",
    label: "Select all nodes",
    keys: ["Mod+A"],
    mouse: "Shift+drag a box · Shift+click to add",
  },
  { id: "group", label: "Group the selected nodes", keys: ["Mod+G"] },
  { id: "ungroup", label: "Ungroup the selected nodes", keys: ["Mod+Shift+G"] },
  { id: "fitView", label: "Fit the view to the workflow", keys: ["Shift+1", "F"] },
  {
    id: "quickAdd",
    label: "Add a node at the mouse pointer",
    keys: ["Shift+A"],
    mouse: "Double-click the canvas · drop a connection on empty canvas",
  },
  { id: "tidyUp", label: "Tidy up (auto-layout)", keys: ["Shift+Alt+T"] },
  { id: "run", label: "Run the stale nodes", keys: ["Mod+Enter"] },
  {
    id: "connectTo",
    label: "Connect the focused or selected node to… (pick from a list)",
    keys: ["C"],
    mouse: "Drag from a port to another",
  },
  {
    id: "focusNext",
    label: "Move the focus to the next node or edge (“Skip to canvas” is the first Tab stop)",
    keys: ["Tab", "Shift+Tab"],
    native: true,
  },
  {
    id: "selectFocused",
    label: "Select the focused node or edge",
    keys: ["Enter", "Space"],
    native: true,
  },
  { id: "moveSelected", label: "Move the selected nodes", keys: ["Arrow keys"], native: true },
  { id: "help", label: "Show these shortcuts", keys: ["?"] },
];

/** The parts of a KeyboardEvent the matcher reads. */
export interface KeyInput {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

interface Combo {
  key: string;
  mod: boolean;
  shift: boolean;
  alt: boolean;
}

export function parseCombo(text: string): Combo {
  const parts = text.split("+");
  const key = parts.at(-1) ?? "";
  const mods = new Set(parts.slice(0, -1));
  return { key, mod: mods.has("Mod"), shift: mods.has("Shift"), alt: mods.has("Alt") };
}

function keyMatches(combo: Combo, input: KeyInput): boolean {
  if (/^[0-9]$/.test(combo.key))
    return input.code === `Digit${combo.key}` || input.key === combo.key;
  if (combo.key.length === 1 && /[a-z]/i.test(combo.key)) {
    return (
      input.key.toLowerCase() === combo.key.toLowerCase() ||
      input.code === `Key${combo.key.toUpperCase()}`
    );
  }
  return input.key === combo.key;
}

/** Whether the event is this combo. Symbols such as "?" ignore Shift (it makes them). */
export function comboMatches(text: string, input: KeyInput): boolean {
  const combo = parseCombo(text);
  const symbol = combo.key.length === 1 && !/[a-z0-9]/i.test(combo.key);
  if ((input.ctrlKey || input.metaKey) !== combo.mod) return false;
  if (input.altKey !== combo.alt) return false;
  if (!symbol && input.shiftKey !== combo.shift) return false;
  return keyMatches(combo, input);
}

/** The shortcut the event triggers (never a native one), or null. */
export function matchShortcut(
  input: KeyInput,
  table: readonly Shortcut[] = SHORTCUTS,
): ShortcutId | null {
  for (const shortcut of table) {
    if (shortcut.native) continue;
    if (shortcut.keys.some((keys) => comboMatches(keys, input))) return shortcut.id;
  }
  return null;
}

/** A combo as the user reads it: "Ctrl+Shift+Z", or "⌘+Shift+Z" on a Mac. */
export function formatCombo(text: string, mac: boolean): string {
  const combo = parseCombo(text);
  const mod = mac ? "⌘" : "Ctrl";
  return [
    ...(combo.mod ? [mod] : []),
    ...(combo.shift ? ["Shift"] : []),
    ...(combo.alt ? [mac ? "⌥" : "Alt"] : []),
    combo.key.length === 1 ? combo.key.toUpperCase() : combo.key,
  ].join("+");
}

/** Whether the platform uses ⌘ for shortcuts. */
export function isMacPlatform(platform: string): boolean {
  return /mac|iphone|ipad|ipod/i.test(platform);
}
