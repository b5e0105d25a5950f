/**
 * Completion for the expression editor (pure, tested): what is being typed at the caret, which
 * columns, functions and keywords fit there, how to insert one (columns whose names are not plain
 * identifiers are written col("..."), as node_library/expressions reads them), which function
 * call the caret is inside (for signature help), and where the server's error message points.
 *
 * This is a lexer, not a parser: it only knows where strings, comments, names and brackets are.
 * Whether an expression is valid is for the server's validation to say (it runs after each edit).
 */

export interface CompletionColumn {
  name: string;
  dtype: string;
}

export interface CompletionFunction {
  name: string;
  signature: string;
  doc: string;
}

/** A keyword ("and", "not in") or literal ("None") of the language. */
export interface CompletionWord {
  text: string;
  kind: "keyword" | "literal";
  doc: string;
}

export interface Vocabulary {
  columns: readonly CompletionColumn[];
  functions: readonly CompletionFunction[];
  words: readonly CompletionWord[];
  /** Words that cannot be bare column names (Python's keywords). */
  reserved: ReadonlySet<string>;
}

/** Python's reserved words, until the server's list (expressionLanguage.reservedWords) arrives. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except " +
    "finally for from global if import in is lambda nonlocal not or pass raise return try while " +
    "with yield"
  ).split(" "),
);

const ID_START = /[\p{XID_Start}_]/u;
const ID_CONTINUE = /[\p{XID_Continue}]/u;
const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

/** Whether `name` can be written bare in an expression (else it is written col("...")). */
export function isPlainName(name: string, reserved: ReadonlySet<string> = PYTHON_KEYWORDS) {
  return (
    IDENTIFIER.test(name) &&
    !reserved.has(name) &&
    // Python reads identifiers in NFKC form: "\ufb01eld" (a ligature) would read as "field".
    name.normalize("NFKC") === name &&
    !(name.startsWith("__") && name.endsWith("__")) // dunder names are refused bare
  );
}

/** A string literal the language reads back as `value`. */
export function quoteText(value: string): string {
  return JSON.stringify(value);
}

/** How an expression refers to the column `name`: bare, or col("...") when it must be. */
export function columnReference(name: string, reserved?: ReadonlySet<string>): string {
  return isPlainName(name, reserved) ? name : `col(${quoteText(name)})`;
}

// -- lexing ---------------------------------------------------------------------------------

type Token =
  | { kind: "name"; start: number; end: number; text: string }
  | { kind: "number" | "string" | "comment"; start: number; end: number; closed: boolean }
  | { kind: "op"; start: number; end: number; text: string };

function isIdStart(ch: string): boolean {
  return ID_START.test(ch);
}

function isIdContinue(ch: string): boolean {
  return ID_CONTINUE.test(ch);
}

/** The string literal starting at `i` (with an optional r/b/f/u prefix already consumed). */
function stringEnd(text: string, i: number): { end: number; closed: boolean } {
  const q = text[i] ?? "";
  const triple = text.startsWith(q.repeat(3), i);
  const quote = triple ? q.repeat(3) : q;
  let j = i + quote.length;
  while (j < text.length) {
    const ch = text[j];
    if (ch === "\\") {
      j += 2;
      continue;
    }
    if (text.startsWith(quote, j)) return { end: j + quote.length, closed: true };
    if (!triple && (ch === "\n" || ch === "\r")) return { end: j, closed: false };
    j += 1;
  }
  return { end: text.length, closed: false };
}

const OPERATORS = ["**", "//", "==", "!=", "<=", ">=", "<<", ">>", ":="];

/** The tokens of `text` (whitespace skipped). Never fails: unknown characters are ops. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "#") {
      let j = i;
      while (j < text.length && text[j] !== "\n" && text[j] !== "\r") j += 1;
      tokens.push({ kind: "comment", start: i, end: j, closed: true });
      i = j;
    } else if (ch === '"' || ch === "'") {
      const { end, closed } = stringEnd(text, i);
      tokens.push({ kind: "string", start: i, end, closed });
      i = end;
    } else if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < text.length) {
        const c = text[j] ?? "";
        const sign = (c === "+" || c === "-") && /[eE]/.test(text[j - 1] ?? "");
        if (!/[0-9a-zA-Z_.]/.test(c) && !sign) break;
        j += 1;
      }
      tokens.push({ kind: "number", start: i, end: j, closed: true });
      i = j;
    } else if (isIdStart(ch)) {
      let j = i + ch.length;
      while (j < text.length) {
        const c = String.fromCodePoint(text.codePointAt(j) ?? 0);
        if (!isIdContinue(c)) break;
        j += c.length;
      }
      const word = text.slice(i, j);
      const quote = text[j];
      if ((quote === '"' || quote === "'") && /^[rRbBuUfF]{1,2}$/.test(word)) {
        const { end, closed } = stringEnd(text, j);
        tokens.push({ kind: "string", start: i, end, closed });
        i = end;
      } else {
        tokens.push({ kind: "name", start: i, end: j, text: word });
        i = j;
      }
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i)) ?? ch;
      tokens.push({ kind: "op", start: i, end: i + op.length, text: op });
      i += op.length;
    }
  }
  return tokens;
}

// -- the context at the caret -----------------------------------------------------------------

export type CompletionContext =
  /** A name is being typed (or may start here) at [start, end); `afterOperand` when the place
   * follows a complete operand, so only an operator word (and, or, in, is...) fits. */
  | { kind: "name"; start: number; end: number; prefix: string; afterOperand: boolean }
  /** Inside the text of col("..."): [start, end) spans the string and a `)` right after it. */
  | { kind: "column_text"; start: number; end: number; prefix: string }
  | { kind: "none" };

const WORD_OPERATORS = new Set(["and", "or", "not", "in", "is", "if", "else"]);

function endsOperand(token: Token | undefined): boolean {
  if (!token) return false;
  switch (token.kind) {
    case "name":
      return !WORD_OPERATORS.has(token.text);
    case "number":
    case "string":
      return true;
    case "op":
      return token.text === ")" || token.text === "]";
    default:
      return false;
  }
}

/** What is being typed at `caret` (a UTF-16 offset into `text`). */
export function contextAt(text: string, caret: number): CompletionContext {
  const tokens = tokenize(text);
  const index = tokens.findIndex((t) => t.start < caret && caret <= t.end);
  const at = index >= 0 ? tokens[index] : undefined;
  if (at && (at.kind === "string" || at.kind === "comment")) {
    const inside = caret < at.end || (at.kind === "string" && !at.closed);
    if (!inside) return { kind: "none" };
    if (at.kind === "comment") return { kind: "none" };
    const before = tokens.slice(0, index);
    const open = before[before.length - 1];
    const callee = before[before.length - 2];
    const quoteAt = text.slice(at.start).search(/["']/) + at.start;
    if (
      open?.kind === "op" &&
      open.text === "(" &&
      callee?.kind === "name" &&
      callee.text === "col" &&
      quoteAt === at.start // no r/b/f prefix
    ) {
      const next = tokens[index + 1];
      // An unclosed string runs to the end of the line: replace only up to the caret then.
      const stop = at.closed ? at.end : caret;
      const close = at.closed && next?.kind === "op" && next.text === ")" ? next.end : stop;
      return {
        kind: "column_text",
        start: at.start,
        end: close,
        prefix: text.slice(at.start + 1, caret),
      };
    }
    return { kind: "none" };
  }
  if (at?.kind === "number") return { kind: "none" };
  const word = at?.kind === "name" ? at : undefined;
  const start = word ? word.start : caret;
  const end = word ? word.end : caret;
  const previous = tokens.filter((t) => t.end <= start && t.kind !== "comment").at(-1);
  if (previous?.kind === "op" && previous.text === "." && previous.end === start) {
    return { kind: "none" }; // attribute access is not part of the language
  }
  return {
    kind: "name",
    start,
    end,
    prefix: text.slice(start, caret),
    afterOperand: endsOperand(previous),
  };
}

// -- candidates -------------------------------------------------------------------------------

export interface Completion {
  kind: "column" | "function" | "keyword" | "literal";
  /** What the list shows: the column's name, the function's name, the word. */
  label: string;
  /** The column's dtype or the function's signature. */
  detail: string;
  doc: string;
  /** The text that replaces the context's range, and the caret's offset in it afterwards. */
  insert: string;
  caret: number;
}

/**
 * How well `label` matches what was typed, lower is better: 0 exact, 1 prefix, 2 prefix of a
 * word inside the label (after _ or a space), 3 substring, 4 subsequence; null for no match.
 * Case is ignored; an empty query matches everything with 1.
 */
export function matchScore(label: string, query: string): number | null {
  const l = label.toLowerCase();
  const q = query.toLowerCase();
  if (q === "") return 1;
  if (l === q) return 0;
  if (l.startsWith(q)) return 1;
  if (l.split(/[_\s.]+/).some((w) => w.startsWith(q))) return 2;
  if (l.includes(q)) return 3;
  let i = 0;
  for (const ch of l) if (ch === q[i]) i += 1;
  return i === q.length ? 4 : null;
}

const KIND_ORDER: Readonly<Record<Completion["kind"], number>> = {
  column: 0,
  function: 1,
  literal: 2,
  keyword: 2,
};

/**
 * The candidates that fit the context (at most `limit`): by match score, then columns before
 * functions before words, then in the order the vocabulary lists them.
 */
export function completionsAt(
  context: CompletionContext,
  vocabulary: Vocabulary,
  textAfter = "",
  limit = 50,
): Completion[] {
  if (context.kind === "none") return [];
  const scored: { item: Completion; score: number; order: number }[] = [];
  const push = (item: Completion, score: number | null) => {
    if (score !== null) scored.push({ item, score, order: scored.length });
  };
  if (context.kind === "column_text") {
    for (const c of vocabulary.columns) {
      const insert = `${quoteText(c.name)})`;
      const item = { kind: "column", label: c.name, detail: c.dtype, doc: "", insert } as const;
      push({ ...item, caret: insert.length }, matchScore(c.name, context.prefix));
    }
  } else {
    const { prefix, afterOperand } = context;
    const callFollows = /^\s*\(/.test(textAfter);
    if (!afterOperand) {
      for (const c of vocabulary.columns) {
        const insert = columnReference(c.name, vocabulary.reserved);
        const item = { kind: "column", label: c.name, detail: c.dtype, doc: "", insert } as const;
        push({ ...item, caret: insert.length }, matchScore(c.name, prefix));
      }
      for (const f of vocabulary.functions) {
        const insert = callFollows ? f.name : `${f.name}()`;
        const caret = callFollows ? f.name.length : f.name.length + 1;
        push(
          { kind: "function", label: f.name, detail: f.signature, doc: f.doc, insert, caret },
          matchScore(f.name, prefix),
        );
      }
    }
    for (const w of vocabulary.words) {
      const operatorWord = w.kind === "keyword" && w.text !== "not";
      if (operatorWord !== afterOperand) continue;
      // A keyword is followed by a space; a literal is a complete operand.
      const insert = w.kind === "keyword" && !/^\s/.test(textAfter) ? `${w.text} ` : w.text;
      push(
        { kind: w.kind, label: w.text, detail: "", doc: w.doc, insert, caret: insert.length },
        matchScore(w.text, prefix),
      );
    }
  }
  const prefix = context.prefix;
  return scored
    .filter(({ item, score }) => !(score === 0 && item.insert.trim() === prefix)) // typed already
    .sort(
      (a, b) =>
        a.score - b.score || KIND_ORDER[a.item.kind] - KIND_ORDER[b.item.kind] || a.order - b.order, // as the input lists them (the table's column order)
    )
    .slice(0, limit)
    .map(({ item }) => item);
}

/** The text after inserting `item` in `context`'s range, and where the caret goes. */
export function applyCompletion(
  text: string,
  context: Exclude<CompletionContext, { kind: "none" }>,
  item: Completion,
): { text: string; caret: number } {
  return {
    text: text.slice(0, context.start) + item.insert + text.slice(context.end),
    caret: context.start + item.caret,
  };
}

// -- signature help ---------------------------------------------------------------------------

/** The function call the caret is in (innermost) and which argument it is at (0-based). */
export function callAt(
  text: string,
  caret: number,
  functions: readonly CompletionFunction[],
): { fn: CompletionFunction; argument: number } | null {
  const stack: { name: string | null; commas: number }[] = [];
  let previous: Token | undefined;
  for (const token of tokenize(text)) {
    if (token.start >= caret) break;
    if (token.kind === "op") {
      if (token.text === "(" || token.text === "[") {
        const name = token.text === "(" && previous?.kind === "name" ? previous.text : null;
        stack.push({ name, commas: 0 });
      } else if (token.text === ")" || token.text === "]") {
        stack.pop();
      } else if (token.text === ",") {
        const top = stack.at(-1);
        if (top) top.commas += 1;
      }
    }
    previous = token;
  }
  const top = stack.at(-1);
  const fn = top?.name ? functions.find((f) => f.name === top.name) : undefined;
  return fn && top ? { fn, argument: top.commas } : null;
}

// -- where the server's message points --------------------------------------------------------

const AT = /\(at (?:line (\d+), )?column (\d+)\)/g;

/**
 * Where an issue's message points in `text` ("... (at column 7)", "(at line 2, column 3)": 1-based
 * code-point columns as node_library/expressions writes them), as a UTF-16 range covering the
 * name, number or string found there (one character otherwise); null without a position or when
 * it lies outside the text (the text changed since).
 */
export function issueRange(message: string, text: string): { start: number; end: number } | null {
  const found = [...message.matchAll(AT)].at(-1);
  if (!found) return null;
  const line = Number(found[1] ?? "1");
  const column = Number(found[2]);
  const points = Array.from(text);
  // Code-point offsets of line starts, split as Python's _line_starts does (\r\n, \r, \n).
  const starts = [0];
  for (let i = 0; i < points.length; i++) {
    const ch = points[i];
    if (ch === "\r" && points[i + 1] === "\n") continue;
    if (ch === "\n" || ch === "\r") starts.push(i + 1);
  }
  const lineStart = starts[line - 1];
  if (lineStart === undefined || column < 1) return null;
  const point = lineStart + column - 1;
  if (point >= points.length) return null;
  const start = points.slice(0, point).join("").length;
  const token = tokenize(text).find((t) => t.start === start);
  const end = token && token.kind !== "op" ? token.end : start + (points[point] ?? " ").length;
  return { start, end };
}
