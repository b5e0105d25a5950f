"""Contract cases for the evaluation nodes, and the fitted models and scored frames the
evaluation tests share.

The models are FittedModel values built here with scikit-learn estimators, and the scored frames
follow Predict's convention (node_library/ml/fitted.py): the input columns, then `prediction`,
then one `proba_<class>` column per class in the model's class order; clusterers add `cluster`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.ml.fitted import FittedModel, ModelKind, ModelMeta, frame_fingerprint
from node_library.nodes.sources.sample_dataset import load_sample
from node_library.schema import schema_of_frame
from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase


def fitted(estimator: Any, train: pd.DataFrame, target: str, kind: ModelKind) -> FittedModel:
    """Fit `estimator` on the columns of `train` but `target`; wrap it as a model node would."""
    features = [c for c in train.columns if c != target]
    estimator.fit(train[features], train[target])
    schema = schema_of_frame(train[features])
    classes = list(estimator.classes_) if kind == "classifier" else None
    meta = ModelMeta(
        kind=kind,
        algorithm=f"{type(estimator).__module__}.{type(estimator).__name__}",
        features=features,
        feature_dtypes={c.name: c.dtype.value for c in schema.columns},
        target=target,
        classes=classes,
        params=estimator.get_params(),
        training_rows=len(train),
        training_fingerprint=frame_fingerprint(train),
    )
    return FittedModel(estimator, meta)


def scored(model: FittedModel, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with Predict's columns appended."""
    features = frame[model.meta.features]
    if model.meta.kind == "clusterer":
        return frame.assign(cluster=model.estimator.predict(features))
    result = frame.assign(prediction=model.estimator.predict(features))
    if model.meta.kind == "classifier":
        proba = model.estimator.predict_proba(features)
        for index, label in enumerate(model.meta.classes or []):
            result[f"proba_{label}"] = proba[:, index]
    return result


def split(frame: pd.DataFrame, test_share: float = 0.3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A fixed shuffled split (seed 0) into train and test."""
    shuffled = frame.sample(frac=1.0, random_state=0).reset_index(drop=True)
    cut = int(len(shuffled) * (1 - test_share))
    return shuffled.iloc[:cut].reset_index(drop=True), shuffled.iloc[cut:].reset_index(drop=True)


def iris_classifier() -> tuple[FittedModel, pd.DataFrame, pd.DataFrame]:
    """A logistic regression on iris: (model, train, test)."""
    from sklearn.linear_model import LogisticRegression

    train, test = split(load_sample("iris"))
    return fitted(LogisticRegression(max_iter=1000), train, "target", "classifier"), train, test


def cancer_classifier(labels: bool = False) -> tuple[FittedModel, pd.DataFrame, pd.DataFrame]:
    """A logistic regression on breast_cancer (binary); with `labels` the target is text."""
    from sklearn.linear_model import LogisticRegression

    frame = load_sample("breast_cancer")
    if labels:
        frame["target"] = frame["target"].map({0: "malignant", 1: "benign"})
    train, test = split(frame)
    model = fitted(LogisticRegression(max_iter=5000), train, "target", "classifier")
    return model, train, test


def diabetes_regressor() -> tuple[FittedModel, pd.DataFrame, pd.DataFrame]:
    from sklearn.linear_model import Ridge

    train, test = split(load_sample("diabetes"))
    return fitted(Ridge(alpha=0.5), train, "target", "regressor"), train, test


def iris_clusters() -> pd.DataFrame:
    from sklearn.cluster import KMeans

    frame = load_sample("iris").drop(columns="target")
    kmeans = KMeans(n_clusters=3, n_init=10, random_state=0)
    return frame.assign(cluster=kmeans.fit_predict(frame))


def _classification_metrics(env: CaseEnv) -> NodeCase:
    model, _, test = iris_classifier()
    return NodeCase(params={"average": "weighted"}, inputs={"scored": scored(model, test)})


def _regression_metrics(env: CaseEnv) -> NodeCase:
    model, _, test = diabetes_regressor()
    return NodeCase(params={}, inputs={"scored": scored(model, test)})


def _clustering_metrics(env: CaseEnv) -> NodeCase:
    return NodeCase(params={}, inputs={"data": iris_clusters()})


def _confusion_matrix(env: CaseEnv) -> NodeCase:
    model, _, test = iris_classifier()
    return NodeCase(params={"normalize": "true"}, inputs={"scored": scored(model, test)})


def _roc_curve(env: CaseEnv) -> NodeCase:
    model, _, test = cancer_classifier(labels=True)
    return NodeCase(params={"pos_label": "malignant"}, inputs={"scored": scored(model, test)})


def _pr_curve(env: CaseEnv) -> NodeCase:
    model, _, test = iris_classifier()
    return NodeCase(params={}, inputs={"scored": scored(model, test)})


def _residual_plot(env: CaseEnv) -> NodeCase:
    model, _, test = diabetes_regressor()
    return NodeCase(params={"max_points": 100}, inputs={"scored": scored(model, test)})


def _feature_importance(env: CaseEnv) -> NodeCase:
    model, _, test = iris_classifier()
    return NodeCase(
        params={"method": "permutation", "n_repeats": 3, "scoring": "log_loss"},
        inputs={"model": model, "data": test},
    )


def _cross_validate(env: CaseEnv) -> NodeCase:
    model, train, _ = iris_classifier()
    return NodeCase(
        params={
            "kind": "stratified_kfold",
            "n_splits": 3,
            "shuffle": True,
            "scoring": ["accuracy", "log_loss"],
        },
        inputs={"model": model, "data": train},
    )


def _learning_curve(env: CaseEnv) -> NodeCase:
    model, train, _ = diabetes_regressor()
    return NodeCase(
        params={"n_splits": 3, "train_sizes": [0.5, 1.0], "scoring": "mae"},
        inputs={"model": model, "data": train},
    )


CASES: dict[str, CaseFactory] = {
    "evaluate.classification_metrics": _classification_metrics,
    "evaluate.regression_metrics": _regression_metrics,
    "evaluate.clustering_metrics": _clustering_metrics,
    "evaluate.confusion_matrix": _confusion_matrix,
    "evaluate.roc_curve": _roc_curve,
    "evaluate.pr_curve": _pr_curve,
    "evaluate.residual_plot": _residual_plot,
    "evaluate.feature_importance": _feature_importance,
    "evaluate.cross_validate": _cross_validate,
    "evaluate.learning_curve": _learning_curve,
}
