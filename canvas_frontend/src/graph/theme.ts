/**
 * Theme choice and colour contrast, without React or the DOM: which theme a preference resolves
 * to, the order the toggle cycles through, reading a stored preference, and the WCAG 2 contrast
 * ratio of two colours (used by the test that keeps the CSS tokens readable in both themes).
 */

export type ThemePreference = "light" | "dark" | "system";
export type ColorMode = "light" | "dark";

export const THEME_PREFERENCES: readonly ThemePreference[] = ["light", "dark", "system"];

/** The colours actually shown: "system" follows the operating system's dark setting. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): ColorMode {
  if (preference === "system") return systemDark ? "dark" : "light";
  return preference;
}

/** The toggle's next choice: light, dark, system, light... */
export function nextPreference(preference: ThemePreference): ThemePreference {
  const at = THEME_PREFERENCES.indexOf(preference);
  return THEME_PREFERENCES[(at + 1) % THEME_PREFERENCES.length] ?? "light";
}

/** A stored value as a preference; anything unknown (or nothing) means "system". */
export function parsePreference(stored: string | null | undefined): ThemePreference {
  return THEME_PREFERENCES.find((p) => p === stored) ?? "system";
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** `#rgb` or `#rrggbb` (the only forms the tokens use); throws on anything else. */
export function parseHexColor(text: string): Rgb {
  const hex = text.trim().toLowerCase();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(hex);
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(hex);
  const parts = short ? short.slice(1).map((c) => c + c) : long?.slice(1);
  if (!parts || parts.length !== 3) {
    throw new Error(`'${text}' is not a #rgb or #rrggbb colour`);
  }
  const [r, g, b] = parts.map((p) => parseInt(p, 16)) as [number, number, number];
  return { r, g, b };
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance(color: Rgb): number {
  return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b);
}

/** WCAG 2 contrast ratio of two colours, 1 to 21 (AA asks 4.5 for text, 3 for UI parts). */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(parseHexColor(a));
  const lb = relativeLuminance(parseHexColor(b));
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The custom properties (`--name: value;`) declared in the first CSS rule whose selector is
 * exactly `selector`, e.g. `:root` or `:root[data-theme="dark"]`.
 */
export function readTokens(css: string, selector: string): Record<string, string> {
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const rule = /([^{}]+)\{([^{}]*)\}/g;
  for (let match = rule.exec(withoutComments); match; match = rule.exec(withoutComments)) {
    if (match[1]?.trim() !== selector) continue;
    const tokens: Record<string, string> = {};
    for (const declaration of (match[2] ?? "").split(";")) {
      const token = /^\s*(--[\w-]+)\s*:\s*(.+?)\s*$/.exec(declaration);
      if (token?.[1] && token[2]) tokens[token[1]] = token[2];
    }
    return tokens;
  }
  throw new Error(`no CSS rule with the selector ${selector}`);
}
