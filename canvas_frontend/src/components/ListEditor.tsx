/**
 * Editors for structured params: a list of objects as rows (an aggregate's aggregations, a sort's
 * keys, a join's key pairs), one small form per row with add, remove and move up/down; and a map
 * of plain values as key -> value rows (column -> new type, old name -> new name, headers), the
 * keys picked from the input's columns when the map is keyed by columns. Each property or value
 * is drawn by the form's own field renderer (`renderCell`), so rows get the same column pickers,
 * enums and checks as top-level params.
 */

import { memo, useMemo, useState, type ReactNode } from "react";
import {
  newItem,
  stableKey,
  type ColumnInfo,
  type FieldDescriptor,
  type InputColumns,
} from "../graph/paramsForm";
import { ColumnCombobox, DtypeBadge, RoleBadge } from "./ColumnPicker";
import "./properties.css";

/** Draws one property of a row (or a map's value): field, current value, change, element id. */
export type CellRenderer = (
  field: FieldDescriptor,
  value: unknown,
  onValue: (value: unknown) => void,
  id: string,
) => ReactNode;

type Row = Record<string, unknown>;

function isRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function RowButtons({
  what,
  index,
  count,
  onMove,
  onRemove,
}: {
  what: string;
  index: number;
  count: number;
  onMove: (step: -1 | 1) => void;
  onRemove: () => void;
}) {
  return (
    <span className="row-actions">
      <button
        type="button"
        className="icon-button"
        aria-label={`Move ${what} ${index + 1} up`}
        title="Move up"
        disabled={index === 0}
        onClick={() => onMove(-1)}
      >
        ↑
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Move ${what} ${index + 1} down`}
        title="Move down"
        disabled={index === count - 1}
        onClick={() => onMove(1)}
      >
        ↓
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Remove ${what} ${index + 1}`}
        title="Remove"
        onClick={onRemove}
      >
        ×
      </button>
    </span>
  );
}

function moved<T>(list: readonly T[], index: number, step: -1 | 1): T[] {
  const next = [...list];
  const [item] = next.splice(index, 1);
  if (item !== undefined) next.splice(index + step, 0, item);
  return next;
}

/** A list of objects, one row each. */
export const RowListEditor = memo(function RowListEditor({
  id,
  field,
  value,
  renderCell,
  onChange,
}: {
  id: string;
  field: FieldDescriptor & { kind: "object_list" };
  value: unknown;
  renderCell: CellRenderer;
  onChange: (rows: Row[]) => void;
}) {
  const rows = Array.isArray(value) ? value.filter(isRow) : [];
  const what = field.itemTitle;

  function setCell(index: number, name: string, cell: unknown) {
    onChange(
      rows.map((row, i) => {
        if (i !== index) return row;
        // Keep the keys' order; undefined removes the key (the server fills the default).
        const entries = Object.entries(row).flatMap(([key, v]): [string, unknown][] =>
          key !== name ? [[key, v]] : cell === undefined ? [] : [[key, cell]],
        );
        if (!(name in row) && cell !== undefined) entries.push([name, cell]);
        return Object.fromEntries(entries);
      }),
    );
  }

  return (
    <div className="row-list" id={id}>
      {rows.length === 0 ? (
        <p className="muted small row-empty">No {what} yet.</p>
      ) : (
        <ol className="rows">
          {rows.map((row, i) => (
            <li key={i} className="row-item" aria-label={`${what} ${i + 1}`}>
              <div className="row-head">
                <span className="row-index">{i + 1}</span>
                <RowButtons
                  what={what}
                  index={i}
                  count={rows.length}
                  onMove={(step) => onChange(moved(rows, i, step))}
                  onRemove={() => onChange(rows.filter((_, j) => j !== i))}
                />
              </div>
              <div className="row-fields">
                {field.itemFields.map((f) => {
                  const cellId = `${id}-${i}-${f.name}`;
                  return (
                    <div key={f.name} className="row-field" title={f.description}>
                      <label htmlFor={cellId}>
                        {f.title}
                        {f.required && " *"}
                      </label>
                      {renderCell(
                        f,
                        f.name in row ? row[f.name] : f.default,
                        (cell) => setCell(i, f.name, cell),
                        cellId,
                      )}
                    </div>
                  );
                })}
              </div>
            </li>
          ))}
        </ol>
      )}
      <button
        type="button"
        className="add-row"
        onClick={() => onChange([...rows, newItem(field.itemFields)])}
      >
        + Add {what}
      </button>
    </div>
  );
});

type Entry = [string, unknown];

function entriesOf(value: unknown): Entry[] {
  return isRow(value) ? Object.entries(value) : [];
}

/** The map the rows mean: rows without a key are being typed and left out; a repeated key
 * keeps its last value. */
function mapOf(rows: readonly Entry[]): Row {
  return Object.fromEntries(rows.filter(([key]) => key !== ""));
}

/** Key -> value rows; keys from the input's columns when `keyColumns` is given. */
export const MapEditor = memo(function MapEditor({
  id,
  field,
  value,
  keyColumns,
  renderCell,
  onChange,
}: {
  id: string;
  field: FieldDescriptor & { kind: "map" };
  value: unknown;
  keyColumns: InputColumns | null;
  renderCell: CellRenderer;
  onChange: (map: Row) => void;
}) {
  // Rows being edited stay as they are while they still mean the stored map (an empty key, a
  // repeated key); any other change of the map (undo, a teammate) shows the map as it is.
  const [local, setLocal] = useState<Entry[] | null>(null);
  const valueKey = stableKey(isRow(value) ? value : {});
  const rows = local && stableKey(mapOf(local)) === valueKey ? local : entriesOf(value);
  const what = keyColumns ? "column" : "entry";
  const keys = useMemo(() => new Set(rows.map(([k]) => k)), [rows]);

  function update(next: Entry[]) {
    setLocal(next);
    onChange(mapOf(next));
  }

  return (
    <div className="map-editor" id={id}>
      {rows.length === 0 ? (
        <p className="muted small row-empty">No {what === "column" ? "columns" : "entries"} yet.</p>
      ) : (
        <ol className="rows">
          {rows.map(([key, cell], i) => {
            const keyId = `${id}-${i}-key`;
            const repeated = key !== "" && rows.findIndex(([k]) => k === key) !== i;
            return (
              <li key={i} className="row-item map-row" aria-label={`${what} ${i + 1}`}>
                <div className="map-key">
                  {keyColumns ? (
                    <KeyColumn
                      id={keyId}
                      value={key}
                      columns={keyColumns.columns}
                      known={keyColumns.known}
                      used={keys}
                      onChange={(k) => update(rows.map((r, j) => (j === i ? [k, r[1]] : r)))}
                    />
                  ) : (
                    <input
                      id={keyId}
                      type="text"
                      aria-label={`Key ${i + 1}`}
                      value={key}
                      placeholder="key"
                      onChange={(e) =>
                        update(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))
                      }
                    />
                  )}
                  {repeated && (
                    <span className="column-missing">repeated: the last one counts</span>
                  )}
                </div>
                <span className="map-arrow" aria-hidden>
                  →
                </span>
                <div className="map-value">
                  {renderCell(
                    field.valueField,
                    cell,
                    (v) => update(rows.map((r, j) => (j === i ? [r[0], v] : r))),
                    `${id}-${i}-value`,
                  )}
                </div>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove ${what} ${i + 1}`}
                  title="Remove"
                  onClick={() => update(rows.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ol>
      )}
      <button
        type="button"
        className="add-row"
        onClick={() => {
          const fresh = newItem([{ ...field.valueField, name: "value", required: true }]);
          update([...rows, ["", fresh.value]]);
        }}
      >
        + Add {what}
      </button>
    </div>
  );
});

function KeyColumn({
  id,
  value,
  columns,
  known,
  used,
  onChange,
}: {
  id: string;
  value: string;
  columns: readonly ColumnInfo[];
  known: boolean;
  used: ReadonlySet<string>;
  onChange: (name: string) => void;
}) {
  const exclude = useMemo(() => new Set([...used].filter((k) => k !== value)), [used, value]);
  const info = columns.find((c) => c.name === value);
  return (
    <>
      <ColumnCombobox
        id={id}
        value={value}
        columns={columns}
        known={known}
        exclude={exclude}
        label="Column"
        placeholder="column"
        onChange={onChange}
        onPick={onChange}
      />
      {info && <DtypeBadge dtype={info.dtype} />}
      {info && <RoleBadge role={info.role} />}
      {known && value !== "" && !info && <span className="column-missing">not in the input</span>}
    </>
  );
}
