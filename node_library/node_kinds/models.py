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

Classifiers and regressors also output their `spec` (node_library.ml.spec): the unfitted model,
i.e. the node type and its params, which cross-validation, learning curves, tuning and model
comparison re-fit on their own folds. Their `train` input is optional: a node runs as one step
that computes all its outputs, so the only way to get a spec without fitting a model nobody uses
is a node without training data. Such a node fits nothing, its spec names the target and
features its params list (empty: the re-fitting node's data decides), and its `model` output is
empty (None), which nodes that need a fitted model refuse with a message saying to connect the
training data. This is Orange's learner/model split: a learner widget without data still outputs
the learner.

Clusterers have no target; they output the model and `clustered`, the training frame with a
`cluster` column (DBSCAN and agglomerative clustering cannot assign new rows, so that output is
how their result is used).

Column roles set the defaults (`resolve_params`): an empty `target` is the target-role column,
and an empty `features` leaves out the id and ignored columns (and, for clusterers, the target).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

import pandas as pd
from pydantic import AfterValidator, BaseModel, Field

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
from node_library.ml.spec import ModelSpec
from node_library.ml.training import (
    Task,
    TrainingData,
    feature_names,
    training_data,
    training_issues,
)
from node_library.roles import default_target, left_alone, missing_target_hint
from node_library.schema import Column, Dtype, Role, TableSchema
from node_library.settings import NodeSettings

# Params every model node keeps out of the estimator's keyword arguments.
_DATA_PARAMS = {"target", "features"}


def _jobs(value: int | None) -> int | None:
    if value == 0:
        raise ValueError(
            "0 jobs would run nothing: leave it empty for the default, give a number of "
            "parallel jobs, or -1 for every core"
        )
    return value


# scikit-learn's `n_jobs` (and the boosting libraries' thread count): None keeps the library's
# default, -1 means every core, -2 every core but one (joblib's rule)
NJobs = Annotated[int | None, AfterValidator(_jobs)]


def n_jobs_field(default_means: str) -> Any:
    """The `n_jobs` param of a model node; `default_means` says what empty does."""
    return Field(
        None,
        ge=-64,
        le=1024,
        description=f"Parallel jobs (threads): empty means {default_means}; -1 means every core. "
        "Results are the same for any count.",
    )


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
    # params that go to `fit` rather than to the estimator (boosting: early stopping rounds)
    fit_params: ClassVar[frozenset[str]] = frozenset()
    inputs: ClassVar[tuple[Port, ...]] = (Port("train", DataType.DATAFRAME, "Training data"),)
    outputs: ClassVar[tuple[Port, ...]] = (Port("model", DataType.MODEL, "Model"),)

    def make_estimator(self, params: P) -> Any:
        """A new, unfitted estimator: the `algorithm` class called with the hyperparameters."""
        module, _, name = self.algorithm.rpartition(".")
        estimator_class = getattr(importlib.import_module(module), name)
        kwargs = estimator_kwargs(params, skip=self.fit_params)
        return estimator_class(**kwargs, **self.estimator_options)

    def fit_logged(
        self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any, **options: Any
    ) -> None:
        """`fit`, with the library's warnings (no convergence, ...) passed to the run's log."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.fit(ctx, estimator, X, y, **options)
        for warning in dict.fromkeys(str(w.message).strip() for w in caught):
            ctx.log(f"{warning.splitlines()[0] if warning else 'warning'}")

    def fit(
        self, ctx: ExecutionContext, estimator: Any, X: pd.DataFrame, y: Any, **options: Any
    ) -> None:
        """Fit in place; boosting nodes override this to report progress per round and to stop
        early on their validation input (`options`, from `fit_options`)."""
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


def estimator_kwargs(params: BaseModel, skip: Collection[str] = ()) -> dict[str, Any]:
    """The params that are estimator keyword arguments (all but target, features and `skip`)."""
    left_out = _DATA_PARAMS | set(skip)
    return {k: v for k, v in params.model_dump().items() if k not in left_out}


TRAIN_PORT = Port(
    "train",
    DataType.DATAFRAME,
    "Training data",
    required=False,
    description="Rows the model is fitted on; without them the node fits nothing and outputs "
    "its spec only.",
)
SUPERVISED_OUTPUTS = (
    Port("model", DataType.MODEL, "Model", description="Fitted on the training data."),
    Port(
        "spec",
        DataType.MODEL_SPEC,
        "Spec",
        description="The unfitted model (its settings) for cross-validation, tuning and "
        "comparison; needs no fitting.",
    ),
)


class SupervisedNode(ModelNode[P], Generic[P]):
    """Base of the classifiers and regressors: the `model` and `spec` outputs, and the spec-only
    run of a node without training data (see the module docstring)."""

    inputs: ClassVar[tuple[Port, ...]] = (TRAIN_PORT,)
    outputs = SUPERVISED_OUTPUTS
    # True where the estimator learns label codes 0..k-1 instead of the labels (XGBoost)
    label_codes: ClassVar[bool] = False

    def resolve_params(
        self, params: P, inputs: Mapping[str, PortSchema], roles: Mapping[str, Mapping[str, Role]]
    ) -> P:
        if "train" not in inputs:  # a spec only: the data it is fitted on later decides
            return params
        return super().resolve_params(params, inputs, roles)

    def validate(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        if "train" not in inputs:
            return training_issues(None, self._target(params) or None, params.features)
        return super().validate(params, inputs, settings)

    def infer_schema(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"model": None, "spec": self.spec_schema(params, inputs)}

    def spec_schema(self, params: P, inputs: Mapping[str, PortSchema]) -> PortSchema:
        """The columns the spec learns from and predicts, as known before a run: features with
        the feature role and the target with the target role. The re-fitting nodes read it to
        tell a spec from a fitted model (whose port has no schema) and to know whether the
        spec names its target. Without training data, the columns the params name (dtype
        unknown); with training data of unknown columns, None (the run will know them)."""
        target = self._target(params) or None
        if "train" not in inputs:
            names = [f for f in dict.fromkeys(params.features) if f != target]
            columns = [Column(name=n, dtype=Dtype.UNKNOWN) for n in names]
            if target is not None:
                columns.append(Column(name=target, dtype=Dtype.UNKNOWN, role=Role.TARGET))
            return TableSchema(columns=tuple(columns))
        schema = inputs.get("train")
        if schema is None:
            return None
        features = [n for n in feature_names(schema.names, target, params.features) if n in schema]
        roles = dict.fromkeys(features, Role.FEATURE)
        if target is not None and target in schema:
            roles[target] = Role.TARGET
        return schema.select([n for n in schema.names if n in roles]).with_roles(roles)

    def make_spec(self, params: P, data: TrainingData | None) -> ModelSpec:
        """The spec of this node with `params`; `data` (when fitting) gives the exact features."""
        return ModelSpec(
            type_id=self.type_id,
            type_version=self.version,
            kind="classifier" if self.task == "classifier" else "regressor",
            algorithm=self.algorithm,
            params=params.model_dump(mode="json"),
            target=self._target(params) or None,
            features=list(data.features) if data is not None else list(params.features),
            encoded_labels=self.label_codes,
        )

    def compute(self, ctx: ExecutionContext, params: P, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame | None = inputs.get("train")
        if frame is None:
            ctx.log("no training data connected: the spec only, no model fitted")
            return {"model": None, "spec": self.make_spec(params, None).to_json()}
        data = training_data(
            frame,
            self._target(params),
            params.features,
            task=self.task,
            allows_nan=self.allows_nan,
        )
        spec = self.make_spec(params, data)
        estimator = self.make_estimator(params)
        y, classes, encoded = self.prepare_target(data)
        options = self.fit_options(params, inputs, data, classes)
        self.fit_logged(ctx, estimator, data.X, y, **options)
        meta = self.meta(params, frame, data, classes, encoded)
        facts = self.training_facts(ctx, estimator, options)
        if facts:
            meta = replace(meta, training=facts)
        return {"model": FittedModel(estimator, meta), "spec": spec.to_json()}

    def fit_options(
        self,
        params: P,
        inputs: Mapping[str, Any],
        data: TrainingData,
        classes: list[Any] | None,
    ) -> dict[str, Any]:
        """Keyword arguments of `fit` drawn from the other inputs (boosting: the validation
        set and early stopping); none by default."""
        return {}

    def training_facts(
        self, ctx: ExecutionContext, estimator: Any, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """What the fit showed, kept in the model's meta (`ModelMeta.training`); none here."""
        return {}


class ClassifierNode(SupervisedNode[P], Generic[P]):
    task = "classifier"


class RegressorNode(SupervisedNode[P], Generic[P]):
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
    "TRAIN_PORT",
    "ClassWeight",
    "ClassifierNode",
    "ClusterNode",
    "ClusterParams",
    "ModelNode",
    "NJobs",
    "RegressorNode",
    "SupervisedNode",
    "SupervisedParams",
    "estimator_kwargs",
    "n_jobs_field",
]
