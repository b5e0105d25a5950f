/**
 * The canvas grid: nodes snap to SNAP_GRID when dragged or added. The drawn grid keeps its lines
 * at least MIN_LINE_SPACING screen pixels apart by doubling its gap as the view zooms out, so it
 * never draws more lines than fit the screen at that spacing (a fixed 20 px pattern at zoom 0.1
 * is a line every 2 px: the pattern is what makes a background expensive to zoom).
 */

import type { Position } from "./ops";

export const GRID_SIZE = 20;
export const SNAP_GRID: [number, number] = [GRID_SIZE, GRID_SIZE];
export const MIN_LINE_SPACING = 16;

/** The gap, in flow units, between drawn grid lines at `zoom`: GRID_SIZE times a power of 2. */
export function gridGap(zoom: number): number {
  let gap = GRID_SIZE;
  if (!(zoom > 0)) return gap;
  while (gap * zoom < MIN_LINE_SPACING) gap *= 2;
  return gap;
}

/** A position on the snap grid. */
export function snapToGrid(position: Position): Position {
  return {
    x: Math.round(position.x / GRID_SIZE) * GRID_SIZE,
    y: Math.round(position.y / GRID_SIZE) * GRID_SIZE,
  };
}
