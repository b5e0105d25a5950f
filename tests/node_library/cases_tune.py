"""Contract cases for the tuning nodes and the model comparison node (models from
cases_evaluate: a logistic regression on iris, a ridge regression on diabetes)."""

from __future__ import annotations

from node_library.ml.fitted import FittedModel
from node_library.nodes.sources.sample_dataset import load_sample
from tests.node_library.cases_evaluate import diabetes_regressor, fitted, iris_classifier, split
from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase


def iris_forest() -> FittedModel:
    from sklearn.ensemble import RandomForestClassifier

    train, _ = split(load_sample("iris"))
    return fitted(
        RandomForestClassifier(n_estimators=20, random_state=0), train, "target", "classifier"
    )


def _grid_search(env: CaseEnv) -> NodeCase:
    model, train, _ = iris_classifier()
    space = [
        {"param": "C", "values": [0.1, 1, 10]},
        {"param": "fit_intercept", "values": [True, False]},
        {"param": "class_weight", "values": [None, "balanced"]},
    ]
    return NodeCase(params={"space": space, "n_splits": 3}, inputs={"model": model, "train": train})


def _random_search(env: CaseEnv) -> NodeCase:
    model, train, _ = diabetes_regressor()
    space = [
        {"param": "alpha", "low": 0.001, "high": 10, "log": True},
        {"param": "max_iter", "low": 100, "high": 1000, "integer": True},
        {"param": "solver", "values": ["auto", "svd"]},
    ]
    return NodeCase(
        params={"space": space, "n_iter": 4, "n_splits": 3, "scoring": "mae"},
        inputs={"model": model, "train": train},
    )


def _compare_models(env: CaseEnv) -> NodeCase:
    model, train, _ = iris_classifier()
    return NodeCase(
        params={"kind": "stratified_kfold", "n_splits": 3, "shuffle": True, "n_repeats": 2},
        inputs={"model_a": model, "model_b": iris_forest(), "model_c": model, "data": train},
    )


CASES: dict[str, CaseFactory] = {
    "tune.grid_search": _grid_search,
    "tune.random_search": _random_search,
    "evaluate.compare_models": _compare_models,
}
