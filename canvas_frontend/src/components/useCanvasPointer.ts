/**
 * Where the pointer is over the canvas (client coordinates), or null when it is elsewhere: a
 * paste lands there and quick add opens there. A ref, so moving the pointer renders nothing.
 */

import { useCallback, useRef, type PointerEvent as ReactPointerEvent } from "react";

export interface ClientPoint {
  x: number;
  y: number;
}

export function useCanvasPointer() {
  const pointerRef = useRef<ClientPoint | null>(null);
  const onPointerMove = useCallback((event: ReactPointerEvent) => {
    pointerRef.current = { x: event.clientX, y: event.clientY };
  }, []);
  const onPointerLeave = useCallback(() => {
    pointerRef.current = null;
  }, []);
  return { pointerRef, onPointerMove, onPointerLeave };
}
