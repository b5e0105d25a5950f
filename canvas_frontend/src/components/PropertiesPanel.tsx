/**
 * The selected node's label, its run status (state and why, progress with the estimate of the
 * time left, the last run's duration, rows in and out and peak memory, the error with its full
 * traceback folded, its log lines) with the per-node run actions (run up to / only this,
 * re-run from here, re-execute the failed run from its failure, schedule this node), and its
 * params as a form built from its params JSON schema (graph/paramsForm.ts): numbers with
 * bounds, enums, booleans, text; the expression editor for expressions (ExpressionEditor.tsx);
 * column pickers fed by the columns the server infers for the node's input (ColumnPicker.tsx);
 * rows for lists of objects and maps (ListEditor.tsx); a picker of the server's secret names for
 * params that name a secret (SecretNamePicker.tsx); raw JSON for anything else. The server's
 * validation issues for a param show under it; the rest underneath. Edits are kept as a draft
 * and committed as one update_params op with the full params ~400 ms after the last change (or
 * when the selection changes), so a burst of typing is one undo step.
 */

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { formatDuration } from "../graph/elapsed";
import { formatMemory, formatRowsFlow } from "../graph/runStats";
import { canReexecute } from "../graph/runHistory";
import { issuesOfNode, type IssueLike } from "../graph/issuesByNode";
import type { GraphOp } from "../graph/ops";
import {
  columnRole,
  fieldsFromSchema,
  formatFieldValue,
  inputColumns,
  isExpressionField,
  isSecretNameField,
  outputColumns,
  parseFieldText,
  stableKey,
  type FieldDescriptor,
  type InputColumns,
} from "../graph/paramsForm";
import { singleSelectedId } from "../graph/selection";
import { useRegistryStore } from "../store/useRegistryStore";
import { errorHeadline, shownState } from "../store/runState";
import { selectRunActive, useRunStore } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { ColumnChips, ColumnSelect } from "./ColumnPicker";
import { LiveElapsed, LiveEta } from "./Elapsed";
import { ExpressionEditor } from "./ExpressionEditor";
import { MapEditor, RowListEditor, type CellRenderer } from "./ListEditor";
import { launch, reexecuteFromFailure, rerunFrom } from "./runActions";
import { SecretNamePicker } from "./SecretNamePicker";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
import "./properties.css";
import "./running.css";

const DEBOUNCE_MS = 400;

interface Draft {
  nodeId: string;
  /** stableKey of the document's params the draft was made on; another value means undo/reload. */
  base: string;
  params: Record<string, unknown>;
  dirty: boolean;
}

type Commit = (ops: readonly GraphOp[]) => boolean;

/** Where a column param's choices come from: the columns of an input port (or of every input). */
type ColumnsFor = (port: string | null) => InputColumns;

export function PropertiesPanel({ commit }: { commit: Commit }) {
  const selectedId = useWorkflowStore((s) => singleSelectedId(s.nodes));
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

  const schemas = validation?.schemas;
  const hasInputs = (spec?.inputs.length ?? 0) > 0;
  const columnsFor = useCallback<ColumnsFor>(
    (port) =>
      hasInputs
        ? inputColumns(nodeId, edges ?? [], schemas ?? [], port)
        : // A source has no input: offer the columns it is inferred to read, never flag one.
          { columns: outputColumns(nodeId, schemas ?? []), known: false },
    [edges, hasInputs, nodeId, schemas],
  );

  if (!node) return null;
  const docParams = node.params;
  const live =
    draft && draft.nodeId === nodeId && draft.base === stableKey(docParams) ? draft : null;
  const params = live?.params ?? docParams;
  const pending = live?.dirty ?? false;
  const issues = issuesOfNode(validation, nodeId);
  const fieldNames = new Set(fields.map((f) => f.name));
  const otherIssues = issues.filter((i) => !i.param || !fieldNames.has(i.param));

  function setParam(name: string, value: unknown) {
    const base = live ?? { nodeId, base: stableKey(docParams), params: docParams, dirty: false };
    const next: Draft = {
      ...base,
      params: value === undefined ? without(base.params, name) : { ...base.params, [name]: value },
      dirty: true,
    };
    clearTimeout(timer.current);
    timer.current = setTimeout(flush, DEBOUNCE_MS);
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
      <NodeRunStatus
        nodeId={nodeId}
        deterministic={spec?.deterministic ?? true}
        beforeRun={flush}
      />
      {fields.length === 0 && <p className="muted small">This node has no parameters.</p>}
      {fields.map((field) => (
        <ParamField
          key={field.name}
          field={field}
          value={params[field.name]}
          issues={issues.filter((i) => i.param === field.name)}
          pending={pending}
          columnsFor={columnsFor}
          onValue={(value) => setParam(field.name, value)}
        />
      ))}
      <section className="issues" aria-label="Validation issues">
        <h3>Issues</h3>
        {issues.length === 0 ? (
          <p className="muted small">{validation ? "No issues." : "Not validated yet."}</p>
        ) : (
          <>
            {otherIssues.length < issues.length && (
              <p className="muted small">
                {issues.length - otherIssues.length} shown with the parameters above.
              </p>
            )}
            {otherIssues.length > 0 && (
              <ul>
                {otherIssues.map((issue, i) => (
                  <li key={`${issue.code}-${i}`} className={`issue issue-${issue.severity}`}>
                    <strong>{issue.severity}</strong> {issue.message}
                    {issue.hint && <div className="muted small">{issue.hint}</div>}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
    </div>
  );
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

/** A list of objects or a map: edited in rows, so no one element for the label to point at. */
function isRowField(field: FieldDescriptor): boolean {
  return field.kind === "object_list" || field.kind === "map";
}

/** One param: its title, its control, the server's issues about it and its description. */
function ParamField({
  field,
  value,
  issues,
  pending,
  columnsFor,
  onValue,
}: {
  field: FieldDescriptor;
  value: unknown;
  issues: readonly IssueLike[];
  pending: boolean;
  columnsFor: ColumnsFor;
  onValue: (value: unknown) => void;
}) {
  const id = `param-${field.name}`;
  const bounds = boundsText(field);
  const dflt = isRowField(field) ? "" : defaultText(field);
  const title = (
    <>
      {field.title}
      {field.required && " *"}
    </>
  );
  return (
    <div className={`field field-${field.kind}`}>
      {isRowField(field) ? (
        <span className="field-title">{title}</span>
      ) : (
        <label className="field-title" htmlFor={id}>
          {title}
        </label>
      )}
      <FieldControl
        field={field}
        id={id}
        value={value}
        issues={issues}
        pending={pending}
        columnsFor={columnsFor}
        onValue={onValue}
      />
      {!isExpressionField(field) && issues.length > 0 && (
        <ul className={`field-issues${pending ? " stale" : ""}`}>
          {issues.map((issue, i) => (
            <li key={`${issue.code}-${i}`} className={`field-issue issue-${issue.severity}`}>
              {issue.message}
              {issue.hint && <div className="field-issue-hint">Fix: {issue.hint}</div>}
            </li>
          ))}
        </ul>
      )}
      <div className="muted small">
        {field.description}
        {dflt && ` Default: ${dflt}.`}
        {bounds && ` (${bounds})`}
        {field.kind === "string_list" && columnRole(field) === null && " Comma-separated."}
        {field.kind === "scalar" && ' Quote text that looks like a number: "12".'}
        {field.kind === "unsupported" && " JSON."}
      </div>
    </div>
  );
}

/** The control for one field, top-level or inside a row. */
function FieldControl({
  field,
  id,
  value,
  issues = [],
  pending = false,
  columnsFor,
  onValue,
}: {
  field: FieldDescriptor;
  id: string;
  value: unknown;
  issues?: readonly IssueLike[];
  pending?: boolean;
  columnsFor: ColumnsFor;
  onValue: (value: unknown) => void;
}) {
  const renderCell = useCallback<CellRenderer>(
    (cellField, cellValue, onCell, cellId) => (
      <FieldControl
        field={cellField}
        id={cellId}
        value={cellValue}
        columnsFor={columnsFor}
        onValue={onCell}
      />
    ),
    [columnsFor],
  );
  const role = columnRole(field);
  const fromText = (text: string) => {
    const parsed = parseFieldText(field, text);
    if (parsed.ok) onValue(parsed.value);
  };
  if (isExpressionField(field)) {
    return (
      <ExpressionEditor
        id={id}
        value={typeof value === "string" ? value : ""}
        columns={columnsFor(field.inputPort).columns}
        issues={issues}
        pending={pending}
        placeholder={field.description.match(/e\.g\. `([^`]+)`/)?.[1]}
        onChange={fromText}
      />
    );
  }
  if (isSecretNameField(field)) {
    return (
      <SecretNamePicker
        id={id}
        value={typeof value === "string" ? value : ""}
        issues={issues}
        pending={pending}
        onChange={fromText}
      />
    );
  }
  if (role === "column") {
    const { columns, known } = columnsFor(field.inputPort);
    return (
      <ColumnSelect
        id={id}
        value={typeof value === "string" ? value : ""}
        columns={columns}
        known={known}
        onChange={fromText}
      />
    );
  }
  if (role === "columns") {
    const { columns, known } = columnsFor(field.inputPort);
    return (
      <ColumnChips
        id={id}
        value={Array.isArray(value) ? value.map(String) : []}
        columns={columns}
        known={known}
        onChange={(names) => onValue(names.length === 0 && field.nullable ? null : names)}
      />
    );
  }
  switch (field.kind) {
    case "object_list":
      return (
        <RowListEditor
          id={id}
          field={field}
          value={value}
          renderCell={renderCell}
          onChange={onValue}
        />
      );
    case "map":
      return (
        <MapEditor
          id={id}
          field={field}
          value={value}
          keyColumns={role === "column_map" ? columnsFor(field.inputPort) : null}
          renderCell={renderCell}
          onChange={onValue}
        />
      );
    case "boolean":
      return (
        <input
          id={id}
          type="checkbox"
          checked={value === undefined ? field.default === true : value === true}
          onChange={(e) => onValue(e.target.checked)}
        />
      );
    case "enum": {
      // An absent enum param shows its default (the server applies it).
      const text = formatFieldValue(field, value === undefined ? field.default : value);
      return (
        <select id={id} value={text} onChange={(e) => fromText(e.target.value)}>
          {(field.nullable || text === "") && <option value="">—</option>}
          {field.options.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
    }
    default:
      return <ParsedInput field={field} id={id} value={value} onValue={onValue} />;
  }
}

/**
 * A text input (or text area) for a field whose text is parsed: numbers, text, lists, unions,
 * JSON. What was typed stays on screen while it still means the stored value (or does not parse:
 * then the reason shows underneath); any other change of the value (undo, a teammate's edit)
 * shows the new value.
 */
function ParsedInput({
  field,
  id,
  value,
  onValue,
}: {
  field: FieldDescriptor;
  id: string;
  value: unknown;
  onValue: (value: unknown) => void;
}) {
  const [local, setLocal] = useState<{ text: string; means: string; error: string } | null>(null);
  const valueKey = stableKey(value ?? null);
  const mine = local && local.means === valueKey ? local : null;
  const text = mine ? mine.text : formatFieldValue(field, value);

  function change(next: string) {
    const parsed = parseFieldText(field, next);
    if (parsed.ok) {
      setLocal({ text: next, means: stableKey(parsed.value ?? null), error: "" });
      onValue(parsed.value);
    } else {
      setLocal({ text: next, means: valueKey, error: parsed.error });
    }
  }

  const multiline = field.kind === "unsupported" || field.widget === "multiline";
  return (
    <>
      {multiline ? (
        <textarea
          id={id}
          className={field.kind === "unsupported" ? "json" : "multiline"}
          rows={field.kind === "unsupported" ? 3 : 4}
          value={text}
          spellCheck={false}
          onChange={(e) => change(e.target.value)}
        />
      ) : (
        <input
          id={id}
          type="text"
          inputMode={
            field.kind === "integer" ? "numeric" : field.kind === "number" ? "decimal" : undefined
          }
          value={text}
          placeholder={field.kind === "string_list" ? "a, b, c" : defaultText(field)}
          onChange={(e) => change(e.target.value)}
        />
      )}
      {mine?.error && <div className="field-error">{mine.error}</div>}
    </>
  );
}

const FRESHNESS_TEXT: Readonly<Record<string, string>> = {
  fresh: "The stored result matches the current params and inputs.",
  missing: "Not computed yet for these params and inputs.",
  queued: "Waiting for its turn in this run.",
  running: "Running now.",
};

/** The node's state and why, its last run (duration, rows, error, log) and its run actions. */
function NodeRunStatus({
  nodeId,
  deterministic,
  beforeRun,
}: {
  nodeId: string;
  deterministic: boolean;
  beforeRun: () => void;
}) {
  const run = useRunStore((s) => s.byNode[nodeId]);
  const fresh = useRunStore((s) => s.freshness[nodeId]);
  const logs = useRunStore((s) => s.logs[nodeId]);
  const busy = useRunStore((s) => s.launching || selectRunActive(s));
  const runId = useRunStore((s) => s.runId);
  const runStatus = useRunStore((s) => s.runStatus);
  const lastDurationS = useRunStore((s) => s.lastDurationS[nodeId] ?? null);
  const state = shownState(run, fresh);
  const current = run && state === run.state ? run : undefined;
  const why =
    current?.state === "skipped" || current?.state === "running"
      ? current.message
      : current?.state === "failed" || current?.state === "succeeded"
        ? ""
        : fresh?.reason ||
          (state
            ? (FRESHNESS_TEXT[state] ?? "")
            : "Not known while the workflow has problems: fix them to see it.");
  const settled = current && (current.state === "succeeded" || current.state === "failed");
  const stats = settled
    ? [
        ["Duration", formatDuration(current.durationS)],
        ["Rows", formatRowsFlow(current.rowsIn, current.rows)],
        ["Peak memory", formatMemory(current.memoryMb)],
      ].filter(([, value]) => value)
    : [];
  const reexecutable =
    runId !== null &&
    runStatus !== null &&
    canReexecute(runStatus) &&
    (current?.state === "failed" || current?.state === "skipped" || current?.state === "queued");
  const error = current?.state === "failed" ? errorHeadline(current.message || "failed") : null;

  function start(request: Parameters<typeof launch>[0]) {
    beforeRun();
    void launch(request);
  }

  return (
    <section className="node-status-block" aria-label="Run status">
      <h3>Status</h3>
      <div className="status-line">
        <span className={`node-badge badge-${state ?? "unknown"}`}>{state ?? "not checked"}</span>
        {why && <span className="status-why">{why}</span>}
      </div>
      {current?.state === "running" && (
        <div className="status-progress muted small">
          {current.done !== null && `${current.done}/${current.total ?? "?"} · `}
          {current.startedAt !== null && <LiveElapsed since={current.startedAt} />}
          {current.startedAt !== null && (
            <>
              {" · "}
              <LiveEta
                since={current.startedAt}
                done={current.done}
                total={current.total}
                lastDurationS={lastDurationS}
              />
            </>
          )}
        </div>
      )}
      {stats.length > 0 && <div className="status-last muted small">Last run:</div>}
      {stats.length > 0 && (
        <dl className="status-stats" aria-label="Last run">
          {stats.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {error && current && (
        <FoldedError
          headline={error.headline}
          message={current.message}
          details={current.details}
        />
      )}
      {!deterministic && (
        <p className="muted small">
          ≈ Not deterministic: its data can change outside the workflow, so a fresh result may not
          be current; run it again to re-read.
        </p>
      )}
      {logs && logs.length > 0 && (
        <details className="status-log" open>
          <summary>
            Log ({logs.length} {logs.length === 1 ? "line" : "lines"})
          </summary>
          <pre>{logs.map((l) => l.text).join("\n")}</pre>
        </details>
      )}
      <div className="status-actions">
        <button
          type="button"
          disabled={busy}
          onClick={() => start({ selection: "UPSTREAM", node: nodeId })}
          title="Run what this node needs that is not fresh, then this node"
        >
          Run up to here
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => start({ selection: "ONLY", node: nodeId })}
          title="Run only this node, reading its inputs' stored results"
        >
          Run only this
        </button>
        {current?.state === "failed" && (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              beforeRun();
              void rerunFrom(nodeId);
            }}
            title="Run this node and everything downstream of it again"
          >
            Re-run from here
          </button>
        )}
        {reexecutable && runId && (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              beforeRun();
              void reexecuteFromFailure(runId);
            }}
            title="Run the failed and unrun nodes of this run again, reusing the results of those that succeeded"
          >
            Re-execute from failure
          </button>
        )}
        <button
          type="button"
          onClick={() => useRunPanelsStore.getState().openSchedule(nodeId)}
          title="Run this node (and what it needs) on a schedule"
          aria-haspopup="dialog"
        >
          Schedule this node…
        </button>
      </div>
    </section>
  );
}

/** An error's first line, unfolding to the whole error with its traceback. */
function FoldedError({
  headline,
  message,
  details,
}: {
  headline: string;
  message: string;
  details: string;
}) {
  const [open, setOpen] = useState(false);
  // the traceback usually ends with the message; show the message alone only when it adds to it
  const full = details
    ? details.includes(message.trim())
      ? details
      : `${message}\n\n${details}`
    : message;
  return (
    <details className="status-error" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary title={open ? "Fold the error" : "Show the whole error with its traceback"}>
        {open ? "Error" : headline}
      </summary>
      <pre>{full}</pre>
    </details>
  );
}
