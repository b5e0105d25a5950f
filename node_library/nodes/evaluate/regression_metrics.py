"""Regression metrics of a scored frame: RMSE, MAE, MAPE and R², from sklearn.metrics.

MAPE is scikit-learn's `mean_absolute_percentage_error` (a fraction, not a percentage; rows whose
true value is 0 make it huge rather than infinite, as scikit-learn documents). `rows` counts the
scored rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from node_library.contract import ExecutionContext, Port
from node_library.datatypes import DataType
from node_library.ml.prediction import PREDICTION
from node_library.node_kinds.scored import ScoredNode, ScoredParams, require_complete, require_rows
from node_library.values import Metrics


class RegressionMetricsParams(ScoredParams):
    pass


class RegressionMetricsNode(ScoredNode[RegressionMetricsParams]):
    type_id = "evaluate.regression_metrics"
    display_name = "Regression metrics"
    description = "RMSE, MAE, MAPE and R² of predictions against the true values."
    tags = ("rmse", "mae", "mape", "r2", "error", "score", "evaluate")
    Params = RegressionMetricsParams
    numeric_target = True
    outputs = (Port("metrics", DataType.METRICS, "Metrics"),)

    def compute(
        self, ctx: ExecutionContext, params: RegressionMetricsParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["scored"]
        y, pred = regression_arrays(frame, params.target)
        return {"metrics": regression_metrics(y, pred)}


def regression_arrays(frame: pd.DataFrame, target: str) -> tuple[np.ndarray, np.ndarray]:
    """The true and predicted values as floats, after the empty and missing-value checks."""
    require_rows(frame, port="scored")
    require_complete(frame, [target, PREDICTION], param="target")
    return (
        frame[target].to_numpy(dtype=np.float64),
        frame[PREDICTION].to_numpy(dtype=np.float64),
    )


def regression_metrics(y: np.ndarray, pred: np.ndarray) -> Metrics:
    from sklearn import metrics as skm

    return {
        "rows": len(y),
        "rmse": float(skm.root_mean_squared_error(y, pred)),
        "mae": float(skm.mean_absolute_error(y, pred)),
        "mape": float(skm.mean_absolute_percentage_error(y, pred)),
        "r2": float(skm.r2_score(y, pred)),
    }
