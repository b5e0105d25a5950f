"""LightGBM classifier (lightgbm.LGBMClassifier, quiet), progress per boosting round."""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.contract import ExecutionContext
from node_library.node_kinds.boosting import LightGBMParams, fit_lightgbm
from node_library.node_kinds.models import ClassifierNode


class LightGBMClassifierNode(ClassifierNode[LightGBMParams]):
    type_id = "models.lightgbm_classifier"
    display_name = "LightGBM classifier"
    description = "Leaf-wise gradient-boosted trees for classification (LightGBM)."
    tags = ("classification", "boosting", "trees", "lightgbm", "gbm")
    Params = LightGBMParams
    algorithm = "lightgbm.LGBMClassifier"
    libraries = ("lightgbm", "scikit-learn")
    allows_nan = True
    estimator_options = {"verbose": -1}  # else LightGBM prints its info lines to stdout

    def fit(self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
        fit_lightgbm(ctx, estimator, X, y)
