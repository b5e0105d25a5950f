"""Ordinary least squares linear regression (scikit-learn LinearRegression)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from node_library.nodes.models.base import RegressorNode, SupervisedParams, estimator_kwargs


class LinearRegressionParams(SupervisedParams):
    fit_intercept: bool = Field(True, description="Learn an intercept term.")
    positive: bool = Field(False, description="Force the coefficients to be positive.")


class LinearRegressionNode(RegressorNode[LinearRegressionParams]):
    type_id = "models.linear_regression"
    display_name = "Linear regression"
    description = "Ordinary least squares linear model (scikit-learn LinearRegression)."
    tags = ("regression", "linear", "ols", "sklearn")
    Params = LinearRegressionParams
    algorithm = "sklearn.linear_model.LinearRegression"

    def make_estimator(self, params: LinearRegressionParams) -> Any:
        from sklearn.linear_model import LinearRegression

        return LinearRegression(**estimator_kwargs(params))
