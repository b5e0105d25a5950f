/**
 * The viewport: how "fit view" (F, the controls' button) shows the whole workflow, and what the
 * viewport is doing (idle, panning or zooming). The first view of a workflow follows its own rule
 * (graph/viewport.ts, FirstView.tsx). The minimap shows only while panning and the grid hides
 * while zooming; both re-raster on every frame of a zoom (bench/bench_canvas.py measured them as
 * the whole of the app's zoom cost over a bare React Flow page at 500 nodes). React Flow calls
 * `onMove` on every frame of a gesture; the state changes at most once per gesture.
 */

import type { OnMove, OnMoveEnd, OnMoveStart } from "@xyflow/react";
import { useCallback, useRef, useState } from "react";
import { FIRST_VIEW_MAX_ZOOM } from "../graph/viewport";

// Never zoom in past 100 % to fit: one or two nodes would otherwise fill the screen. Asked for
// explicitly, a fit shows the whole graph however small it gets.
export const FIT_VIEW_OPTIONS = { maxZoom: FIRST_VIEW_MAX_ZOOM, padding: 0.15 };

export type ViewportMotion = "idle" | "pan" | "zoom";

export function useViewportMotion(): {
  motion: ViewportMotion;
  onMoveStart: OnMoveStart;
  onMove: OnMove;
  onMoveEnd: OnMoveEnd;
} {
  const [motion, setMotion] = useState<ViewportMotion>("idle");
  const motionStart = useRef<{ zoom: number; mode: ViewportMotion }>({ zoom: 1, mode: "idle" });

  const onMoveStart: OnMoveStart = useCallback((_event, viewport) => {
    motionStart.current = { zoom: viewport.zoom, mode: "idle" };
  }, []);
  const onMove: OnMove = useCallback((_event, viewport) => {
    const current = motionStart.current;
    const mode = viewport.zoom !== current.zoom ? "zoom" : "pan";
    if (mode === current.mode || current.mode === "zoom") return;
    current.mode = mode;
    setMotion(mode);
  }, []);
  const onMoveEnd: OnMoveEnd = useCallback(() => {
    motionStart.current.mode = "idle";
    setMotion("idle");
  }, []);

  return { motion, onMoveStart, onMove, onMoveEnd };
}
