"""LightGBM classifier (lightgbm.LGBMClassifier, quiet), progress per boosting round."""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.contract import ExecutionContext
from node_library.nodes.models.base import ClassifierNode, estimator_kwargs
from node_library.nodes.models.boosting import LightGBMParams, fit_lightgbm


class LightGBMClassifierNode(ClassifierNode[LightGBMParams]):
    type_id = "models.lightgbm_classifier"
    display_name = "LightGBM classifier"
    description = "Leaf-wise gradient-boosted trees for classification (LightGBM)."
    tags = ("classification", "boosting", "trees", "lightgbm", "gbm")
    Params = LightGBMParams
    algorithm = "lightgbm.LGBMClassifier"
    libraries = ("lightgbm", "scikit-learn")
    allows_nan = True

    def make_estimator(self, params: LightGBMParams) -> Any:
        from lightgbm import LGBMClassifier

        return LGBMClassifier(**estimator_kwargs(params), verbose=-1)

    def fit(self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
        fit_lightgbm(ctx, estimator, X, y)
