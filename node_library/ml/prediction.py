"""Applying a FittedModel to a frame: its steps in order (node_library.ml.transformers'
`apply_transformer`), then the estimator.

`predict_frame` is what the Predict node does and what evaluation nodes can reuse: it returns the
input frame with `prediction` appended (classifiers with probabilities also get one `proba_<class>`
column per class, in `classes` order; clusterers get `cluster` instead). Columns of those names
already in the frame are replaced in place, so predicting twice gives the same frame.

Before anything runs, the frame's columns are checked against the features the first stage was
fitted on (check_columns): a missing feature is a NodeError listing every missing column and the
columns the model never saw, never a half-applied model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from node_library.contract import NodeError, error
from node_library.ml.fitted import ColumnMismatch, FittedModel, check_columns
from node_library.ml.transformers import apply_transformer

PREDICTION = "prediction"
CLUSTER = "cluster"
PROBA_PREFIX = "proba_"


def proba_column(label: Any) -> str:
    return f"{PROBA_PREFIX}{label}"


def check_model_columns(model: FittedModel, frame: pd.DataFrame, *, port: str = "data") -> None:
    """NodeError naming the missing and unexpected columns when `frame` cannot feed `model`."""
    first = model.steps[0] if model.steps else model
    try:
        check_columns(frame, first.meta)
    except ColumnMismatch as exc:
        present = [str(c) for c in frame.columns]
        known = set(first.meta.features) | {first.meta.target or ""}
        unexpected = [c for c in present if c not in known]
        text = f"the {port!r} frame does not have the columns the model was trained on: {exc}"
        if unexpected:
            text += f"; columns the model did not see in training: {', '.join(unexpected)}"
        raise NodeError(
            error(
                "column_mismatch",
                text,
                "give the frame the same feature columns as the training data (same names),"
                " passing it through the same upstream steps",
                port=port,
            )
        ) from exc


def features_of(model: FittedModel, frame: pd.DataFrame) -> pd.DataFrame:
    """The matrix the final estimator sees: steps applied, then its features in training order."""
    check_model_columns(model, frame)
    for step in model.steps:
        # the one placement and dtype rule for fitted transformers (G's module)
        frame = apply_transformer(step, frame)
    check_columns(frame, model.meta)
    return frame[model.meta.features]


def predict_labels(model: FittedModel, X: pd.DataFrame) -> np.ndarray:
    """Predictions of the estimator on a ready feature matrix, as labels (not codes)."""
    raw = np.asarray(model.estimator.predict(X))
    if model.meta.encoded_labels and model.meta.classes is not None:
        return np.asarray(model.meta.classes)[raw.astype(np.int64)]
    return raw


def predict_proba(model: FittedModel, X: pd.DataFrame) -> np.ndarray | None:
    """Class probabilities (columns in `classes` order), or None when the model has none."""
    if model.meta.kind != "classifier" or not hasattr(model.estimator, "predict_proba"):
        return None
    proba: np.ndarray = np.asarray(model.estimator.predict_proba(X), dtype="float64")
    return proba


def predict_frame(model: FittedModel, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the model's prediction columns (see the module docstring)."""
    kind = model.meta.kind
    if kind == "transformer":
        raise NodeError(
            error(
                "not_a_predictor",
                f"{_name(model)} is a fitted transformer: it transforms columns, it does not"
                " predict",
                'use the "Apply fitted transformer" node for it, or connect a model node',
                port="model",
            )
        )
    if kind == "clusterer" and not hasattr(model.estimator, "predict"):
        raise NodeError(
            error(
                "cannot_predict",
                f"{_name(model)} cannot assign clusters to new rows",
                "use the node's own 'clustered' output for its training rows, or K-Means to"
                " cluster new rows",
                port="model",
            )
        )
    X = features_of(model, frame)
    result = frame.copy(deep=False)
    if X.empty:
        labels: np.ndarray = np.asarray([], dtype=_label_dtype(model))
    else:
        labels = predict_labels(model, X)
    if kind == "clusterer":
        result[CLUSTER] = labels.astype("int64")
    else:
        result[PREDICTION] = labels
    proba = predict_proba(model, X) if not X.empty else None
    if kind == "classifier" and model.meta.classes is not None and _has_proba(model):
        if proba is None:
            proba = np.empty((0, len(model.meta.classes)), dtype="float64")
        for index, label in enumerate(model.meta.classes):
            result[proba_column(label)] = proba[:, index]
    return result


def _has_proba(model: FittedModel) -> bool:
    return hasattr(model.estimator, "predict_proba")


def _label_dtype(model: FittedModel) -> Any:
    if model.meta.kind == "regressor":
        return "float64"
    if model.meta.kind == "clusterer":
        return "int64"
    return np.asarray(model.meta.classes or []).dtype


def _name(model: FittedModel) -> str:
    return model.meta.algorithm.rsplit(".", 1)[-1]
