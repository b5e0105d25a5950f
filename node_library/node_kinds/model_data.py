"""Shared pieces of the evaluation nodes that take a fitted `model` and a `data` frame
(cross-validation, learning curve, permutation importance): the metric names they offer, the
target and feature checks, and the fitting-and-scoring failures turned into node errors.

Metric names are the ones people say (rmse, mae, log_loss) rather than scikit-learn's negated
scorer names: each maps to a scikit-learn scorer and a sign, so an error is reported as a
positive number exactly equal to minus scikit-learn's `neg_*` score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from node_library.checks import require_columns
from node_library.contract import Issue, NodeError, error
from node_library.ml.fitted import FittedModel, check_columns
from node_library.schema import TableSchema

Scoring = Literal[
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "precision_macro",
    "recall_macro",
    "f1_macro",
    "f1_weighted",
    "roc_auc",
    "roc_auc_ovr",
    "log_loss",
    "rmse",
    "mae",
    "mape",
    "r2",
]

# name -> (scikit-learn scorer name, sign that turns its value into the named metric)
SCORERS: dict[str, tuple[str, float]] = {
    "accuracy": ("accuracy", 1.0),
    "balanced_accuracy": ("balanced_accuracy", 1.0),
    "precision": ("precision", 1.0),
    "recall": ("recall", 1.0),
    "f1": ("f1", 1.0),
    "precision_macro": ("precision_macro", 1.0),
    "recall_macro": ("recall_macro", 1.0),
    "f1_macro": ("f1_macro", 1.0),
    "f1_weighted": ("f1_weighted", 1.0),
    "roc_auc": ("roc_auc", 1.0),
    "roc_auc_ovr": ("roc_auc_ovr", 1.0),
    "log_loss": ("neg_log_loss", -1.0),
    "rmse": ("neg_root_mean_squared_error", -1.0),
    "mae": ("neg_mean_absolute_error", -1.0),
    "mape": ("neg_mean_absolute_percentage_error", -1.0),
    "r2": ("r2", 1.0),
}
REGRESSION_SCORES = frozenset({"rmse", "mae", "mape", "r2"})
DEFAULT_SCORES: dict[str, list[str]] = {
    "classifier": ["accuracy", "f1_macro"],
    "regressor": ["rmse", "r2"],
}


def data_issues(schema: TableSchema | None, target: str | None) -> list[Issue]:
    """Issues visible from the data schema: the named target must be there."""
    return require_columns(schema, [target] if target else [], param="target")


@dataclass(frozen=True)
class ModelData:
    """The features, target and model kind of a (model, data) pair, checked."""

    features: pd.DataFrame
    target: pd.Series
    kind: str


def model_data(model: Any, data: pd.DataFrame, target: str | None) -> ModelData:
    """Check that `model` is a supervised FittedModel and `data` holds its features and target."""
    if not isinstance(model, FittedModel):
        raise NodeError(
            error(
                "not_a_fitted_model",
                f"input 'model' is a {type(model).__name__}, not a model from a model node",
                "connect the model output of a classification or regression node",
                port="model",
            )
        )
    meta = model.meta
    if meta.kind not in ("classifier", "regressor"):
        raise NodeError(
            error(
                "not_supervised",
                f"this node evaluates classifiers and regressors; the model is a {meta.kind}",
                "connect a classification or regression model",
                port="model",
            )
        )
    if model.steps:
        raise NodeError(
            error(
                "model_with_steps",
                "the model carries fitted preprocessing steps, which would have to be re-fitted "
                "inside every fold",
                "evaluate a model trained on the already transformed data",
                port="model",
            )
        )
    name = target or meta.target
    if not name:
        raise NodeError(
            error(
                "missing_target",
                "the model does not record its target column",
                "name the target column",
                param="target",
            )
        )
    if data.empty:
        raise NodeError(
            error(
                "empty_input",
                "input 'data' has no rows",
                "check the filters and splits upstream; they removed every row",
                port="data",
            )
        )
    try:
        check_columns(data, meta)
    except ValueError as exc:
        raise NodeError(
            error(
                "feature_mismatch",
                f"input 'data' does not hold the model's features: {exc}",
                "feed data with the columns the model was trained on",
                port="data",
            )
        ) from exc
    if name not in data.columns:
        raise NodeError(
            error(
                "missing_column",
                f"target column {name!r} is not in input 'data'",
                "pick the target column, or feed data that holds it",
                param="target",
            )
        )
    y = data[name]
    missing = int(y.isna().sum())
    if missing:
        raise NodeError(
            error(
                "missing_values",
                f"target {name!r} has {missing} missing values of {len(y)}",
                "drop those rows first (Missing values node, strategy drop_rows)",
                param="target",
            )
        )
    if y.nunique() < 2:
        raise NodeError(
            error(
                "constant_target",
                f"target {name!r} holds a single value, so there is nothing to learn",
                "check the target column and the filters upstream",
                param="target",
            )
        )
    if meta.encoded_labels and meta.classes is not None:
        y = _label_codes(y, meta.classes)
    return ModelData(data[list(meta.features)], y, meta.kind)


def _label_codes(y: pd.Series, classes: list[Any]) -> pd.Series:
    """The target as the label codes 0..k-1 a model fitted on codes (XGBoost) works with."""
    codes = pd.Categorical(y, categories=classes).codes
    unseen = pd.unique(y[codes < 0])
    if len(unseen):
        raise NodeError(
            error(
                "unseen_class",
                f"target {y.name!r} has classes the model was not trained on: "
                f"{', '.join(repr(v) for v in unseen[:20])} (it knows "
                f"{', '.join(str(c) for c in classes[:20])})",
                "train the model on data holding every class, or filter those rows out first",
                param="target",
            )
        )
    return pd.Series(codes.astype("int64"), index=y.index, name=y.name)


def chosen_scores(scoring: list[str], kind: str) -> list[str]:
    """The metric names to compute, defaulted by model kind and checked against it."""
    names = list(dict.fromkeys(scoring)) or DEFAULT_SCORES[kind]
    wrong = [n for n in names if (n in REGRESSION_SCORES) != (kind == "regressor")]
    if wrong:
        other = "classification" if kind == "regressor" else "regression"
        raise NodeError(
            error(
                "wrong_metric",
                f"{', '.join(wrong)} {'is a' if len(wrong) == 1 else 'are'} {other} metric"
                f"{'' if len(wrong) == 1 else 's'}; the model is a {kind}",
                "pick "
                + ", ".join(
                    n for n in SCORERS if (n in REGRESSION_SCORES) == (kind == "regressor")
                ),
                param="scoring",
            )
        )
    return names


def scorer(name: str) -> tuple[Any, float]:
    from sklearn.metrics import get_scorer

    sk_name, sign = SCORERS[name]
    return get_scorer(sk_name), sign


def fold_failure(what: str, exc: Exception, *, param: str | None = None) -> NodeError:
    return NodeError(
        error(
            "fold_failed",
            f"{what} failed: {exc}",
            "check the scoring metrics against the target (roc_auc and precision need two "
            "classes; use their _macro or _ovr forms for more) and the data's types",
            param=param,
        )
    )


def fit_failure(
    what: str, exc: Exception, features: pd.DataFrame, *, param: str | None = None
) -> NodeError:
    """A failed fit explained by what the features show: text columns need an encoding node,
    missing values an imputation (some models take both; the estimator said it does not)."""
    from pandas.api import types as pdt

    text = [
        str(c)
        for c, dtype in features.dtypes.items()
        if not (pdt.is_numeric_dtype(dtype) or pdt.is_bool_dtype(dtype))
    ]
    if text:
        return NodeError(
            error(
                "text_features",
                f"{what} failed: the model needs numbers, and these feature columns hold text "
                f"or categories: {', '.join(text[:20])}",
                "encode them first with an encoding node (one-hot or ordinal)",
                port="data",
            )
        )
    gaps = [str(c) for c in features.columns[features.isna().any().to_numpy()]]
    if gaps:
        return NodeError(
            error(
                "missing_feature_values",
                f"{what} failed: the model does not accept missing values, found in "
                f"{', '.join(gaps[:20])}",
                "fill them first with an imputation node, or drop those rows",
                port="data",
            )
        )
    return fold_failure(what, exc, param=param)
