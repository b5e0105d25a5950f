"""LightGBM regressor (lightgbm.LGBMRegressor, quiet), progress per boosting round."""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.contract import ExecutionContext
from node_library.nodes.models.base import RegressorNode, estimator_kwargs
from node_library.nodes.models.boosting import LightGBMParams, fit_lightgbm


class LightGBMRegressorNode(RegressorNode[LightGBMParams]):
    type_id = "models.lightgbm_regressor"
    display_name = "LightGBM regressor"
    description = "Leaf-wise gradient-boosted trees for regression (LightGBM)."
    tags = ("regression", "boosting", "trees", "lightgbm", "gbm")
    Params = LightGBMParams
    algorithm = "lightgbm.LGBMRegressor"
    libraries = ("lightgbm", "scikit-learn")
    allows_nan = True

    def make_estimator(self, params: LightGBMParams) -> Any:
        from lightgbm import LGBMRegressor

        return LGBMRegressor(**estimator_kwargs(params), verbose=-1)

    def fit(self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
        fit_lightgbm(ctx, estimator, X, y)
