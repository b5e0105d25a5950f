"""What every fitted feature node shares: ports, column choice, checks, fit on train, apply.

A feature node has inputs `train` (required) and `apply_to` (optional, e.g. the test split) and
outputs:
- `train`: the training frame transformed by the fitted transformer (`fit_transform`, so a target
  encoder's cross-fitting and PCA's own fit_transform are used exactly as in a hand-written script);
- `applied`: `apply_to` transformed by the same fitted transformer (`transform`). When `apply_to`
  is not connected it is an empty frame with the columns of the `train` output, so its schema is
  still known before a run and downstream nodes can be wired;
- `model`: the FittedModel (kind "transformer") fitted on the training rows only, for the
  "Apply fitted transformer" node or any later use. Leakage is impossible by construction: nothing
  from `apply_to` reaches the fit.

Columns: `columns` lists the columns to act on; empty means every column of a dtype the node
handles (numbers for scaling, text for encoders), minus `exclude` and minus the node's target.
Column roles (node_library.schema.Role) refine that default: with `columns` empty, the columns
whose role is target, id or ignore are added to `exclude` when the workflow is validated
(`resolve_params`), so they pass through untouched; a supervised node's empty `target` is the
target-role column. Listing a column in `columns` transforms it whatever its role.
Placement and dtypes of the outputs follow node_library/ml/transformers.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.ml.fitted import ColumnMismatch, FittedModel
from node_library.ml.transformers import (
    OutputCollision,
    apply_transformer,
    output_schema,
    place_output,
    selects_columns,
    transformed_frame,
    transformer_meta,
)
from node_library.roles import left_alone, role_target
from node_library.schema import Dtype, Role, TableSchema, schema_of_frame
from node_library.settings import NodeSettings

NUMERIC = (Dtype.INTEGER, Dtype.FLOAT, Dtype.BOOLEAN)
TEXT = (Dtype.STRING, Dtype.CATEGORY)


class FeatureParams(NodeParams):
    columns: list[str] = Field(
        default_factory=list,
        description="Columns to transform. Empty means every column of a type this node handles.",
        json_schema_extra=widgets.columns("train"),
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Columns left alone when `columns` is empty, besides the target, id and "
        "ignored columns (left alone by their role).",
        json_schema_extra=widgets.columns("train"),
    )


class SupervisedFeatureParams(FeatureParams):
    target: str = Field(
        "",
        description="The target column the transformer learns from (never transformed); empty "
        "means the column with the target role.",
        json_schema_extra=widgets.column("train"),
    )


P = TypeVar("P", bound=FeatureParams)


class FittedFeatureNode(NodeType[P]):
    """Base of the fitted feature nodes; subclasses set the ClassVars and implement `fit`."""

    category = "features"
    inputs = (
        Port(
            "train", DataType.DATAFRAME, "Train", description="The rows the transformer is fit on."
        ),
        Port(
            "apply_to",
            DataType.DATAFRAME,
            "Apply to",
            required=False,
            description="Other rows (e.g. the test split) transformed with the fitted transformer.",
        ),
    )
    outputs = (
        Port("train", DataType.DATAFRAME, "Train", description="The transformed training rows."),
        Port("applied", DataType.DATAFRAME, "Applied", description="The transformed apply_to."),
        Port("model", DataType.MODEL, "Fitted transformer", description="Fitted on train only."),
    )

    accepted: ClassVar[tuple[Dtype, ...]] = NUMERIC  # dtypes the node transforms
    accepted_words: ClassVar[str] = "numeric"
    # dtypes picked when `columns` is empty; None means `accepted`
    default_dtypes: ClassVar[tuple[Dtype, ...] | None] = None
    wrong_dtype_hint: ClassVar[str] = (
        "remove it from the columns, or turn it into numbers first with an encoding node"
    )
    allows_missing: ClassVar[bool] = True  # False: NaN in a feature is refused with a hint
    supervised: ClassVar[bool] = False  # True: params.target is required

    # -- hooks ---------------------------------------------------------------------------

    def fit(
        self, ctx: ExecutionContext, params: P, x: pd.DataFrame, y: pd.Series | None
    ) -> tuple[Any, Any, list[str]]:
        """Fit on the training features: (fitted estimator, transformed train, output names)."""
        raise NotImplementedError

    def planned_outputs(
        self, params: P, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        """Output columns and dtypes known before a run; None when only the data decides them."""
        return [(name, Dtype.FLOAT) for name in features]

    def extra_issues(self, params: P, features: list[str], schema: TableSchema) -> list[Issue]:
        """Node-specific issues found from the training schema."""
        return []

    # -- shared machinery ----------------------------------------------------------------

    def target_of(self, params: P) -> str | None:
        return getattr(params, "target", None) or None

    def resolve_params(
        self, params: P, inputs: Mapping[str, PortSchema], roles: Mapping[str, Mapping[str, Role]]
    ) -> P:
        """A supervised node's empty target becomes the target-role column; with `columns`
        empty, the target, id and ignored columns join `exclude`, so they pass through as they
        are (list a column in `columns` to transform it all the same)."""
        train = roles.get("train", {})
        update: dict[str, Any] = {}
        target = self.target_of(params)
        if "target" in type(params).model_fields and not target:
            target = role_target(train)
            if target:
                update["target"] = target
        if not params.columns:
            schema = inputs.get("train")
            skip = [
                name
                for name in left_alone(train)
                if name != target
                and name not in params.exclude
                and (schema is None or name in schema)
            ]
            if skip:
                update["exclude"] = [*params.exclude, *skip]
        return params.model_copy(update=update) if update else params

    def changes_column(
        self, params: P, column: str, inputs: Mapping[str, PortSchema] | None
    ) -> str | None:
        schema = None if inputs is None else inputs.get("train")
        if params.columns:
            if column in params.columns:
                return f"remove {column!r} from its columns"
            return None
        if column in params.exclude or column == self.target_of(params):
            return None
        if schema is not None and column not in self.features(params, schema):
            return None
        return f"add {column!r} to its exclude, or give it the target role with a Set roles node"

    def features(self, params: P, schema: TableSchema) -> list[str]:
        """The columns the node acts on, in input order."""
        target = self.target_of(params)
        if params.columns:
            wanted = set(params.columns)
            return [c.name for c in schema.columns if c.name in wanted]
        skip = {*params.exclude, *([target] if target else [])}
        dtypes = self.accepted if self.default_dtypes is None else self.default_dtypes
        return [c.name for c in schema.columns if c.name not in skip and c.dtype in dtypes]

    def validate(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        target = self.target_of(params)
        if self.supervised and not target:
            issues.append(
                error(
                    "missing_target",
                    f"{self.display_name} needs the target column",
                    "pick the column the model will predict",
                    param="target",
                )
            )
        if target and target in params.columns:
            issues.append(
                error(
                    "target_in_columns",
                    f"the target {target!r} is also listed in the columns",
                    "remove the target from the columns",
                    param="columns",
                )
            )
        schema = inputs.get("train")
        if schema is None:
            return issues
        issues += require_columns(schema, dict.fromkeys(params.columns), param="columns")
        issues += require_columns(schema, dict.fromkeys(params.exclude), param="exclude")
        if target:
            issues += require_columns(schema, [target], param="target")
        for name in dict.fromkeys(params.columns):
            dtype = schema.dtype_of(name)
            if dtype is not None and dtype is not Dtype.UNKNOWN and dtype not in self.accepted:
                issues.append(
                    error(
                        "wrong_dtype",
                        f"{self.display_name} needs {self.accepted_words} columns; "
                        f"{name!r} is {dtype.value}",
                        self.wrong_dtype_hint,
                        param="columns",
                    )
                )
        if issues:
            return issues
        features = self.features(params, schema)
        if not features:
            issues.append(
                error(
                    "no_columns",
                    f"the train input has no {self.accepted_words} columns to transform",
                    "list the columns to transform, or connect data that has such columns",
                    param="columns",
                )
            )
            return issues
        issues += self.extra_issues(params, features, schema)
        applied = inputs.get("apply_to")
        if applied is not None:
            issues += require_columns(applied, features, param="columns", port="apply_to")
        planned = self.planned_outputs(params, features, schema)
        if planned is not None and not issues:
            try:
                output_schema(schema, features, planned)
            except OutputCollision as exc:
                issues.append(
                    error(
                        "output_collision",
                        str(exc),
                        "rename or drop the existing column first, or exclude it",
                        param="columns",
                    )
                )
        return issues

    def infer_schema(
        self, params: P, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("train")
        unknown: dict[str, PortSchema] = {"train": None, "applied": None, "model": None}
        if schema is None:
            return unknown
        features = self.features(params, schema)
        planned = self.planned_outputs(params, features, schema)
        if planned is None:
            return unknown
        train = output_schema(schema, features, planned)
        if "apply_to" not in inputs:
            return {"train": train, "applied": train, "model": None}
        applied_in = inputs["apply_to"]
        applied = None if applied_in is None else output_schema(applied_in, features, planned)
        return {"train": train, "applied": applied, "model": None}

    def compute(self, ctx: ExecutionContext, params: P, **inputs: Any) -> dict[str, Any]:
        train: pd.DataFrame = inputs["train"]
        apply_to: pd.DataFrame | None = inputs.get("apply_to")
        train_schema = schema_of_frame(train)
        if train.empty:
            raise NodeError(
                error(
                    "empty_input",
                    "the train input has no rows, so there is nothing to fit on",
                    "check the upstream filter or split",
                    port="train",
                )
            )
        features = self.features(params, train_schema)
        x = train[features]
        if not self.allows_missing:
            gaps = [f"{c} ({n})" for c, n in x.isna().sum().items() if n]
            if gaps:
                raise NodeError(
                    error(
                        "missing_values",
                        f"{self.display_name} cannot handle missing values; "
                        f"missing in: {', '.join(gaps)}",
                        "add an Imputation node before this one",
                        param="columns",
                    )
                )
        target = self.target_of(params)
        y = None
        if target:
            y = train[target]
            missing = int(y.isna().sum())
            if missing:
                raise NodeError(
                    error(
                        "missing_target",
                        f"the target {target!r} has {missing} missing values",
                        "drop the rows without a target first (Missing values node, drop_rows)",
                        param="target",
                    )
                )
            if y.nunique() < 2:
                raise NodeError(
                    error(
                        "constant_target",
                        f"the target {target!r} has a single value in the train rows",
                        "a target needs at least two values; check the column and the split",
                        param="target",
                    )
                )
        ctx.progress(0, 2, f"fitting on {len(train):,} train rows")
        try:
            estimator, values, outputs = self.fit(ctx, params, x, y)
        except ValueError as exc:
            raise NodeError(
                error(
                    "fit_failed",
                    f"{self.display_name} could not be fitted: {exc}",
                    "check the chosen columns and params",
                )
            ) from exc
        meta = transformer_meta(
            algorithm=public_name(estimator),
            train=train,
            features=features,
            output_columns=outputs,
            params=params.model_dump(mode="json"),
            target=target,
            classes=self.classes_of(estimator),
        )
        model = FittedModel(estimator=estimator, meta=meta)
        ctx.progress(1, 2, "transforming")
        try:
            result = (
                x[outputs]
                if selects_columns(estimator)
                else transformed_frame(values, outputs, meta.feature_dtypes, train.index)
            )
            train_out = place_output(train, features, result)
            applied = (
                train_out.iloc[0:0] if apply_to is None else apply_transformer(model, apply_to)
            )
        except ColumnMismatch as exc:
            raise NodeError(
                error(
                    "column_mismatch",
                    f"apply_to does not have the training columns: {exc}",
                    "connect a frame with the same columns as train (e.g. the other split)",
                    port="apply_to",
                )
            ) from exc
        except OutputCollision as exc:
            raise NodeError(
                error(
                    "output_collision",
                    str(exc),
                    "rename or drop the existing column first",
                    param="columns",
                )
            ) from exc
        ctx.progress(2, 2)
        ctx.log(f"fitted on {len(train):,} rows, {len(features)} column(s) -> {len(outputs)}")
        return {"train": train_out, "applied": applied, "model": model}

    def classes_of(self, estimator: Any) -> list[Any] | None:
        return None


def public_name(estimator: Any) -> str:
    """The public dotted name: sklearn.preprocessing.StandardScaler, not ...preprocessing._data."""
    module = type(estimator).__module__.split("._")[0]
    return f"{module}.{type(estimator).__name__}"
