/**
 * What the canvas shows first, and when it is too far out to read. Pure: boxes and pane sizes in,
 * React Flow viewports ({x, y, zoom}: screen = flow * zoom + offset) out.
 *
 * Legibility is measured on node titles: NODE_TITLE_PX is their font size (styles.css
 * `.node-title`) and LEGIBLE_TEXT_PX the smallest on-screen size we call readable, so a title
 * stays readable down to LEGIBLE_ZOOM = 11 / 15 ≈ 0.73, rounded up to 0.75. Opening a
 * workflow fits it into the pane, but never below LEGIBLE_ZOOM: a graph that does not fit at that
 * zoom starts at its top-left corner (the sources, in a left-to-right pipeline) and the user
 * scrolls to the rest, which beats a whole graph of unreadable specks. Below SIMPLE_LOOK_ZOOM the
 * nodes switch to a simplified look (a large title and the status colour only, styles.css).
 */

import type { Box } from "./groups";

/** Node titles' font size in CSS px (styles.css `.node-title`). */
export const NODE_TITLE_PX = 15;
/** The smallest on-screen text size, in px, the canvas calls readable. */
export const LEGIBLE_TEXT_PX = 11;
/** The lowest zoom at which node titles are LEGIBLE_TEXT_PX or larger. */
export const LEGIBLE_ZOOM = 0.75;
/** Below this zoom nodes show only a large title and their status colour. */
export const SIMPLE_LOOK_ZOOM = 0.45;
/** Opening never zooms in past 100 %: one or two nodes would otherwise fill the screen. */
export const FIRST_VIEW_MAX_ZOOM = 1;
/** Room left around the graph, in screen px. */
export const VIEW_MARGIN_PX = 32;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface PaneSize {
  width: number;
  height: number;
}

/** The box around `boxes`; null when there are none. */
export function boundsOf(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const b of boxes) {
    left = Math.min(left, b.x);
    top = Math.min(top, b.y);
    right = Math.max(right, b.x + b.width);
    bottom = Math.max(bottom, b.y + b.height);
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** The offset that places [start, start + length) (flow units) in a pane of `size` px. */
function axisOffset(start: number, length: number, size: number, zoom: number): number {
  const drawn = length * zoom;
  // centred when it fits with its margins; else from its start (top or left), margin first
  return drawn + 2 * VIEW_MARGIN_PX <= size
    ? (size - drawn) / 2 - start * zoom
    : VIEW_MARGIN_PX - start * zoom;
}

/**
 * The first view of a graph whose nodes span `bounds` in a pane of `pane` px: the zoom that fits
 * it with a margin, at most FIRST_VIEW_MAX_ZOOM and at least LEGIBLE_ZOOM; each axis that fits is
 * centred, one that does not starts at the graph's top or left edge. Null when the pane has no
 * size yet.
 */
export function firstViewport(bounds: Box, pane: PaneSize): Viewport | null {
  if (!(pane.width > 0 && pane.height > 0)) return null;
  const room = (size: number) => Math.max(size - 2 * VIEW_MARGIN_PX, 1);
  const fit = Math.min(
    bounds.width > 0 ? room(pane.width) / bounds.width : Infinity,
    bounds.height > 0 ? room(pane.height) / bounds.height : Infinity,
  );
  const zoom = Math.max(LEGIBLE_ZOOM, Math.min(FIRST_VIEW_MAX_ZOOM, fit));
  return {
    x: axisOffset(bounds.x, bounds.width, pane.width, zoom),
    y: axisOffset(bounds.y, bounds.height, pane.height, zoom),
    zoom,
  };
}

/** Whether nodes at `zoom` are drawn in the simplified look. */
export function isSimpleLook(zoom: number): boolean {
  return zoom < SIMPLE_LOOK_ZOOM;
}

/** A node as the first view sees it: its top-left corner, and whether it has been measured. */
export interface PlacedNode {
  x: number;
  y: number;
  measured: boolean;
}

/**
 * Whether a node drawn at `view` in `pane` still waits for its measured size. Only nodes in view
 * are drawn (and so measured); an unmeasured node has no size yet, so it is drawn when its
 * corner is in view, as React Flow decides it.
 */
export function awaitingSizes(
  nodes: Iterable<PlacedNode>,
  view: Viewport,
  pane: PaneSize,
): boolean {
  const left = -view.x / view.zoom;
  const top = -view.y / view.zoom;
  const right = left + pane.width / view.zoom;
  const bottom = top + pane.height / view.zoom;
  for (const n of nodes) {
    if (!n.measured && n.x >= left && n.x <= right && n.y >= top && n.y <= bottom) return true;
  }
  return false;
}
