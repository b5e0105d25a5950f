/**
 * While a connection is dragged, a style sheet that dims the handles it cannot end on and lights
 * up those it can (graph/connectionHints.ts): built once per drag, no node re-renders.
 */

import { memo, useMemo } from "react";
import { hintStyles } from "../graph/connectionHints";
import { useConnectionHintStore } from "../store/useConnectionHintStore";

function ConnectionHintStylesView({ scope }: { scope: string }) {
  const hints = useConnectionHintStore((s) => s.hints);
  const start = useConnectionHintStore((s) => s.start);
  const css = useMemo(
    () => (hints && start ? hintStyles(hints, start, scope) : ""),
    [hints, start, scope],
  );
  return css ? <style data-testid="connection-hints">{css}</style> : null;
}

export const ConnectionHintStyles = memo(ConnectionHintStylesView);
