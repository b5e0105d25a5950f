/**
 * "Learn more" about a node type: its documentation generated from the registry
 * (graph/nodeDocs.ts): what it does, its ports with their data types and the node types that can
 * feed or read each, its params (type, default, bounds, choices, when each applies) and a minimal
 * example wiring; every node type named is a link to its own page. Opened from the palette, the
 * properties panel's header (LearnMoreButton) and the Help menu (CanvasToolbar.tsx).
 *
 * The server does not serve the project's docs/ folder, so the links out go to what it does
 * serve: the GraphQL API explorer (GraphiQL at /graphql, where `nodeTypes` returns these specs)
 * and the Dagster UI (/dagster/).
 */

import { memo, useEffect, useMemo, useRef } from "react";
import { nodeDoc, type ExampleEdge, type Peer, type PortDoc } from "../graph/nodeDocs";
import { browseEntries } from "../graph/search";
import { useHelpStore } from "../store/useHelpStore";
import { useRegistryStore } from "../store/useRegistryStore";
import { DAGSTER_PATH } from "./DagsterLink";
import "./NodeDocs.css";

/** Where the API (and, with introspection on, its GraphiQL explorer) is served. */
export const GRAPHQL_PATH = "/graphql";
/** How many node types a port lists before "and N more". */
const PEERS_SHOWN = 6;

/** The "Learn more" button for a node type (the palette, the properties panel's header). */
export const LearnMoreButton = memo(function LearnMoreButton({
  typeId,
  name,
  compact = false,
}: {
  typeId: string;
  /** The type's display name, for the accessible label. */
  name?: string;
  /** A round "i" (the palette) rather than the words. */
  compact?: boolean;
}) {
  return (
    <button
      type="button"
      className={compact ? "learn-more learn-more-compact" : "learn-more"}
      onClick={() => useHelpStore.getState().openDocs(typeId)}
      aria-label={`Learn more about ${name ?? typeId}`}
      aria-haspopup="dialog"
      title="Learn more: what it does, its ports, params and an example"
    >
      {compact ? "i" : "Learn more"}
    </button>
  );
});

function TypeLink({ peer, withPort = false }: { peer: Peer; withPort?: boolean }) {
  return (
    <button
      type="button"
      className="link node-docs-type"
      onClick={() => useHelpStore.getState().openDocs(peer.typeId)}
      title={`About ${peer.displayName} (${peer.typeId})`}
    >
      {peer.displayName}
      {withPort && peer.port ? ` · ${peer.port}` : ""}
    </button>
  );
}

function Peers({ peers, verb }: { peers: readonly Peer[]; verb: string }) {
  if (peers.length === 0) return <span className="muted">{verb}: no node type</span>;
  const shown = peers.slice(0, PEERS_SHOWN);
  return (
    <span className="node-docs-peers">
      {verb}:{" "}
      {shown.map((peer, i) => (
        <span key={`${peer.typeId}.${peer.port}`}>
          {i > 0 && ", "}
          <TypeLink peer={peer} />
        </span>
      ))}
      {peers.length > shown.length && ` and ${peers.length - shown.length} more`}
    </span>
  );
}

function PortTable({ ports, side }: { ports: readonly PortDoc[]; side: "in" | "out" }) {
  if (ports.length === 0) {
    return <p className="muted">{side === "in" ? "No inputs: a source." : "No outputs."}</p>;
  }
  return (
    <table className="node-docs-table">
      <thead>
        <tr>
          <th scope="col">Port</th>
          <th scope="col">Type</th>
          <th scope="col">About</th>
        </tr>
      </thead>
      <tbody>
        {ports.map((port) => (
          <tr key={port.name}>
            <th scope="row">
              {port.label}
              {port.label !== port.name && <code className="node-docs-name">{port.name}</code>}
              {side === "in" && !port.required && <span className="muted"> (optional)</span>}
            </th>
            <td>
              <code>{port.dataType}</code>
              {port.accepts.length > 0 && (
                <span className="muted"> or {port.accepts.join(", ")}</span>
              )}
            </td>
            <td>
              {port.description && <div>{port.description}</div>}
              <Peers peers={port.peers} verb={side === "in" ? "Fed by" : "Read by"} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Example({ edges }: { edges: readonly ExampleEdge[] }) {
  if (edges.length === 0) return <p className="muted">It works on its own: nothing to wire.</p>;
  return (
    <ul className="node-docs-example">
      {edges.map((edge) => (
        <li key={`${edge.from.typeId}.${edge.from.port}->${edge.to.typeId}.${edge.to.port}`}>
          <TypeLink peer={edge.from} withPort /> → <TypeLink peer={edge.to} withPort />
        </li>
      ))}
    </ul>
  );
}

function NodeDocsView() {
  const typeId = useHelpStore((s) => s.docsTypeId);
  // leaving the workflow closes it
  useEffect(() => () => useHelpStore.getState().closeDocs(), []);
  if (!typeId) return null;
  return <NodeDocsDialog typeId={typeId} />;
}

function NodeDocsDialog({ typeId }: { typeId: string }) {
  const specs = useRegistryStore((s) => s.specs);
  const rules = useRegistryStore((s) => s.rules);
  const spec = specs[typeId];
  const doc = useMemo(
    () => (spec ? nodeDoc(spec, Object.values(specs), rules) : null),
    [rules, spec, specs],
  );
  const types = useMemo(() => browseEntries(Object.values(specs)), [specs]);
  const closeButton = useRef<HTMLButtonElement | null>(null);
  const body = useRef<HTMLDivElement | null>(null);
  // the focus goes back where it was when the dialog closes (the palette's or panel's button)
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    opener.current = document.activeElement;
    closeButton.current?.focus();
    return () => {
      if (opener.current instanceof HTMLElement && opener.current.isConnected) {
        opener.current.focus();
      }
    };
  }, []);
  useEffect(() => {
    // another type's page: from its top, the focus on the dialog (the link clicked is gone)
    body.current?.scrollTo?.({ top: 0 });
    closeButton.current?.focus();
  }, [typeId]);
  useEffect(() => {
    // on the document: Escape closes even when the focus has left the dialog's elements
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      useHelpStore.getState().closeDocs();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const close = () => useHelpStore.getState().closeDocs();
  const title = doc?.title ?? typeId;
  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        className="modal node-docs"
        role="dialog"
        aria-modal="true"
        aria-label={`About ${title}`}
        ref={body}
      >
        <header>
          <h2>{title}</h2>
          <button type="button" ref={closeButton} onClick={close} aria-label="Close">
            ×
          </button>
        </header>
        <label className="node-docs-switch">
          <span className="muted">Node type</span>
          <select value={typeId} onChange={(e) => useHelpStore.getState().openDocs(e.target.value)}>
            {!spec && <option value={typeId}>{typeId}</option>}
            {types.map(({ entry }) => (
              <option key={entry.typeId} value={entry.typeId}>
                {entry.category} · {entry.displayName}
              </option>
            ))}
          </select>
        </label>
        {!doc ? (
          <p className="error">
            The node type <code>{typeId}</code> is not in the registry: the server may not have the
            package that provides it.
          </p>
        ) : (
          <>
            <p className="node-docs-meta muted">
              {doc.category} · <code>{doc.typeId}</code> · version {doc.version}
              {doc.tags.length > 0 && ` · ${doc.tags.join(", ")}`}
            </p>
            <p className="node-docs-description">{doc.description || "No description."}</p>
            {!doc.deterministic && (
              <p className="node-docs-note">
                Not deterministic: its data can change outside the workflow, so running it again
                with the same params can give a different result.
              </p>
            )}
            <section aria-label="Inputs">
              <h3>Inputs</h3>
              <PortTable ports={doc.inputs} side="in" />
            </section>
            <section aria-label="Outputs">
              <h3>Outputs</h3>
              <PortTable ports={doc.outputs} side="out" />
            </section>
            <section aria-label="Parameters">
              <h3>Parameters</h3>
              {doc.params.length === 0 ? (
                <p className="muted">No parameters.</p>
              ) : (
                <table className="node-docs-table">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Type</th>
                      <th scope="col">Default</th>
                      <th scope="col">About</th>
                    </tr>
                  </thead>
                  <tbody>
                    {doc.params.map((param) => (
                      <tr key={param.name}>
                        <th scope="row">
                          <code>{param.name}</code>
                          {param.required && <span className="muted"> (required)</span>}
                        </th>
                        <td>{param.type}</td>
                        <td>{param.default === null ? "—" : <code>{param.default}</code>}</td>
                        <td>
                          {param.description && <div>{param.description}</div>}
                          {param.constraints.length > 0 && (
                            <div className="muted">{param.constraints.join("; ")}</div>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section aria-label="Example">
              <h3>Example</h3>
              <Example edges={doc.example} />
            </section>
          </>
        )}
        <footer className="node-docs-links">
          <a href={GRAPHQL_PATH} target="_blank" rel="noopener">
            GraphQL API explorer ↗
          </a>
          <span className="muted">
            (query <code>nodeTypes</code> for every spec)
          </span>
          <a href={DAGSTER_PATH} target="_blank" rel="noopener">
            Dagster UI ↗
          </a>
        </footer>
      </div>
    </div>
  );
}

export const NodeDocs = memo(NodeDocsView);
