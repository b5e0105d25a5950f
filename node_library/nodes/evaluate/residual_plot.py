"""Residual plot of a regression's scored frame: predicted value against actual - predicted.

Every row is drawn up to `max_points`; above it a random sample (seed 0, so the chart is stable)
keeps the browser responsive, and the cut is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext, Issue, NodeType, Port, PortSchema
from node_library.datatypes import DataType
from node_library.ml.charts import MAX_SCATTER_POINTS, residual_figure
from node_library.nodes.evaluate.regression_metrics import regression_arrays
from node_library.nodes.evaluate.scored import ScoredParams, scored_issues
from node_library.nodes.execute_checks import raise_first_error
from node_library.schema import schema_of_frame
from node_library.settings import NodeSettings


class ResidualPlotParams(ScoredParams):
    max_points: int = Field(
        MAX_SCATTER_POINTS,
        ge=100,
        le=200_000,
        description="Most points drawn; above it a random sample of rows is drawn.",
    )


class ResidualPlotNode(NodeType[ResidualPlotParams]):
    type_id = "evaluate.residual_plot"
    display_name = "Residual plot"
    category = "evaluate"
    description = "Scatter of predicted values against residuals, to spot bias and spread."
    tags = ("residuals", "regression", "errors", "scatter", "evaluate")
    Params = ResidualPlotParams
    inputs = (Port("scored", DataType.DATAFRAME, "Scored", description="Output of Predict."),)
    outputs = (Port("plot", DataType.PLOT, "Plot"),)

    def validate(
        self, params: ResidualPlotParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return scored_issues(inputs.get("scored"), params.target, numeric=True)

    def execute(
        self, ctx: ExecutionContext, params: ResidualPlotParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["scored"]
        raise_first_error(self.validate(params, {"scored": schema_of_frame(frame)}, ctx.settings))
        y, pred = regression_arrays(frame, params.target)
        if len(y) > params.max_points:
            ctx.log(f"drawing a random sample of {params.max_points:,} of {len(y):,} rows")
            keep = np.sort(np.random.default_rng(0).choice(len(y), params.max_points, False))
            y, pred = y[keep], pred[keep]
        return {"plot": residual_figure(pred, y - pred, f"Residuals of {params.target}")}
