/**
 * The expression editor of filter rows and computed columns: a text area that completes, at the
 * caret, the input's columns (with their dtype; odd names written col("...")), the language's
 * functions (with signature and doc) and its keywords; shows the signature of the call the caret
 * is in; and shows the server's validation issues for the param inline, with the place an issue
 * points at underlined in the text. Keys: typing opens the list, Ctrl+Space opens it anywhere,
 * Up/Down move, Enter or Tab insert, Escape closes.
 *
 * What is valid is the server's to say (node_library/expressions, run on every saved edit):
 * graph/expressionComplete.ts only lexes the text to know what is being typed.
 */

import { memo, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useExpressionLanguage, type ExpressionLanguage } from "../api/nodeTypesApi";
import {
  applyCompletion,
  callAt,
  completionsAt,
  contextAt,
  issueRange,
  PYTHON_KEYWORDS,
  type Completion,
  type Vocabulary,
} from "../graph/expressionComplete";
import type { IssueLike } from "../graph/issuesByNode";
import type { ColumnInfo } from "../graph/paramsForm";
import { SuggestionList } from "./ColumnPicker";
import "./properties.css";

const MAX_HEIGHT_PX = 240;

export interface ExpressionEditorProps {
  id: string;
  value: string;
  columns: readonly ColumnInfo[];
  /** The server's issues for this param. */
  issues: readonly IssueLike[];
  /** True while an edit has not been validated yet: the issues may be about older text. */
  pending: boolean;
  placeholder?: string;
  onChange: (text: string) => void;
}

function vocabularyOf(
  columns: readonly ColumnInfo[],
  language: ExpressionLanguage | null,
): Vocabulary {
  return {
    columns,
    functions: language?.functions ?? [],
    words: (language?.syntax ?? []).flatMap((s) =>
      s.kind === "keyword" || s.kind === "literal"
        ? [{ text: s.text, kind: s.kind, doc: s.doc }]
        : [],
    ),
    reserved: language ? new Set(language.reservedWords) : PYTHON_KEYWORDS,
  };
}

function ExpressionEditorView({
  id,
  value,
  columns,
  issues,
  pending,
  placeholder,
  onChange,
}: ExpressionEditorProps) {
  const listId = useId();
  const language = useExpressionLanguage();
  const vocabulary = useMemo(() => vocabularyOf(columns, language), [columns, language]);
  const area = useRef<HTMLTextAreaElement | null>(null);
  const backdrop = useRef<HTMLDivElement | null>(null);
  const nextCaret = useRef<number | null>(null);
  const [caret, setCaret] = useState<number | null>(null);
  const [open, setOpen] = useState(false);
  const [explicit, setExplicit] = useState(false);
  const [active, setActive] = useState(0);

  const context = useMemo(
    () => (caret === null ? null : contextAt(value, Math.min(caret, value.length))),
    [caret, value],
  );
  const items = useMemo(
    () =>
      context && context.kind !== "none"
        ? completionsAt(context, vocabulary, value.slice(context.end))
        : [],
    [context, value, vocabulary],
  );
  const typed =
    context?.kind === "column_text" || (context?.kind === "name" && context.prefix !== "");
  const shown = open && items.length > 0 && (explicit || typed);
  const current = Math.min(active, Math.max(0, items.length - 1));
  const call = caret === null ? null : callAt(value, caret, vocabulary.functions);

  // Put the caret where a completion left it, once the new text is in the text area.
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight + 2, MAX_HEIGHT_PX)}px`;
    if (nextCaret.current !== null && el.value === value) {
      el.setSelectionRange(nextCaret.current, nextCaret.current);
      setCaret(nextCaret.current);
      nextCaret.current = null;
    }
  }, [value]);

  function accept(item: Completion | undefined) {
    if (!item || !context || context.kind === "none") return;
    const next = applyCompletion(value, context, item);
    nextCaret.current = next.caret;
    setOpen(false);
    setExplicit(false);
    onChange(next.text);
  }

  function insertAtCaret(text: string, caretInText = text.length) {
    const at = Math.min(caret ?? value.length, value.length);
    nextCaret.current = at + caretInText;
    area.current?.focus();
    onChange(value.slice(0, at) + text + value.slice(at));
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === " " && event.ctrlKey) {
      event.preventDefault();
      setOpen(true);
      setExplicit(true);
      setActive(0);
      return;
    }
    if (!shown) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + items.length) % items.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      accept(items[current]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      setExplicit(false);
    }
  }

  const marks = pending
    ? []
    : issues.flatMap((issue) => {
        const range = issueRange(issue.message, value);
        return range ? [{ issue, range }] : [];
      });
  const mark = marks[0]?.range;
  const activeItem = shown ? items[current] : undefined;

  return (
    <div className="expr">
      <div className={`expr-field${issues.length > 0 && !pending ? " has-issue" : ""}`}>
        <div className="expr-backdrop" ref={backdrop} aria-hidden>
          {mark ? (
            <>
              {value.slice(0, mark.start)}
              <mark className="expr-mark">{value.slice(mark.start, mark.end)}</mark>
              {value.slice(mark.end)}
            </>
          ) : (
            value
          )}
          {"\n"}
        </div>
        <textarea
          id={id}
          ref={area}
          className="expr-input"
          rows={2}
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          role="combobox"
          aria-expanded={shown}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={shown ? `${listId}-${current}` : undefined}
          aria-invalid={issues.length > 0 && !pending}
          onChange={(e) => {
            setCaret(e.target.selectionStart);
            setOpen(true);
            setActive(0);
            onChange(e.target.value);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onScroll={(e) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onBlur={() => {
            setOpen(false);
            setExplicit(false);
          }}
          onKeyDown={onKeyDown}
        />
        {shown && (
          <SuggestionList
            id={listId}
            items={items.map((item, i) => ({
              key: `${item.kind}-${item.label}-${i}`,
              label: item.label,
              detail: item.kind === "function" ? "" : item.detail,
              kind: item.kind,
            }))}
            active={current}
            onPick={(i) => accept(items[i])}
            onHover={setActive}
            footer={activeItem && <CompletionDoc item={activeItem} />}
          />
        )}
      </div>
      {call && !shown && (
        <div className="expr-signature" aria-live="polite">
          <Signature signature={call.fn.signature} argument={call.argument} />
          <span className="muted"> {call.fn.doc}</span>
        </div>
      )}
      {issues.length > 0 && (
        <ul className={`expr-issues${pending ? " stale" : ""}`} aria-label="Expression issues">
          {issues.map((issue, i) => {
            const range = marks.find((m) => m.issue === issue)?.range;
            return (
              <li key={`${issue.code}-${i}`} className={`expr-issue issue-${issue.severity}`}>
                {range ? (
                  <button
                    type="button"
                    className="expr-issue-message link-button"
                    title="Show the place in the expression"
                    onClick={() => {
                      area.current?.focus();
                      area.current?.setSelectionRange(range.start, range.end);
                    }}
                  >
                    {issue.message}
                  </button>
                ) : (
                  <span className="expr-issue-message">{issue.message}</span>
                )}
                {issue.hint && <div className="expr-issue-hint">Fix: {issue.hint}</div>}
              </li>
            );
          })}
          {pending && <li className="muted small">Checking the new text…</li>}
        </ul>
      )}
      <ExpressionReference
        language={language}
        columns={columns}
        onInsert={(text, inside) => insertAtCaret(text, inside)}
      />
    </div>
  );
}

/** A signature with the parameter at `argument` in bold. */
function Signature({ signature, argument }: { signature: string; argument: number }) {
  const open = signature.indexOf("(");
  const name = signature.slice(0, open);
  const params = signature.slice(open + 1, signature.lastIndexOf(")")).split(", ");
  return (
    <code>
      {name}(
      {params.map((p, i) => (
        <span key={p}>
          {i > 0 && ", "}
          {i === argument ? <strong>{p}</strong> : p}
        </span>
      ))}
      )
    </code>
  );
}

function CompletionDoc({ item }: { item: Completion }) {
  if (item.kind === "column") {
    return (
      <span>
        Column{item.detail && <> · {item.detail}</>}
        {item.insert.startsWith("col(") && (
          <>
            {" "}
            · written <code>{item.insert}</code>
          </>
        )}
      </span>
    );
  }
  return (
    <span>
      {item.kind === "function" && <code>{item.detail}</code>} {item.doc}
    </span>
  );
}

/** The language at a glance: functions by category and operators; a click inserts one. */
const ExpressionReference = memo(function ExpressionReference({
  language,
  columns,
  onInsert,
}: {
  language: ExpressionLanguage | null;
  columns: readonly ColumnInfo[];
  onInsert: (text: string, caretInText?: number) => void;
}) {
  const byCategory = useMemo(() => {
    const groups = new Map<string, ExpressionLanguage["functions"]>();
    for (const f of language?.functions ?? []) {
      groups.set(f.category, [...(groups.get(f.category) ?? []), f]);
    }
    return [...groups.entries()];
  }, [language]);
  if (!language) return null;
  return (
    <details className="expr-reference">
      <summary>Functions and operators</summary>
      <p className="muted small">
        Columns are written by name{columns.length > 0 && <> (e.g. {columns[0]?.name})</>}, or{" "}
        <code>col(&quot;Unit Price&quot;)</code> when the name is not a plain word. Click to insert.
      </p>
      {byCategory.map(([category, functions]) => (
        <section key={category}>
          <h4>{category}</h4>
          <ul>
            {functions.map((f) => (
              <li key={f.name}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onInsert(`${f.name}()`, f.name.length + 1)}
                >
                  <code>{f.signature}</code>
                </button>{" "}
                <span className="muted">{f.doc}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <section>
        <h4>operators</h4>
        <ul>
          {language.syntax.map((s) => (
            <li key={s.text}>
              <button type="button" className="link-button" onClick={() => onInsert(` ${s.text} `)}>
                <code>{s.text}</code>
              </button>{" "}
              <span className="muted">
                {s.doc} <code>{s.example}</code>
              </span>
            </li>
          ))}
        </ul>
      </section>
    </details>
  );
});

export const ExpressionEditor = memo(ExpressionEditorView);
