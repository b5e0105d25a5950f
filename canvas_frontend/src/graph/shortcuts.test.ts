import { describe, expect, it } from "vitest";
import {
  comboMatches,
  formatCombo,
  isMacPlatform,
  matchShortcut,
  parseCombo,
  SHORTCUTS,
  type KeyInput,
} from "./shortcuts";

function key(k: string, mods: Partial<KeyInput> = {}): KeyInput {
  return {
    key: k,
    code: /^[a-z]$/i.test(k) ? `Key${k.toUpperCase()}` : "",
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...mods,
  };
}

describe("matchShortcut", () => {
  it("matches Ctrl and ⌘ alike, and tells undo from redo by Shift", () => {
    expect(matchShortcut(key("z", { ctrlKey: true }))).toBe("undo");
    expect(matchShortcut(key("z", { metaKey: true }))).toBe("undo");
    expect(matchShortcut(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(matchShortcut(key("y", { ctrlKey: true }))).toBe("redo");
  });

  it("maps every editing shortcut", () => {
    expect(matchShortcut(key("c", { ctrlKey: true }))).toBe("copy");
    expect(matchShortcut(key("v", { metaKey: true }))).toBe("paste");
    expect(matchShortcut(key("d", { ctrlKey: true }))).toBe("duplicate");
    expect(matchShortcut(key("a", { ctrlKey: true }))).toBe("selectAll");
    expect(matchShortcut(key("g", { ctrlKey: true }))).toBe("group");
    expect(matchShortcut(key("G", { ctrlKey: true, shiftKey: true }))).toBe("ungroup");
    expect(matchShortcut(key("A", { shiftKey: true }))).toBe("quickAdd");
    expect(matchShortcut(key("T", { shiftKey: true, altKey: true }))).toBe("tidyUp");
    expect(matchShortcut(key("Enter", { ctrlKey: true }))).toBe("run");
    expect(matchShortcut(key("f"))).toBe("fitView");
    expect(matchShortcut(key("c"))).toBe("connectTo");
  });

  it("matches Shift+1 by the physical key, whatever character the layout makes", () => {
    expect(matchShortcut({ ...key("!", { shiftKey: true }), code: "Digit1" })).toBe("fitView");
    expect(matchShortcut({ ...key("1"), code: "Digit1" })).toBeNull();
  });

  it("matches ? with the Shift that types it", () => {
    expect(matchShortcut(key("?", { shiftKey: true }))).toBe("help");
    expect(matchShortcut(key("?", { ctrlKey: true, shiftKey: true }))).toBeNull();
  });

  it("leaves plain letters, extra modifiers and native keys alone", () => {
    expect(matchShortcut(key("x"))).toBeNull();
    expect(matchShortcut(key("c", { ctrlKey: true, altKey: true }))).toBeNull();
    expect(matchShortcut(key("C", { shiftKey: true }))).toBeNull();
    expect(matchShortcut(key("f", { ctrlKey: true }))).toBeNull();
    expect(matchShortcut(key("Delete"))).toBeNull(); // React Flow deletes
  });

  it("matches letters by their physical key on other layouts", () => {
    expect(comboMatches("Mod+Z", { ...key("я", { ctrlKey: true }), code: "KeyZ" })).toBe(true);
  });
});

describe("the table", () => {
  it("has one entry per id and a key for each", () => {
    const ids = SHORTCUTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of SHORTCUTS) expect(s.keys.length).toBeGreaterThan(0);
  });

  it("formats combos for the platform", () => {
    expect(formatCombo("Mod+Shift+z", false)).toBe("Ctrl+Shift+Z");
    expect(formatCombo("Mod+Shift+z", true)).toBe("⌘+Shift+Z");
    expect(formatCombo("Shift+Alt+T", true)).toBe("Shift+⌥+T");
    expect(formatCombo("?", false)).toBe("?");
    expect(parseCombo("Mod+Enter")).toEqual({ key: "Enter", mod: true, shift: false, alt: false });
    expect(isMacPlatform("MacIntel")).toBe(true);
    expect(isMacPlatform("Linux x86_64")).toBe(false);
  });
});
