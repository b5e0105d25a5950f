/**
 * A Plotly figure, drawn by plotly.js loaded on first use (its own chunk: the canvas does not pay
 * for it until a chart is shown). `Plotly.react` redraws in place when the figure or the theme
 * changes, the plot follows its container's size, and it is purged on unmount. In the dark theme
 * the figure takes the app's theme colours (graph/resultsPlot.ts).
 */

import type PlotlyDefault from "plotly.js-dist-min";
import type { Config, Data, Layout } from "plotly.js-dist-min";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { asFigure, themedLayout, type PlotPalette } from "../../graph/resultsPlot";
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
  const theme = useColorMode();
  const [failure, setFailure] = useState<string | null>(null);
  const parsed = useMemo(() => asFigure(figure), [figure]);

  useEffect(() => {
    const element = ref.current;
    if (!element || !parsed) return;
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
  }, [parsed, theme]);

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
    <div className="plot-view">
      {failure && (
        <p className="results-note error" role="alert">
          Could not draw the chart: {failure}
        </p>
      )}
      <div ref={ref} className="plot-host" data-testid="plot-host" />
    </div>
  );
});
