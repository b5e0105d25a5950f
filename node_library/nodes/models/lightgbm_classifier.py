"""LightGBM classifier (lightgbm.LGBMClassifier, quiet), progress per boosting round; accepts
gaps; early stopping on the optional validation input (node_library.node_kinds.boosting)."""

from __future__ import annotations

from node_library.node_kinds.boosting import LightGBMNode, LightGBMParams
from node_library.node_kinds.models import ClassifierNode


class LightGBMClassifierNode(LightGBMNode, ClassifierNode[LightGBMParams]):
    type_id = "models.lightgbm_classifier"
    display_name = "LightGBM classifier"
    description = "Leaf-wise gradient-boosted trees for classification (LightGBM)."
    tags = ("classification", "boosting", "trees", "lightgbm", "gbm")
    algorithm = "lightgbm.LGBMClassifier"
