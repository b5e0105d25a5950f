"""Draw a Plotly figure dict as a PNG with matplotlib, for the PDF report.

Plotly's own static export (kaleido) needs a Chrome binary, which the servers do not have. This
module reads the figure JSON our nodes produce (node_library/ml/charts.py and the chart node's
plotly.express figures) and draws the same picture with matplotlib's Agg renderer:

- traces: scatter and scattergl (lines, markers, fills `toself`, `tozeroy`, `tonexty`), bar
  (vertical and horizontal, group / stack / relative / overlay, error bars, explicit widths),
  heatmap (colour scale or colour axis, cell text), box (grouped by category, `boxpoints`) and
  histogram; hidden traces are skipped;
- layout: title, axis titles, category / date / log axes, ranges, reversed axes, facets (one
  matplotlib axes per Plotly axis pair, placed by the axes' domains), line shapes (add_hline /
  add_vline), paper annotations (facet titles), the template's colour way;
- arrays may be plain lists or Plotly's typed-array form ({"dtype", "bdata", "shape"}).

A figure with another trace type raises ChartNotRendered naming it (the PDF shows that sentence
instead; the HTML report draws every chart with plotly.js). Anything else that goes wrong while
drawing also becomes ChartNotRendered, never a failed report. Drawing uses a private Figure and
canvas (no pyplot state), so concurrent runs in one process do not interfere.
"""

from __future__ import annotations

import base64
import io
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

SUPPORTED_TRACES = frozenset({"scatter", "scattergl", "bar", "heatmap", "box", "histogram"})
PLOTLY_COLORWAY = (
    "#636efa",
    "#EF553B",
    "#00cc96",
    "#ab63fa",
    "#FFA15A",
    "#19d3f3",
    "#FF6692",
    "#B6E880",
    "#FF97FF",
    "#FECB52",
)
MAX_CELL_LABELS = 400  # heatmap cells annotated with their text, at most
MAX_TICK_LABELS = 40  # category tick labels drawn, at most (then every k-th)
WIDTH_INCHES = 6.5
DPI = 150
_DASHES = {"dash": "--", "dot": ":", "dashdot": "-.", "longdash": "--", "longdashdot": "-."}
_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)")
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")
_TYPED_DTYPES = {
    "i1": "<i1",
    "u1": "<u1",
    "u1c": "<u1",
    "i2": "<i2",
    "u2": "<u2",
    "i4": "<i4",
    "u4": "<u4",
    "f4": "<f4",
    "f8": "<f8",
}


class ChartNotRendered(Exception):
    """The chart cannot be drawn here; the message says why, for the reader of the report."""


@dataclass(frozen=True)
class RenderedChart:
    png: bytes
    width_inches: float
    height_inches: float


def unsupported_traces(figure: Mapping[str, Any]) -> list[str]:
    types = {str(trace.get("type") or "scatter") for trace in figure.get("data") or []}
    return sorted(types - SUPPORTED_TRACES)


def render_png(figure: Mapping[str, Any], width_inches: float = WIDTH_INCHES) -> RenderedChart:
    """The figure as a PNG; raises ChartNotRendered when it cannot be drawn."""
    unknown = unsupported_traces(figure)
    if unknown:
        kinds = ", ".join(unknown)
        raise ChartNotRendered(
            f"chart type {kinds} is not rendered in the PDF; see the HTML report"
        )
    try:
        return _render(decode_typed_arrays(figure), width_inches)
    except Exception as exc:  # a drawing failure must cost one chart, never the whole report
        raise ChartNotRendered(
            f"this chart could not be drawn in the PDF ({type(exc).__name__}: {exc}); see the"
            " HTML report"
        ) from exc


def decode_typed_arrays(value: Any) -> Any:
    """`value` with Plotly's typed arrays ({"dtype": "f8", "bdata": base64, "shape"}) decoded
    into numpy arrays, recursively."""
    if isinstance(value, Mapping):
        if "bdata" in value and "dtype" in value:
            dtype = _TYPED_DTYPES.get(str(value["dtype"]))
            if dtype is None:
                raise ValueError(f"unknown typed array dtype {value['dtype']!r}")
            array = np.frombuffer(base64.b64decode(str(value["bdata"])), dtype=dtype)
            shape = value.get("shape")
            if shape:
                dims = [int(p) for p in str(shape).split(",")] if isinstance(shape, str) else shape
                array = array.reshape(dims)
            return array
        return {k: decode_typed_arrays(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_typed_arrays(v) for v in value]
    return value


def plain_text(text: Any) -> str:
    """Plotly's pseudo-HTML text (<b>, <br>) as plain text."""
    if isinstance(text, Mapping):
        text = text.get("text")
    if not text:
        return ""
    return _TAG.sub("", _BREAK.sub("\n", str(text)))


# -- drawing ----------------------------------------------------------------------------------


@dataclass
class _Axis:
    key: str  # "xaxis", "yaxis2", ...
    layout: Mapping[str, Any]
    kind: str = ""  # "category", "date", "log" or "linear", decided by the first data seen
    categories: dict[str, int] = field(default_factory=dict)

    def decide(self, values: np.ndarray | None) -> None:
        if self.kind:
            return
        declared = self.layout.get("type")
        if declared in ("category", "date", "log", "linear"):
            self.kind = str(declared)
        elif values is not None and len(values):
            self.kind = _kind_of(values)
        if self.kind == "category" and self.layout.get("categoryorder") == "array":
            for value in self.layout.get("categoryarray") or []:
                self.categories.setdefault(str(value), len(self.categories))

    def convert(self, values: np.ndarray) -> np.ndarray:
        """Values as positions on this axis: category indices, datetimes or floats."""
        self.decide(values)
        if self.kind == "category":
            positions = [
                self.categories.setdefault(_category(v), len(self.categories)) for v in values
            ]
            return np.asarray(positions, dtype=np.float64)
        if self.kind == "date":
            return np.asarray(pd.to_datetime(pd.Series(values), errors="coerce", format="ISO8601"))
        return _floats(values)


@dataclass
class _Panel:
    ax: Any
    x: _Axis
    y: _Axis
    bars: int = 0  # bar traces on this panel (for grouped offsets)
    boxes: int = 0
    stacks: dict[tuple[float, bool], float] = field(default_factory=dict)
    previous_y: tuple[np.ndarray, np.ndarray] | None = None  # for fill "tonexty"
    labelled: bool = False


def _render(figure: Mapping[str, Any], width_inches: float) -> RenderedChart:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    layout: Mapping[str, Any] = figure.get("layout") or {}
    traces = [t for t in figure.get("data") or [] if t.get("visible", True) is True]
    height_inches = float(np.clip(float(layout.get("height") or 420) / 100, 2.8, 9.0))
    fig = Figure(figsize=(width_inches, height_inches), dpi=DPI)
    FigureCanvasAgg(fig)
    title = plain_text(layout.get("title"))
    top = 0.86 if title else 0.94
    area = (0.1, 0.13, 0.96, top)  # left, bottom, right, top in figure fractions
    if title:
        fig.suptitle(title, fontsize=11, y=0.97)
    panels = _panels(fig, layout, traces, area)
    colorway = _colorway(layout)
    counts = _counts(traces)
    for index, trace in enumerate(traces):
        panel = panels[(trace.get("xaxis") or "x", trace.get("yaxis") or "y")]
        color = colorway[index % len(colorway)]
        kind = str(trace.get("type") or "scatter")
        if kind in ("scatter", "scattergl"):
            _scatter(panel, trace, color)
        elif kind == "bar":
            _bar(panel, trace, color, layout, counts)
        elif kind == "heatmap":
            _heatmap(fig, panel, trace, layout)
        elif kind == "box":
            _box(panel, trace, color, layout, counts)
        elif kind == "histogram":
            _histogram(panel, trace, color, layout)
    legend = layout.get("showlegend")
    if legend is None:  # plotly's default: a legend once two or more traces are named
        legend = sum(1 for t in traces if t.get("name") and t.get("showlegend") is not False) > 1
    for panel in panels.values():
        _finish_axes(panel, bool(legend))
    _shapes(panels, layout)
    _annotations(fig, layout, area)
    buffer = io.BytesIO()
    # "tight" grows or trims the picture to what was drawn (long tick labels, rotated names)
    fig.savefig(
        buffer,
        format="png",
        dpi=DPI,
        metadata={"Software": None},
        bbox_inches="tight",
        pad_inches=0.08,
    )
    png = buffer.getvalue()
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR size
    return RenderedChart(png, width / DPI, height / DPI)


def _panels(
    fig: Any,
    layout: Mapping[str, Any],
    traces: Sequence[Mapping[str, Any]],
    area: tuple[float, float, float, float],
) -> dict[tuple[str, str], _Panel]:
    pairs = list(dict.fromkeys((t.get("xaxis") or "x", t.get("yaxis") or "y") for t in traces))
    pairs = pairs or [("x", "y")]
    left, bottom, right, top = area
    panels: dict[tuple[str, str], _Panel] = {}
    axes: dict[str, _Axis] = {}
    for x_ref, y_ref in pairs:
        x_axis = axes.setdefault(
            x_ref, _Axis(_layout_key(x_ref), layout.get(_layout_key(x_ref)) or {})
        )
        y_axis = axes.setdefault(
            y_ref, _Axis(_layout_key(y_ref), layout.get(_layout_key(y_ref)) or {})
        )
        x0, x1 = _domain(x_axis.layout)
        y0, y1 = _domain(y_axis.layout)
        if len(pairs) == 1:
            x0, x1, y0, y1 = 0.0, 1.0, 0.0, 1.0
        rect = (
            left + x0 * (right - left),
            bottom + y0 * (top - bottom),
            (x1 - x0) * (right - left),
            (y1 - y0) * (top - bottom),
        )
        panels[(x_ref, y_ref)] = _Panel(fig.add_axes(rect), x_axis, y_axis)
    return panels


def _layout_key(ref: str) -> str:
    return f"{ref[0]}axis{ref[1:]}"


def _domain(axis_layout: Mapping[str, Any]) -> tuple[float, float]:
    domain = axis_layout.get("domain") or [0.0, 1.0]
    return float(domain[0]), float(domain[1])


def _colorway(layout: Mapping[str, Any]) -> tuple[str, ...]:
    template = (layout.get("template") or {}).get("layout") or {}
    way = layout.get("colorway") or template.get("colorway") or PLOTLY_COLORWAY
    colors = tuple(c for c in (_color(v) for v in way) if c is not None)
    return colors or PLOTLY_COLORWAY


def _counts(traces: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str, str], int]:
    """How many traces of each kind share each axes pair (bars and boxes are offset by it)."""
    counts: dict[tuple[str, str, str], int] = {}
    for trace in traces:
        key = (str(trace.get("type")), trace.get("xaxis") or "x", trace.get("yaxis") or "y")
        counts[key] = counts.get(key, 0) + 1
    return counts


def _color(value: Any) -> Any:
    """A Plotly colour string as something matplotlib draws; None when it is not one."""
    from matplotlib.colors import is_color_like

    if not isinstance(value, str):
        return None
    match = _RGB.fullmatch(value.strip())
    if match:
        r, g, b, a = match.groups()
        return (float(r) / 255, float(g) / 255, float(b) / 255, float(a) if a else 1.0)
    return value if is_color_like(value) else None


def _array(value: Any) -> np.ndarray | None:
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, list | tuple):
        return np.asarray(value, dtype=object)
    return None


def _kind_of(values: np.ndarray) -> str:
    if values.dtype.kind in "iufb":
        return "linear"
    present = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if all(isinstance(v, int | float | np.number) for v in present):
        return "linear"
    if present and all(isinstance(v, str) and _ISO_DATE.match(v) for v in present):
        return "date"
    return "category"


def _category(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _floats(values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind in "iufb":
        return array.astype(np.float64)
    flat = pd.to_numeric(pd.Series(array.ravel(), dtype=object), errors="coerce")
    return np.asarray(flat, dtype=np.float64).reshape(array.shape)


def _xy(panel: _Panel, trace: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    x, y = _array(trace.get("x")), _array(trace.get("y"))
    if x is None and y is None:
        return np.zeros(0), np.zeros(0)
    if x is None:
        assert y is not None
        x = np.arange(len(y))
    if y is None:
        y = np.arange(len(x))
    return panel.x.convert(x), panel.y.convert(y)


def _trace_color(trace: Mapping[str, Any], default: Any) -> Any:
    for part in ("line", "marker"):
        color = _color((trace.get(part) or {}).get("color"))
        if color is not None:
            return color
    return default


def _label(panel: _Panel, trace: Mapping[str, Any]) -> str:
    name = str(trace.get("name") or "")
    if not name or trace.get("showlegend") is False:
        return "_nolegend_"
    panel.labelled = True
    return name


def _scatter(panel: _Panel, trace: Mapping[str, Any], default: Any) -> None:
    x, y = _xy(panel, trace)
    ax, color = panel.ax, _trace_color(trace, default)
    opacity = float(trace.get("opacity", 1.0))
    line = trace.get("line") or {}
    mode = str(trace.get("mode") or ("lines+markers" if len(x) < 20 else "lines"))
    fill = trace.get("fill")
    label = _label(panel, trace)
    if fill == "toself":
        ax.fill(x, y, color=color, alpha=opacity if opacity < 1 else 0.25, linewidth=0)
    elif fill == "tozeroy":
        ax.fill_between(x, 0, y, color=color, alpha=0.25, linewidth=0)
    elif fill == "tonexty" and panel.previous_y is not None:
        ax.fill_between(x, panel.previous_y[1], y, color=color, alpha=0.25, linewidth=0)
    panel.previous_y = (x, y)
    width = float(line.get("width", 2))
    if "lines" in mode and width > 0:
        dash = _DASHES.get(str(line.get("dash")), "-")
        ax.plot(x, y, dash, color=color, linewidth=width * 0.75, alpha=opacity, label=label)
        label = "_nolegend_"
    if "markers" in mode:
        marker = trace.get("marker") or {}
        size = float(marker.get("size", 6)) if np.isscalar(marker.get("size", 6)) else 6.0
        values = _array(marker.get("color"))
        if values is not None and len(values) == len(x):
            points = ax.scatter(
                x, y, c=_floats(values), s=size**2 * 0.5, cmap="viridis", alpha=opacity
            )
            ax.figure.colorbar(points, ax=ax, pad=0.01)
        else:
            alpha = min(opacity, float(marker.get("opacity", 1.0)))
            ax.scatter(x, y, color=color, s=size**2 * 0.5, alpha=alpha, label=label)


def _bar(
    panel: _Panel,
    trace: Mapping[str, Any],
    default: Any,
    layout: Mapping[str, Any],
    counts: Mapping[tuple[str, str, str], int],
) -> None:
    horizontal = trace.get("orientation") == "h"
    x, y = _xy(panel, trace)
    positions, values = (y, x) if horizontal else (x, y)
    mode = str(layout.get("barmode") or "group")
    group = counts[("bar", trace.get("xaxis") or "x", trace.get("yaxis") or "y")]
    index = panel.bars
    panel.bars += 1
    explicit = trace.get("width")
    if explicit is not None:
        width: Any = _floats(explicit) if isinstance(explicit, list | np.ndarray) else explicit
    else:
        width = _spacing(positions) * (1 - float(layout.get("bargap", 0.2)))
    offsets = np.zeros(len(positions))
    if mode == "group" and group > 1:
        width = width / group
        offsets += (index - (group - 1) / 2) * width
    bottoms = np.zeros(len(positions))
    if mode in ("stack", "relative"):
        for i, (position, value) in enumerate(zip(positions, values, strict=True)):
            key = (float(position), bool(mode == "relative" and value < 0))
            bottoms[i] = panel.stacks.get(key, 0.0)
            panel.stacks[key] = bottoms[i] + (0.0 if np.isnan(value) else value)
    marker = trace.get("marker") or {}
    colors = _array(marker.get("color"))
    if colors is not None and len(colors) == len(positions):
        color: Any = [_color(c) or default for c in colors]
    else:
        color = _color(marker.get("color")) or default
    error = trace.get("error_x" if horizontal else "error_y") or {}
    errors = _array(error.get("array")) if error.get("visible", True) else None
    err = _floats(errors) if errors is not None and len(errors) == len(positions) else None
    alpha = 0.6 if mode == "overlay" else float(trace.get("opacity", 1.0))
    label = _label(panel, trace)
    if horizontal:
        panel.ax.barh(
            positions + offsets,
            values,
            height=width,
            left=bottoms,
            color=color,
            xerr=err,
            alpha=alpha,
            label=label,
        )
    else:
        panel.ax.bar(
            positions + offsets,
            values,
            width=width,
            bottom=bottoms,
            color=color,
            yerr=err,
            alpha=alpha,
            label=label,
        )


def _spacing(positions: np.ndarray) -> float:
    """Plotly's default bar slot: the smallest distance between distinct positions."""
    if positions.dtype.kind == "M":
        return 0.8  # matplotlib date units are days
    distinct = np.unique(positions[np.isfinite(positions)])
    return float(np.min(np.diff(distinct))) if len(distinct) > 1 else 1.0


def _heatmap(fig: Any, panel: _Panel, trace: Mapping[str, Any], layout: Mapping[str, Any]) -> None:
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    raw = trace.get("z")
    z = _floats(raw if isinstance(raw, np.ndarray) else np.asarray(raw, dtype=object))
    if z.ndim == 1:
        z = z.reshape(1, -1)
    rows, columns = z.shape
    axis_layout = layout.get(str(trace.get("coloraxis") or "")) or {}
    scale = trace.get("colorscale") or axis_layout.get("colorscale") or _template_scale(layout)
    cmap = _colormap(scale, LinearSegmentedColormap)
    if trace.get("reversescale") or axis_layout.get("reversescale"):
        cmap = cmap.reversed()
    low = trace.get("zmin", axis_layout.get("cmin"))
    high = trace.get("zmax", axis_layout.get("cmax"))
    finite = z[np.isfinite(z)]
    low = float(low) if low is not None else float(finite.min()) if len(finite) else 0.0
    high = float(high) if high is not None else float(finite.max()) if len(finite) else 1.0
    norm = Normalize(low, high if high > low else low + 1)
    image = panel.ax.imshow(z, aspect="auto", cmap=cmap, norm=norm, origin="lower")
    fig.colorbar(image, ax=panel.ax, pad=0.01)
    for axis, count, labels in (
        (panel.x, columns, trace.get("x")),
        (panel.y, rows, trace.get("y")),
    ):
        names = [_category(v) for v in (labels if labels is not None else range(count))]
        axis.kind = "category"
        for name in names[:count]:
            axis.categories.setdefault(name, len(axis.categories))
    text = trace.get("text")
    if rows * columns <= MAX_CELL_LABELS and (trace.get("texttemplate") or text is not None):
        for i in range(rows):
            for j in range(columns):
                label = _cell_text(text, i, j, z[i, j])
                if label:
                    shade = cmap(norm(z[i, j])) if np.isfinite(z[i, j]) else (1, 1, 1, 1)
                    luminance = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2]
                    panel.ax.text(
                        j,
                        i,
                        label,
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if luminance < 0.5 else "black",
                    )


def _cell_text(text: Any, i: int, j: int, value: float) -> str:
    try:
        return plain_text(text[i][j]) if text is not None else _short(value)
    except (IndexError, TypeError, KeyError):
        return _short(value)


def _short(value: float) -> str:
    return "" if not np.isfinite(value) else f"{value:.3g}"


def _template_scale(layout: Mapping[str, Any]) -> Any:
    template = (layout.get("template") or {}).get("layout") or {}
    return (template.get("colorscale") or {}).get("sequential")


def _colormap(scale: Any, segmented: Any) -> Any:
    from matplotlib import colormaps

    if isinstance(scale, list) and scale:
        stops = [(float(p), _color(c) or "white") for p, c in scale]
        return segmented.from_list("plotly", stops)
    if isinstance(scale, str):
        for name in (scale, scale.lower(), scale.capitalize()):
            if name in colormaps:
                return colormaps[name]
    return colormaps["viridis"]


def _box(
    panel: _Panel,
    trace: Mapping[str, Any],
    default: Any,
    layout: Mapping[str, Any],
    counts: Mapping[tuple[str, str, str], int],
) -> None:
    x, y = _array(trace.get("x")), _array(trace.get("y"))
    horizontal = trace.get("orientation") == "h" or (y is None and x is not None)
    values, groups = (x, y) if horizontal else (y, x)
    category_axis = panel.y if horizontal else panel.x
    if values is None:
        return
    numbers = _floats(values)
    if groups is None:
        name = str(trace.get("name") or f"trace {panel.boxes}")
        positions = category_axis.convert(np.asarray([name] * len(numbers), dtype=object))
    else:
        positions = category_axis.convert(groups)
    group = counts[("box", trace.get("xaxis") or "x", trace.get("yaxis") or "y")]
    width = 0.6
    offset = 0.0
    if layout.get("boxmode") == "group" and group > 1:
        width = 0.6 / group
        offset = (panel.boxes - (group - 1) / 2) * width
    panel.boxes += 1
    slots = sorted(set(positions[np.isfinite(positions)].tolist()))
    data = [numbers[(positions == p) & np.isfinite(numbers)] for p in slots]
    color = _trace_color(trace, default)
    points = trace.get("boxpoints")
    drawn = panel.ax.boxplot(
        data,
        positions=[p + offset for p in slots],
        widths=width * 0.8,
        orientation="horizontal" if horizontal else "vertical",
        patch_artist=True,
        showfliers=points is None or points == "outliers",
        manage_ticks=False,
        medianprops={"color": "black", "linewidth": 1},
    )
    for patch in drawn["boxes"]:
        patch.set_facecolor(color)
        patch.set_alpha(0.5)
    if points == "all":
        jitter = np.random.default_rng(0)
        for slot, values_at in zip(slots, data, strict=True):
            spread = (jitter.random(len(values_at)) - 0.5) * width * 0.5
            places = slot + offset + spread
            xs, ys = (values_at, places) if horizontal else (places, values_at)
            panel.ax.scatter(xs, ys, s=6, color=color, alpha=0.6)
    name = _label(panel, trace)
    if name != "_nolegend_" and drawn["boxes"]:
        drawn["boxes"][0].set_label(name)


def _histogram(
    panel: _Panel, trace: Mapping[str, Any], default: Any, layout: Mapping[str, Any]
) -> None:
    x, y = _array(trace.get("x")), _array(trace.get("y"))
    horizontal = x is None and y is not None
    values = y if horizontal else x
    if values is None:
        return
    axis = panel.y if horizontal else panel.x
    axis.decide(values)
    color = _trace_color(trace, default)
    alpha = 0.6 if layout.get("barmode") == "overlay" else 1.0
    label = _label(panel, trace)
    if axis.kind == "category":
        counts = pd.Series([_category(v) for v in values]).value_counts(sort=False)
        positions = axis.convert(np.asarray(counts.index, dtype=object))
        draw = panel.ax.barh if horizontal else panel.ax.bar
        draw(positions, counts.to_numpy(), 0.8, color=color, alpha=alpha, label=label)
        return
    numbers = axis.convert(values)
    numbers = numbers[~pd.isna(numbers)]
    bins = int(trace.get("nbinsy" if horizontal else "nbinsx") or 0) or "auto"
    panel.ax.hist(
        numbers,
        bins=bins,
        color=color,
        alpha=alpha,
        label=label,
        orientation="horizontal" if horizontal else "vertical",
    )


def _finish_axes(panel: _Panel, legend: bool) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    ax = panel.ax
    ax.set_axisbelow(True)
    for axis, setter in ((panel.x, "x"), (panel.y, "y")):
        layout = axis.layout
        title = plain_text(layout.get("title"))
        if title:
            getattr(ax, f"set_{setter}label")(title, fontsize=9)
        if axis.kind == "log":
            getattr(ax, f"set_{setter}scale")("log")
        if axis.kind == "category" and axis.categories:
            names = list(axis.categories)
            step = max(1, -(-len(names) // MAX_TICK_LABELS))
            ticks = list(range(0, len(names), step))
            getattr(ax, f"set_{setter}ticks")(ticks, [_cut(names[t]) for t in ticks])
            if setter == "x" and (len(names) > 8 or max(len(n) for n in names) > 8):
                for tick in ax.get_xticklabels():
                    tick.set_rotation(40)
                    tick.set_horizontalalignment("right")
        bounds = layout.get("range")
        if axis.kind in ("linear", "") and isinstance(bounds, list) and len(bounds) == 2:
            getattr(ax, f"set_{setter}lim")(float(bounds[0]), float(bounds[1]))
        if layout.get("autorange") == "reversed":
            getattr(ax, f"invert_{setter}axis")()
        if layout.get("showticklabels") is False:
            ax.tick_params(axis=setter, labelleft=False, labelbottom=False)
        if axis.kind == "date":
            width = ax.get_position().width if setter == "x" else ax.get_position().height
            # matplotlib.dates has no annotations
            locator = AutoDateLocator(minticks=2, maxticks=max(3, int(8 * width)))  # type: ignore[no-untyped-call]  # matplotlib leaves it unannotated
            formatter = ConciseDateFormatter(locator, show_offset=False)  # type: ignore[no-untyped-call]  # matplotlib leaves it unannotated
            target = ax.xaxis if setter == "x" else ax.yaxis
            target.set_major_locator(locator)
            target.set_major_formatter(formatter)
    ax.tick_params(labelsize=7)
    ax.grid(True, alpha=0.3, linewidth=0.5)
    if legend and panel.labelled:
        ax.legend(fontsize=7, loc="best", framealpha=0.8)


def _cut(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shapes(panels: Mapping[tuple[str, str], _Panel], layout: Mapping[str, Any]) -> None:
    for shape in layout.get("shapes") or []:
        if shape.get("type", "line") != "line":
            continue
        x_ref = str(shape.get("xref") or "x").split(" ")[0]
        y_ref = str(shape.get("yref") or "y").split(" ")[0]
        line = shape.get("line") or {}
        style = {
            "linestyle": _DASHES.get(str(line.get("dash")), "-"),
            "color": _color(line.get("color")) or "0.3",
            "linewidth": 1,
        }
        for (panel_x, panel_y), panel in panels.items():
            x_domain = str(shape.get("xref", "")).endswith("domain") or x_ref == "paper"
            y_domain = str(shape.get("yref", "")).endswith("domain") or y_ref == "paper"
            if x_domain and y_ref == panel_y and shape.get("y0") == shape.get("y1"):
                panel.ax.axhline(float(shape["y0"]), **style)
            elif y_domain and x_ref == panel_x and shape.get("x0") == shape.get("x1"):
                panel.ax.axvline(float(shape["x0"]), **style)
            elif (x_ref, y_ref) == (panel_x, panel_y) and not (x_domain or y_domain):
                xs = [float(shape["x0"]), float(shape["x1"])]
                panel.ax.plot(xs, [float(shape["y0"]), float(shape["y1"])], **style)


def _annotations(
    fig: Any, layout: Mapping[str, Any], area: tuple[float, float, float, float]
) -> None:
    left, bottom, right, top = area
    for note in layout.get("annotations") or []:
        if note.get("xref") != "paper" or note.get("yref") != "paper":
            continue
        text = plain_text(note.get("text"))
        if not text:
            continue
        x = left + float(note.get("x", 0.5)) * (right - left)
        y = bottom + float(note.get("y", 1.0)) * (top - bottom)
        fig.text(x, min(y, 0.99), text, ha="center", va="bottom", fontsize=8)
