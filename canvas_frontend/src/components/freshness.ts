import { fetchNodeStatuses } from "../api/canvasApi";
import { useRunStore } from "../store/useRunStore";

/** Ask the server which nodes are fresh, stale (and why) or missing. */
export async function refreshFreshness(workflowId: string): Promise<void> {
  const result = await fetchNodeStatuses(workflowId);
  if (result.ok) useRunStore.getState().setFreshness(result.value.nodes);
}
