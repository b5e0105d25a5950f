/**
 * "Connect to…": wiring a node from the keyboard. Opened for a node by the C shortcut
 * (useCanvasShortcuts.ts, on the focused or the selected node); lists every connection the node
 * can take part in (graph/connectTo.ts: the same rules as a dragged connection), narrowed by
 * typing. Arrow keys move, Enter or a click connects, Escape closes. The connection is committed
 * through the mouse's path (useConnectionHandlers.ts onConnect), so it is checked, replaces the
 * edge an input had, is saved and is one undo step. The focus then goes back to the node.
 */

import type { Connection } from "@xyflow/react";
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { connectTargets, describeTarget, filterTargets } from "../graph/connectTo";
import { useHelpStore } from "../store/useHelpStore";
import { useRegistryStore } from "../store/useRegistryStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import "./ConnectTo.css";

/** Put the keyboard focus back on a node of the canvas (React Flow nodes are focusable). */
function focusNode(nodeId: string): void {
  document
    .querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`)
    ?.focus();
}

function ConnectToView({ onConnect }: { onConnect: (connection: Connection) => void }) {
  const nodeId = useHelpStore((s) => s.connectFrom);
  // leaving the workflow closes it
  useEffect(() => () => useHelpStore.getState().closeConnectTo(), []);
  if (!nodeId) return null;
  // keyed: a new node starts with an empty query
  return <ConnectToPopup key={nodeId} nodeId={nodeId} onConnect={onConnect} />;
}

function ConnectToPopup({
  nodeId,
  onConnect,
}: {
  nodeId: string;
  onConnect: (connection: Connection) => void;
}) {
  const doc = useWorkflowStore((s) => s.doc);
  const specs = useRegistryStore((s) => s.specs);
  const rules = useRegistryStore((s) => s.rules);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement | null>(null);
  const all = useMemo(
    () => (doc ? connectTargets(nodeId, doc, specs, rules) : []),
    [doc, nodeId, rules, specs],
  );
  const hits = useMemo(() => filterTargets(all, query), [all, query]);
  const current = Math.min(active, Math.max(0, hits.length - 1));
  const node = doc?.nodes.find((n) => n.id === nodeId);
  const name = node?.label || (node && specs[node.type]?.displayName) || nodeId;

  useEffect(() => {
    list.current
      ?.querySelector<HTMLElement>(`[data-index="${current}"]`)
      ?.scrollIntoView({ block: "nearest" });
  }, [current]);

  function close(refocus: boolean) {
    useHelpStore.getState().closeConnectTo();
    if (refocus) focusNode(nodeId);
  }

  function pick(index: number) {
    const target = hits[index];
    if (!target) return;
    close(true);
    onConnect(target.connection);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + hits.length) % Math.max(1, hits.length));
    } else if (event.key === "Enter") {
      event.preventDefault();
      pick(current);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    }
  }

  const optionId = (index: number) => `connect-to-option-${index}`;
  return (
    <div
      className="connect-to"
      role="dialog"
      aria-label={`Connect ${name}`}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) close(false);
      }}
    >
      <div className="connect-to-context">
        Connect <strong>{name}</strong>: → its output feeds another node, ← another node feeds its
        input
      </div>
      <input
        className="connect-to-search"
        type="search"
        placeholder="Search nodes and ports"
        aria-label="Search connections"
        role="combobox"
        aria-expanded
        aria-controls="connect-to-list"
        aria-activedescendant={hits.length > 0 ? optionId(current) : undefined}
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      {hits.length === 0 ? (
        <p className="connect-to-empty">
          {all.length === 0
            ? `No port on the canvas fits a port of ${name}.`
            : `No connection matches “${query}”.`}
        </p>
      ) : (
        <ul className="connect-to-list" id="connect-to-list" role="listbox" ref={list}>
          {hits.map((target, index) => (
            <li
              key={`${target.direction}-${target.port}-${target.other}-${target.otherPort}`}
              id={optionId(index)}
              role="option"
              aria-selected={index === current}
              data-index={index}
              className={index === current ? "active" : undefined}
              // keep the focus in the search box, so a click does not close the popup first
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(index)}
              onClick={() => pick(index)}
            >
              <span className="connect-to-name">{describeTarget(target)}</span>
              {target.note && <span className="connect-to-note">{target.note}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const ConnectTo = memo(ConnectToView);
