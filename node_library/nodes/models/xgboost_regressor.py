"""XGBoost regressor (xgboost.XGBRegressor), progress per boosting round; accepts gaps."""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.contract import ExecutionContext
from node_library.node_kinds.boosting import XGBoostParams, fit_xgboost
from node_library.node_kinds.models import RegressorNode


class XGBoostRegressorNode(RegressorNode[XGBoostParams]):
    type_id = "models.xgboost_regressor"
    display_name = "XGBoost regressor"
    description = "Gradient-boosted trees for regression (XGBoost)."
    tags = ("regression", "boosting", "trees", "xgboost", "gbm")
    Params = XGBoostParams
    algorithm = "xgboost.XGBRegressor"
    libraries = ("xgboost", "scikit-learn")
    allows_nan = True

    def fit(self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
        fit_xgboost(ctx, estimator, X, y)
