import { describe, expect, it } from "vitest";
import {
  foldProblems,
  FOLDED_PROBLEMS,
  groupIssuesByNode,
  issuesLookup,
  sortProblems,
  summarizeIssues,
  type IssueLike,
} from "./issuesByNode";

function issue(nodeId: string | null, message: string, severity = "error"): IssueLike {
  return { severity, code: "c", message, hint: "", nodeId, port: null, param: null };
}

describe("groupIssuesByNode", () => {
  it("groups by node and leaves out workflow-level issues", () => {
    const grouped = groupIssuesByNode([issue("a", "1"), issue(null, "w"), issue("a", "2")]);
    expect([...grouped.keys()]).toEqual(["a"]);
    expect(grouped.get("a")?.map((i) => i.message)).toEqual(["1", "2"]);
  });

  it("reuses the previous array of a node whose issues did not change", () => {
    const first = groupIssuesByNode([issue("a", "x"), issue("b", "y")]);
    const second = groupIssuesByNode([issue("a", "x"), issue("b", "changed")], first);
    expect(second.get("a")).toBe(first.get("a"));
    expect(second.get("b")).not.toBe(first.get("b"));
  });
});

describe("issuesLookup", () => {
  it("groups once per validation object and returns one shared empty array", () => {
    const issuesFor = issuesLookup<IssueLike>();
    const validation = { issues: [issue("a", "x")] };
    const a = issuesFor(validation, "a");
    expect(a).toHaveLength(1);
    expect(issuesFor(validation, "a")).toBe(a);
    expect(issuesFor(validation, "b")).toBe(issuesFor(null, "c"));
    expect(issuesFor(validation, "b")).toHaveLength(0);
  });

  it("keeps a node's array across validations when its issues are equal", () => {
    const issuesFor = issuesLookup<IssueLike>();
    const before = issuesFor({ issues: [issue("a", "x"), issue("b", "y")] }, "a");
    const after = issuesFor({ issues: [issue("a", "x")] }, "a");
    expect(after).toBe(before);
  });
});

describe("summarizeIssues", () => {
  it("counts by severity and writes one tooltip line per issue", () => {
    const summary = summarizeIssues([
      { ...issue("a", "no column 'x'"), param: "expression", hint: "pick a column" },
      issue("a", "slow", "warning"),
    ]);
    expect(summary).toMatchObject({ errors: 1, warnings: 1, worst: "error" });
    expect(summary.text).toBe("error (expression): no column 'x' (pick a column)\nwarning: slow");
    expect(summarizeIssues([issue("a", "w", "warning")]).worst).toBe("warning");
    expect(summarizeIssues([]).worst).toBeNull();
  });
});

describe("sortProblems", () => {
  it("puts errors first, then follows the document's node order", () => {
    const sorted = sortProblems(
      [issue("b", "b-warn", "warning"), issue("c", "c-err"), issue("a", "a-err"), issue(null, "w")],
      ["a", "b", "c"],
    );
    expect(sorted.map((i) => i.message)).toEqual(["w", "a-err", "c-err", "b-warn"]);
  });
});

describe("foldProblems", () => {
  it("stays folded for the problems a workflow opens with", () => {
    const opened = foldProblems(FOLDED_PROBLEMS, null);
    expect(opened).toBe(FOLDED_PROBLEMS);
    expect(foldProblems(opened, 3)).toEqual({ open: false, seen: 3 });
  });

  it("opens when an edit adds problems, and folds when none is left", () => {
    let fold = foldProblems(FOLDED_PROBLEMS, 0);
    fold = foldProblems(fold, 1);
    expect(fold).toEqual({ open: true, seen: 1 });
    fold = foldProblems(fold, 2);
    expect(fold).toEqual({ open: true, seen: 2 });
    fold = foldProblems({ ...fold, open: false }, 1); // folded by hand, one fixed: stays folded
    expect(fold).toEqual({ open: false, seen: 1 });
    expect(foldProblems({ open: true, seen: 1 }, 0)).toEqual({ open: false, seen: 0 });
  });

  it("keeps the same state object while the count does not change", () => {
    const fold = { open: true, seen: 2 };
    expect(foldProblems(fold, 2)).toBe(fold);
  });

  it("starts over when the workflow is reloaded (no validation yet)", () => {
    expect(foldProblems({ open: true, seen: 2 }, null)).toEqual({ open: true, seen: null });
    expect(foldProblems({ open: true, seen: null }, 5)).toEqual({ open: true, seen: 5 });
  });
});
