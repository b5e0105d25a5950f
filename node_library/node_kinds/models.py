"""What every model node shares: the `train` input, the target and feature params, the checks,
the estimator built from `algorithm`, fitting with progress, and the FittedModel it outputs.

A model node file declares its hyperparameters (a Params subclass with the library's defaults and
bounds) and the estimator class (`algorithm`, a dotted path such as
"sklearn.linear_model.Ridge"). `make_estimator` imports that class on first use, because the
registry is imported at start by the CLI and the API and start time matters, and calls it with
the hyperparameters (every param but `target` and `features`); a node overrides it only when the
estimator is more than that call. Everything else lives here, so a node is the same computation as
a careful hand-written script: `Ridge(**hyperparameters).fit(train[features], train[target])`.

Classifiers learn the target's labels as they are (`classes` in the sorted order scikit-learn
uses); XGBoost needs label codes 0..k-1, so its node fits on codes and records `encoded_labels`,
and predictions map back to the labels.

Clusterers have no target; they output the model and `clustered`, the training frame with a
`cluster` column (DBSCAN and agglomerative clustering cannot assign new rows, so that output is
how their result is used).

Column roles set the defaults (`resolve_params`): an empty `target` is the target-role column,
and an empty `features` leaves out the id and ignored columns (and, for clusterers, the target).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, Literal, TypeVar

import pandas as pd
from pydantic import BaseModel, Field

from node_library import widgets
from node_library.contract import ExecutionContext, Issue, NodeParams, NodeType, Port, PortSchema
from node_library.datatypes import DataType
from node_library.ml.fitted import (
    FittedModel,
    ModelKind,
    ModelMeta,
    frame_fingerprint,
    library_versions,
)
from node_library.ml.prediction import CLUSTER
from node_library.ml.training import Task, TrainingData, training_data, training_issues
from node_library.roles import default_target, left_alone, missing_target_hint
from node_library.schema import Dtype, Role
from node_library.settings import NodeSettings

# Params every model node keeps out of the estimator's keyword arguments.
_DATA_PARAMS = {"target", "features"}


class ClusterParams(NodeParams):
    features: list[str] = Field(
        default_factory=list,
        description="Columns to cluster on. Empty means every column but the target, id and "
        "ignored columns.",
        json_schema_extra=widgets.columns("train"),
    )


class SupervisedParams(ClusterParams):
    target: str = Field(
        "",
        description="The column the model learns to predict. Empty means the column with the "
        'target role (or, when no column has it, the column named "target").',
        json_schema_extra=widgets.column("train"),
    )
    features: list[str] = Field(
        default_factory=list,
        description="Columns the model learns from. Empty means every column but the target "
        "and the id and ignored columns.",
        json_schema_extra=widgets.columns("train"),
    )


ClassWeight = Literal["balanced"] | None

P = TypeVar("P", bound=ClusterParams)


class ModelNode(NodeType[P], Generic[P]):
    """Base of the model nodes; subclasses set the ClassVars (and Params)."""

    category = "models"
    task: ClassVar[Task]
    algorithm: ClassVar[str]  # "sklearn.linear_model.LogisticRegression"
    libraries: ClassVar[tuple[str, ...]] = ("scikit-learn",)
    # True for estimators that handle missing feature values themselves
    allows_nan: ClassVar[bool] = False
    # keyword arguments always passed to the estimator besides the params (quieting a library)
    estimator_options: ClassVar[Mapping[str, Any]] = {}
    inputs = (Port("train", DataType.DATAFRAME, "Training data"),)
    outputs: ClassVar[tuple[Port, ...]] = (Port("model", DataType.MODEL, "Model"),)

    def make_estimator(self, params: P) -> Any:
        """A new, unfitted estimator: the `algorithm` class called with the hyperparameters."""
        module, _, name = self.algorithm.rpartition(".")
        estimator_class = getattr(importlib.import_module(module), name)
        return estimator_class(**estimator_kwargs(params), **self.estimator_options)

    def fit_logged(self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
        """`fit`, with the library's warnings (no convergence, ...) passed to the run's log."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.fit(ctx, estimator, X, y)
        for warning in dict.fromkeys(str(w.message).strip() for w in caught):
            ctx.log(f"{warning.splitlines()[0] if warning else 'warning'}")

    def fit(self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any) -> None:
        """Fit in place; boosting nodes override this to report progress per round."""
        ctx.progress(0, 1, "fitting")
        estimator.fit(X, y) if y is not None else estimator.fit(X)
        ctx.progress(1, 1, "fitted")

    def _target(self, params: P) -> str | None:
        return getattr(params, "target", None)

    def resolve_params(
        self, params: P, inputs: Mapping[str, PortSchema], roles: Mapping[str, Mapping[str, Role]]
    ) -> P:
        """An empty target becomes the target-role column (roles.default_target). With no
        features listed while the input has id or ignored columns (or, for a clusterer, a
        target), the features become the explicit list of the other columns. A target-role
        column that is not the model's chosen target stays a feature, as it was before roles."""
        train = roles.get("train", {})
        schema = inputs.get("train")
        update: dict[str, Any] = {}
        target = self._target(params)
        if target == "":
            target = default_target(train, schema)
            if target:
                update["target"] = target
        if not params.features and schema is not None:
            if target is None:  # a clusterer: the target is not a feature either
                skip = set(left_alone(train))
            else:
                skip = {n for n, role in train.items() if role in (Role.ID, Role.IGNORE)}
            if skip & set(schema.names):
                update["features"] = [n for n in schema.names if n != target and n not in skip]
        return params.model_copy(update=update) if update else params

    def validate(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("train")
        issues = training_issues(schema, self._target(params), params.features, task=self.task)
        if schema is not None:
            hint = missing_target_hint(schema.roles)
            issues = [
                i.model_copy(update={"hint": hint}) if i.code == "missing_target" else i
                for i in issues
            ]
        return issues

    def compute(self, ctx: ExecutionContext, params: P, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["train"]
        data = training_data(
            frame,
            self._target(params),
            params.features,
            task=self.task,
            allows_nan=self.allows_nan,
        )
        estimator = self.make_estimator(params)
        y, classes, encoded = self.prepare_target(data)
        self.fit_logged(ctx, estimator, data.X, y)
        return {"model": FittedModel(estimator, self.meta(params, frame, data, classes, encoded))}

    def prepare_target(self, data: TrainingData) -> tuple[Any, list[Any] | None, bool]:
        """The y the estimator is fitted on, the class labels (classifiers) and whether y holds
        label codes instead of the labels."""
        if data.y is None or self.task != "classifier":
            return data.y, None, False
        import numpy as np

        classes = np.unique(data.y.to_numpy())
        return data.y, [_plain(c) for c in classes], False

    def meta(
        self,
        params: P,
        frame: pd.DataFrame,
        data: TrainingData,
        classes: list[Any] | None,
        encoded: bool,
    ) -> ModelMeta:
        kind: ModelKind = self.task
        return ModelMeta(
            kind=kind,
            algorithm=self.algorithm,
            features=data.features,
            feature_dtypes=data.feature_dtypes,
            target=self._target(params),
            classes=classes,
            params=params.model_dump(mode="json"),
            library_versions=library_versions(*self.libraries),
            training_rows=len(frame),
            training_fingerprint=frame_fingerprint(frame),
            encoded_labels=encoded,
        )


def estimator_kwargs(params: BaseModel) -> dict[str, Any]:
    """The params that are estimator keyword arguments (all but target and features)."""
    return {k: v for k, v in params.model_dump().items() if k not in _DATA_PARAMS}


class ClassifierNode(ModelNode[P], Generic[P]):
    task = "classifier"


class RegressorNode(ModelNode[P], Generic[P]):
    task = "regressor"


class ClusterNode(ModelNode[P], Generic[P]):
    task = "clusterer"
    outputs = (
        Port("model", DataType.MODEL, "Model"),
        Port("clustered", DataType.DATAFRAME, "Clustered training data"),
    )

    def infer_schema(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("train")
        return {
            "model": None,
            "clustered": None if schema is None else schema.with_column(CLUSTER, Dtype.INTEGER),
        }

    def compute(self, ctx: ExecutionContext, params: P, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["train"]
        data = training_data(
            frame, None, params.features, task=self.task, allows_nan=self.allows_nan
        )
        estimator = self.make_estimator(params)
        self.fit_logged(ctx, estimator, data.X, None)
        clustered = frame.copy(deep=False)
        clustered[CLUSTER] = pd.Series(estimator.labels_, index=frame.index).astype("int64")
        model = FittedModel(estimator, self.meta(params, frame, data, None, False))
        return {"model": model, "clustered": clustered}


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


__all__ = [
    "ClassWeight",
    "ClassifierNode",
    "ClusterNode",
    "ClusterParams",
    "ModelNode",
    "RegressorNode",
    "SupervisedParams",
    "estimator_kwargs",
]
