"""A LightGBM model loaded back from its native text format, predicting like the sklearn wrapper.

LightGBM's sklearn classes cannot be rebuilt from a model file, so a stored LGBMClassifier or
LGBMRegressor comes back as this thin adapter over `lightgbm.Booster`, with the same `predict`,
`predict_proba` and `feature_importances_` (split counts, the wrapper's default) as the fitted
wrapper: tests/canvas_assets/test_artifacts_models.py checks the predictions are equal.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class LightGBMBoosterModel:
    """`booster` is a lightgbm.Booster; `classes` the labels of a classifier (None: regressor)."""

    def __init__(self, booster: Any, classes: list[Any] | None) -> None:
        self.booster = booster
        self.classes_ = None if classes is None else np.asarray(classes)
        self.feature_names_in_ = np.asarray(booster.feature_name(), dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)

    @property
    def feature_importances_(self) -> np.ndarray:
        importances: np.ndarray = self.booster.feature_importance(importance_type="split")
        return importances

    def predict_proba(self, X: Any) -> np.ndarray:
        if self.classes_ is None:
            raise AttributeError("a LightGBM regressor has no predict_proba")
        raw = np.asarray(self.booster.predict(X))
        if raw.ndim == 1:  # binary: the probability of the second class, as LGBMClassifier
            return np.vstack((1.0 - raw, raw)).transpose()
        return raw

    def predict(self, X: Any) -> np.ndarray:
        if self.classes_ is None:
            predicted: np.ndarray = np.asarray(self.booster.predict(X))
            return predicted
        labels: np.ndarray = self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        return labels
