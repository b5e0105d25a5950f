import { describe, expect, it } from "vitest";
import {
  asFigure,
  CURVE_ASPECT,
  HEATMAP_ASPECT,
  MIN_PLOT_HEIGHT,
  plotMargin,
  plotShape,
  plotSize,
  themedLayout,
  type Figure,
  type PlotPalette,
  type PlotShape,
} from "./resultsPlot";

const dark: PlotPalette = {
  background: "#111827",
  text: "#e2e8f0",
  grid: "#1f2a3d",
  line: "#334155",
};

describe("asFigure", () => {
  it("accepts {data, layout} and refuses anything else", () => {
    expect(asFigure({ data: [{ type: "bar" }], layout: { title: "t" } })).toEqual({
      data: [{ type: "bar" }],
      layout: { title: "t" },
    });
    expect(asFigure({ data: [] })).toEqual({ data: [], layout: {} });
    expect(asFigure({ layout: {} })).toBeNull();
    expect(asFigure([1, 2])).toBeNull();
    expect(asFigure(null)).toBeNull();
  });

  it("keeps animation frames", () => {
    expect(asFigure({ data: [], frames: [{ name: "a" }] })?.frames).toEqual([{ name: "a" }]);
  });
});

describe("themedLayout", () => {
  it("fills its container in every theme and leaves the input alone", () => {
    const layout = { width: 700, height: 450, title: { text: "Revenue" } };
    const light = themedLayout(layout, null);
    expect(light).toEqual({
      autosize: true,
      margin: { l: 64, r: 24, t: 56, b: 56 },
      title: { text: "Revenue" },
    });
    expect(layout.width).toBe(700);
  });

  it("recolours backgrounds, text, grid and every cartesian axis in the dark theme", () => {
    const layout = {
      font: { family: "Arial", size: 12 },
      xaxis: { title: { text: "region" } },
      yaxis2: { overlaying: "y" },
      legend: { orientation: "h" },
      template: { layout: { paper_bgcolor: "white" } },
    };
    const out = themedLayout(layout, dark);
    expect(out.paper_bgcolor).toBe(dark.background);
    expect(out.plot_bgcolor).toBe(dark.background);
    expect(out.font).toEqual({ family: "Arial", size: 12, color: dark.text });
    expect(out.xaxis).toEqual({
      title: { text: "region" },
      gridcolor: dark.grid,
      linecolor: dark.line,
      zerolinecolor: dark.line,
    });
    expect(out.yaxis).toMatchObject({ gridcolor: dark.grid });
    expect(out.yaxis2).toMatchObject({ overlaying: "y", gridcolor: dark.grid });
    expect(out.legend).toEqual({ orientation: "h", bgcolor: "rgba(0,0,0,0)" });
    expect(out.template).toBe(layout.template); // explicit layout colours win over the template
  });
});

function figure(data: unknown[], layout: Record<string, unknown> = {}): Figure {
  return { data, layout };
}

const ROC = figure(
  [
    { type: "scatter", mode: "lines", name: "malignant (AUC 0.99)" },
    { type: "scatter", mode: "lines", name: "chance" },
  ],
  { title: { text: "ROC curve" } },
);

describe("plotMargin", () => {
  it("leaves room for the title only when there is one", () => {
    expect(plotMargin({ title: { text: "ROC" } })).toEqual({ l: 64, r: 24, t: 56, b: 56 });
    expect(plotMargin({ title: "ROC" }).t).toBe(56);
    expect(plotMargin({}).t).toBe(24);
    expect(plotMargin({ title: { text: "" } }).t).toBe(24);
  });

  it("keeps the margins a figure sets", () => {
    expect(plotMargin({ margin: { l: 10, t: 90 } })).toEqual({ l: 10, r: 24, t: 90, b: 56 });
  });
});

describe("plotShape", () => {
  it("gives curves and scatter plots a 4:3 plot area, with their margins and legend around", () => {
    const shape = plotShape(ROC);
    expect(shape?.aspect).toBe(CURVE_ASPECT);
    expect(shape?.aroundHeight).toBe(56 + 56);
    // the left margin, and a right one holding a legend as wide as its longest name
    expect(shape?.aroundWidth).toBe(64 + 40 + 7 * "malignant (AUC 0.99)".length + 20);
    expect(plotShape(figure([{ type: "scattergl", mode: "markers" }]))).toEqual({
      aspect: CURVE_ASPECT,
      aroundWidth: 64 + 24, // one trace: no legend
      aroundHeight: 24 + 56,
    });
    expect(plotShape(figure([{ mode: "lines" }]))?.aspect).toBe(CURVE_ASPECT); // plotly's default
  });

  it("counts no legend when it is hidden or laid out horizontally", () => {
    const twoTraces = [{ name: "a" }, { name: "b" }];
    const none = plotShape(figure(twoTraces, { showlegend: false }));
    const flat = plotShape(figure(twoTraces, { legend: { orientation: "h" } }));
    expect(none?.aroundWidth).toBe(88);
    expect(flat?.aroundWidth).toBe(88);
  });

  it("gives a heatmap square cells, with its colour bar beside", () => {
    expect(plotShape(figure([{ type: "heatmap", z: [[1]] }]))).toEqual({
      aspect: HEATMAP_ASPECT,
      aroundWidth: 64 + 66 + 20,
      aroundHeight: 24 + 56,
    });
    expect(plotShape(figure([{ type: "heatmap", showscale: false }]))?.aroundWidth).toBe(88);
  });

  it("lets bars, boxes and mixed figures fill the width", () => {
    expect(plotShape(figure([{ type: "bar" }]))).toBeNull();
    expect(plotShape(figure([{ type: "box" }]))).toBeNull();
    expect(plotShape(figure([{ type: "bar" }, { type: "scatter" }]))).toBeNull();
    expect(plotShape(figure([]))).toBeNull();
  });

  it("keeps the ratio of a figure that fixes its width and height", () => {
    expect(plotShape(figure([{ type: "bar" }], { width: 900, height: 300 }))).toEqual({
      aspect: 3,
      aroundWidth: 0,
      aroundHeight: 0,
    });
  });
});

/** The plot area a size leaves for a shape. */
function area(size: { width: number; height: number }, shape: PlotShape) {
  return { width: size.width - shape.aroundWidth, height: size.height - shape.aroundHeight };
}

describe("plotSize", () => {
  const roc = plotShape(ROC) as PlotShape;

  it("draws a curve in a wide, low panel at the minimum height with a 4:3 plot area", () => {
    const size = plotSize({ width: 1000, height: 262 }, roc);
    expect(size.height).toBe(MIN_PLOT_HEIGHT);
    const plot = area(size, roc);
    expect(plot.width / plot.height).toBeCloseTo(CURVE_ASPECT, 1);
  });

  it("grows with a taller panel, as wide as the shape asks", () => {
    const size = plotSize({ width: 1400, height: 500 }, roc);
    expect(size.height).toBe(500);
    const plot = area(size, roc);
    expect(plot.width / plot.height).toBeCloseTo(CURVE_ASPECT, 1);
  });

  it("stays within a narrow panel's width, lower to keep its shape, never below the minimum", () => {
    const narrow = plotSize({ width: 600, height: 600 }, roc);
    expect(narrow.width).toBe(600);
    const plot = area(narrow, roc);
    expect(plot.width / plot.height).toBeCloseTo(CURVE_ASPECT, 1);
    expect(plotSize({ width: 300, height: 600 }, roc)).toEqual({
      width: 300,
      height: MIN_PLOT_HEIGHT,
    });
  });

  it("lets an unshaped chart fill the width at the room's height (at least the minimum)", () => {
    expect(plotSize({ width: 900.6, height: 200 }, null)).toEqual({
      width: 900,
      height: MIN_PLOT_HEIGHT,
    });
    expect(plotSize({ width: 900, height: 400 }, null)).toEqual({ width: 900, height: 400 });
  });
});
