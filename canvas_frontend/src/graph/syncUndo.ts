/**
 * Which undo steps may still be undone while teammates edit the same workflow. Each step of this
 * user's history is noted with the parts of the document it changed (changeKeys.ts); when a
 * teammate's batch changes one of those parts, the step is blocked with the reason, so undo and
 * redo refuse it instead of reverting the teammate's work. Keyed by the history's own step
 * objects, so the notes go away with the steps.
 */

import { nodeOfKey, overlappingKeys } from "./changeKeys";
import type { Batch, HistoryState } from "./history";
import type { GraphDoc } from "./ops";

export class UndoGuard {
  private readonly touched = new WeakMap<Batch, ReadonlySet<string>>();
  private readonly blocked = new WeakMap<Batch, string>();

  /** Note the parts of the document `step` changed when it was applied. */
  note(step: Batch, keys: ReadonlySet<string>): void {
    this.touched.set(step, keys);
  }

  /** Block the steps of `history` that touch what a teammate changed (`doc` names the node). */
  blockTouched(history: HistoryState, changed: ReadonlySet<string>, doc: GraphDoc): void {
    if (changed.size === 0) return;
    for (const step of [...history.past, ...history.future]) {
      const keys = this.touched.get(step);
      if (!keys || this.blocked.has(step)) continue;
      const hit = overlappingKeys(keys, changed)[0];
      if (hit === undefined) continue;
      const nodeId = nodeOfKey(hit);
      const label = nodeId ? doc.nodes.find((n) => n.id === nodeId)?.label || nodeId : null;
      this.blocked.set(
        step,
        `a teammate has changed ${label ? `'${label}'` : "the same part"} since`,
      );
    }
  }

  /** Why `step` may no longer be undone or redone; undefined while it may. */
  reason(step: Batch): string | undefined {
    return this.blocked.get(step);
  }
}
