"""Plotly figures of the evaluation nodes, returned as figure JSON dicts (the `plot` data type).

Each builder takes plain arrays the node has already computed (so the numbers in a chart are the
numbers in the node's table output) and only decides how they look. plotly is imported inside the
functions: the node registry is imported at start-up, and start time matters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

MAX_SCATTER_POINTS = 5_000
MAX_CURVE_POINTS = 2_000  # per curve drawn; the node's table keeps every point


def _to_json(figure: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(figure.to_json())
    return result


def _thinned(length: int, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Positions of at most `limit` evenly spread points, always the first and the last."""
    if length <= limit:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, limit).round().astype(np.int64))


def confusion_figure(
    labels: Sequence[str], values: np.ndarray, counts: np.ndarray, title: str
) -> dict[str, Any]:
    """A heatmap of `values` (counts or shares) with rows = actual, columns = predicted; every
    cell shows its value and, when normalized, its count in the hover."""
    import plotly.graph_objects as go

    normalized = values.dtype.kind == "f"
    text = [[f"{v:.2f}" if normalized else f"{int(v)}" for v in row] for row in values]
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=list(labels),
            y=list(labels),
            text=text,
            texttemplate="%{text}",
            customdata=counts,
            hovertemplate=("actual %{y}<br>predicted %{x}<br>count %{customdata}<extra></extra>"),
            colorscale="Blues",
        )
    )
    figure.update_layout(
        title=title,
        xaxis={"title": "Predicted", "type": "category"},
        yaxis={"title": "Actual", "type": "category", "autorange": "reversed"},
    )
    return _to_json(figure)


def curves_figure(
    curves: Sequence[tuple[str, np.ndarray, np.ndarray]],
    *,
    x_title: str,
    y_title: str,
    title: str,
    diagonal: bool,
) -> dict[str, Any]:
    """One line per (legend name, x, y) curve; `diagonal` adds the chance line of ROC curves."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for name, x, y in curves:
        keep = _thinned(len(x))
        figure.add_trace(go.Scatter(x=x[keep], y=y[keep], mode="lines", name=name))
    if diagonal:
        figure.add_trace(
            go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dash"})
        )
    figure.update_layout(
        title=title,
        xaxis={"title": x_title, "range": [0, 1]},
        yaxis={"title": y_title, "range": [0, 1.02]},
    )
    return _to_json(figure)


def residual_figure(predicted: np.ndarray, residual: np.ndarray, title: str) -> dict[str, Any]:
    """Predicted value against residual (actual - predicted), with the zero line."""
    import plotly.graph_objects as go

    figure = go.Figure(
        go.Scattergl(
            x=predicted,
            y=residual,
            mode="markers",
            marker={"opacity": 0.6},
            name="residual",
        )
    )
    figure.add_hline(y=0, line={"dash": "dash"})
    figure.update_layout(
        title=title, xaxis={"title": "Predicted"}, yaxis={"title": "Residual (actual - predicted)"}
    )
    return _to_json(figure)


def importance_figure(
    features: Sequence[str], importance: np.ndarray, std: np.ndarray, title: str
) -> dict[str, Any]:
    """Horizontal bars, largest importance on top, with std error bars where known."""
    import plotly.graph_objects as go

    has_std = bool(np.isfinite(std).any())
    figure = go.Figure(
        go.Bar(
            x=importance,
            y=list(features),
            orientation="h",
            error_x={"type": "data", "array": np.nan_to_num(std)} if has_std else None,
        )
    )
    figure.update_layout(
        title=title,
        xaxis={"title": "Importance"},
        yaxis={"autorange": "reversed", "type": "category"},
        height=max(300, 22 * len(features) + 120),
    )
    return _to_json(figure)


def fold_scores_figure(scores: dict[str, np.ndarray], title: str) -> dict[str, Any]:
    """One box per metric with every fold's score drawn as a point."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for metric, values in scores.items():
        figure.add_trace(go.Box(y=values, name=metric, boxpoints="all", jitter=0.3, pointpos=0))
    figure.update_layout(title=title, yaxis={"title": "Score"}, showlegend=False)
    return _to_json(figure)


def learning_curve_figure(
    sizes: np.ndarray,
    lines: Sequence[tuple[str, np.ndarray, np.ndarray]],
    *,
    metric: str,
    title: str,
) -> dict[str, Any]:
    """Mean score per training size with a band of one standard deviation, per (name, mean, std)."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for name, mean, std in lines:
        figure.add_trace(
            go.Scatter(
                x=np.concatenate([sizes, sizes[::-1]]),
                y=np.concatenate([mean + std, (mean - std)[::-1]]),
                fill="toself",
                opacity=0.2,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                name=f"{name} ± std",
            )
        )
        figure.add_trace(go.Scatter(x=sizes, y=mean, mode="lines+markers", name=name))
    figure.update_layout(title=title, xaxis={"title": "Training rows"}, yaxis={"title": metric})
    return _to_json(figure)
