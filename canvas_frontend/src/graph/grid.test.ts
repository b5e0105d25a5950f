import { describe, expect, it } from "vitest";
import { GRID_SIZE, gridGap, MIN_LINE_SPACING, snapToGrid } from "./grid";

describe("gridGap", () => {
  it("is the snap grid when zoomed in enough", () => {
    expect(gridGap(1)).toBe(GRID_SIZE);
    expect(gridGap(2)).toBe(GRID_SIZE);
  });

  it("doubles as the view zooms out, keeping lines apart on screen", () => {
    expect(gridGap(0.5)).toBe(40);
    expect(gridGap(0.1)).toBe(160);
    for (const zoom of [0.05, 0.1, 0.17, 0.3, 0.55, 0.79, 1, 1.5]) {
      const spacing = gridGap(zoom) * zoom;
      expect(spacing).toBeGreaterThanOrEqual(MIN_LINE_SPACING);
      // never coarser than needed: half the gap would be too dense (or is below the grid)
      if (gridGap(zoom) > GRID_SIZE) expect(spacing / 2).toBeLessThan(MIN_LINE_SPACING);
    }
  });

  it("survives a zero or broken zoom", () => {
    expect(gridGap(0)).toBe(GRID_SIZE);
    expect(gridGap(Number.NaN)).toBe(GRID_SIZE);
  });
});

describe("snapToGrid", () => {
  it("rounds to the nearest grid point", () => {
    expect(snapToGrid({ x: 29, y: -11 })).toEqual({ x: 20, y: -20 });
    expect(snapToGrid({ x: 31, y: 10 })).toEqual({ x: 40, y: 20 });
  });
});
