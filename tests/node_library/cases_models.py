"""Contract cases for the model nodes, Predict and the model export, and the small frames the
model tests share. Boosting and forests use few trees so every case runs in well under a second.

Classifier cases train on iris with text labels (the species names), so the label handling
(XGBoost's codes mapped back, `proba_<label>` names) is part of the contract run; regressors train
on diabetes; clusterers on the iris measurements.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.contract import RecordingContext
from node_library.ml.fitted import FittedModel
from node_library.nodes.sources.sample_dataset import load_sample
from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase

SPECIES = {0: "setosa", 1: "versicolor", 2: "virginica"}
FAST = {"n_estimators": 5}


def iris_labelled() -> pd.DataFrame:
    """iris with the target as text labels (column "species")."""
    frame = load_sample("iris")
    return frame.assign(species=frame["target"].map(SPECIES)).drop(columns=["target"])


def iris_features() -> pd.DataFrame:
    return load_sample("iris").drop(columns=["target"])


def diabetes() -> pd.DataFrame:
    return load_sample("diabetes")


def fit_node(type_id: str, params: dict[str, Any], train: pd.DataFrame) -> FittedModel:
    """Run a model node from the default registry and return its fitted model."""
    from node_library import default_registry

    node = default_registry().get(type_id)
    assert node is not None, type_id
    outputs = node.execute(RecordingContext(), node.Params.model_validate(params), train=train)
    model = outputs["model"]
    assert isinstance(model, FittedModel)
    return model


CLASSIFIERS: dict[str, dict[str, Any]] = {
    "models.logistic_regression": {"max_iter": 500},
    "models.random_forest_classifier": FAST,
    "models.gradient_boosting_classifier": FAST,
    "models.xgboost_classifier": FAST,
    "models.lightgbm_classifier": {**FAST, "min_child_samples": 5},
    "models.svm_classifier": {"probability": True},
    "models.knn_classifier": {},
    "models.mlp_classifier": {"epochs": 5, "hidden_layer_sizes": "16"},
}
REGRESSORS: dict[str, dict[str, Any]] = {
    "models.linear_regression": {},
    "models.lasso": {"alpha": 0.1},
    "models.ridge": {},
    "models.elastic_net": {"alpha": 0.01},
    "models.random_forest_regressor": FAST,
    "models.gradient_boosting_regressor": FAST,
    "models.xgboost_regressor": FAST,
    "models.lightgbm_regressor": FAST,
    "models.mlp_regressor": {"epochs": 5, "hidden_layer_sizes": "16"},
}
CLUSTERERS: dict[str, dict[str, Any]] = {
    "models.kmeans": {"n_clusters": 3},
    "models.dbscan": {"eps": 0.5},
    "models.agglomerative": {"n_clusters": 3},
}


def _classifier(type_id: str) -> CaseFactory:
    def case(env: CaseEnv) -> NodeCase:
        return NodeCase(
            params={"target": "species", **CLASSIFIERS[type_id]},
            inputs={"train": iris_labelled()},
        )

    return case


def _regressor(type_id: str) -> CaseFactory:
    def case(env: CaseEnv) -> NodeCase:
        return NodeCase(
            params={"target": "target", **REGRESSORS[type_id]}, inputs={"train": diabetes()}
        )

    return case


def _clusterer(type_id: str) -> CaseFactory:
    def case(env: CaseEnv) -> NodeCase:
        frame = iris_labelled()
        features = [c for c in frame.columns if c != "species"]
        return NodeCase(
            params={"features": features, **CLUSTERERS[type_id]}, inputs={"train": frame}
        )

    return case


def _predict(env: CaseEnv) -> NodeCase:
    model = fit_node("models.xgboost_classifier", {"target": "species", **FAST}, iris_labelled())
    return NodeCase(params={}, inputs={"model": model, "data": iris_labelled()})


def _export(env: CaseEnv) -> NodeCase:
    model = fit_node(
        "models.random_forest_classifier", {"target": "species", **FAST}, iris_labelled()
    )
    return NodeCase(
        params={"format": "native", "file_name": "iris forest"}, inputs={"model": model}
    )


CASES: dict[str, CaseFactory] = {
    **{type_id: _classifier(type_id) for type_id in CLASSIFIERS},
    **{type_id: _regressor(type_id) for type_id in REGRESSORS},
    **{type_id: _clusterer(type_id) for type_id in CLUSTERERS},
    "models.predict": _predict,
    "outputs.model_export": _export,
}
