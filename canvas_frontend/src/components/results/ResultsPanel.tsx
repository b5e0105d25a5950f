/** The selected node's output, below the canvas. */
export function ResultsPanel() {
  return null;
}
