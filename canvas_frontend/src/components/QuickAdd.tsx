/**
 * The quick-add popup: a search box at the cursor over the node types (graph/search.ts, typo
 * tolerant by name, tag and description). Arrow keys move, Enter or a click adds, Escape or a
 * click elsewhere closes. Opened by a double-click on the canvas, Shift+A, or a connection dropped
 * on empty canvas (then `entries` holds only the types that fit the dragged port).
 */

import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { NodeTypeSpec } from "../api/canvasApi";
import { browseEntries, searchEntries } from "../graph/search";
import "./QuickAdd.css";

/** Enough to scroll through, few enough to render at once. */
const MAX_HITS = 40;

export interface QuickAddProps {
  /** Top-left corner, in pixels inside the canvas element. */
  left: number;
  top: number;
  entries: readonly NodeTypeSpec[];
  /** Shown above the box, e.g. which port a new node will be connected to. */
  context?: string;
  onPick: (typeId: string) => void;
  onClose: () => void;
}

function QuickAddView({ left, top, entries, context, onPick, onClose }: QuickAddProps) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement | null>(null);
  const hits = useMemo(
    () =>
      query.trim() === ""
        ? browseEntries(entries)
        : searchEntries(entries, query).slice(0, MAX_HITS),
    [entries, query],
  );
  const current = Math.min(active, Math.max(0, hits.length - 1));

  useEffect(() => {
    list.current
      ?.querySelector<HTMLElement>(`[data-index="${current}"]`)
      ?.scrollIntoView({ block: "nearest" });
  }, [current]);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + hits.length) % Math.max(1, hits.length));
    } else if (event.key === "Enter") {
      event.preventDefault();
      const hit = hits[current];
      if (hit) onPick(hit.entry.typeId);
    } else if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    }
  }

  return (
    <div
      className="quick-add"
      style={{ left, top }}
      role="dialog"
      aria-label="Add a node"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) onClose();
      }}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      {context && <div className="quick-add-context">{context}</div>}
      <input
        className="quick-add-search"
        type="search"
        placeholder="Search nodes"
        aria-label="Search nodes to add"
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      {hits.length === 0 ? (
        <p className="quick-add-empty">
          {entries.length === 0
            ? "No node type has a port that fits this connection."
            : `No node matches “${query}”.`}
        </p>
      ) : (
        <ul className="quick-add-list" role="listbox" ref={list}>
          {hits.map((hit, index) => (
            <li
              key={hit.entry.typeId}
              role="option"
              aria-selected={index === current}
              data-index={index}
              className={index === current ? "active" : undefined}
              // keep the focus in the search box, so a click does not close the popup first
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(index)}
              onClick={() => onPick(hit.entry.typeId)}
              title={hit.entry.description}
            >
              <span className="quick-add-name">{hit.entry.displayName}</span>
              <span className="quick-add-category">{hit.entry.category}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const QuickAdd = memo(QuickAddView);
