import { describe, expect, it } from "vitest";
import {
  contrastRatio,
  nextPreference,
  parseHexColor,
  parsePreference,
  readTokens,
  resolveTheme,
} from "./theme";

describe("theme preference", () => {
  it("resolves system to the operating system's setting and keeps explicit choices", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
  });

  it("cycles light, dark, system and back", () => {
    expect(nextPreference("light")).toBe("dark");
    expect(nextPreference("dark")).toBe("system");
    expect(nextPreference("system")).toBe("light");
  });

  it("reads an unknown or missing stored value as system", () => {
    expect(parsePreference("dark")).toBe("dark");
    expect(parsePreference("purple")).toBe("system");
    expect(parsePreference(null)).toBe("system");
  });
});

describe("contrast", () => {
  it("matches the WCAG reference values", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#fff", "#fff")).toBeCloseTo(1, 5);
    // #767676 on white is the classic lightest grey that passes AA (4.54:1)
    expect(contrastRatio("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
    expect(contrastRatio("#ffffff", "#767676")).toBeCloseTo(4.54, 2);
  });

  it("refuses colours it cannot read instead of guessing", () => {
    expect(parseHexColor("#0a0B0c")).toEqual({ r: 10, g: 11, b: 12 });
    expect(() => parseHexColor("rgb(0, 0, 0)")).toThrow(/not a #rgb or #rrggbb colour/);
  });

  it("reads the custom properties of one exact selector", () => {
    const css = `:root { --a: #fff; /* c */ --b:#000 }\n:root[data-theme="dark"] { --a: #111; }`;
    expect(readTokens(css, ":root")).toEqual({ "--a": "#fff", "--b": "#000" });
    expect(readTokens(css, ':root[data-theme="dark"]')).toEqual({ "--a": "#111" });
    expect(() => readTokens(css, ".x")).toThrow(/no CSS rule/);
  });
});
