import { describe, expect, it } from "vitest";
import {
  awaitingSizes,
  boundsOf,
  firstViewport,
  FIRST_VIEW_MAX_ZOOM,
  isSimpleLook,
  LEGIBLE_TEXT_PX,
  LEGIBLE_ZOOM,
  NODE_TITLE_PX,
  SIMPLE_LOOK_ZOOM,
  VIEW_MARGIN_PX,
} from "./viewport";

const PANE = { width: 1000, height: 500 };

/** Where a flow point lands on the screen under a viewport. */
function screen(v: { x: number; y: number; zoom: number }, x: number, y: number) {
  return { x: x * v.zoom + v.x, y: y * v.zoom + v.y };
}

describe("legibility constants", () => {
  it("keeps node titles readable at the legible zoom", () => {
    expect(NODE_TITLE_PX * LEGIBLE_ZOOM).toBeGreaterThanOrEqual(LEGIBLE_TEXT_PX);
    expect(SIMPLE_LOOK_ZOOM).toBeLessThan(LEGIBLE_ZOOM);
  });

  it("switches to the simple look below its zoom only", () => {
    expect(isSimpleLook(SIMPLE_LOOK_ZOOM - 0.01)).toBe(true);
    expect(isSimpleLook(SIMPLE_LOOK_ZOOM)).toBe(false);
    expect(isSimpleLook(1)).toBe(false);
  });
});

describe("boundsOf", () => {
  it("is the box around every box", () => {
    expect(
      boundsOf([
        { x: 0, y: 10, width: 100, height: 50 },
        { x: -40, y: 200, width: 30, height: 30 },
      ]),
    ).toEqual({ x: -40, y: 10, width: 140, height: 220 });
  });

  it("is null without boxes", () => {
    expect(boundsOf([])).toBeNull();
  });
});

describe("firstViewport", () => {
  it("fits and centres a graph that fits at a legible zoom", () => {
    const bounds = { x: 100, y: 50, width: 1000, height: 200 };
    const v = firstViewport(bounds, PANE);
    expect(v).not.toBeNull();
    if (!v) return;
    expect(v.zoom).toBeCloseTo((PANE.width - 2 * VIEW_MARGIN_PX) / 1000);
    expect(v.zoom).toBeGreaterThanOrEqual(LEGIBLE_ZOOM);
    const topLeft = screen(v, 100, 50);
    const bottomRight = screen(v, 1100, 250);
    expect(topLeft.x).toBeCloseTo(VIEW_MARGIN_PX);
    expect(PANE.width - bottomRight.x).toBeCloseTo(VIEW_MARGIN_PX);
    expect(topLeft.y).toBeCloseTo(PANE.height - bottomRight.y); // centred vertically
  });

  it("never zooms in past 100 %", () => {
    const v = firstViewport({ x: 0, y: 0, width: 200, height: 80 }, PANE);
    expect(v?.zoom).toBe(FIRST_VIEW_MAX_ZOOM);
    // a small graph sits in the middle
    if (v) expect(screen(v, 100, 40)).toEqual({ x: 500, y: 250 });
  });

  it("starts a wide graph at its left edge at the legible zoom, centred vertically", () => {
    const v = firstViewport({ x: 0, y: 80, width: 2700, height: 300 }, PANE);
    expect(v?.zoom).toBe(LEGIBLE_ZOOM);
    if (!v) return;
    expect(screen(v, 0, 0).x).toBeCloseTo(VIEW_MARGIN_PX);
    const top = screen(v, 0, 80).y;
    const bottom = screen(v, 0, 380).y;
    expect(top).toBeCloseTo(PANE.height - bottom);
  });

  it("starts a graph too big both ways at its top-left corner", () => {
    const v = firstViewport({ x: -300, y: -60, width: 2700, height: 1200 }, PANE);
    expect(v?.zoom).toBe(LEGIBLE_ZOOM);
    if (v) expect(screen(v, -300, -60)).toEqual({ x: VIEW_MARGIN_PX, y: VIEW_MARGIN_PX });
  });

  it("fits a single column by its height", () => {
    const v = firstViewport({ x: 0, y: 0, width: 240, height: 560 }, PANE);
    expect(v?.zoom).toBeCloseTo((PANE.height - 2 * VIEW_MARGIN_PX) / 560);
  });

  it("handles a graph with no extent (one point)", () => {
    const v = firstViewport({ x: 10, y: 10, width: 0, height: 0 }, PANE);
    expect(v).toEqual({ x: 490, y: 240, zoom: FIRST_VIEW_MAX_ZOOM });
  });

  it("waits for a pane with a size", () => {
    expect(firstViewport({ x: 0, y: 0, width: 10, height: 10 }, { width: 0, height: 0 })).toBe(
      null,
    );
  });
});

describe("awaitingSizes", () => {
  const start = { x: 0, y: 0, zoom: 1 };

  it("waits for an unmeasured node in view", () => {
    expect(awaitingSizes([{ x: 100, y: 100, measured: false }], start, PANE)).toBe(true);
    expect(awaitingSizes([{ x: 100, y: 100, measured: true }], start, PANE)).toBe(false);
  });

  it("does not wait for nodes out of view, which are not drawn", () => {
    const far = { x: 5000, y: 100, measured: false };
    expect(awaitingSizes([far], start, PANE)).toBe(false);
    // ...unless the view is there
    expect(awaitingSizes([far], { x: -4800, y: 0, zoom: 1 }, PANE)).toBe(true);
    expect(awaitingSizes([far], { x: 0, y: 0, zoom: 0.1 }, PANE)).toBe(true);
  });

  it("has nothing to wait for without nodes", () => {
    expect(awaitingSizes([], start, PANE)).toBe(false);
  });
});
