"""Python values that travel on ports other than dataframe and series.

- dataframe: pandas.DataFrame; series: pandas.Series
- model: a fitted estimator (scikit-learn, XGBoost, LightGBM)
- metrics: dict[str, float | int | str] (flat, named numbers; str only for labels)
- plot: a Plotly figure as its JSON dict ({"data": [...], "layout": {...}})
- json: any JSON-serializable value
- file: FileValue (bytes with a name and media type), for exports and reports
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Metrics = dict[str, float | int | str]
PlotJSON = dict[str, Any]


@dataclass(frozen=True)
class FileValue:
    name: str  # a plain file name offered on download, never a path that is written to
    content: bytes
    media_type: str = "application/octet-stream"
