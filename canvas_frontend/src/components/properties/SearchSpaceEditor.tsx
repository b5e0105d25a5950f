/**
 * The search-space editor of the tuning nodes (grid and random search): one row per
 * hyperparameter, picked from the connected model's hyperparameters (free text when no model is
 * connected), with the values to try as chips typed as the model takes them (numbers within the
 * param's bounds, an enum's choices, true/false), or, for random search, a range low..high with
 * "log scale" and "whole numbers". Rows are added and removed; the line underneath counts the
 * candidates and fits; problems show under their row at once. "Edit as JSON" shows the raw value
 * for power users, and a value the rows cannot show opens as JSON saying why. The logic is in
 * graph/searchSpace.ts.
 */

import { useId, useMemo, useState, type KeyboardEvent } from "react";
import type { FieldDescriptor } from "../../graph/paramsForm";
import {
  formatSpaceValue,
  newRow,
  parseSpaceValue,
  rowProblems,
  rowsFromSpace,
  searchSummary,
  spaceFromRows,
  switchKind,
  valueProblem,
  withParam,
  type HyperParam,
  type SpaceRow,
  type SpaceValue,
} from "../../graph/searchSpace";
import { ParsedInput } from "./ParsedInput";

/** What the editor knows besides the value: the connected model and the node's other params. */
export interface SearchSpaceSetting {
  /** Whether entries may be ranges (random search). */
  ranges: boolean;
  /** The connected model's hyperparameters; empty when no model node is connected. */
  hyperparams: readonly HyperParam[];
  /** The connected model node's title, or null. */
  modelLabel: string | null;
  /** Random search: how many candidates it draws; null for a grid. */
  nIter: number | null;
  /** How many folds each candidate is fitted on, when known. */
  nSplits: number | null;
}

export function SearchSpaceEditor({
  field,
  id,
  value,
  setting,
  onValue,
}: {
  field: FieldDescriptor;
  id: string;
  value: unknown;
  setting: SearchSpaceSetting;
  onValue: (value: unknown) => void;
}) {
  const [asJson, setAsJson] = useState(false);
  // An absent param shows its default (the server applies it).
  const shown = value === undefined ? field.default : value;
  const parsed = useMemo(() => rowsFromSpace(shown, setting.ranges), [shown, setting.ranges]);
  const { hyperparams } = setting;
  const byName = useMemo(() => new Map(hyperparams.map((p) => [p.name, p])), [hyperparams]);

  if (asJson || !parsed.ok) {
    return (
      <div className="search-space">
        <ParsedInput field={field} id={id} value={shown} onValue={onValue} />
        {!parsed.ok && (
          <div className="field-error">
            Shown as JSON: {parsed.error}. Fix it to edit as a form.
          </div>
        )}
        <div className="space-footer">
          <button
            type="button"
            className="link-button"
            disabled={!parsed.ok}
            onClick={() => setAsJson(false)}
          >
            Edit as form
          </button>
        </div>
      </div>
    );
  }

  const rows = parsed.rows;
  const problems = rowProblems(rows, hyperparams, setting.ranges);
  const update = (next: SpaceRow[]) => onValue(spaceFromRows(next));
  const replace = (index: number, row: SpaceRow) =>
    update(rows.map((r, i) => (i === index ? row : r)));

  return (
    <div className="search-space">
      {hyperparams.length === 0 && (
        <p className="muted small space-note">
          Connect a model to the Model input to pick from its hyperparameters; until then, type
          their names (the estimator&apos;s parameter names, e.g. C or max_depth).
        </p>
      )}
      {rows.length > 0 && (
        <ol className="space-rows" aria-label="Hyperparameters to search">
          {rows.map((row, i) => (
            <SpaceRowEditor
              key={i}
              id={`${id}-${i}`}
              index={i}
              row={row}
              hp={byName.get(row.param) ?? null}
              setting={setting}
              problems={problems[i] ?? []}
              onChange={(next) => replace(i, next)}
              onRemove={() => update(rows.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
      )}
      <div className="space-footer">
        <button
          type="button"
          className="add-row"
          id={id}
          onClick={() => update([...rows, newRow(rows, hyperparams)])}
        >
          + Add hyperparameter
        </button>
        <span className="space-count muted small" role="status">
          {rows.length === 0
            ? "No hyperparameters yet"
            : searchSummary(rows, setting.nIter, setting.nSplits)}
        </span>
        <span className="spacer" />
        <button type="button" className="link-button" onClick={() => setAsJson(true)}>
          Edit as JSON
        </button>
      </div>
    </div>
  );
}

function SpaceRowEditor({
  id,
  index,
  row,
  hp,
  setting,
  problems,
  onChange,
  onRemove,
}: {
  id: string;
  index: number;
  row: SpaceRow;
  hp: HyperParam | null;
  setting: SearchSpaceSetting;
  problems: readonly { severity: string; message: string }[];
  onChange: (row: SpaceRow) => void;
  onRemove: () => void;
}) {
  const name = row.param || `row ${index + 1}`;
  const numeric = hp === null || hp.kind === "number" || hp.kind === "integer";
  return (
    <li className="space-row" data-param={row.param}>
      <div className="space-row-head">
        <ParamPicker
          id={`${id}-param`}
          row={row}
          hyperparams={setting.hyperparams}
          modelLabel={setting.modelLabel}
          onPick={(param) =>
            onChange(
              withParam(row, setting.hyperparams.find((p) => p.name === param) ?? null, param),
            )
          }
        />
        {setting.ranges && (numeric || row.kind === "range") && (
          <span className="space-kind" role="group" aria-label={`How ${name} is drawn`}>
            <button
              type="button"
              aria-pressed={row.kind === "values"}
              onClick={() => row.kind !== "values" && onChange(switchKind(row, hp))}
            >
              Values
            </button>
            <button
              type="button"
              aria-pressed={row.kind === "range"}
              onClick={() => row.kind !== "range" && onChange(switchKind(row, hp))}
            >
              Range
            </button>
          </span>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove ${name}`}
          title="Remove this hyperparameter"
          onClick={onRemove}
        >
          ×
        </button>
      </div>
      {hp?.description && <div className="muted small space-hp-help">{hp.description}</div>}
      {row.kind === "values" ? (
        <ValueChips id={`${id}-values`} row={row} hp={hp} name={name} onChange={onChange} />
      ) : (
        <RangeInputs id={`${id}-range`} row={row} name={name} onChange={onChange} />
      )}
      {problems.length > 0 && (
        <ul className="field-issues">
          {problems.map((p, i) => (
            <li key={i} className={`field-issue issue-${p.severity}`}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** The hyperparameter of a row: a select of the model's, or free text without a model. */
function ParamPicker({
  id,
  row,
  hyperparams,
  modelLabel,
  onPick,
}: {
  id: string;
  row: SpaceRow;
  hyperparams: readonly HyperParam[];
  modelLabel: string | null;
  onPick: (param: string) => void;
}) {
  const [typing, setTyping] = useState(false);
  const known = hyperparams.some((p) => p.name === row.param);
  if (hyperparams.length === 0 || typing) {
    return (
      <input
        id={id}
        type="text"
        className="space-param"
        aria-label="Hyperparameter"
        placeholder="hyperparameter, e.g. C"
        spellCheck={false}
        value={row.param}
        autoFocus={typing}
        onChange={(e) => onPick(e.target.value)}
        onBlur={() => setTyping(false)}
      />
    );
  }
  return (
    <select
      id={id}
      className="space-param"
      aria-label="Hyperparameter"
      value={known ? row.param : `other:${row.param}`}
      title={modelLabel ? `Hyperparameters of ${modelLabel}` : undefined}
      onChange={(e) => {
        if (e.target.value === "other:") setTyping(true);
        else if (!e.target.value.startsWith("other:")) onPick(e.target.value);
      }}
    >
      {!known && row.param !== "" && (
        <option value={`other:${row.param}`}>{row.param} (not on the model node)</option>
      )}
      {!known && row.param === "" && <option value="other:">—</option>}
      {hyperparams.map((p) => (
        <option key={p.name} value={p.name}>
          {p.name}
          {p.title && p.title.toLowerCase() !== p.name.replace(/_/g, " ").toLowerCase()
            ? ` (${p.title})`
            : ""}
        </option>
      ))}
      {(known || row.param !== "") && <option value="other:">Other (type a name)…</option>}
    </select>
  );
}

/** The values of a row: a toggle per choice for enums and booleans, else chips and a box. */
function ValueChips({
  id,
  row,
  hp,
  name,
  onChange,
}: {
  id: string;
  row: SpaceRow;
  hp: HyperParam | null;
  name: string;
  onChange: (row: SpaceRow) => void;
}) {
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const listId = useId();
  const has = (v: SpaceValue) => row.values.some((x) => x === v);
  const setValues = (values: SpaceValue[]) => onChange({ ...row, values });
  const choices = hp && (hp.kind === "enum" || hp.kind === "boolean") ? hp.options : null;

  function add(typed: string) {
    const parts = typed
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
    const added: SpaceValue[] = [];
    for (const part of parts) {
      const parsed = parseSpaceValue(part, hp);
      if (!parsed.ok) {
        setError(parsed.error);
        return;
      }
      if (!has(parsed.value) && !added.includes(parsed.value)) added.push(parsed.value);
    }
    setText("");
    setError("");
    if (added.length > 0) setValues([...row.values, ...added]);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      add(text);
    } else if (event.key === "Backspace" && text === "" && row.values.length > 0) {
      setValues(row.values.slice(0, -1));
    }
  }

  if (choices) {
    const extra = row.values.filter((v) => !choices.includes(v));
    return (
      <div className="space-values" role="group" aria-label={`Values of ${name}`}>
        {choices.map((choice) => (
          <button
            key={String(choice)}
            type="button"
            className="space-choice"
            aria-pressed={has(choice)}
            onClick={() =>
              setValues(
                has(choice) ? row.values.filter((v) => v !== choice) : [...row.values, choice],
              )
            }
          >
            {formatSpaceValue(choice)}
          </button>
        ))}
        {extra.map((v) => (
          <ValueChip
            key={`x-${String(v)}`}
            value={v}
            problem={valueProblem(v, hp)}
            onRemove={() => setValues(row.values.filter((x) => x !== v))}
          />
        ))}
      </div>
    );
  }

  return (
    <div className="space-values" role="group" aria-label={`Values of ${name}`}>
      {row.values.map((v, i) => (
        <ValueChip
          key={`${typeof v}-${String(v)}-${i}`}
          value={v}
          problem={valueProblem(v, hp)}
          onRemove={() => setValues(row.values.filter((_, j) => j !== i))}
        />
      ))}
      <input
        id={id}
        type="text"
        className="space-add-value"
        aria-label={`Add a value of ${name}`}
        aria-describedby={error ? listId : undefined}
        aria-invalid={error ? true : undefined}
        inputMode={
          hp?.kind === "integer" ? "numeric" : hp?.kind === "number" ? "decimal" : undefined
        }
        placeholder={row.values.length === 0 ? "type a value, Enter adds it" : "add a value"}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setError("");
        }}
        onKeyDown={onKeyDown}
        onBlur={() => text.trim() !== "" && add(text)}
      />
      {error && (
        <div className="field-error" id={listId}>
          {error}
        </div>
      )}
    </div>
  );
}

function ValueChip({
  value,
  problem,
  onRemove,
}: {
  value: SpaceValue;
  problem: string;
  onRemove: () => void;
}) {
  const text = formatSpaceValue(value);
  return (
    <span className={`chip space-chip${problem ? " invalid" : ""}`} title={problem || undefined}>
      <span className="chip-name">
        {typeof value === "string" && text !== "none" ? text : <code>{text}</code>}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label={`Remove ${text}`}
        title="Remove"
        onClick={onRemove}
      >
        ×
      </button>
    </span>
  );
}

/** low..high of a range row, with its log-scale and whole-number switches. */
function RangeInputs({
  id,
  row,
  name,
  onChange,
}: {
  id: string;
  row: SpaceRow;
  name: string;
  onChange: (row: SpaceRow) => void;
}) {
  return (
    <div className="space-range" role="group" aria-label={`Range of ${name}`}>
      <NumberBox
        id={`${id}-low`}
        label={`Low of ${name}`}
        placeholder="low"
        value={row.low}
        onValue={(low) => onChange({ ...row, low })}
      />
      <span aria-hidden>to</span>
      <NumberBox
        id={`${id}-high`}
        label={`High of ${name}`}
        placeholder="high"
        value={row.high}
        onValue={(high) => onChange({ ...row, high })}
      />
      <label className="space-flag">
        <input
          type="checkbox"
          checked={row.log}
          onChange={(e) => onChange({ ...row, log: e.target.checked })}
        />
        log scale
      </label>
      <label className="space-flag">
        <input
          type="checkbox"
          checked={row.integer}
          onChange={(e) => onChange({ ...row, integer: e.target.checked })}
        />
        whole numbers
      </label>
    </div>
  );
}

/** A number typed as text: what was typed stays while it means the value or does not parse. */
function NumberBox({
  id,
  label,
  placeholder,
  value,
  onValue,
}: {
  id: string;
  label: string;
  placeholder: string;
  value: number | null;
  onValue: (value: number | null) => void;
}) {
  const [local, setLocal] = useState<{ text: string; means: number | null } | null>(null);
  const mine = local && local.means === value ? local : null;
  const text = mine ? mine.text : value === null ? "" : String(value);
  const parsed = text.trim() === "" ? null : Number(text);
  const bad = parsed !== null && !Number.isFinite(parsed);
  return (
    <input
      id={id}
      type="text"
      inputMode="decimal"
      className="space-number"
      aria-label={label}
      aria-invalid={bad || undefined}
      title={bad ? "not a number" : undefined}
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        const next = e.target.value;
        const number = next.trim() === "" ? null : Number(next);
        if (number === null || Number.isFinite(number)) {
          setLocal({ text: next, means: number });
          onValue(number);
        } else {
          setLocal({ text: next, means: value });
        }
      }}
    />
  );
}
