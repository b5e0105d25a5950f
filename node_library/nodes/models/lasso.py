"""Lasso regression: linear model with L1 regularization (scikit-learn Lasso)."""

from __future__ import annotations

from pydantic import Field

from node_library.node_kinds.models import RegressorNode, SupervisedParams


class LassoParams(SupervisedParams):
    alpha: float = Field(1.0, gt=0, description="Regularization strength (L1).")
    fit_intercept: bool = Field(True, description="Learn an intercept term.")
    max_iter: int = Field(1000, ge=1, le=1_000_000, description="Maximum solver iterations.")
    tol: float = Field(1e-4, gt=0, description="Solver tolerance.")
    positive: bool = Field(False, description="Force the coefficients to be positive.")


class LassoNode(RegressorNode[LassoParams]):
    type_id = "models.lasso"
    display_name = "Lasso regression"
    description = "Linear regression with L1 regularization that zeroes weak features."
    tags = ("regression", "linear", "l1", "regularization", "sklearn")
    Params = LassoParams
    algorithm = "sklearn.linear_model.Lasso"
