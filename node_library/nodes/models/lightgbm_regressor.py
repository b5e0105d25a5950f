"""LightGBM regressor (lightgbm.LGBMRegressor, quiet), progress per boosting round; accepts
gaps; early stopping on the optional validation input (node_library.node_kinds.boosting)."""

from __future__ import annotations

from node_library.node_kinds.boosting import LightGBMNode, LightGBMParams
from node_library.node_kinds.models import RegressorNode


class LightGBMRegressorNode(LightGBMNode, RegressorNode[LightGBMParams]):
    type_id = "models.lightgbm_regressor"
    display_name = "LightGBM regressor"
    description = "Leaf-wise gradient-boosted trees for regression (LightGBM)."
    tags = ("regression", "boosting", "trees", "lightgbm", "gbm")
    algorithm = "lightgbm.LGBMRegressor"
