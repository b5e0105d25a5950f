import { describe, expect, it } from "vitest";
import { asFigure, themedLayout, type PlotPalette } from "./resultsPlot";

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
    expect(light).toEqual({ autosize: true, title: { text: "Revenue" } });
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
