import { describe, expect, it } from "vitest";
import { ARROW_KEYS, moveNodesOp, NUDGE_PAUSE_MS, NudgeBurst } from "./nudge";
import type { GraphDoc, Position } from "./ops";
import type { SyncClock } from "./syncSession";

/** Timers that run only when the test moves the time on. */
class FakeClock implements SyncClock {
  private now = 0;
  private timers: { at: number; run: () => void }[] = [];

  later(run: () => void, ms: number): () => void {
    const timer = { at: this.now + ms, run };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  advance(ms: number): void {
    this.now += ms;
    const due = this.timers.filter((t) => t.at <= this.now);
    this.timers = this.timers.filter((t) => t.at > this.now);
    for (const t of due) t.run();
  }

  get waiting(): number {
    return this.timers.length;
  }
}

function doc(...nodes: [string, number, number][]): GraphDoc {
  return {
    name: "w",
    description: "",
    nodes: nodes.map(([id, x, y]) => ({
      id,
      type: "transforms.sort",
      type_version: 1,
      params: {},
      position: { x, y },
      label: id,
    })),
    edges: [],
    groups: [],
  };
}

function burst() {
  const clock = new FakeClock();
  const saved: Map<string, Position>[] = [];
  const nudges = new NudgeBurst(clock, (positions) => saved.push(new Map(positions)));
  return { clock, saved, nudges };
}

describe("moveNodesOp", () => {
  it("moves only the document nodes whose rounded position changes", () => {
    const op = moveNodesOp(
      doc(["a", 0, 0], ["b", 100, 0], ["c", 200, 0]),
      new Map([
        ["a", { x: 20.4, y: -0.2 }],
        ["b", { x: 100.3, y: 0 }], // rounds back to where it is
        ["group:g1", { x: 5, y: 5 }], // a frame, not a document node
      ]),
    );
    expect(op).toEqual({ op: "move_nodes", positions: { a: { x: 20, y: 0 } } });
  });

  it("is null when nothing moves", () => {
    expect(moveNodesOp(doc(["a", 0, 0]), new Map([["a", { x: 0, y: 0 }]]))).toBeNull();
    expect(moveNodesOp(doc(["a", 0, 0]), new Map())).toBeNull();
  });
});

describe("NudgeBurst", () => {
  it("saves a burst of presses once, with each node's last position, after the pause", () => {
    const { clock, saved, nudges } = burst();
    nudges.movedTo([["a", { x: 20, y: 0 }]]);
    clock.advance(NUDGE_PAUSE_MS - 100);
    nudges.touch(); // the key is released
    nudges.movedTo([
      ["a", { x: 40, y: 0 }],
      ["b", { x: 120, y: 20 }],
    ]);
    clock.advance(NUDGE_PAUSE_MS - 1);
    expect(saved).toEqual([]);
    expect(nudges.pending).toBe(true);
    clock.advance(1);
    expect(saved).toEqual([
      new Map([
        ["a", { x: 40, y: 0 }],
        ["b", { x: 120, y: 20 }],
      ]),
    ]);
    expect(nudges.pending).toBe(false);
    expect(clock.waiting).toBe(0);
  });

  it("starts a new burst after the pause", () => {
    const { clock, saved, nudges } = burst();
    nudges.movedTo([["a", { x: 20, y: 0 }]]);
    clock.advance(NUDGE_PAUSE_MS);
    nudges.movedTo([["a", { x: 40, y: 0 }]]);
    clock.advance(NUDGE_PAUSE_MS);
    expect(saved.map((m) => m.get("a"))).toEqual([
      { x: 20, y: 0 },
      { x: 40, y: 0 },
    ]);
  });

  it("saves at once on flush, and the pause then saves nothing more", () => {
    const { clock, saved, nudges } = burst();
    nudges.movedTo([["a", { x: 20, y: 0 }]]);
    nudges.flush();
    expect(saved).toHaveLength(1);
    expect(clock.waiting).toBe(0);
    clock.advance(NUDGE_PAUSE_MS * 2);
    nudges.flush();
    expect(saved).toHaveLength(1);
  });

  it("is empty before saving, so a save that flushes again saves nothing twice", () => {
    const clock = new FakeClock();
    let saves = 0;
    const nudges: NudgeBurst = new NudgeBurst(clock, () => {
      saves += 1;
      nudges.flush(); // what commit does before applying an edit
    });
    nudges.movedTo([["a", { x: 20, y: 0 }]]);
    nudges.flush();
    expect(saves).toBe(1);
  });

  it("a key event without a pending move starts no timer", () => {
    const { clock, saved, nudges } = burst();
    nudges.touch();
    expect(clock.waiting).toBe(0);
    clock.advance(NUDGE_PAUSE_MS);
    expect(saved).toEqual([]);
  });

  it("drop forgets the burst", () => {
    const { clock, saved, nudges } = burst();
    nudges.movedTo([["a", { x: 20, y: 0 }]]);
    nudges.drop();
    clock.advance(NUDGE_PAUSE_MS);
    expect(saved).toEqual([]);
    expect(nudges.pending).toBe(false);
  });

  it("keeps a copy of the positions it is given", () => {
    const { saved, nudges } = burst();
    const position = { x: 20, y: 0 };
    nudges.movedTo([["a", position]]);
    position.x = 999;
    nudges.flush();
    expect(saved[0]?.get("a")).toEqual({ x: 20, y: 0 });
  });

  it("knows the arrow keys", () => {
    expect([...ARROW_KEYS].sort()).toEqual(["ArrowDown", "ArrowLeft", "ArrowRight", "ArrowUp"]);
    expect(ARROW_KEYS.has("a")).toBe(false);
  });
});
