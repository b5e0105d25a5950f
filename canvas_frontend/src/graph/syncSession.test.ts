import { describe, expect, it, vi } from "vitest";
import { node, threeNodes } from "./collabFixtures";
import { emptyHistory, type HistoryState } from "./history";
import { applyOps, type GraphDoc, type GraphOp } from "./ops";
import type { RemoteBatch, SyncState } from "./sync";
import {
  FIRST_RETRY_MS,
  GAP_WAIT_MS,
  SyncSession,
  type ApplyAnswer,
  type FetchedWorkflow,
  type SyncClock,
  type SyncScreen,
} from "./syncSession";
import { UndoGuard } from "./syncUndo";

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
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.run();
    }
    this.now = until;
  }
}

interface Sent {
  base: number;
  ops: readonly GraphOp[];
  batchId: string;
  answer: (answer: ApplyAnswer<string>) => void;
  fail: (err: unknown) => void;
}

class Refusal extends Error {}

/** The API, answering each request when the test says so. */
class FakeServer {
  readonly sent: Sent[] = [];
  readonly fetches: ((workflow: FetchedWorkflow) => void)[] = [];
  validation = "validation";

  readonly api = {
    applyGraphOps: (_id: string, base: number, ops: readonly GraphOp[], batchId: string) =>
      new Promise<ApplyAnswer<string>>((answer, fail) => {
        this.sent.push({ base, ops, batchId, answer, fail });
      }),
    refusal: (err: unknown) => (err instanceof Refusal ? err.message : null),
    fetchWorkflow: () =>
      new Promise<FetchedWorkflow>((resolve) => {
        this.fetches.push(resolve);
      }),
    fetchValidation: () => Promise.resolve({ ok: true as const, value: this.validation }),
  };

  /** The request sent last, which must be the `count`th. */
  last(count: number): Sent {
    expect(this.sent).toHaveLength(count);
    const sent = this.sent.at(-1);
    if (!sent) throw new Error("nothing was sent");
    return sent;
  }
}

/** What the canvas would show. */
class FakeScreen implements SyncScreen<string> {
  workflowId: string | null = "wf";
  shown: SyncState | null = null;
  notices: string[] = [];
  historyState: HistoryState = emptyHistory;
  validation: string | null = null;
  retrying = false;
  teammateEdits = 0;

  shows(workflowId: string): boolean {
    return this.workflowId === workflowId;
  }
  show(state: SyncState): void {
    this.shown = state;
  }
  notify(_kind: "error" | "info", text: string): void {
    this.notices.push(text);
  }
  history(): HistoryState {
    return this.historyState;
  }
  setHistory(history: HistoryState): void {
    this.historyState = history;
  }
  setValidation(validation: string): void {
    this.validation = validation;
  }
  setRetrying(retrying: boolean): void {
    this.retrying = retrying;
  }
  countTeammateEdit(): void {
    this.teammateEdits += 1;
  }
}

function setup() {
  const clock = new FakeClock();
  const server = new FakeServer();
  const screen = new FakeScreen();
  let ids = 0;
  const session = new SyncSession("wf", 4, threeNodes(), {
    api: server.api,
    clock,
    screen,
    undoGuard: new UndoGuard(),
    newBatchId: () => `mine-${++ids}`,
  });
  return { clock, server, screen, session };
}

/** Let the answers given so far reach the session. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function teammate(revision: number, ops: readonly GraphOp[]): RemoteBatch {
  return { revision, author: "teammate", kind: "ops", ops, batchId: `theirs-${revision}` };
}

function applied(revision: number, rebasedOver: RemoteBatch[] = []): ApplyAnswer<string> {
  return { kind: "applied", revision, rebasedOver, validation: `validation@${revision}` };
}

function nodeOf(doc: GraphDoc | undefined, id: string) {
  return doc?.nodes.find((n) => n.id === id);
}

const moveA: GraphOp[] = [{ op: "move_nodes", positions: { a: { x: 50, y: 60 } } }];
const paramsB: GraphOp[] = [{ op: "update_params", node_id: "b", params: { x: 1 } }];
const labelC: GraphOp[] = [{ op: "set_label", node_id: "c", label: "Z" }];

describe("SyncSession", () => {
  it("shows an edit at once and sends queued edits one at a time, in order", async () => {
    const { server, screen, session } = setup();
    expect(session.edit(moveA)).toBe(true);
    expect(session.edit(paramsB)).toBe(true);
    expect(nodeOf(screen.shown?.doc, "a")?.position).toEqual({ x: 50, y: 60 });
    expect(nodeOf(screen.shown?.doc, "b")?.params).toEqual({ x: 1 });
    expect(screen.historyState.past).toHaveLength(2);

    const first = server.last(1); // the second waits for the first's answer
    expect(first).toMatchObject({ base: 4, ops: moveA, batchId: "mine-1" });
    first.answer(applied(5));
    await settle();

    const second = server.last(2); // on the revision the first got
    expect(second).toMatchObject({ base: 5, ops: paramsB, batchId: "mine-2" });
    expect(screen.validation).toBeNull(); // not while edits are still queued
    second.answer(applied(6));
    await settle();

    expect(session.state.revision).toBe(6);
    expect(session.state.pending).toEqual([]);
    expect(screen.shown?.revision).toBe(6);
    expect(screen.validation).toBe("validation@6");
    expect(screen.notices).toEqual([]);
  });

  it("takes a teammate's batch that arrives mid-flight once, from whichever source first", async () => {
    const { server, screen, session } = setup();
    session.edit(moveA);
    const theirs = teammate(5, paramsB);
    session.receive(theirs); // the subscription brings it while ours is on its way
    expect(screen.teammateEdits).toBe(1);
    expect(nodeOf(screen.shown?.doc, "a")?.position).toEqual({ x: 50, y: 60 });
    expect(nodeOf(screen.shown?.doc, "b")?.params).toEqual({ x: 1 });

    // the server rebased ours over it and says so too
    server.last(1).answer(applied(6, [theirs]));
    await settle();
    expect(screen.teammateEdits).toBe(1);
    expect(session.state.revision).toBe(6);
    expect(session.state.pending).toEqual([]);

    // ...and the subscription echoes both
    session.receive(theirs);
    session.receive({ revision: 6, author: "me", kind: "ops", ops: moveA, batchId: "mine-1" });
    expect(screen.teammateEdits).toBe(1);
    expect(session.state.revision).toBe(6);
    expect(nodeOf(session.state.confirmed, "a")?.position).toEqual({ x: 50, y: 60 });
    expect(nodeOf(session.state.confirmed, "b")?.params).toEqual({ x: 1 });
    expect(server.sent).toHaveLength(1);
  });

  it("takes a teammate's batch from the answer first, then ignores the subscription's copy", async () => {
    const { server, screen, session } = setup();
    session.edit(moveA);
    const theirs = teammate(5, paramsB);
    server.last(1).answer(applied(6, [theirs]));
    await settle();
    expect(screen.teammateEdits).toBe(1);
    expect(session.state.revision).toBe(6);

    session.receive(theirs);
    expect(screen.teammateEdits).toBe(1);
    expect(session.state.revision).toBe(6);
    expect(nodeOf(session.state.doc, "b")?.params).toEqual({ x: 1 });
  });

  it("answers a stale base's conflict by taking the batches since and resending, rebased", async () => {
    const { server, session } = setup();
    session.edit([{ op: "add_node", node: node("d") }]);
    const first = server.last(1);
    expect(first.base).toBe(4);

    // a teammate added a node "d" first: ours is renamed and sent again on their revision
    first.answer({
      kind: "conflict",
      opsSince: [teammate(5, [{ op: "add_node", node: node("d", { t: 1 }) }])],
      message: "stale revision",
    });
    await settle();
    const again = server.last(2);
    expect(again.base).toBe(5);
    expect(again.batchId).toBe("mine-1");
    expect(again.ops).toEqual([{ op: "add_node", node: { ...node("d"), id: "d_2" } }]);

    again.answer(applied(6));
    await settle();
    expect(session.state.pending).toEqual([]);
    expect(session.state.confirmed.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "d", "d_2"]);
  });

  it("drops an edit a conflict made impossible, says so, and takes it out of the history", async () => {
    const { server, screen, session } = setup();
    session.edit(paramsB);
    server.last(1).answer({
      kind: "conflict",
      opsSince: [teammate(5, [{ op: "remove_node", node_id: "b" }])],
      message: "stale revision",
    });
    await settle();
    expect(server.sent).toHaveLength(1); // nothing left to send
    expect(session.state.pending).toEqual([]);
    expect(screen.historyState.past).toEqual([]);
    expect(screen.notices).toHaveLength(1);
    expect(screen.notices[0]).toContain("a teammate removed 'B' meanwhile");
    expect(screen.notices[0]).toContain("your edit was not saved");
  });

  it("resends the same batch after a network failure, backing off, while the edit stays shown", async () => {
    const { clock, server, screen, session } = setup();
    session.edit(moveA);
    server.last(1).fail(new Error("network down"));
    await settle();
    expect(screen.retrying).toBe(true);
    expect(nodeOf(screen.shown?.doc, "a")?.position).toEqual({ x: 50, y: 60 });

    clock.advance(FIRST_RETRY_MS - 1);
    expect(server.sent).toHaveLength(1);
    clock.advance(1);
    const second = server.last(2);
    expect(second).toMatchObject({ base: 4, ops: moveA, batchId: "mine-1" });

    // an edit made meanwhile waits behind it
    session.edit(labelC);
    second.fail(new Error("network down"));
    await settle();
    clock.advance(2 * FIRST_RETRY_MS - 1); // the delay doubles
    expect(server.sent).toHaveLength(2);
    clock.advance(1);
    const third = server.last(3);
    expect(third).toMatchObject({ base: 4, ops: moveA, batchId: "mine-1" });

    third.answer(applied(5));
    await settle();
    expect(screen.retrying).toBe(false);
    const fourth = server.last(4);
    expect(fourth).toMatchObject({ base: 5, ops: labelC, batchId: "mine-2" });

    // a later failure starts the backoff over
    fourth.fail(new Error("network down"));
    await settle();
    clock.advance(FIRST_RETRY_MS);
    expect(server.last(5).batchId).toBe("mine-2");
  });

  it("reloads the saved version when the server refuses the request outright", async () => {
    const { server, screen, session } = setup();
    session.edit(moveA);
    server.last(1).fail(new Refusal("not allowed to edit"));
    await settle();
    expect(screen.notices).toEqual([
      "Could not save your edit: not allowed to edit. Reloaded the saved version.",
    ]);
    const saved = applyOps(threeNodes(), labelC).doc;
    server.fetches[0]?.({ ok: true, revision: 5, doc: saved });
    await settle();
    expect(session.state).toMatchObject({ revision: 5, pending: [], doc: saved });
    expect(screen.shown?.doc).toBe(saved);
    expect(screen.historyState).toEqual({ past: [], future: [] });
    expect(server.sent).toHaveLength(1);
  });

  it("drops only the edit the server refuses, with its message, and sends the rest", async () => {
    const { server, screen, session } = setup();
    session.edit(moveA);
    session.edit(paramsB);
    server.last(1).answer({ kind: "refused", notFound: false, message: "bad", hint: "fix it" });
    await settle();
    expect(screen.notices).toHaveLength(1);
    expect(screen.notices[0]).toMatch(/^The server refused your edit \(.*\): bad \(fix it\)$/);
    expect(screen.historyState.past.map((b) => b.ops)).toEqual([paramsB]);
    expect(server.last(2)).toMatchObject({ base: 4, ops: paramsB, batchId: "mine-2" });
    expect(nodeOf(screen.shown?.doc, "a")?.position).toEqual({ x: 0, y: 0 });
  });

  it("waits for missing revisions, then reloads and keeps what the server already applied", async () => {
    const { clock, server, session } = setup();
    session.edit(moveA);
    server.last(1).answer(applied(7)); // revisions 5 and 6 never came
    await settle();
    expect(session.state.revision).toBe(4);
    clock.advance(GAP_WAIT_MS);
    expect(server.fetches).toHaveLength(1);

    const saved = applyOps(applyOps(threeNodes(), labelC).doc, moveA).doc;
    server.fetches[0]?.({ ok: true, revision: 7, doc: saved });
    await settle();
    expect(session.state.revision).toBe(7);
    expect(session.state.pending).toEqual([]); // ours was applied: not sent again
    expect(session.state.doc).toBe(saved);
    expect(server.sent).toHaveLength(1);
  });

  it("needs no reload when the subscription brings the missing revisions in time", async () => {
    const { clock, server, session } = setup();
    session.edit(moveA);
    server.last(1).answer(applied(6));
    await settle();
    session.receive(teammate(5, labelC));
    session.receive({ revision: 6, author: "me", kind: "ops", ops: moveA, batchId: "mine-1" });
    clock.advance(GAP_WAIT_MS);
    expect(server.fetches).toEqual([]);
    expect(session.state.revision).toBe(6);
    expect(session.state.pending).toEqual([]);
  });

  it("keeps sending queued edits after closing, off screen, and ends when they are saved", async () => {
    const { server, screen, session } = setup();
    session.edit(moveA);
    session.edit(paramsB);
    const shown = screen.shown;
    session.close();
    screen.workflowId = null;
    expect(session.closed).toBe(false);

    server.last(1).answer(applied(5));
    await settle();
    server.last(2).answer(applied(6));
    await settle();
    expect(session.closed).toBe(true);
    expect(screen.shown).toBe(shown); // nothing drawn off screen
  });

  it("leaves the validation of the workflow now on screen alone when a closed one is saved", async () => {
    const { server, screen, session } = setup();
    session.edit(moveA);
    session.close();
    screen.workflowId = "another";
    screen.validation = "the other workflow's";

    server.last(1).answer(applied(5));
    await settle();
    expect(session.closed).toBe(true);
    expect(screen.validation).toBe("the other workflow's");
  });

  it("gives up draining after repeated network failures, saying what was not saved", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { clock, server, session } = setup();
    session.edit(moveA);
    session.close();
    for (let i = 1; i <= 6; i++) {
      server.last(i).fail(new Error("network down"));
      await settle();
      clock.advance(60_000);
    }
    expect(session.closed).toBe(true);
    expect(server.sent).toHaveLength(6);
    expect(warn).toHaveBeenCalledWith("workflow wf: 1 edit(s) not saved", expect.any(Error));
    warn.mockRestore();
  });

  it("refuses to undo a step a teammate has changed since, and takes it out of the history", async () => {
    const { server, screen, session } = setup();
    session.edit(moveA);
    server.last(1).answer(applied(5));
    await settle();
    session.receive(teammate(6, [{ op: "move_nodes", positions: { a: { x: 9, y: 9 } } }]));

    session.undo();
    expect(screen.notices).toHaveLength(1);
    expect(screen.notices[0]).toContain("a teammate has changed 'A' since");
    expect(screen.historyState).toEqual({ past: [], future: [] });
    expect(server.sent).toHaveLength(1);
  });

  it("undoes and redoes this user's own steps as new batches", async () => {
    const { server, screen, session } = setup();
    session.edit(moveA);
    server.last(1).answer(applied(5));
    await settle();
    session.receive(teammate(6, paramsB)); // another part: the step stays undoable

    session.undo();
    expect(server.last(2).ops).toEqual([{ op: "move_nodes", positions: { a: { x: 0, y: 0 } } }]);
    expect(screen.historyState.future).toHaveLength(1);
    expect(nodeOf(screen.shown?.doc, "b")?.params).toEqual({ x: 1 });
    server.last(2).answer(applied(7));
    await settle();

    session.redo();
    expect(server.last(3).ops).toEqual(moveA);
    expect(screen.historyState.past).toHaveLength(1);
  });

  it("refreshes the validation after a teammate's edit once things settle", async () => {
    const { clock, server, screen, session } = setup();
    server.validation = "after theirs";
    session.receive(teammate(5, paramsB));
    expect(screen.validation).toBeNull();
    clock.advance(1000);
    await settle();
    expect(screen.validation).toBe("after theirs");
  });
});
