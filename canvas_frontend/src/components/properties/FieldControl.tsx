/**
 * The control for one param, top-level or inside a row, chosen by its kind: the expression
 * editor for expressions (ExpressionEditor.tsx); a picker of the server's secret names for params
 * that name a secret (SecretNamePicker.tsx); column pickers fed by the columns the server infers
 * for the node's input (ColumnPicker.tsx); rows for lists of objects and maps (ListEditor.tsx);
 * a checkbox, a select for enums; parsed text for the rest (ParsedInput.tsx).
 */

import { useCallback } from "react";
import type { IssueLike } from "../../graph/issuesByNode";
import {
  columnRole,
  formatFieldValue,
  isExpressionField,
  isSecretNameField,
  parseFieldText,
  type FieldDescriptor,
  type InputColumns,
} from "../../graph/paramsForm";
import { ColumnChips, ColumnSelect } from "../ColumnPicker";
import { ExpressionEditor } from "../ExpressionEditor";
import { MapEditor, RowListEditor, type CellRenderer } from "../ListEditor";
import { SecretNamePicker } from "../SecretNamePicker";
import { ParsedInput } from "./ParsedInput";

/** Where a column param's choices come from: the columns of an input port (or of every input). */
export type ColumnsFor = (port: string | null) => InputColumns;

/** The control for one field, top-level or inside a row. */
export function FieldControl({
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
