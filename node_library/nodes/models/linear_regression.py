"""Ordinary least squares linear regression (scikit-learn LinearRegression)."""

from __future__ import annotations

from pydantic import Field

from node_library.node_kinds.models import NJobs, RegressorNode, SupervisedParams, n_jobs_field


class LinearRegressionParams(SupervisedParams):
    fit_intercept: bool = Field(True, description="Learn an intercept term.")
    positive: bool = Field(False, description="Force the coefficients to be positive.")
    n_jobs: NJobs = n_jobs_field("1 (scikit-learn's default)")


class LinearRegressionNode(RegressorNode[LinearRegressionParams]):
    type_id = "models.linear_regression"
    display_name = "Linear regression"
    description = "Ordinary least squares linear model (scikit-learn LinearRegression)."
    tags = ("regression", "linear", "ols", "sklearn")
    Params = LinearRegressionParams
    version = 2
    migrations = {1: dict}  # 1 -> 2 added n_jobs (empty: as before)
    algorithm = "sklearn.linear_model.LinearRegression"
