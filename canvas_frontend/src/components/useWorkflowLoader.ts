/**
 * Opening a workflow on the canvas: the node registry (once per page), then the workflow, which
 * the store opens with a clean run state; then the server's validation and node freshness. The
 * store closes the workflow when the canvas leaves it.
 */

import { useEffect, useState } from "react";
import {
  fetchConnectionRules,
  fetchNodeTypes,
  fetchValidation,
  fetchWorkflow,
  toGraphDoc,
} from "../api/canvasApi";
import { useRegistryStore } from "../store/useRegistryStore";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
import { useRunStore } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { refreshFreshness } from "./freshness";

export interface WorkflowLoad {
  /** Why the workflow could not be opened, or null. */
  loadError: string | null;
  /** Fit the view once when a workflow with nodes opens; an empty one keeps 100 % so the first
   * dropped node stays where the user put it. */
  fitOnOpen: boolean;
}

async function refreshValidation(workflowId: string): Promise<void> {
  const result = await fetchValidation(workflowId);
  const store = useWorkflowStore.getState();
  if (result.ok && store.workflowId === workflowId) store.setValidation(result.value);
}

export function useWorkflowLoader(workflowId: string): WorkflowLoad {
  const [loadError, setLoadError] = useState<string | null>(null);
  const [fitOnOpen, setFitOnOpen] = useState(false);

  useEffect(() => {
    let live = true;
    const registry = useRegistryStore.getState();
    const loading = registry.loaded
      ? Promise.resolve()
      : Promise.all([fetchNodeTypes(), fetchConnectionRules()]).then(([specs, rules]) =>
          useRegistryStore.getState().setRegistry(specs, rules),
        );
    Promise.all([loading, fetchWorkflow(workflowId)])
      .then(([, result]) => {
        if (!live) return;
        if (!result.ok) {
          setLoadError(result.error.message);
          return;
        }
        useRunStore.getState().clear();
        useRunPanelsStore.getState().reset();
        useWorkflowStore
          .getState()
          .open(result.value.id, result.value.revision, toGraphDoc(result.value));
        setFitOnOpen(result.value.nodes.length > 0);
        void refreshValidation(result.value.id).catch(() => undefined);
        return refreshFreshness(result.value.id);
      })
      .catch((err: unknown) => live && setLoadError(String(err)));
    return () => {
      live = false;
      useWorkflowStore.getState().close();
    };
  }, [workflowId]);

  return { loadError, fitOnOpen };
}
