"""XGBoost regressor (xgboost.XGBRegressor), progress per boosting round; accepts gaps."""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.contract import ExecutionContext
from node_library.nodes.models.base import RegressorNode, estimator_kwargs
from node_library.nodes.models.boosting import XGBoostParams, fit_xgboost


class XGBoostRegressorNode(RegressorNode[XGBoostParams]):
    type_id = "models.xgboost_regressor"
    display_name = "XGBoost regressor"
    description = "Gradient-boosted trees for regression (XGBoost)."
    tags = ("regression", "boosting", "trees", "xgboost", "gbm")
    Params = XGBoostParams
    algorithm = "xgboost.XGBRegressor"
    libraries = ("xgboost", "scikit-learn")
    allows_nan = True

    def make_estimator(self, params: XGBoostParams) -> Any:
        from xgboost import XGBRegressor

        return XGBRegressor(**estimator_kwargs(params))

    def fit(self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
        fit_xgboost(ctx, estimator, X, y)
