"""Ridge regression: linear model with L2 regularization (scikit-learn Ridge)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from node_library.node_kinds.models import RegressorNode, SupervisedParams


class RidgeParams(SupervisedParams):
    alpha: float = Field(1.0, ge=0, description="Regularization strength (L2).")
    fit_intercept: bool = Field(True, description="Learn an intercept term.")
    solver: Literal["auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga"] = Field(
        "auto", description="Solver."
    )
    random_state: int = Field(0, ge=0, description="Seed (used by the sag and saga solvers).")


class RidgeNode(RegressorNode[RidgeParams]):
    type_id = "models.ridge"
    display_name = "Ridge regression"
    description = "Linear regression with L2 regularization (scikit-learn Ridge)."
    tags = ("regression", "linear", "l2", "regularization", "sklearn")
    Params = RidgeParams
    algorithm = "sklearn.linear_model.Ridge"
