/**
 * A JSON value as a collapsible tree: objects and arrays open a level at a time (the first levels
 * of small values start open), long arrays and objects show their first MAX_CHILDREN entries.
 */

import { memo, useState } from "react";
import { jsonSummary, startsOpen } from "../../graph/resultsView";

const MAX_CHILDREN = 200;

function Leaf({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === "string")
    return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === "number") return <span className="json-number">{String(value)}</span>;
  if (typeof value === "boolean") return <span className="json-bool">{String(value)}</span>;
  return <span>{String(value)}</span>;
}

function JsonNode({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const branch = typeof value === "object" && value !== null;
  const [open, setOpen] = useState(() => startsOpen(depth, value));
  const label = name !== null && <span className="json-key">{name}: </span>;
  if (!branch) {
    return (
      <div className="json-line">
        {label}
        <Leaf value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value as Record<string, unknown>);
  return (
    <div className="json-branch">
      <button
        type="button"
        className="json-toggle"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="json-caret" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        {label}
        <span className="muted">{jsonSummary(value)}</span>
      </button>
      {open && (
        <div className="json-children">
          {entries.slice(0, MAX_CHILDREN).map(([key, child]) => (
            <JsonNode key={key} name={key} value={child} depth={depth + 1} />
          ))}
          {entries.length > MAX_CHILDREN && (
            <div className="json-line muted">
              … {entries.length - MAX_CHILDREN} more (download the result to see everything)
            </div>
          )}
        </div>
      )}
    </div>
  );
}

export const JsonView = memo(function JsonView({ value }: { value: unknown }) {
  return (
    <div className="json-view">
      <JsonNode name={null} value={value} depth={0} />
    </div>
  );
});
