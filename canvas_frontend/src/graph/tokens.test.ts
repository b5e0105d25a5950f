// The theme tokens of src/styles.css stay readable in both themes: every text colour on every
// background it is drawn on reaches WCAG AA (4.5:1), and status colours used for borders and
// markers reach 3:1 against the surfaces they sit on. A token edit that breaks a pair fails here.
import { describe, expect, it } from "vitest";
import { contrastRatio, readTokens } from "./theme";

// Read from disk: vitest hands CSS imports (even ?raw) to tests as empty strings, and the app's
// tsconfig has no Node types, so node:fs comes in untyped through a variable specifier.
const fsModule = "node:fs";
const fs = (await import(/* @vite-ignore */ fsModule)) as {
  readFileSync(path: URL, encoding: "utf8"): string;
};
const css = fs.readFileSync(new URL("../styles.css", import.meta.url), "utf8");

const TEXT_ON: Record<string, string[]> = {
  "--text": [
    "--bg",
    "--surface",
    "--surface-2",
    "--border-soft",
    "--warn-bg",
    "--ok-bg",
    "--running-bg",
    "--danger-bg",
    "--info-bg",
  ],
  "--muted": ["--bg", "--surface", "--surface-2", "--border-soft"],
  "--danger": ["--bg", "--surface", "--surface-2", "--danger-bg"],
  "--danger-text": ["--danger-bg"],
  "--info-text": ["--info-bg"],
  "--on-accent": ["--accent", "--danger-strong"],
  "--accent": ["--bg", "--surface", "--surface-2"],
};

const UI_ON: Record<string, string[]> = {
  "--accent": ["--surface", "--bg"],
  "--ok": ["--surface"],
  "--warn": ["--surface"],
  "--danger-strong": ["--surface"],
};

const THEMES = { light: ":root", dark: ':root[data-theme="dark"]' };

function pairs(table: Record<string, string[]>): [string, string][] {
  return Object.entries(table).flatMap(([fg, bgs]) => bgs.map((bg): [string, string] => [fg, bg]));
}

describe.each(Object.entries(THEMES))("the %s theme", (_name, selector) => {
  const light = readTokens(css, ":root");
  // the dark block only overrides; anything it leaves out comes from :root
  const tokens = { ...light, ...readTokens(css, selector) };

  function ratio(fg: string, bg: string): number {
    const a = tokens[fg];
    const b = tokens[bg];
    if (!a || !b) throw new Error(`${selector} has no ${a ? bg : fg} token`);
    return contrastRatio(a, b);
  }

  it.each(pairs(TEXT_ON))("text %s on %s reaches 4.5:1", (fg, bg) => {
    expect(ratio(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(pairs(UI_ON))("status colour %s on %s reaches 3:1", (fg, bg) => {
    expect(ratio(fg, bg)).toBeGreaterThanOrEqual(3);
  });
});
