/**
 * The canvas's light grid: React Flow's line pattern with a gap that grows as the view zooms out
 * (graph/grid.ts), so the pattern's cost stays bounded. It re-renders when the zoom crosses a
 * power of two, and otherwise only moves its pattern, as React Flow's Background does.
 */

import { Background, BackgroundVariant, useStore, type ReactFlowState } from "@xyflow/react";
import { memo } from "react";
import { gridGap } from "../graph/grid";

const gapOf = (s: ReactFlowState) => gridGap(s.transform[2]);

function CanvasGridView() {
  const gap = useStore(gapOf);
  return (
    <Background
      id="grid"
      variant={BackgroundVariant.Lines}
      gap={gap}
      lineWidth={1}
      color="var(--border-soft)"
      bgColor="var(--bg)"
    />
  );
}

export const CanvasGrid = memo(CanvasGridView);
