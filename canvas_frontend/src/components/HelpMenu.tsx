/**
 * The toolbar's Help menu: the first-visit tour again (Onboarding.tsx), the keyboard shortcuts,
 * the documentation of the selected node's type (or of every type, NodeDocs.tsx), and the links
 * to what the server serves besides the canvas: the GraphQL API explorer and the Dagster UI (it
 * does not serve the project's docs/ folder). A menu button: arrow keys move between the items,
 * Escape closes it and gives the focus back to the button.
 */

import { memo, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { browseEntries } from "../graph/search";
import { singleSelectedId } from "../graph/selection";
import { useHelpStore } from "../store/useHelpStore";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { DAGSTER_PATH } from "./DagsterLink";
import { GRAPHQL_PATH } from "./NodeDocs";

/** The type whose documentation "Node reference" opens: the selected node's, else the first. */
function referenceType(): string | null {
  const { nodes, doc } = useWorkflowStore.getState();
  const selected = singleSelectedId(nodes);
  const type = selected ? doc?.nodes.find((n) => n.id === selected)?.type : undefined;
  if (type) return type;
  return browseEntries(Object.values(useRegistryStore.getState().specs))[0]?.entry.typeId ?? null;
}

export const HelpMenu = memo(function HelpMenu({ onShortcuts }: { onShortcuts: () => void }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement | null>(null);
  const button = useRef<HTMLButtonElement | null>(null);
  const menu = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  function close() {
    setOpen(false);
    button.current?.focus();
  }

  function run(action: () => void) {
    setOpen(false);
    action();
  }

  function onMenuKey(e: KeyboardEvent) {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (e.key === "Tab") {
      setOpen(false);
    }
  }

  return (
    <div className="help-menu-box" ref={box}>
      <button
        type="button"
        ref={button}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        title="Getting started, node documentation, the API explorer and the Dagster UI"
      >
        Help ▾
      </button>
      {open && (
        <div className="help-menu" role="menu" aria-label="Help" ref={menu} onKeyDown={onMenuKey}>
          <button
            type="button"
            role="menuitem"
            onClick={() => run(() => useHelpStore.getState().openOnboarding(true))}
          >
            Getting started
          </button>
          <button type="button" role="menuitem" onClick={() => run(onShortcuts)}>
            Keyboard shortcuts
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() =>
              run(() => {
                const type = referenceType();
                if (type) useHelpStore.getState().openDocs(type);
              })
            }
            title="The selected node's type, or browse every node type"
          >
            Node reference
          </button>
          <a
            role="menuitem"
            href={GRAPHQL_PATH}
            target="_blank"
            rel="noopener"
            onClick={() => setOpen(false)}
            title="GraphiQL: explore and try the API the canvas uses (when the server allows introspection)"
          >
            GraphQL API explorer ↗
          </a>
          <a
            role="menuitem"
            href={DAGSTER_PATH}
            target="_blank"
            rel="noopener"
            onClick={() => setOpen(false)}
            title="Lineage, runs and materializations of every workflow's assets"
          >
            Dagster UI ↗
          </a>
        </div>
      )}
    </div>
  );
});
