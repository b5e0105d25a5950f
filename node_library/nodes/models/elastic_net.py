"""Elastic net regression: L1 and L2 regularization mixed (scikit-learn ElasticNet)."""

from __future__ import annotations

from pydantic import Field

from node_library.node_kinds.models import RegressorNode, SupervisedParams


class ElasticNetParams(SupervisedParams):
    alpha: float = Field(1.0, gt=0, description="Regularization strength.")
    l1_ratio: float = Field(0.5, ge=0, le=1, description="Share of L1 in the penalty (1 = Lasso).")
    fit_intercept: bool = Field(True, description="Learn an intercept term.")
    max_iter: int = Field(1000, ge=1, le=1_000_000, description="Maximum solver iterations.")
    tol: float = Field(1e-4, gt=0, description="Solver tolerance.")
    positive: bool = Field(False, description="Force the coefficients to be positive.")


class ElasticNetNode(RegressorNode[ElasticNetParams]):
    type_id = "models.elastic_net"
    display_name = "Elastic net regression"
    description = "Linear regression with a mix of L1 and L2 regularization (scikit-learn)."
    tags = ("regression", "linear", "l1", "l2", "regularization", "sklearn")
    Params = ElasticNetParams
    algorithm = "sklearn.linear_model.ElasticNet"
