"""XGBoost regressor (xgboost.XGBRegressor), progress per boosting round; accepts gaps; early
stopping on the optional validation input (node_library.node_kinds.boosting)."""

from __future__ import annotations

from node_library.node_kinds.boosting import XGBoostNode, XGBoostParams
from node_library.node_kinds.models import RegressorNode


class XGBoostRegressorNode(XGBoostNode, RegressorNode[XGBoostParams]):
    type_id = "models.xgboost_regressor"
    display_name = "XGBoost regressor"
    description = "Gradient-boosted trees for regression (XGBoost)."
    tags = ("regression", "boosting", "trees", "xgboost", "gbm")
    algorithm = "xgboost.XGBRegressor"
