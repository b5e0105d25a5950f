/**
 * The selected node's label and params, as a form built from its params JSON schema
 * (graph/paramsForm.ts), with its validation issues underneath. Edits are kept as a draft and
 * committed as one update_params op with the full params ~400 ms after the last keystroke (or
 * when the selection changes), so a burst of typing is one undo step.
 */

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { GraphOp } from "../graph/ops";
import {
  fieldsFromSchema,
  formatFieldValue,
  isColumnParam,
  parseFieldText,
  stableKey,
  upstreamColumns,
  type FieldDescriptor,
} from "../graph/paramsForm";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";

const DEBOUNCE_MS = 400;

interface Draft {
  nodeId: string;
  /** stableKey of the document's params the draft was made on; another value means undo/reload. */
  base: string;
  params: Record<string, unknown>;
  text: Record<string, string>;
  errors: Record<string, string>;
  dirty: boolean;
}

type Commit = (ops: readonly GraphOp[]) => boolean;

export function PropertiesPanel({ commit }: { commit: Commit }) {
  const selectedId = useWorkflowStore((s) => {
    const selected = s.nodes.filter((n) => n.selected);
    return selected.length === 1 ? (selected[0]?.id ?? null) : null;
  });
  return (
    <aside className="properties" aria-label="Properties">
      {selectedId ? (
        <NodeProperties key={selectedId} nodeId={selectedId} commit={commit} />
      ) : (
        <p className="muted small">Select a node to edit its parameters.</p>
      )}
    </aside>
  );
}

function NodeProperties({ nodeId, commit }: { nodeId: string; commit: Commit }) {
  const node = useWorkflowStore((s) => s.doc?.nodes.find((n) => n.id === nodeId));
  const edges = useWorkflowStore((s) => s.doc?.edges);
  const validation = useWorkflowStore((s) => s.validation);
  const spec = useRegistryStore((s) => (node ? s.specs[node.type] : undefined));
  const fields = useMemo(() => fieldsFromSchema(spec?.paramsSchema), [spec]);
  const [draft, setDraftState] = useState<Draft | null>(null);
  const draftRef = useRef<Draft | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const setDraft = useCallback((next: Draft | null) => {
    draftRef.current = next;
    setDraftState(next);
  }, []);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const d = draftRef.current;
    if (!d?.dirty) return;
    const current = useWorkflowStore.getState().doc?.nodes.find((n) => n.id === d.nodeId);
    if (!current || stableKey(current.params) !== d.base) return; // changed under the draft
    commit([{ op: "update_params", node_id: d.nodeId, params: d.params }]);
    setDraft({ ...d, dirty: false, base: stableKey(d.params) });
  }, [commit, setDraft]);

  // Save what is pending when the node is deselected or the panel goes away.
  useEffect(() => flush, [flush]);

  if (!node) return null;
  const docParams = node.params;
  const live =
    draft && draft.nodeId === nodeId && draft.base === stableKey(docParams) ? draft : null;
  const params = live?.params ?? docParams;
  const columns = upstreamColumns(nodeId, edges ?? [], validation?.schemas ?? []);
  const issues = (validation?.issues ?? []).filter((i) => i.nodeId === nodeId);
  const listId = `columns-${nodeId}`;

  function edit(field: FieldDescriptor, text: string) {
    const parsed = parseFieldText(field, text);
    const base = live ?? {
      nodeId,
      base: stableKey(docParams),
      params: docParams,
      text: {},
      errors: {},
      dirty: false,
    };
    const errors = without(base.errors, field.name);
    const next: Draft = { ...base, text: { ...base.text, [field.name]: text }, errors };
    if (parsed.ok) {
      next.params =
        parsed.value === undefined
          ? without(base.params, field.name)
          : { ...base.params, [field.name]: parsed.value };
      next.dirty = true;
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, DEBOUNCE_MS);
    } else {
      next.errors[field.name] = parsed.error;
    }
    setDraft(next);
  }

  function commitLabel(label: string) {
    const current = useWorkflowStore.getState().doc?.nodes.find((n) => n.id === nodeId);
    if (current && label !== current.label) commit([{ op: "set_label", node_id: nodeId, label }]);
  }

  return (
    <div className="properties-body">
      <label className="field">
        <span className="field-title">Label</span>
        <input
          key={node.label}
          defaultValue={node.label}
          onBlur={(e) => commitLabel(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && commitLabel(e.currentTarget.value)}
        />
      </label>
      <p className="muted small">
        {spec?.displayName ?? node.type} · <code>{nodeId}</code>
      </p>
      {columns.length > 0 && (
        <datalist id={listId}>
          {columns.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      )}
      {fields.length === 0 && <p className="muted small">This node has no parameters.</p>}
      {fields.map((field) => (
        <FieldInput
          key={field.name}
          field={field}
          text={live?.text[field.name] ?? formatFieldValue(field, shownValue(field, params))}
          value={params[field.name]}
          error={live?.errors[field.name] ?? null}
          listId={columns.length > 0 && isColumnParam(field.name) ? listId : undefined}
          onText={(text) => edit(field, text)}
        />
      ))}
      <section className="issues" aria-label="Validation issues">
        <h3>Issues</h3>
        {issues.length === 0 ? (
          <p className="muted small">{validation ? "No issues." : "Not validated yet."}</p>
        ) : (
          <ul>
            {issues.map((issue, i) => (
              <li key={`${issue.code}-${i}`} className={`issue issue-${issue.severity}`}>
                <strong>{issue.severity}</strong> {issue.message}
                {issue.hint && <div className="muted small">{issue.hint}</div>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** An absent enum param shows its default (the server applies it); other inputs show it as a
 * placeholder. */
function shownValue(field: FieldDescriptor, params: Record<string, unknown>): unknown {
  return field.name in params || field.kind !== "enum" ? params[field.name] : field.default;
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

function defaultText(field: FieldDescriptor): string {
  if (!field.hasDefault) return "";
  const value = field.default === null ? "none" : formatFieldValue(field, field.default);
  return value === "" ? "empty" : value;
}

function boundsText(field: FieldDescriptor): string {
  if (field.kind !== "number" && field.kind !== "integer") return "";
  const parts: string[] = [];
  if (field.min !== null) parts.push(`${field.exclusiveMin ? ">" : "≥"} ${field.min}`);
  if (field.max !== null) parts.push(`${field.exclusiveMax ? "<" : "≤"} ${field.max}`);
  return parts.join(", ");
}

function FieldInput({
  field,
  text,
  value,
  error,
  listId,
  onText,
}: {
  field: FieldDescriptor;
  text: string;
  value: unknown;
  error: string | null;
  listId: string | undefined;
  onText: (text: string) => void;
}) {
  const id = `param-${field.name}`;
  let control;
  switch (field.kind) {
    case "boolean":
      control = (
        <input
          id={id}
          type="checkbox"
          checked={value === undefined ? field.default === true : value === true}
          onChange={(e) => onText(String(e.target.checked))}
        />
      );
      break;
    case "enum":
      control = (
        <select id={id} value={text} onChange={(e) => onText(e.target.value)}>
          {(field.nullable || text === "") && <option value="">—</option>}
          {field.options.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case "number":
    case "integer":
      control = (
        <input
          id={id}
          type="text"
          inputMode={field.kind === "integer" ? "numeric" : "decimal"}
          value={text}
          placeholder={defaultText(field)}
          onChange={(e) => onText(e.target.value)}
        />
      );
      break;
    case "unsupported":
      control = (
        <textarea
          id={id}
          className="json"
          rows={3}
          value={text}
          spellCheck={false}
          onChange={(e) => onText(e.target.value)}
        />
      );
      break;
    default:
      control = (
        <input
          id={id}
          type="text"
          value={text}
          list={listId}
          placeholder={field.kind === "string_list" ? "a, b, c" : defaultText(field)}
          onChange={(e) => onText(e.target.value)}
        />
      );
  }
  const bounds = boundsText(field);
  const dflt = defaultText(field);
  return (
    <div className={`field field-${field.kind}`}>
      <label className="field-title" htmlFor={id}>
        {field.title}
        {field.required && " *"}
      </label>
      {control}
      {error && <div className="field-error">{error}</div>}
      <div className="muted small">
        {field.description}
        {dflt && ` Default: ${dflt}.`}
        {bounds && ` (${bounds})`}
        {field.kind === "string_list" && " Comma-separated."}
        {field.kind === "unsupported" && " JSON."}
      </div>
    </div>
  );
}
