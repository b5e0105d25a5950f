import { useCallback, useEffect, useState } from "react";
import { CanvasView } from "./components/CanvasView";
import { WorkflowList } from "./components/WorkflowList";
import { LIST_HASH, pageTitle, parseRoute, workflowHash, type Route } from "./graph/routes";
import { startTheme } from "./store/useThemeStore";
import { useWorkflowStore } from "./store/useWorkflowStore";
import "./components/workflows.css";

// Before the first render, so the page never flashes in the wrong theme.
startTheme();

function NotFound({ onBack }: { onBack: () => void }) {
  return (
    <main className="wf-page not-found">
      <h1>Page not found</h1>
      <p className="muted">
        There is no page at <code>{window.location.hash}</code>.
      </p>
      <a
        href={LIST_HASH}
        onClick={(e) => {
          e.preventDefault();
          onBack();
        }}
      >
        Back to workflows
      </a>
    </main>
  );
}

export function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  const workflowId = route.page === "workflow" ? route.id : null;
  // one workflow is open at a time (its id may differ from the route's slug)
  const name = useWorkflowStore((s) => (s.workflowId ? s.name : null));

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    document.title = pageTitle(route, name);
  }, [route, name]);

  const open = useCallback((id: string) => {
    window.location.hash = workflowHash(id);
  }, []);
  const back = useCallback(() => {
    window.location.hash = LIST_HASH;
  }, []);

  if (route.page === "missing") return <NotFound onBack={back} />;
  return workflowId ? (
    <CanvasView key={workflowId} workflowId={workflowId} onBack={back} />
  ) : (
    <WorkflowList onOpen={open} />
  );
}
