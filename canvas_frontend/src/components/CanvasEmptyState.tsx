/**
 * The hint in the middle of an empty canvas: how to add the first node, and the examples one
 * click away (each opens as a new workflow). It lets drops, clicks and double-clicks through to
 * the canvas around its card, and goes away with the first node.
 */

import { memo, useEffect, useState } from "react";
import { createFromTemplate, fetchTemplates, type Template } from "../api/workflowsApi";
import { workflowHash } from "../graph/routes";
import { useWorkflowStore } from "../store/useWorkflowStore";
import "./workflows.css";

function Examples() {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    fetchTemplates().then(
      (found) => live && setTemplates(found),
      (err: unknown) => live && setError(`Could not load the examples: ${String(err)}`),
    );
    return () => {
      live = false;
    };
  }, []);

  async function open(template: Template) {
    setBusy(true);
    try {
      const result = await createFromTemplate(template.id);
      if (result.ok) window.location.assign(workflowHash(result.value.id));
      else setError(`Could not open “${template.name}”: ${result.error.message}`);
    } catch (err) {
      setError(`Could not open “${template.name}”: ${String(err)}`);
    } finally {
      setBusy(false);
    }
  }

  if (error) return <p className="error">{error}</p>;
  if (templates === null) return <p className="muted small">Loading examples…</p>;
  return (
    <ul className="canvas-empty-examples" aria-label="Examples">
      {templates.map((t) => (
        <li key={t.id}>
          <button type="button" disabled={busy} onClick={() => void open(t)} title={t.description}>
            Open the “{t.name}” example
          </button>
        </li>
      ))}
    </ul>
  );
}

export const CanvasEmptyState = memo(function CanvasEmptyState() {
  const empty = useWorkflowStore((s) => s.doc !== null && s.doc.nodes.length === 0);
  const [showExamples, setShowExamples] = useState(false);
  if (!empty) return null;
  return (
    <div className="canvas-empty">
      <section
        className="canvas-empty-card"
        aria-label="This workflow is empty"
        onDoubleClick={(e) => e.stopPropagation()} // the canvas's own double-click adds a node
      >
        <h2>This workflow is empty</h2>
        <p>Drag a data source from the palette, or double-click the canvas to search nodes.</p>
        {showExamples ? (
          <Examples />
        ) : (
          <button type="button" className="primary" onClick={() => setShowExamples(true)}>
            Open an example
          </button>
        )}
      </section>
    </div>
  );
});
