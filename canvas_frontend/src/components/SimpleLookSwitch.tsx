/**
 * Mounted inside <ReactFlow>: tells the pane when the zoom crosses graph/viewport.ts's
 * SIMPLE_LOOK_ZOOM. One store subscription for the whole canvas, whose value changes only at that
 * crossing; the pane then sets a class and the nodes' simplified look is pure CSS (styles.css), so
 * no node re-renders and no node changes size (edges keep their ends).
 */

import { useStore, type ReactFlowState } from "@xyflow/react";
import { useEffect } from "react";
import { isSimpleLook } from "../graph/viewport";

const simpleLookOf = (s: ReactFlowState) => isSimpleLook(s.transform[2]);

export function SimpleLookSwitch({ onChange }: { onChange: (simple: boolean) => void }) {
  const simple = useStore(simpleLookOf);
  useEffect(() => onChange(simple), [onChange, simple]);
  return null;
}
