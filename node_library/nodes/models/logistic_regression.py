"""Logistic regression classifier (scikit-learn LogisticRegression, lbfgs solver, L2 penalty)."""

from __future__ import annotations

from pydantic import Field

from node_library.node_kinds.models import ClassifierNode, ClassWeight, SupervisedParams


class LogisticRegressionParams(SupervisedParams):
    C: float = Field(
        1.0, gt=0, description="Inverse regularization strength: smaller means simpler models."
    )
    max_iter: int = Field(100, ge=1, le=100_000, description="Maximum solver iterations.")
    fit_intercept: bool = Field(True, description="Learn an intercept (bias) term.")
    class_weight: ClassWeight = Field(
        None, description="'balanced' weights classes inversely to their frequency."
    )
    random_state: int = Field(0, ge=0, description="Seed (used by some solvers when shuffling).")


class LogisticRegressionNode(ClassifierNode[LogisticRegressionParams]):
    type_id = "models.logistic_regression"
    display_name = "Logistic regression"
    description = "Linear classifier with class probabilities (scikit-learn LogisticRegression)."
    tags = ("classification", "linear", "sklearn", "logit")
    Params = LogisticRegressionParams
    algorithm = "sklearn.linear_model.LogisticRegression"
