/**
 * A text input (or text area) for a field whose text is parsed: numbers, text, lists, unions,
 * JSON. What was typed stays on screen while it still means the stored value (or does not parse:
 * then the reason shows underneath); any other change of the value (undo, a teammate's edit)
 * shows the new value.
 */

import { useState } from "react";
import {
  formatFieldValue,
  parseFieldText,
  stableKey,
  type FieldDescriptor,
} from "../../graph/paramsForm";
import { defaultText } from "./fieldText";

export function ParsedInput({
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
