import { ReactFlow } from "@xyflow/react";
import type { BenchGraph } from "./benchGraph";

/** Built-in default nodes, bezier edges, uncontrolled; no Background, MiniMap or Controls. */
export function BareFlow({
  graph,
  size,
}: {
  graph: BenchGraph;
  size: { width?: number; height?: number };
}) {
  return (
    <div className="bare-flow" style={size}>
      <ReactFlow defaultNodes={graph.nodes} defaultEdges={graph.edges} fitView minZoom={0.1} />
    </div>
  );
}
