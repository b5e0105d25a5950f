/** How a param field's default and bounds read in the properties form. */

import { formatFieldValue, type FieldDescriptor } from "../../graph/paramsForm";

/** The default as the form would show it ("none", "empty"), or "" when there is none. */
export function defaultText(field: FieldDescriptor): string {
  if (!field.hasDefault) return "";
  const value = field.default === null ? "none" : formatFieldValue(field, field.default);
  return value === "" ? "empty" : value;
}

/** A number's bounds, e.g. "≥ 0, < 1"; "" for other fields or when unbounded. */
export function boundsText(field: FieldDescriptor): string {
  if (field.kind !== "number" && field.kind !== "integer") return "";
  const parts: string[] = [];
  if (field.min !== null) parts.push(`${field.exclusiveMin ? ">" : "≥"} ${field.min}`);
  if (field.max !== null) parts.push(`${field.exclusiveMax ? "<" : "≤"} ${field.max}`);
  return parts.join(", ");
}
