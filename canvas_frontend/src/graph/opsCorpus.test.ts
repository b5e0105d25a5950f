// The shared graph op corpus (tests/graph_ops_corpus/, its README says the format) replayed
// against the canvas's applyOps, docChangeKeys and rebaseOps; the server's implementation replays
// the same files in tests/node_library/test_graph_ops_corpus.py.
import { describe, expect, it } from "vitest";
import { docChangeKeys } from "./changeKeys";
import { applyOps, OpError, type GraphDoc, type GraphOp } from "./ops";
import { rebaseOps } from "./rebase";

interface Refusal {
  index: number;
  code: string;
}

interface Case {
  name: string;
  doc: string;
  ops: GraphOp[];
  after?: GraphDoc;
  inverse?: Record<string, unknown>[];
  changed_keys?: string[];
  error?: Refusal;
  client?: { error: Refusal | null; why: string };
  concurrent?: {
    theirs: GraphOp[];
    client:
      | { ok: true; ops: Record<string, unknown>[]; renamed: Record<string, string>; doc: GraphDoc }
      | { ok: false; reason: string; node_id: string | null };
  };
}

interface CorpusFile {
  documents: Record<string, GraphDoc>;
  cases: Case[];
}

const files = import.meta.glob<CorpusFile>("../../../tests/graph_ops_corpus/*.json", {
  eager: true,
  import: "default",
});

/** A document as the corpus writes it: the executor always named. */
function asWritten(doc: GraphDoc): GraphDoc {
  return { ...doc, executor: doc.executor ?? "local" };
}

/** Ops as the corpus writes them: null fields and an empty `groups` left out. */
function opsAsWritten(ops: readonly GraphOp[]): Record<string, unknown>[] {
  return ops.map((op) =>
    Object.fromEntries(
      Object.entries(op).filter(
        ([key, value]) =>
          value != null && !(key === "groups" && Array.isArray(value) && !value.length),
      ),
    ),
  );
}

function refusal(doc: GraphDoc, ops: readonly GraphOp[]): Refusal | null {
  try {
    applyOps(doc, ops);
    return null;
  } catch (err) {
    if (err instanceof OpError) return { index: err.index, code: err.code };
    throw err;
  }
}

const entries = Object.entries(files).map(([path, file]) => ({
  file: path.replace(/^.*\//, "").replace(/\.json$/, ""),
  ...file,
}));

it("finds the corpus", () => {
  expect(entries.length).toBeGreaterThan(0);
});

for (const { file, documents, cases } of entries) {
  describe(`graph op corpus: ${file}`, () => {
    for (const c of cases) {
      const doc = documents[c.doc];
      if (!doc) throw new Error(`${file}: case '${c.name}' names no document '${c.doc}'`);

      if (c.after) {
        const { after, inverse, changed_keys: changed } = c;
        it(`${c.name}: applies, with the inverse and changed keys the corpus gives`, () => {
          const applied = applyOps(doc, c.ops);
          expect(asWritten(applied.doc)).toEqual(asWritten(after));
          expect(opsAsWritten(applied.inverse)).toEqual(inverse);
          expect(asWritten(applyOps(applied.doc, applied.inverse).doc)).toEqual(asWritten(doc));
          expect([...docChangeKeys(doc, applied.doc)].sort()).toEqual(changed);
        });
      }

      if (c.error) {
        const expected = c.client ? c.client.error : c.error;
        it(`${c.name}: ${expected ? `refused (${expected.code})` : "applied by the canvas"}`, () => {
          expect(refusal(doc, c.ops)).toEqual(expected);
        });
      }

      const concurrent = c.concurrent;
      if (concurrent) {
        it(`${c.name}: rebased or reported as the corpus says`, () => {
          const onto = applyOps(doc, concurrent.theirs).doc;
          const result = rebaseOps(doc, c.ops, onto);
          const expected = concurrent.client;
          if (expected.ok) {
            expect(result.ok).toBe(true);
            if (!result.ok) return;
            expect(opsAsWritten(result.ops)).toEqual(expected.ops);
            expect(result.renamed).toEqual(expected.renamed);
            expect(asWritten(result.doc)).toEqual(asWritten(expected.doc));
          } else {
            expect(result).toEqual({
              ok: false,
              reason: expected.reason,
              nodeId: expected.node_id,
            });
          }
        });
      }
    }
  });
}
