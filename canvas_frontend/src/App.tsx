import { useCallback, useEffect, useState } from "react";
import { CanvasView } from "./components/CanvasView";
import { WorkflowList } from "./components/WorkflowList";

/** `#/` lists workflows; `#/w/<id>` opens one (hash routes work under any static server). */
function parseRoute(hash: string): string | null {
  const match = /^#\/w\/(.+)$/.exec(hash);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

export function App() {
  const [workflowId, setWorkflowId] = useState(() => parseRoute(window.location.hash));

  useEffect(() => {
    const onHash = () => setWorkflowId(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const open = useCallback((id: string) => {
    window.location.hash = `#/w/${encodeURIComponent(id)}`;
  }, []);
  const back = useCallback(() => {
    window.location.hash = "#/";
  }, []);

  return workflowId ? (
    <CanvasView key={workflowId} workflowId={workflowId} onBack={back} />
  ) : (
    <WorkflowList onOpen={open} />
  );
}
