"""Draw a chart with plotly.express: line, bar, scatter, histogram, box or heatmap.

The output is the figure's JSON dict (`json.loads(fig.to_json())`), which the canvas hands to
plotly.js. To keep the browser responsive the figure carries a bounded number of points, while
summaries (histogram counts, bar aggregates, heatmap cells) are computed over every row:

- scatter and box draw a random sample of `max_points` rows (seed 0, so the chart is stable);
  line keeps every k-th row after sorting by x (the shape of the series survives thinning);
  bar keeps the first `max_points` bars (rows with aggregate "none"). Each cut is logged.
- histogram counts are computed here over every row (`bins` equal-width bins for number and date
  columns, one bar per value for text, category and boolean columns), so only the counts travel.
- bar aggregates y per x (and per color and facet) with sum or mean, or counts rows.
- heatmap with x and y: a pivot of `value` aggregated per (y, x) cell, or of row counts; without
  x and y: the correlation matrix of the numeric columns (the first 100).
- a discrete color or facet column with too many distinct values (over 100 colors, 50 facets) is a
  run-time error rather than a figure with thousands of traces.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as pdt
from pydantic import Field
from pydantic.config import JsonDict

from node_library import widgets
from node_library.checks import require_columns, require_numeric
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    Severity,
    error,
)
from node_library.datatypes import DataType
from node_library.schema import Dtype, TableSchema, schema_of_frame
from node_library.settings import NodeSettings

Kind = Literal["line", "bar", "scatter", "histogram", "box", "heatmap"]
Aggregate = Literal["none", "sum", "mean", "count"]
ColumnParam = Literal["x", "y", "color", "facet_col", "value"]

MAX_COLORS = 100
MAX_FACETS = 50
MAX_HEATMAP_SIDE = 500
MAX_CORRELATION_COLUMNS = 100
_MILLISECONDS_PER = {"s": 1e3, "ms": 1.0, "us": 1e-3, "ns": 1e-6}

# The column params each kind draws with; a set param outside this list is ignored (a warning).
USES: dict[str, tuple[ColumnParam, ...]] = {
    "line": ("x", "y", "color", "facet_col"),
    "scatter": ("x", "y", "color", "facet_col"),
    "bar": ("x", "y", "color", "facet_col"),
    "histogram": ("x", "color", "facet_col"),
    "box": ("x", "y", "color", "facet_col"),
    "heatmap": ("x", "y", "value"),
}


def _shown_for(name: ColumnParam) -> JsonDict:
    """The form shows a column param only for the kinds of chart that use it."""
    return widgets.column() | widgets.visible_when(
        kind=[k for k, used in USES.items() if name in used]
    )


class ChartParams(NodeParams):
    kind: Kind = Field("scatter", description="Type of chart.")
    x: str | None = Field(
        None, description="Column on the horizontal axis.", json_schema_extra=widgets.column()
    )
    y: str | None = Field(
        None,
        description="Column on the vertical axis (numeric for most kinds).",
        json_schema_extra=_shown_for("y"),
    )
    color: str | None = Field(
        None,
        description="Column whose values color the marks.",
        json_schema_extra=_shown_for("color"),
    )
    facet_col: str | None = Field(
        None,
        description="Column whose values split the chart into side-by-side panels.",
        json_schema_extra=_shown_for("facet_col"),
    )
    value: str | None = Field(
        None,
        description="Heatmap pivot: the numeric column aggregated in each cell.",
        json_schema_extra=_shown_for("value"),
    )
    aggregate: Aggregate = Field(
        "sum",
        description="Bar and heatmap pivot: how values that share a position are combined.",
        json_schema_extra=widgets.visible_when(kind=["bar", "heatmap"]),
    )
    bins: int = Field(
        30,
        ge=1,
        le=500,
        description="Histogram: number of bins for numbers and dates.",
        json_schema_extra=widgets.visible_when(kind=["histogram"]),
    )
    title: str = Field("", max_length=300, description="Title shown above the chart.")
    max_points: int = Field(
        50_000,
        ge=1_000,
        le=1_000_000,
        description="Most points drawn by scatter, line and box charts, and most bars.",
        json_schema_extra=widgets.visible_when(kind=["scatter", "line", "box", "bar"]),
    )


def _is_pivot(params: ChartParams) -> bool:
    return params.kind == "heatmap" and bool(params.x or params.y)


def _required(params: ChartParams) -> list[ColumnParam]:
    if params.kind in ("line", "scatter"):
        return ["x", "y"]
    if params.kind == "bar":
        return ["x"] if params.aggregate == "count" else ["x", "y"]
    if params.kind == "histogram":
        return ["x"]
    if params.kind == "box":
        return ["y"]
    if _is_pivot(params):
        return ["x", "y"] if params.aggregate == "count" else ["x", "y", "value"]
    return []


def _numeric(params: ChartParams) -> list[ColumnParam]:
    if params.kind in ("line", "scatter", "box") or (
        params.kind == "bar" and params.aggregate != "count"
    ):
        return ["y"]
    if _is_pivot(params) and params.aggregate != "count":
        return ["value"]
    return []


def chart_issues(params: ChartParams, schema: TableSchema | None) -> list[Issue]:
    issues: list[Issue] = []
    for name in _required(params):
        if not getattr(params, name):
            issues.append(
                error(
                    "missing_column_param",
                    f"a {params.kind} chart needs {name}",
                    f"pick a column for {name}",
                    param=name,
                )
            )
    used = USES[params.kind]
    for name in ("x", "y", "color", "facet_col", "value"):
        if getattr(params, name) and name not in used:
            issues.append(
                error(
                    "ignored_param",
                    f"{name} is not used by a {params.kind} chart",
                    f"clear {name}",
                    param=name,
                ).model_copy(update={"severity": Severity.WARNING})
            )
    if _is_pivot(params) and params.aggregate == "none":
        issues.append(
            error(
                "missing_aggregate",
                "a heatmap pivot needs an aggregate for cells that hold several rows",
                "pick sum, mean or count",
                param="aggregate",
            )
        )
    for name in used:
        column = getattr(params, name)
        if column:
            issues += require_columns(schema, [column], param=name)
            if name in _numeric(params):
                issues += require_numeric(schema, [column], param=name)
    correlation = params.kind == "heatmap" and not _is_pivot(params)
    if correlation and schema is not None and len(_correlation_columns(schema)) < 2:
        issues.append(
            error(
                "not_enough_numeric_columns",
                "a correlation heatmap needs at least two numeric columns",
                "set x and y to draw a pivot heatmap instead",
                param="kind",
            )
        )
    return issues


def _correlation_columns(schema: TableSchema) -> list[str]:
    numbers = (Dtype.INTEGER, Dtype.FLOAT)
    return [c.name for c in schema.columns if c.dtype in numbers][:MAX_CORRELATION_COLUMNS]


class ChartNode(NodeType[ChartParams]):
    type_id = "outputs.chart"
    display_name = "Chart"
    category = "outputs"
    description = "Draw a line, bar, scatter, histogram, box or heatmap chart of a table."
    tags = ("plot", "visualize", "graph", "plotly", "histogram", "heatmap")
    Params = ChartParams
    inputs = (Port("data", DataType.DATAFRAME, "Data"),)
    outputs = (Port("plot", DataType.PLOT, "Plot"),)

    def validate(
        self, params: ChartParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return chart_issues(params, inputs.get("data"))

    def compute(self, ctx: ExecutionContext, params: ChartParams, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"plot": chart_figure(frame, params, ctx.log)}


def chart_figure(
    frame: pd.DataFrame, params: ChartParams, log: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """The Plotly figure JSON dict of `params` drawn over `frame`."""
    used = [getattr(params, n) for n in USES[params.kind] if getattr(params, n)]
    if params.kind != "heatmap" or _is_pivot(params):
        frame = frame[list(dict.fromkeys(used))]
    _check_distinct(frame, params)
    draw = {
        "scatter": _scatter,
        "line": _line,
        "bar": _bar,
        "histogram": _histogram,
        "box": _box,
        "heatmap": _heatmap,
    }[params.kind]
    try:
        figure = draw(frame, params, log)
    except (TypeError, ValueError) as exc:  # plotly and pandas refuse mixed or odd values
        raise NodeError(
            error(
                "chart_failed",
                f"the chart could not be drawn: {exc}",
                "check the types of the chosen columns, or convert them first",
                param="kind",
            )
        ) from exc
    if params.title:
        figure.update_layout(title=params.title)
    result: dict[str, Any] = json.loads(figure.to_json())
    return result


def _check_distinct(frame: pd.DataFrame, params: ChartParams) -> None:
    limits: list[tuple[ColumnParam, int]] = [("facet_col", MAX_FACETS)]
    continuous = (
        params.kind in ("scatter", "bar")
        and params.color is not None
        and _is_number(frame[params.color])
    )
    if not continuous:
        limits.append(("color", MAX_COLORS))
    for name, limit in limits:
        column = getattr(params, name)
        if column and name in USES[params.kind]:
            count = frame[column].nunique(dropna=False)
            if count > limit:
                raise NodeError(
                    error(
                        "too_many_groups",
                        f"{name} {column!r} has {count:,} distinct values; the chart draws at "
                        f"most {limit}",
                        "pick a column with fewer values, or group them first",
                        param=name,
                    )
                )


def _is_number(series: pd.Series) -> bool:
    return pdt.is_numeric_dtype(series.dtype) and not pdt.is_bool_dtype(series.dtype)


def _facets(params: ChartParams) -> dict[str, Any]:
    if not params.facet_col:
        return {}
    return {"facet_col": params.facet_col, "facet_col_wrap": 4}


def _sampled(frame: pd.DataFrame, params: ChartParams, log: Callable[[str], None]) -> pd.DataFrame:
    if len(frame) <= params.max_points:
        return frame
    log(f"drawing a random sample of {params.max_points:,} of {len(frame):,} rows")
    return frame.sample(n=params.max_points, random_state=0).sort_index()


def _scatter(frame: pd.DataFrame, params: ChartParams, log: Callable[[str], None]) -> Any:
    import plotly.express as px

    return px.scatter(
        _sampled(frame, params, log), x=params.x, y=params.y, color=params.color, **_facets(params)
    )


def _line(frame: pd.DataFrame, params: ChartParams, log: Callable[[str], None]) -> Any:
    import plotly.express as px

    frame = frame.sort_values(params.x or "", kind="stable")
    if len(frame) > params.max_points:
        step = math.ceil(len(frame) / params.max_points)
        log(f"drawing 1 row in {step} of {len(frame):,} rows (at most {params.max_points:,})")
        frame = frame.iloc[::step]
    return px.line(frame, x=params.x, y=params.y, color=params.color, **_facets(params))


def _group_keys(params: ChartParams, *names: str | None) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def _bar(frame: pd.DataFrame, params: ChartParams, log: Callable[[str], None]) -> Any:
    import plotly.express as px

    keys = _group_keys(params, params.x, params.color, params.facet_col)
    y = params.y
    if params.aggregate == "count":
        frame = frame.groupby(keys, observed=True, dropna=False).size().reset_index(name="count")
        y = "count"
    elif params.aggregate != "none":
        grouped = frame.groupby(keys, observed=True, dropna=False)[params.y or ""]
        frame = grouped.agg(params.aggregate).reset_index()
    if len(frame) > params.max_points:
        log(f"drawing the first {params.max_points:,} of {len(frame):,} bars")
        frame = frame.head(params.max_points)
    return px.bar(frame, x=params.x, y=y, color=params.color, **_facets(params))


def _histogram(frame: pd.DataFrame, params: ChartParams, log: Callable[[str], None]) -> Any:
    import plotly.express as px

    x = params.x or ""
    keys = _group_keys(params, params.facet_col, params.color)
    frame = frame[frame[x].notna()]
    if params.color:
        # Counts per color are discrete groups, even when the color column holds numbers.
        frame = frame.assign(**{params.color: frame[params.color].astype("str")})
    series = frame[x]
    if not (_is_number(series) or pdt.is_datetime64_any_dtype(series.dtype)):
        by = list(dict.fromkeys([*keys, x]))
        counts = frame.groupby(by, observed=True, dropna=False).size()
        return px.bar(
            counts.reset_index(name="count"), x=x, y="count", color=params.color, **_facets(params)
        )
    dates = pdt.is_datetime64_any_dtype(series.dtype)
    clock = np.dtype("datetime64[ns]")
    if dates:
        # Bin on the integer clock of the column's own unit (no overflow outside 1677-2262).
        naive = series.dt.tz_localize(None) if getattr(series.dtype, "tz", None) else series
        raw = naive.to_numpy()
        clock = raw.dtype
        numbers = raw.astype(np.int64).astype(np.float64)
    else:
        numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = np.isfinite(numbers)
        if not finite.all():
            frame, numbers = frame[finite], numbers[finite]
    edges = np.histogram_bin_edges(numbers, bins=params.bins) if len(numbers) else np.zeros(2)
    width = float(edges[1] - edges[0]) or 1.0
    index = np.clip(((numbers - edges[0]) / width).astype(np.int64), 0, params.bins - 1)
    grouped = frame[keys].assign(_bin=index).groupby([*keys, "_bin"], observed=True, dropna=False)
    table = grouped.size().reset_index(name="count")
    starts = edges[0] + table["_bin"].to_numpy() * width
    bounds = {x: starts + width / 2, "from": starts, "to": starts + width}
    for name, position in bounds.items():
        table[name] = np.rint(position).astype(np.int64).astype(clock) if dates else position
    # plotly measures bar widths on date axes in milliseconds
    bar_width = width * _MILLISECONDS_PER[np.datetime_data(clock)[0]] if dates else width
    figure = px.bar(
        table.drop(columns="_bin"),
        x=x,
        y="count",
        color=params.color,
        hover_data=["from", "to"],
        **_facets(params),
    )
    figure.update_traces(width=bar_width)
    figure.update_layout(bargap=0)
    return figure


def _box(frame: pd.DataFrame, params: ChartParams, log: Callable[[str], None]) -> Any:
    import plotly.express as px

    return px.box(
        _sampled(frame, params, log), x=params.x, y=params.y, color=params.color, **_facets(params)
    )


def _heatmap(frame: pd.DataFrame, params: ChartParams, log: Callable[[str], None]) -> Any:
    import plotly.express as px

    if not _is_pivot(params):
        columns = _correlation_columns(schema_of_frame(frame))
        if len(columns) < sum(_is_number(frame[c]) for c in frame.columns):
            log(f"correlating the first {len(columns)} numeric columns")
        matrix = frame[columns].corr()
        return px.imshow(
            matrix,
            zmin=-1,
            zmax=1,
            color_continuous_scale="RdBu_r",
            text_auto=".2f" if len(columns) <= 20 else False,
            aspect="auto",
        )
    x, y = params.x or "", params.y or ""
    for name, column in (("x", x), ("y", y)):
        count = frame[column].nunique()
        if count > MAX_HEATMAP_SIDE:
            raise NodeError(
                error(
                    "too_many_groups",
                    f"{name} {column!r} has {count:,} distinct values; a heatmap side shows at "
                    f"most {MAX_HEATMAP_SIDE}",
                    "bin or group the column first",
                    param=name,
                )
            )
    grouped = frame.groupby([y, x], observed=True)
    if params.aggregate == "count":
        cells = grouped.size()
        label = "count"
    else:
        cells = grouped[params.value or ""].agg(params.aggregate)
        label = f"{params.aggregate} of {params.value}"
    matrix = cells.unstack(x)
    return px.imshow(matrix, aspect="auto", labels={"x": x, "y": y, "color": label})
