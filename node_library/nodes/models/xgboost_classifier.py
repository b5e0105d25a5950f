"""XGBoost classifier (xgboost.XGBClassifier), progress per boosting round; accepts gaps; early
stopping on the optional validation input (node_library.node_kinds.boosting).

XGBoost needs labels 0..k-1, so the node fits on the codes of the sorted labels (what a careful
script does with LabelEncoder) and predictions map back to the labels."""

from __future__ import annotations

from typing import Any

import numpy as np

from node_library.ml.training import TrainingData
from node_library.node_kinds.boosting import XGBoostNode, XGBoostParams
from node_library.node_kinds.models import ClassifierNode


class XGBoostClassifierNode(XGBoostNode, ClassifierNode[XGBoostParams]):
    type_id = "models.xgboost_classifier"
    display_name = "XGBoost classifier"
    description = "Gradient-boosted trees for classification (XGBoost)."
    tags = ("classification", "boosting", "trees", "xgboost", "gbm")
    algorithm = "xgboost.XGBClassifier"
    label_codes = True

    def prepare_target(self, data: TrainingData) -> tuple[Any, list[Any] | None, bool]:
        assert data.y is not None
        classes, codes = np.unique(data.y.to_numpy(), return_inverse=True)
        return codes, [c.item() if hasattr(c, "item") else c for c in classes], True
