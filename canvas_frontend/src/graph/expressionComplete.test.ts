import { describe, expect, it } from "vitest";
import {
  applyCompletion,
  callAt,
  columnReference,
  completionsAt,
  contextAt,
  issueRange,
  isPlainName,
  matchScore,
  type CompletionContext,
  type Vocabulary,
} from "./expressionComplete";

const vocabulary: Vocabulary = {
  columns: [
    { name: "units", dtype: "integer" },
    { name: "unit_price", dtype: "float" },
    { name: "Unit Price", dtype: "float" },
    { name: "region", dtype: "string" },
    { name: "class", dtype: "string" },
  ],
  functions: [
    { name: "round", signature: "round(x, ndigits=0)", doc: "x rounded." },
    { name: "upper", signature: "upper(s)", doc: "Upper case." },
    { name: "if_else", signature: "if_else(cond, a, b)", doc: "a or b." },
    { name: "col", signature: "col(name)", doc: "A column by name." },
  ],
  words: [
    { text: "and", kind: "keyword", doc: "Both." },
    { text: "or", kind: "keyword", doc: "Either." },
    { text: "not", kind: "keyword", doc: "Opposite." },
    { text: "in", kind: "keyword", doc: "One of." },
    { text: "is not", kind: "keyword", doc: "Present." },
    { text: "None", kind: "literal", doc: "Missing." },
    { text: "True", kind: "literal", doc: "True." },
  ],
  reserved: new Set(["class", "None", "True", "and", "or", "not", "in", "is"]),
};

/** Text with a `|` marking the caret. */
function at(marked: string): { text: string; caret: number } {
  const caret = marked.indexOf("|");
  return { text: marked.replace("|", ""), caret };
}

function complete(marked: string) {
  const { text, caret } = at(marked);
  const context = contextAt(text, caret);
  const after = context.kind === "none" ? "" : text.slice(context.end);
  return { text, context, items: completionsAt(context, vocabulary, after) };
}

function labels(marked: string): string[] {
  return complete(marked).items.map((i) => i.label);
}

describe("columnReference", () => {
  it("writes plain names bare and others as col(...) with a quoted, escaped name", () => {
    expect(columnReference("units")).toBe("units");
    expect(columnReference("é_2")).toBe("é_2");
    expect(columnReference("Unit Price")).toBe('col("Unit Price")');
    expect(columnReference('say "hi"\\')).toBe('col("say \\"hi\\"\\\\")');
    expect(columnReference("2nd")).toBe('col("2nd")');
    expect(columnReference("a.b")).toBe('col("a.b")');
  });

  it("refuses reserved words, dunder names and names NFKC would change", () => {
    expect(columnReference("class")).toBe('col("class")');
    expect(columnReference("None")).toBe('col("None")');
    expect(columnReference("__x__")).toBe('col("__x__")');
    expect(isPlainName("\ufb01eld")).toBe(false); // the "fi" ligature reads as "field"
    expect(isPlainName("match")).toBe(true); // a soft keyword is a fine name
    expect(isPlainName("_private")).toBe(true);
  });
});

describe("contextAt", () => {
  it("finds the whole name around the caret and what was typed before it", () => {
    const { text, caret } = at("units > 3 and reg|ion");
    expect(contextAt(text, caret)).toEqual({
      kind: "name",
      start: 14,
      end: 20,
      prefix: "reg",
      afterOperand: false,
    });
  });

  it("knows whether an operand or an operator comes next", () => {
    expect(complete("units |").context).toMatchObject({ kind: "name", afterOperand: true });
    expect(complete("(a + b) |").context).toMatchObject({ afterOperand: true });
    expect(complete("units > |").context).toMatchObject({ afterOperand: false });
    expect(complete("units > 3 and |").context).toMatchObject({ afterOperand: false });
    expect(complete("round(|").context).toMatchObject({ afterOperand: false, prefix: "" });
  });

  it("offers nothing inside text, comments and numbers, or after a dot", () => {
    expect(complete('region == "nor|th"').context).toEqual({ kind: "none" });
    expect(complete("units > 3 # uni|").context).toEqual({ kind: "none" });
    expect(complete("units > 12|").context).toEqual({ kind: "none" });
    expect(complete("region.up|").context).toEqual({ kind: "none" });
  });

  it('sees column text inside col("..."), closing quote and bracket included', () => {
    expect(complete('col("Uni|") > 1').context).toEqual({
      kind: "column_text",
      start: 4,
      end: 10,
      prefix: "Uni",
    });
    // an unclosed string is replaced only up to the caret
    expect(complete('col("Uni| > 1').context).toEqual({
      kind: "column_text",
      start: 4,
      end: 8,
      prefix: "Uni",
    });
  });
});

describe("completionsAt", () => {
  it("offers columns with their dtype, then functions, best matches first", () => {
    const { items } = complete("uni|");
    expect(items.map((i) => i.label)).toEqual(["units", "unit_price", "Unit Price"]);
    expect(items[0]).toMatchObject({ kind: "column", detail: "integer", insert: "units" });
    expect(labels("pri|")).toEqual(["unit_price", "Unit Price"]);
    expect(labels("rou|")).toEqual(["round"]);
  });

  it("quotes columns that are not plain names", () => {
    const spaced = complete("Unit|").items.find((i) => i.label === "Unit Price");
    expect(spaced?.insert).toBe('col("Unit Price")');
    const reserved = complete("cla|").items.find((i) => i.label === "class");
    expect(reserved?.insert).toBe('col("class")');
  });

  it("completes functions with brackets and the caret inside, with signature and doc", () => {
    const [round] = complete("rou|").items;
    expect(round).toEqual({
      kind: "function",
      label: "round",
      detail: "round(x, ndigits=0)",
      doc: "x rounded.",
      insert: "round()",
      caret: 6,
    });
    // brackets already there: only the name
    expect(complete("rou|(units)").items[0]).toMatchObject({ insert: "round", caret: 5 });
  });

  it("offers operator words after an operand and operands elsewhere", () => {
    expect(labels("units a|")).toEqual(["and"]);
    expect(labels("units |")).toEqual(["and", "or", "in", "is not"]);
    expect(labels("units > 3 and no|")).toEqual(["not", "None"]);
    expect(complete("units a|").items[0]?.insert).toBe("and ");
  });

  it("hides a word typed out in full", () => {
    expect(labels("units|")).toEqual([]);
    expect(labels("units and|")).toEqual([]);
  });

  it('completes any column inside col("...") with the closing quote and bracket', () => {
    const { items } = complete('col("pr|');
    expect(items.map((i) => i.label)).toEqual(["unit_price", "Unit Price"]);
    expect(items[1]?.insert).toBe('"Unit Price")');
  });

  it("gives nothing where nothing fits", () => {
    expect(labels('region == "a|"')).toEqual([]);
    expect(labels("zzz|")).toEqual([]);
  });
});

describe("applyCompletion", () => {
  it("replaces the whole name around the caret and places the caret", () => {
    const { text, context, items } = complete("reg| == 'north'");
    const item = items[0];
    if (!item || context.kind === "none") throw new Error("no completion");
    expect(applyCompletion(text, context, item)).toEqual({ text: "region == 'north'", caret: 6 });
  });

  it("puts the caret between the brackets of a function", () => {
    const { text, context, items } = complete("units > rou|");
    const item = items.find((i) => i.kind === "function");
    if (!item || context.kind === "none") throw new Error("no completion");
    expect(applyCompletion(text, context, item)).toEqual({ text: "units > round()", caret: 14 });
  });

  it("rewrites the string of col(...) with its closing bracket", () => {
    const { text, context, items } = complete('col("Uni|") > 2');
    const item = items.find((i) => i.label === "Unit Price");
    if (!item || context.kind === "none") throw new Error("no completion");
    expect(applyCompletion(text, context, item)).toEqual({
      text: 'col("Unit Price") > 2',
      caret: 17,
    });
  });

  it("inserts at an empty place", () => {
    const context: CompletionContext = {
      kind: "name",
      start: 8,
      end: 8,
      prefix: "",
      afterOperand: false,
    };
    const [first] = completionsAt(context, vocabulary);
    if (!first) throw new Error("no completion");
    expect(first.label).toBe("units");
    expect(applyCompletion("units > ", context, first).text).toBe("units > units");
  });
});

describe("callAt", () => {
  it("finds the innermost call and the argument at the caret", () => {
    const fns = vocabulary.functions;
    const call = (marked: string) => {
      const { text, caret } = at(marked);
      const found = callAt(text, caret, fns);
      return found && [found.fn.name, found.argument];
    };
    expect(call("round(units * 2, |")).toEqual(["round", 1]);
    expect(call("if_else(units > 1, round(x|), 0)")).toEqual(["round", 0]);
    expect(call("if_else(units > 1, round(x)|, 0)")).toEqual(["if_else", 1]);
    expect(call('upper("a, (b"|')).toEqual(["upper", 0]);
    expect(call("round(x) + |")).toBeNull();
    expect(call("region in [1, |")).toBeNull();
    expect(call("nope(|")).toBeNull();
  });
});

describe("issueRange", () => {
  it("reads the column of a one-line message and covers the name there", () => {
    const text = "units > 0 and discout < 0.2";
    const message = "column 'discout' is not in the columns (at column 15)";
    expect(issueRange(message, text)).toEqual({ start: 14, end: 21 });
  });

  it("reads line and column for several lines (\\r\\n, \\r and \\n)", () => {
    const text = "units > 0\r\nand (\rprice @ 2)";
    const range = issueRange("operator '@' is not allowed (at line 3, column 7)", text);
    expect(range && text.slice(range.start, range.end)).toBe("@");
  });

  it("agrees with the positions the server writes (tests/node_library/test_expression_language.py)", () => {
    const text = "(units > 0 and\n  upper(units) == 'A')";
    const range = issueRange("upper() needs text (at line 2, column 9)", text);
    expect(range && text.slice(range.start, range.end)).toBe("units");
    const syntax = issueRange("syntax error: invalid syntax (at column 9)", "units > > 2");
    expect(syntax).toEqual({ start: 8, end: 9 });
  });

  it("counts code points as Python does, not UTF-16 units", () => {
    const text = '"😀" + bad';
    // "😀" is one code point (two UTF-16 units): `bad` starts at code point 7
    const range = issueRange("unknown column 'bad' (at column 7)", text);
    expect(range && text.slice(range.start, range.end)).toBe("bad");
  });

  it("gives null without a position or when the text no longer reaches it", () => {
    expect(issueRange("the expression is empty", "")).toBeNull();
    expect(issueRange("bad (at column 40)", "units")).toBeNull();
    expect(issueRange("bad (at line 3, column 1)", "units")).toBeNull();
  });
});

describe("matchScore", () => {
  it("ranks exact, prefix, word prefix, substring and subsequence", () => {
    expect(matchScore("units", "units")).toBe(0);
    expect(matchScore("units", "UN")).toBe(1);
    expect(matchScore("unit_price", "pri")).toBe(2);
    expect(matchScore("discount", "count")).toBe(3);
    expect(matchScore("unit_price", "upr")).toBe(4);
    expect(matchScore("units", "x")).toBeNull();
  });
});
