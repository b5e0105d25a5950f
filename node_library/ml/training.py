"""Building the training matrix of a model node: which columns are features, which is the target,
and every check that keeps a bad frame from reaching an estimator.

Two entry points share one set of rules:
- `training_issues` works on schemas before a run (a node's `validate`): target column missing,
  feature columns missing, the target listed as a feature, features that are not numbers;
- `training_data` works on the real frame inside `execute` and raises NodeError for what only
  the data shows: an empty frame, a constant target, missing values in the target, missing values
  in the features of an estimator that refuses them, a continuous target for a classifier.

Messages name the node's param (`target` or `features`), the columns involved and the node that
fixes them: "One-hot encode" / "Ordinal encode" for text and category features, "Impute missing
values" (or the "Missing values" transform) for gaps, "Datetime parts" for dates.

Features are passed to the estimator as the pandas frame `frame[features]`, exactly what a careful
script would write, so estimators keep the feature names; the target is `frame[target]` as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from node_library.checks import require_columns
from node_library.contract import Issue, NodeError, error
from node_library.schema import Dtype, TableSchema, schema_of_frame

if TYPE_CHECKING:
    import pandas as pd

Task = Literal["classifier", "regressor", "clusterer"]

ENCODE_HINT = (
    'add a "One-hot encode" or "Ordinal encode" node before this one (fitted on the training'
    " data), or remove these columns from the features"
)
IMPUTE_HINT = (
    'add an "Impute missing values" node before this one (fitted on the training data), drop the'
    ' rows with a "Missing values" node, or pick a model that accepts gaps (random forest,'
    " XGBoost, LightGBM)"
)
DATETIME_HINT = 'turn dates into numbers with a "Datetime parts" node, or remove these columns'
_NUMERIC = (Dtype.INTEGER, Dtype.FLOAT, Dtype.BOOLEAN)


@dataclass(frozen=True)
class TrainingData:
    """What an estimator is fitted on, with the facts ModelMeta records."""

    X: pd.DataFrame
    y: pd.Series | None
    features: list[str]
    feature_dtypes: dict[str, str]


def feature_names(names: Sequence[str], target: str | None, features: Sequence[str]) -> list[str]:
    """The chosen features in the order listed, or every column but the target when none are."""
    if features:
        return list(dict.fromkeys(features))
    return [n for n in names if n != target]


def training_issues(
    schema: TableSchema | None,
    target: str | None,
    features: Sequence[str],
    *,
    task: Task | None = None,
    real: bool = False,
) -> list[Issue]:
    """Problems visible from the training frame's schema; nothing when it is unknown. `real` says
    the schema is a real frame's, where an "unknown" dtype is a real unsupported type rather than
    a type not known before the run."""
    issues: list[Issue] = []
    if target is not None and not target.strip():
        issues.append(
            error(
                "missing_target",
                "no target column is chosen",
                "pick the column the model should learn to predict",
                param="target",
            )
        )
        target = None
    if target is not None and target in features:
        issues.append(
            error(
                "target_in_features",
                f"the target {target!r} is also listed as a feature",
                "remove it from the features: a model must not see the answer it predicts",
                param="features",
            )
        )
    if schema is None:
        return issues
    if target is not None:
        issues += require_columns(schema, [target], param="target", port="train")
        target_dtype = schema.dtype_of(target)
        if task == "regressor" and target_dtype in (Dtype.STRING, Dtype.CATEGORY, Dtype.DATETIME):
            issues.append(_non_numeric_target(target, target_dtype))
    issues += require_columns(schema, list(dict.fromkeys(features)), param="features", port="train")
    chosen = [n for n in feature_names(schema.names, target, features) if n in schema]
    if not chosen:
        issues.append(
            error(
                "no_features",
                "there are no feature columns to train on",
                "connect a frame with feature columns, or list them in features",
                param="features",
            )
        )
    dtypes = {n: schema.dtype_of(n) or Dtype.UNKNOWN for n in chosen}
    if not real:
        dtypes = {n: d for n, d in dtypes.items() if d is not Dtype.UNKNOWN}
    issues += _dtype_issues(dtypes)
    return issues


def training_data(
    frame: pd.DataFrame,
    target: str | None,
    features: Sequence[str],
    *,
    task: Task,
    allows_nan: bool,
) -> TrainingData:
    """Check the real training frame and cut it into X and y; NodeError on anything bad."""
    schema = schema_of_frame(frame)
    for issue in training_issues(schema, target, features, task=task, real=True):
        raise NodeError(issue)
    if frame.empty:
        raise NodeError(
            error(
                "empty_frame",
                "the training data has no rows",
                "check the upstream filters and splits: a model needs rows to learn from",
                port="train",
            )
        )
    names = feature_names(schema.names, target, features)
    X = frame[names]
    if not allows_nan:
        gaps = [n for n in names if bool(X[n].isna().any())]
        if gaps:
            raise NodeError(
                error(
                    "missing_values",
                    f"feature columns with missing values: {_listed(gaps)}; this model does not"
                    " accept gaps",
                    IMPUTE_HINT,
                    param="features",
                )
            )
    y = None if target is None else _checked_target(frame[target], target, task)
    return TrainingData(
        X=X,
        y=y,
        features=names,
        feature_dtypes={n: (schema.dtype_of(n) or Dtype.UNKNOWN).value for n in names},
    )


def _checked_target(y: pd.Series, target: str, task: Task) -> pd.Series:
    missing = int(y.isna().sum())
    if missing:
        raise NodeError(
            error(
                "missing_target_values",
                f"the target {target!r} is missing in {missing} of {len(y)} rows",
                'drop those rows with a "Missing values" node before training',
                param="target",
            )
        )
    if y.nunique() < 2:
        raise NodeError(
            error(
                "constant_target",
                f"the target {target!r} has a single value ({y.iloc[0]!r}) in every row",
                "a model needs at least two different target values: check the target column"
                " and the rows the upstream filters keep",
                param="target",
            )
        )
    dtype = schema_of_frame(y.to_frame()).columns[0].dtype
    if task == "regressor" and not dtype.is_numeric:
        raise NodeError(_non_numeric_target(target, dtype))
    if task == "classifier" and dtype is Dtype.FLOAT:
        import numpy as np

        values = y.to_numpy(dtype="float64")
        if not bool(np.all(values == np.round(values))):
            raise NodeError(
                error(
                    "continuous_target",
                    f"the target {target!r} holds continuous numbers ({y.nunique()} distinct"
                    " values); a classifier predicts labels",
                    "use a regression model, or bin the target into classes first",
                    param="target",
                )
            )
    return y


def _non_numeric_target(target: str, dtype: Dtype) -> Issue:
    return error(
        "non_numeric_target",
        f"the target {target!r} is {dtype.value}; a regression model predicts numbers",
        "use a classification model for labels, or convert the target to numbers",
        param="target",
    )


def _dtype_issues(dtypes: dict[str, Dtype]) -> list[Issue]:
    text = [n for n, d in dtypes.items() if d in (Dtype.STRING, Dtype.CATEGORY)]
    dates = [n for n, d in dtypes.items() if d is Dtype.DATETIME]
    other = [n for n, d in dtypes.items() if d not in (*_NUMERIC, Dtype.STRING, Dtype.CATEGORY)]
    other = [n for n in other if n not in dates]
    issues = []
    if text:
        issues.append(
            error(
                "non_numeric_features",
                f"text or category feature columns need encoding first: {_listed(text)}",
                ENCODE_HINT,
                param="features",
            )
        )
    if dates:
        issues.append(
            error(
                "datetime_features",
                f"date feature columns cannot go into a model as they are: {_listed(dates)}",
                DATETIME_HINT,
                param="features",
            )
        )
    if other:
        issues.append(
            error(
                "unsupported_features",
                f"feature columns of an unsupported type: {_listed(other)}",
                "convert them to numbers with a type conversion node, or remove them",
                param="features",
            )
        )
    return issues


def _listed(names: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
