/**
 * One param in the properties form: its title, its control (FieldControl.tsx), the server's
 * validation issues about it and its description with the default and the bounds.
 */

import type { IssueLike } from "../../graph/issuesByNode";
import { columnRole, isExpressionField, type FieldDescriptor } from "../../graph/paramsForm";
import { FieldControl, type ColumnsFor } from "./FieldControl";
import { boundsText, defaultText } from "./fieldText";

/** A list of objects or a map: edited in rows, so no one element for the label to point at. */
function isRowField(field: FieldDescriptor): boolean {
  return field.kind === "object_list" || field.kind === "map";
}

/** One param: its title, its control, the server's issues about it and its description. */
export function ParamField({
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
