/**
 * Plotly figures from the API made ready for plotly.js: the figure checked to be `{data, layout}`,
 * sized by its container (autosize, no fixed width or height) which takes the figure's shape
 * (`plotShape`, `plotSize`: a curve's plot area is 4:3, never a strip) with margins fit for a
 * panel, and in the dark theme recoloured with the app's theme colours (backgrounds, text, grid
 * and axis lines; the traces keep their colours). Figures come from the Python `plotly` package,
 * whose plotly.js major the canvas pins, so in the light theme they render as they would in
 * Python (but for those margins).
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
 * The layout to draw: autosized to its container, with margins fit for a panel (`plotMargin`),
 * and, given a palette (dark theme), with the theme's background, text, grid and line colours on
 * every cartesian axis, the legend and the hover labels. The input is not changed.
 */
export function themedLayout(
  layout: Record<string, unknown>,
  palette: PlotPalette | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...layout, autosize: true, margin: plotMargin(layout) };
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

/** No chart is drawn lower than this (CSS px): axes, title and legend need the room. */
export const MIN_PLOT_HEIGHT = 280;
/** Curves and scatter plots (ROC, precision-recall, residuals, clusters): a 4:3 plot area. */
export const CURVE_ASPECT = 4 / 3;
/** A heatmap (a confusion matrix) has a square plot area, so its cells are square. */
export const HEATMAP_ASPECT = 1;

export interface Margin {
  l: number;
  r: number;
  t: number;
  b: number;
}

/**
 * The margins a figure is drawn with when it sets none: room for tick labels and axis titles,
 * and for the title only when there is one. plotly.js's own (80 px a side, 100 on top) leave a
 * chart in a results panel little more than a strip of plot.
 */
export function plotMargin(layout: Record<string, unknown>): Margin {
  const title = layout.title;
  const titled = typeof title === "string" ? title !== "" : isRecord(title) && Boolean(title.text);
  const set = isRecord(layout.margin) ? layout.margin : {};
  const side = (key: keyof Margin, fallback: number) =>
    typeof set[key] === "number" ? set[key] : fallback;
  return { l: side("l", 64), r: side("r", 24), t: side("t", titled ? 56 : 24), b: side("b", 56) };
}

const CURVE_TRACES = new Set(["scatter", "scattergl"]);
const HEATMAP_TRACES = new Set(["heatmap", "heatmapgl"]);
/** plotly.js's colour bar beside a heatmap, in px (measured: 65 with its tick labels). */
const COLORBAR_PX = 66;
/** What plotly.js leaves between the plot area and a legend or colour bar it widens the right
 * margin for (measured in Chromium). */
const SIDE_GAP_PX = 20;

/** The figure's shape: its plot area's width-to-height ratio, and the px around that area. */
export interface PlotShape {
  aspect: number;
  aroundWidth: number;
  aroundHeight: number;
}

/** The legend's width on the right (plotly.js shows one for two traces or more), estimated. */
function legendWidth(figure: Figure): number {
  const shown = figure.data.filter((t) => !(isRecord(t) && t.showlegend === false));
  const showlegend = figure.layout.showlegend;
  const legend = isRecord(figure.layout.legend) ? figure.layout.legend : {};
  if (showlegend === false || (showlegend !== true && shown.length < 2)) return 0;
  if (legend.orientation === "h") return 0;
  const longest = Math.max(
    0,
    ...shown.map((t) => (isRecord(t) && typeof t.name === "string" ? t.name.length : 8)),
  );
  return Math.min(240, 40 + 7 * longest);
}

/**
 * How the figure is meant to be drawn; null when it reads well at any width (bars, boxes,
 * anything mixed), which then fills the panel's width. A figure whose layout fixes its width and
 * height keeps their ratio as a whole; a curve's plot area is 4:3 and a heatmap's square, with
 * the margins, legend or colour bar around it.
 */
export function plotShape(figure: Figure): PlotShape | null {
  const { width, height } = figure.layout;
  if (typeof width === "number" && typeof height === "number" && width > 0 && height > 0) {
    return { aspect: width / height, aroundWidth: 0, aroundHeight: 0 };
  }
  const types = new Set(
    figure.data.map((trace) =>
      isRecord(trace) && typeof trace.type === "string" ? trace.type : "scatter",
    ),
  );
  if (types.size === 0) return null;
  const all = (kinds: ReadonlySet<string>) => [...types].every((t) => kinds.has(t));
  const margin = plotMargin(figure.layout);
  // a legend or colour bar widens the right margin to hold it (plotly.js's margin autoexpand)
  const around = (side: number) => ({
    aroundWidth: margin.l + Math.max(margin.r, side > 0 ? side + SIDE_GAP_PX : 0),
    aroundHeight: margin.t + margin.b,
  });
  if (all(CURVE_TRACES)) return { aspect: CURVE_ASPECT, ...around(legendWidth(figure)) };
  if (all(HEATMAP_TRACES)) {
    const scale = figure.data.some((t) => !(isRecord(t) && t.showscale === false));
    return { aspect: HEATMAP_ASPECT, ...around(scale ? COLORBAR_PX : 0) };
  }
  return null;
}

export interface PlotBox {
  width: number;
  height: number;
}

/**
 * The chart's size in a `room` of CSS px (the results panel's body): as tall as the room, at
 * least MIN_PLOT_HEIGHT (the body scrolls for the rest); a shaped chart as wide as its plot
 * area's shape asks, never wider than the room, and then lower to keep that shape (down to the
 * minimum).
 */
export function plotSize(room: PlotBox, shape: PlotShape | null): PlotBox {
  const width = Math.max(0, Math.floor(room.width));
  const height = Math.max(MIN_PLOT_HEIGHT, Math.floor(room.height));
  if (!shape || !(shape.aspect > 0)) return { width, height };
  const { aspect, aroundWidth, aroundHeight } = shape;
  const wanted = Math.floor(Math.max(0, height - aroundHeight) * aspect + aroundWidth);
  if (wanted <= width) return { width: wanted, height };
  const lower = Math.floor(Math.max(0, width - aroundWidth) / aspect + aroundHeight);
  return { width, height: Math.max(MIN_PLOT_HEIGHT, Math.min(height, lower)) };
}
