import { fetchNodeStatuses } from "../api/canvasApi";
import { useRunStore } from "../store/useRunStore";
import { useWorkflowStore } from "../store/useWorkflowStore";

let latest = 0;

/** Ask the server which nodes are fresh, stale (and why) or missing. Answers that arrive after
 * a newer request's, or for a workflow no longer open, are dropped. */
export async function refreshFreshness(workflowId: string): Promise<void> {
  const ticket = ++latest;
  const result = await fetchNodeStatuses(workflowId);
  if (ticket !== latest || useWorkflowStore.getState().workflowId !== workflowId) return;
  if (result.ok) useRunStore.getState().setFreshness(result.value.nodes);
}
