/**
 * Plotly figures from the API made ready for plotly.js: the figure checked to be `{data, layout}`,
 * sized by its container (autosize, no fixed width or height), and in the dark theme recoloured
 * with the app's theme colours (backgrounds, text, grid and axis lines; the traces keep their
 * colours). Figures come from the Python `plotly` package, whose plotly.js major the canvas pins,
 * so in the light theme they render as they would in Python.
 */

export interface Figure {
  data: unknown[];
  layout: Record<string, unknown>;
  frames?: unknown[];
}

/** The theme colours a dark figure takes, read from the app's CSS variables. */
export interface PlotPalette {
  background: string;
  text: string;
  grid: string;
  line: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The figure in a plot result, or null when the value is not a Plotly figure. */
export function asFigure(value: unknown): Figure | null {
  if (!isRecord(value) || !Array.isArray(value.data)) return null;
  const layout = isRecord(value.layout) ? value.layout : {};
  const figure: Figure = { data: value.data, layout };
  if (Array.isArray(value.frames)) figure.frames = value.frames;
  return figure;
}

const AXIS_KEY = /^(x|y)axis\d*$/;

/**
 * The layout to draw: autosized to its container and, given a palette (dark theme), with the
 * theme's background, text, grid and line colours on every cartesian axis, the legend and the
 * hover labels. The input is not changed.
 */
export function themedLayout(
  layout: Record<string, unknown>,
  palette: PlotPalette | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...layout, autosize: true };
  delete out.width;
  delete out.height;
  if (!palette) return out;
  out.paper_bgcolor = palette.background;
  out.plot_bgcolor = palette.background;
  out.font = { ...(isRecord(layout.font) ? layout.font : {}), color: palette.text };
  const axes = new Set(["xaxis", "yaxis", ...Object.keys(layout).filter((k) => AXIS_KEY.test(k))]);
  for (const key of axes) {
    const axis = isRecord(layout[key]) ? layout[key] : {};
    out[key] = {
      ...axis,
      gridcolor: palette.grid,
      linecolor: palette.line,
      zerolinecolor: palette.line,
    };
  }
  const legend = isRecord(layout.legend) ? layout.legend : {};
  out.legend = { ...legend, bgcolor: "rgba(0,0,0,0)" };
  out.hoverlabel = {
    ...(isRecord(layout.hoverlabel) ? layout.hoverlabel : {}),
    font: { color: palette.text },
    bgcolor: palette.background,
  };
  return out;
}
