/** The workflow's validation issues; clicking one selects its node. */
export function ProblemsPanel() {
  return null;
}
