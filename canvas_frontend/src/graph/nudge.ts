/**
 * Moves saved as one `move_nodes` op, whether the nodes were dragged or nudged with the arrow
 * keys, and the key bursts that group nudges into one edit.
 *
 * React Flow moves the selected nodes by one grid step per arrow press (four with Shift) but
 * reports no end of the gesture, as it does for a drag. A burst is the presses with less than
 * NUDGE_PAUSE_MS between one key event (press or release) and the next; it is saved when that
 * pause is over, or at once when something else needs the document as the user sees it (another
 * edit, undo, redo, leaving the page). So holding a key, or tapping it a few times, is one saved
 * move and one undo step, as a drag is.
 */

import type { GraphDoc, GraphOp, Position } from "./ops";
import type { SyncClock } from "./syncSession";

/** The pause after the last arrow key event that ends a burst. */
export const NUDGE_PAUSE_MS = 500;

/** The keys React Flow moves the selection with. */
export const ARROW_KEYS: ReadonlySet<string> = new Set([
  "ArrowUp",
  "ArrowDown",
  "ArrowLeft",
  "ArrowRight",
]);

/** A coordinate rounded to a whole unit (never -0, which is not a position anyone wants). */
function whole(value: number): number {
  return Math.round(value) || 0;
}

/**
 * The op that moves the document's nodes to `wanted` positions (rounded to whole units); null
 * when none of them changes. Ids that are not document nodes (group frames) are left out.
 */
export function moveNodesOp(doc: GraphDoc, wanted: ReadonlyMap<string, Position>): GraphOp | null {
  const positions: Record<string, Position> = {};
  for (const node of doc.nodes) {
    const now = wanted.get(node.id);
    if (!now) continue;
    const x = whole(now.x);
    const y = whole(now.y);
    if (x !== node.position.x || y !== node.position.y) positions[node.id] = { x, y };
  }
  return Object.keys(positions).length > 0 ? { op: "move_nodes", positions } : null;
}

/**
 * One burst of arrow-key moves: where each nudged node is now, saved by `save` when the burst
 * ends. The positions are kept here, not re-read when saving, so a teammate's edit redrawing the
 * canvas in the middle of a burst cannot lose the user's move.
 */
export class NudgeBurst {
  private readonly clock: SyncClock;
  private readonly save: (positions: ReadonlyMap<string, Position>) => void;
  private nudged = new Map<string, Position>();
  private cancelPause: (() => void) | null = null;

  constructor(clock: SyncClock, save: (positions: ReadonlyMap<string, Position>) => void) {
    this.clock = clock;
    this.save = save;
  }

  /** Nodes not saved yet. */
  get pending(): boolean {
    return this.nudged.size > 0;
  }

  /** An arrow press moved these nodes to these positions. */
  movedTo(positions: Iterable<readonly [string, Position]>): void {
    for (const [id, position] of positions) this.nudged.set(id, { x: position.x, y: position.y });
    this.restartPause();
  }

  /** Another key event of the burst (a release, or a press that moved nothing). */
  touch(): void {
    this.restartPause();
  }

  /** Save the burst now (nothing happens when nothing is pending). */
  flush(): void {
    this.cancelPause?.();
    this.cancelPause = null;
    if (this.nudged.size === 0) return;
    const positions = this.nudged;
    this.nudged = new Map(); // before saving: the save may flush again (commit flushes first)
    this.save(positions);
  }

  /** Forget the burst without saving it (the workflow it belongs to is gone). */
  drop(): void {
    this.cancelPause?.();
    this.cancelPause = null;
    this.nudged = new Map();
  }

  private restartPause(): void {
    this.cancelPause?.();
    this.cancelPause =
      this.nudged.size > 0 ? this.clock.later(() => this.flush(), NUDGE_PAUSE_MS) : null;
  }
}
