"""Residual plot of a regression's scored frame: predicted value against actual - predicted.

Every row is drawn up to `max_points`; above it a random sample (seed 0, so the chart is stable)
keeps the browser responsive, and the cut is logged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext, Port
from node_library.datatypes import DataType
from node_library.ml.charts import MAX_SCATTER_POINTS, residual_figure
from node_library.node_kinds.scored import ScoredNode, ScoredParams
from node_library.nodes.evaluate.regression_metrics import regression_arrays


class ResidualPlotParams(ScoredParams):
    max_points: int = Field(
        MAX_SCATTER_POINTS,
        ge=100,
        le=200_000,
        description="Most points drawn; above it a random sample of rows is drawn.",
    )


class ResidualPlotNode(ScoredNode[ResidualPlotParams]):
    type_id = "evaluate.residual_plot"
    display_name = "Residual plot"
    description = "Scatter of predicted values against residuals, to spot bias and spread."
    tags = ("residuals", "regression", "errors", "scatter", "evaluate")
    Params = ResidualPlotParams
    numeric_target = True
    outputs = (Port("plot", DataType.PLOT, "Plot"),)

    def compute(
        self, ctx: ExecutionContext, params: ResidualPlotParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["scored"]
        y, pred = regression_arrays(frame, params.target)
        if len(y) > params.max_points:
            ctx.log(f"drawing a random sample of {params.max_points:,} of {len(y):,} rows")
            keep = np.sort(np.random.default_rng(0).choice(len(y), params.max_points, False))
            y, pred = y[keep], pred[keep]
        return {"plot": residual_figure(pred, y - pred, f"Residuals of {params.target}")}
