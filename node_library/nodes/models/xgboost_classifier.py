"""XGBoost classifier (xgboost.XGBClassifier), progress per boosting round; accepts gaps.

XGBoost needs labels 0..k-1, so the node fits on the codes of the sorted labels (what a careful
script does with LabelEncoder) and predictions map back to the labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from node_library.contract import ExecutionContext
from node_library.ml.training import TrainingData
from node_library.node_kinds.boosting import XGBoostParams, fit_xgboost
from node_library.node_kinds.models import ClassifierNode


class XGBoostClassifierNode(ClassifierNode[XGBoostParams]):
    type_id = "models.xgboost_classifier"
    display_name = "XGBoost classifier"
    description = "Gradient-boosted trees for classification (XGBoost)."
    tags = ("classification", "boosting", "trees", "xgboost", "gbm")
    Params = XGBoostParams
    algorithm = "xgboost.XGBClassifier"
    libraries = ("xgboost", "scikit-learn")
    allows_nan = True

    def prepare_target(self, data: TrainingData) -> tuple[Any, list[Any] | None, bool]:
        assert data.y is not None
        classes, codes = np.unique(data.y.to_numpy(), return_inverse=True)
        return codes, [c.item() if hasattr(c, "item") else c for c in classes], True

    def fit(self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
        fit_xgboost(ctx, estimator, X, y)
