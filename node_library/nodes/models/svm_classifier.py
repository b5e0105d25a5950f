"""Support vector machine classifier (scikit-learn SVC).

Class probabilities are optional: scikit-learn 1.9 deprecates `SVC(probability=True)` in favour
of `CalibratedClassifierCV(SVC(), ensemble=False)` (5-fold, sigmoid calibration), which is what
`probability` builds; its predictions then follow the calibrated probabilities. Without it the
model predicts labels only and Predict adds no `proba_` columns."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from node_library.node_kinds.models import (
    ClassifierNode,
    ClassWeight,
    SupervisedParams,
    estimator_kwargs,
)


class SVMClassifierParams(SupervisedParams):
    C: float = Field(1.0, gt=0, description="Penalty of misclassified rows: larger fits tighter.")
    kernel: Literal["rbf", "linear", "poly", "sigmoid"] = Field(
        "rbf", description="Kernel function."
    )
    degree: int = Field(3, ge=1, le=10, description="Degree of the poly kernel.")
    gamma: Literal["scale", "auto"] = Field(
        "scale", description="Kernel coefficient for rbf, poly and sigmoid."
    )
    class_weight: ClassWeight = Field(
        None, description="'balanced' weights classes inversely to their frequency."
    )
    probability: bool = Field(
        False,
        description="Also learn class probabilities (5-fold calibration; slower to train).",
    )


class SVMClassifierNode(ClassifierNode[SVMClassifierParams]):
    type_id = "models.svm_classifier"
    display_name = "SVM classifier"
    description = "Support vector machine classifier with kernels (scikit-learn SVC)."
    tags = ("classification", "svm", "svc", "kernel", "sklearn")
    Params = SVMClassifierParams
    algorithm = "sklearn.svm.SVC"

    def make_estimator(self, params: SVMClassifierParams) -> Any:
        from sklearn.svm import SVC

        kwargs = estimator_kwargs(params)
        probability = kwargs.pop("probability")
        svc = SVC(**kwargs)
        if not probability:
            return svc
        from sklearn.calibration import CalibratedClassifierCV

        return CalibratedClassifierCV(svc, ensemble=False)
