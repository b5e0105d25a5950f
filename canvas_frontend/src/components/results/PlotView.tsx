/**
 * A Plotly figure, drawn by plotly.js loaded on first use (its own chunk: the canvas does not pay
 * for it until a chart is shown). `Plotly.react` redraws in place when the figure or the theme
 * changes, and it is purged on unmount. The chart is sized from the room the results panel gives
 * it and the figure's shape (graph/resultsPlot.ts: at least 280 px high, curves at 4:3 so a ROC
 * curve is never squashed into a strip; the panel scrolls when it is lower than that). In the
 * dark theme the figure takes the app's theme colours.
 */

import type PlotlyDefault from "plotly.js-dist-min";
import type { Config, Data, Layout } from "plotly.js-dist-min";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import {
  asFigure,
  plotShape,
  plotSize,
  themedLayout,
  type PlotBox,
  type PlotPalette,
} from "../../graph/resultsPlot";
import { useColorMode } from "../../store/useThemeStore";

type PlotlyApi = typeof PlotlyDefault;

let plotlyModule: Promise<PlotlyApi> | null = null;

/** plotly.js, imported once; a failed import is forgotten so a later chart can try again. */
function loadPlotly(): Promise<PlotlyApi> {
  plotlyModule ??= import("plotly.js-dist-min")
    .then((m) => m.default)
    .catch((err: unknown) => {
      plotlyModule = null;
      throw err;
    });
  return plotlyModule;
}

function darkPalette(): PlotPalette {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  return {
    background: read("--surface"),
    text: read("--text"),
    grid: read("--border-soft"),
    line: read("--border"),
  };
}

const CONFIG: Partial<Config> = { responsive: true, displaylogo: false };

export const PlotView = memo(function PlotView({ figure }: { figure: unknown }) {
  const ref = useRef<HTMLDivElement>(null);
  const roomRef = useRef<HTMLDivElement>(null);
  const theme = useColorMode();
  const [failure, setFailure] = useState<string | null>(null);
  const [room, setRoom] = useState<PlotBox | null>(null);
  const parsed = useMemo(() => asFigure(figure), [figure]);
  const size = room && parsed ? plotSize(room, plotShape(parsed)) : null;

  // The room the panel gives the chart (this view fills the panel's body; the chart may be
  // taller, and the body then scrolls).
  useEffect(() => {
    const element = roomRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      setRoom((old) =>
        old && old.width === Math.floor(width) && old.height === Math.floor(height)
          ? old
          : { width: Math.floor(width), height: Math.floor(height) },
      );
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Drawn once the chart has its size (drawn before, it would show at the wrong shape first).
  const sized = size !== null;
  useEffect(() => {
    const element = ref.current;
    if (!element || !parsed || !sized) return;
    let live = true;
    const layout = themedLayout(parsed.layout, theme === "dark" ? darkPalette() : null);
    loadPlotly()
      .then((Plotly) => {
        if (!live) return;
        return Plotly.react(element, parsed.data as Data[], layout as Partial<Layout>, CONFIG);
      })
      .then(() => live && setFailure(null))
      .catch((err: unknown) => live && setFailure(String(err)));
    return () => {
      live = false;
    };
  }, [parsed, sized, theme]);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        void loadPlotly().then((Plotly) => {
          if (element.isConnected && element.querySelector(".main-svg")) {
            return Plotly.Plots.resize(element);
          }
        });
      });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      void loadPlotly()
        .then((Plotly) => Plotly.purge(element))
        .catch(() => undefined);
    };
  }, []);

  if (!parsed) {
    return (
      <p className="results-note">This plot result is not a Plotly figure ({"{data, layout}"}).</p>
    );
  }
  return (
    <div className="plot-view" ref={roomRef}>
      {failure && (
        <p className="results-note error" role="alert">
          Could not draw the chart: {failure}
        </p>
      )}
      <div
        ref={ref}
        className="plot-host"
        data-testid="plot-host"
        style={size ? { width: size.width, height: size.height } : undefined}
      />
    </div>
  );
});
