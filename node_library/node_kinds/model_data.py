"""Shared pieces of the nodes that take a `model` and a `data` frame (cross-validation, learning
curve, permutation importance, tuning, model comparison): the model input read as a fitted model
or a spec, the metric names they offer, the target and feature checks, and the fitting-and-
scoring failures turned into node errors.

The nodes that re-fit (all but permutation importance) take a model spec on their model port
(node_library.ml.spec); a fitted model connects there too (datatypes.CONNECTION_TABLE) and gives
its settings, as it always did: `model_input` reads either as a `ModelInput`, whose `estimator`
they clone before every fit. A fitted model's target, features and label order are its own; a
spec's are the ones its node knew, and where it knew none (a model node without training data,
empty params) they come from the data input: the node's own `target`, else the data's
target-role column (`resolve_spec_target`, before the run), else the column named "target";
the features are then every data column but the target, which `spec_issues` refuses before
the run when the data has id or ignored columns (the spec would learn from them).

Metric names are the ones people say (rmse, mae, log_loss) rather than scikit-learn's negated
scorer names: each maps to a scikit-learn scorer and a sign, so an error is reported as a
positive number exactly equal to minus scikit-learn's `neg_*` score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from node_library.checks import require_columns
from node_library.contract import Issue, NodeError, PortSchema, error
from node_library.ml.fitted import FittedModel, check_columns
from node_library.ml.spec import ModelSpec
from node_library.roles import LEGACY_TARGET, default_target
from node_library.schema import Role, TableSchema

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
class ModelInput:
    """A model input as the re-fitting nodes use it, from a fitted model or a spec."""

    estimator: Any  # clone it before fitting: a fitted model's estimator, or a spec's new one
    kind: str  # classifier or regressor
    algorithm: str  # "sklearn.linear_model.Ridge"
    target: str | None  # None: the spec names none (the data input's target is used)
    features: list[str] | None  # None: every column of the data but the target
    encoded_labels: bool  # fitted on label codes 0..k-1 (XGBoost)
    classes: list[Any] | None  # a fitted classifier's labels (the order of its codes)
    fitted: FittedModel | None = None
    spec: ModelSpec | None = None

    @property
    def params(self) -> dict[str, Any]:
        """The model node's params: a fitted model's meta, or the spec's."""
        if self.fitted is not None:
            return dict(self.fitted.meta.params)
        return dict(self.spec.params) if self.spec is not None else {}


def model_input(value: Any, port: str = "model") -> ModelInput:
    """Read a model port's value: a supervised FittedModel, or a spec (its JSON object, as the
    spec port carries it). NodeError naming `port` for anything else."""
    if value is None:
        raise NodeError(
            error(
                "empty_model",
                f"input {port!r} is empty: the model node it comes from has no training data "
                "connected, so it fitted no model",
                "connect that node's spec output here instead (nothing is fitted for it), or "
                "connect training data to the model node",
                port=port,
            )
        )
    if isinstance(value, FittedModel):
        meta = value.meta
        if meta.kind not in ("classifier", "regressor"):
            raise NodeError(
                error(
                    "not_supervised",
                    f"this node evaluates classifiers and regressors; the model is a {meta.kind}",
                    "connect a classification or regression model",
                    port=port,
                )
            )
        if value.steps:
            raise NodeError(
                error(
                    "model_with_steps",
                    "the model carries fitted preprocessing steps, which would have to be "
                    "re-fitted inside every fold",
                    "evaluate a model trained on the already transformed data",
                    port=port,
                )
            )
        return ModelInput(
            estimator=value.estimator,
            kind=meta.kind,
            algorithm=meta.algorithm,
            target=meta.target,
            features=list(meta.features),
            encoded_labels=meta.encoded_labels,
            classes=meta.classes,
            fitted=value,
        )
    if isinstance(value, (dict, ModelSpec)):
        try:
            spec = value if isinstance(value, ModelSpec) else ModelSpec.from_json(value)
        except ValueError as exc:
            raise NodeError(
                error(
                    "invalid_model_spec",
                    f"input {port!r} is not a usable model spec: {exc}",
                    "connect the spec (or model) output of a classification or regression node",
                    port=port,
                )
            ) from exc
        try:
            estimator = spec.build_estimator()
        except NodeError as exc:
            raise NodeError(exc.issue.model_copy(update={"port": port})) from exc
        return ModelInput(
            estimator=estimator,
            kind=spec.kind,
            algorithm=spec.algorithm,
            target=spec.target,
            features=list(spec.features) or None,
            encoded_labels=spec.encoded_labels,
            classes=None,
            spec=spec,
        )
    raise NodeError(
        error(
            "not_a_fitted_model",
            f"input {port!r} is a {type(value).__name__}, not a model from a model node",
            "connect the spec (or model) output of a classification or regression node",
            port=port,
        )
    )


def fitted_model(value: Any, port: str = "model") -> FittedModel:
    """A model port's value that must be fitted (Predict, native and permutation importance)."""
    if isinstance(value, FittedModel):
        return value
    if value is None:
        raise NodeError(
            error(
                "empty_model",
                f"input {port!r} is empty: the model node it comes from has no training data "
                "connected, so it fitted no model",
                "connect training data to the model node",
                port=port,
            )
        )
    raise NodeError(
        error(
            "not_a_fitted_model",
            f"input {port!r} is a {type(value).__name__}, not a fitted model",
            "connect the model output of a model node that has training data",
            port=port,
        )
    )


@dataclass(frozen=True)
class ModelData:
    """The features, target and model kind of a (model, data) pair, checked."""

    features: pd.DataFrame
    target: pd.Series
    kind: str
    model: ModelInput
    # the labels in the order of the target's codes, when the model learns codes (XGBoost)
    classes: list[Any] | None = None


def model_data(model: Any, data: pd.DataFrame, target: str | None) -> ModelData:
    """Check that `model` (a ModelInput, or a port value for `model_input`) is supervised and
    that `data` holds its features and target."""
    model = model if isinstance(model, ModelInput) else model_input(model)
    name = target or model.target
    if not name and model.spec is not None and LEGACY_TARGET in data.columns:
        name = LEGACY_TARGET  # as a model node with an empty target does
    if not name:
        raise NodeError(
            error(
                "missing_target",
                "the model does not name its target column"
                + (" (its spec was made without training data)" if model.spec else ""),
                "name the target column here, or give the data's target column the target "
                "role (Set roles node)",
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
    features = model.features
    if features is None:
        features = [str(c) for c in data.columns if c != name]
    missing = [c for c in features if c not in data.columns]
    if model.fitted is not None:
        try:
            check_columns(data, model.fitted.meta)
        except ValueError as exc:
            raise NodeError(
                error(
                    "feature_mismatch",
                    f"input 'data' does not hold the model's features: {exc}",
                    "feed data with the columns the model was trained on",
                    port="data",
                )
            ) from exc
    elif missing:
        raise NodeError(
            error(
                "feature_mismatch",
                f"input 'data' does not hold the spec's features: missing {', '.join(missing)}",
                "feed data with the columns the spec lists, or change the model node's features",
                port="data",
            )
        )
    if name not in data.columns:
        raise NodeError(
            error(
                "missing_column",
                f"target column {name!r} is not in input 'data'",
                "pick the target column, or feed data that holds it",
                param="target",
            )
        )
    if name in features:
        raise NodeError(
            error(
                "target_in_features",
                f"the target {name!r} is also one of the model's features",
                "pick another target here, or train the model without that column",
                param="target",
            )
        )
    y = data[name]
    missing_values = int(y.isna().sum())
    if missing_values:
        raise NodeError(
            error(
                "missing_values",
                f"target {name!r} has {missing_values} missing values of {len(y)}",
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
    classes = None
    if model.encoded_labels:
        if model.classes is not None:
            classes = list(model.classes)
        else:  # a spec: the sorted labels, as the model node codes them
            import numpy as np

            classes = [c.item() if hasattr(c, "item") else c for c in np.unique(y.to_numpy())]
        y = _label_codes(y, classes)
    return ModelData(data[list(features)], y, model.kind, model, classes)


def is_spec_schema(schema: PortSchema) -> bool:
    """True for the inferred schema of a spec output (a fitted model's port has none)."""
    return isinstance(schema, TableSchema)


def _spec_target(schema: TableSchema) -> str | None:
    return next((c.name for c in schema.columns if c.role is Role.TARGET), None)


def resolve_spec_target(
    target: str | None,
    model_schemas: list[PortSchema],
    data_schema: PortSchema,
    data_roles: Mapping[str, Role],
) -> str | None:
    """A re-fitting node's `target` as it runs: its own; when empty and a spec on a model port
    names no target, the data's target-role column (or the column named "target"), as the model
    node would have chosen on that data. Fitted models keep their own target."""
    if target:
        return target
    if not any(isinstance(s, TableSchema) and _spec_target(s) is None for s in model_schemas):
        return target
    return default_target(data_roles, data_schema) or None


def spec_issues(
    model_schema: PortSchema,
    data_schema: PortSchema,
    target: str | None,
    *,
    port: str,
    data_port: str = "data",
) -> list[Issue]:
    """What a spec on `port` shows against the data before a run: its columns must be there,
    and a spec listing no features must not meet id or ignored columns, which it would learn
    from (the data's roles are known here but not in the run)."""
    if not isinstance(model_schema, TableSchema) or data_schema is None:
        return []
    named = [c.name for c in model_schema.columns if c.role is Role.FEATURE]
    issues = [
        i.model_copy(update={"param": None, "message": f"{port}: {i.message}"})
        for i in require_columns(data_schema, named, param="", port=data_port)
    ]
    name = target or _spec_target(model_schema)
    if not target and name is not None and name not in data_schema:
        issues += [
            i.model_copy(update={"message": f"{port}: the spec's target: {i.message}"})
            for i in require_columns(data_schema, [name], param="target", port=data_port)
        ]
    unused = [
        n for n, role in data_schema.roles.items() if role in (Role.ID, Role.IGNORE) and n != name
    ]
    if not named and unused:
        issues.append(
            error(
                "spec_without_features",
                f"{port}: the model spec lists no features, so it would learn from every column "
                f"of {data_port} but the target, including the id or ignored columns "
                f"{', '.join(map(repr, unused[:20]))}",
                "list the features on the model node, connect its training data (it then picks "
                "the features by role), or drop these columns before this node",
                port=port,
            )
        )
    return issues


def _label_codes(y: pd.Series, classes: list[Any]) -> pd.Series:
    """The target as the label codes 0..k-1 a model fitted on codes (XGBoost) works with."""
    codes = pd.Index(classes).get_indexer(y)
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
