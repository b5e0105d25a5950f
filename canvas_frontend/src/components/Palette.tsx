/**
 * The node palette: the registry's node types grouped by category, with a typo-tolerant search
 * (graph/search.ts). An entry is dragged onto the canvas (the drop point places it) or added
 * with its "add" button or a double-click on its name (`onAdd`: wired to the selected node when
 * it fits, usePaletteAdd.ts); its round "i" button opens the type's documentation (NodeDocs.tsx).
 */

import { memo, useMemo, useState, type DragEvent } from "react";
import { groupByCategory, searchEntries } from "../graph/search";
import { useRegistryStore } from "../store/useRegistryStore";
import { LearnMoreButton } from "./NodeDocs";

/** The drag payload's MIME type: the node type id. */
export const NODE_TYPE_MIME = "application/x-mlcanvas-node-type";

// memo: when the canvas page re-renders (a popup opens, the runs panel toggles), this panel has
// nothing to redraw.
export const Palette = memo(function Palette({ onAdd }: { onAdd: (typeId: string) => void }) {
  const specs = useRegistryStore((s) => s.specs);
  const [query, setQuery] = useState("");
  const groups = useMemo(
    () => groupByCategory(searchEntries(Object.values(specs), query), query.trim() === ""),
    [specs, query],
  );

  function onDragStart(event: DragEvent, typeId: string) {
    event.dataTransfer.setData(NODE_TYPE_MIME, typeId);
    event.dataTransfer.effectAllowed = "copy";
  }

  return (
    <aside className="palette" aria-label="Node palette">
      <input
        className="palette-search"
        type="search"
        placeholder="Search nodes"
        aria-label="Search nodes"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {groups.length === 0 && <p className="muted small">No node matches “{query}”.</p>}
      {groups.map((group) => (
        <section key={group.category} className="palette-group">
          <h2>{group.category}</h2>
          <ul>
            {group.entries.map((spec) => (
              <li
                key={spec.typeId}
                className="palette-entry"
                draggable
                onDragStart={(e) => onDragStart(e, spec.typeId)}
                title={spec.description}
              >
                <span
                  className="palette-name"
                  onDoubleClick={() => onAdd(spec.typeId)}
                  title={`${spec.description} (double-click to add)`}
                >
                  {spec.displayName}
                </span>
                <LearnMoreButton typeId={spec.typeId} name={spec.displayName} compact />
                <button
                  type="button"
                  className="palette-add"
                  onClick={() => onAdd(spec.typeId)}
                  aria-label={`Add ${spec.displayName}`}
                  title="Add it: wired to the selected node when it fits, else in the middle of the view"
                >
                  add
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
});
