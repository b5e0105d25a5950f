/**
 * One param in the properties form: its title, its control (FieldControl.tsx, or the search-space
 * editor for a tuning node's space), the server's validation issues about it and its description
 * with the default and the bounds.
 */

import type { IssueLike } from "../../graph/issuesByNode";
import { columnRole, isExpressionField, type FieldDescriptor } from "../../graph/paramsForm";
import { DataFilePathActions } from "../DataFilePathActions";
import { FieldControl, type ColumnsFor } from "./FieldControl";
import { boundsText, defaultText } from "./fieldText";
import { SearchSpaceEditor, type SearchSpaceSetting } from "./SearchSpaceEditor";

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
  searchSpace = null,
  onValue,
}: {
  field: FieldDescriptor;
  value: unknown;
  issues: readonly IssueLike[];
  pending: boolean;
  columnsFor: ColumnsFor;
  /** Set for a search-space param (searchSpaceParam): its editor's setting. */
  searchSpace?: SearchSpaceSetting | null;
  onValue: (value: unknown) => void;
}) {
  const id = `param-${field.name}`;
  const bounds = boundsText(field);
  const rows = isRowField(field) || searchSpace !== null;
  const dflt = rows ? "" : defaultText(field);
  const title = (
    <>
      {field.title}
      {field.required && " *"}
    </>
  );
  return (
    <div className={`field field-${searchSpace ? "search_space" : field.kind}`}>
      {rows ? (
        <span className="field-title">{title}</span>
      ) : (
        <label className="field-title" htmlFor={id}>
          {title}
        </label>
      )}
      {searchSpace ? (
        <SearchSpaceEditor
          field={field}
          id={id}
          value={value}
          setting={searchSpace}
          onValue={onValue}
        />
      ) : (
        <FieldControl
          field={field}
          id={id}
          value={value}
          issues={issues}
          pending={pending}
          columnsFor={columnsFor}
          onValue={onValue}
        />
      )}
      <DataFilePathActions field={field} />
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
        {field.kind === "unsupported" && !searchSpace && " JSON."}
      </div>
    </div>
  );
}
