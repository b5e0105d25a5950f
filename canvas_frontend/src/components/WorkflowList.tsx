import { useEffect, useState } from "react";
import { fetchWorkflows, type WorkflowSummary } from "../api/canvasApi";

export function WorkflowList({ onOpen }: { onOpen: (id: string) => void }) {
  const [items, setItems] = useState<WorkflowSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState("");

  useEffect(() => {
    let live = true;
    fetchWorkflows(search).then(
      (found) => live && setItems(found),
      (err: unknown) => live && setError(String(err)),
    );
    return () => {
      live = false;
    };
  }, [search]);

  return (
    <main className="workflow-list">
      <h1>Workflows</h1>
      <input
        className="search"
        type="search"
        placeholder="Search workflows"
        aria-label="Search workflows"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {error && <p className="error">{error}</p>}
      {items === null && !error && <p>Loading…</p>}
      {items?.length === 0 && <p>No workflows yet.</p>}
      <ul>
        {items?.map((w) => (
          <li key={w.id}>
            <button type="button" onClick={() => onOpen(w.id)}>
              <strong>{w.name}</strong>
              <span className="muted">{w.description}</span>
              <span className="muted small">
                revision {w.revision} · {new Date(w.updatedAt).toLocaleString()}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
