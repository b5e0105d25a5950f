"""Fitted transformers: how a feature node's fitted scikit-learn object turns a frame into a frame.

A feature node (node_library/nodes/features/) fits a plain scikit-learn transformer (or a
composition of them: ColumnTransformer, Pipeline) on the columns `features` of its training frame
and wraps it in a FittedModel of kind "transformer" with `output_columns`. Everything that applies
such a model (the node itself on its `apply_to` input, the "Apply fitted transformer" node, a
chain of steps before a final model) goes through `apply_transformer`, so the rules below hold
everywhere:

- The frame must have every training feature (`check_columns`; extra columns pass through).
- The estimator sees exactly `frame[features]`, in training order.
- Placement: when every output column is one of the features (scaling, imputation, ordinal
  encoding, selection) the outputs stay where those features were and dropped features vanish;
  otherwise (one-hot, PCA, polynomial) the whole output block takes the place of the first feature
  column and the other features are removed. Columns that are not features keep their order.
- Dtypes are fixed by a rule, so `infer_schema` can be exact: a float result gives float64 columns,
  an integer result int64; an object result (imputation of text next to numbers) keeps text for
  outputs named after a string or category feature and makes every other output float64.
  Column selectors (scikit-learn's SelectorMixin: SelectKBest, VarianceThreshold, SelectFromModel;
  or a ColumnTransformer that only passes columns through) change no value, so their outputs are
  the kept input columns themselves, with their own dtypes.
- An output column whose name equals a kept non-feature column is refused (`OutputCollision`).
- The result has the input frame's index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from node_library.ml.fitted import (
    FittedModel,
    ModelMeta,
    check_columns,
    frame_fingerprint,
    library_versions,
)
from node_library.schema import Column, Dtype, TableSchema, schema_of_frame

TEXT_DTYPES = (Dtype.STRING, Dtype.CATEGORY)


class OutputCollision(ValueError):
    """A transformer would write a column that already exists and is not one of its features."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(
            f"the output column(s) {', '.join(map(repr, names))} already exist in the frame"
        )
        self.names = names


def output_order(
    columns: Sequence[str], features: Sequence[str], outputs: Sequence[str]
) -> list[str]:
    """The column names after applying a transformer (the placement rule of the module doc)."""
    feature_set = set(features)
    kept = [c for c in columns if c not in feature_set]
    collisions = [c for c in outputs if c in set(kept)]
    if collisions:
        raise OutputCollision(collisions)
    output_set = set(outputs)
    if output_set <= feature_set:
        return [c for c in columns if c not in feature_set or c in output_set]
    order: list[str] = []
    placed = False
    for name in columns:
        if name not in feature_set:
            order.append(name)
        elif not placed:
            order.extend(outputs)
            placed = True
    if not placed:
        order.extend(outputs)
    return order


def output_schema(
    schema: TableSchema, features: Sequence[str], outputs: Sequence[tuple[str, Dtype]]
) -> TableSchema:
    """The schema `apply_transformer` produces from a frame of `schema` (raises OutputCollision).
    A column kept under its name keeps its role (a scaled target is still the target); a new
    column is a feature."""
    columns = {c.name: c for c in schema.columns}
    for name, dtype in outputs:
        kept = columns.get(name)
        columns[name] = (
            Column(name=name, dtype=dtype)
            if kept is None
            else kept.model_copy(update={"dtype": dtype})
        )
    order = output_order(schema.names, features, [name for name, _ in outputs])
    return TableSchema(columns=tuple(columns[n] for n in order))


def result_dtype(values_kind: str, output: str, feature_dtypes: dict[str, str]) -> Dtype:
    """The logical dtype of one output column, by the module's rule."""
    if values_kind in "iu":
        return Dtype.INTEGER
    if values_kind == "b":
        return Dtype.BOOLEAN
    if values_kind == "O" and feature_dtypes.get(output) in TEXT_DTYPES:
        return Dtype.STRING
    return Dtype.FLOAT


def transformed_frame(
    values: Any, outputs: Sequence[str], feature_dtypes: dict[str, str], index: pd.Index
) -> pd.DataFrame:
    """The estimator's output as a frame with the rule's dtypes."""
    if hasattr(values, "toarray"):  # scipy sparse
        values = values.toarray()
    if isinstance(values, pd.DataFrame):
        values = values.to_numpy()
    array = np.asarray(values)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.shape[1] != len(outputs):
        raise ValueError(
            f"the transformer produced {array.shape[1]} columns, expected {len(outputs)}"
        )
    data: dict[str, Any] = {}
    for position, name in enumerate(outputs):
        column = array[:, position]
        dtype = result_dtype(array.dtype.kind, name, feature_dtypes)
        if dtype is Dtype.INTEGER:
            data[name] = column.astype(np.int64)
        elif dtype is Dtype.BOOLEAN:
            data[name] = column.astype(bool)
        elif dtype is Dtype.STRING:
            data[name] = pd.Series(column, index=index, dtype=object)
        else:
            data[name] = column.astype(np.float64)
    return pd.DataFrame(data, index=index, columns=list(outputs))


def selects_columns(estimator: Any) -> bool:
    """True for a fitted transformer that only keeps some of its input columns unchanged."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_selection import SelectorMixin

    if isinstance(estimator, SelectorMixin):
        return True
    # the declared steps: once fitted, scikit-learn holds "passthrough" as a FunctionTransformer
    return (
        isinstance(estimator, ColumnTransformer)
        and estimator.remainder == "drop"
        and all(step in ("passthrough", "drop") for _, step, _ in estimator.transformers)
    )


def place_output(
    frame: pd.DataFrame, features: Sequence[str], result: pd.DataFrame
) -> pd.DataFrame:
    """`frame` with `features` replaced by the columns of `result` (the placement rule)."""
    outputs = [str(c) for c in result.columns]
    order = output_order([str(c) for c in frame.columns], features, outputs)
    kept = frame.drop(columns=list(features))
    return pd.concat([kept, result], axis=1)[order]


def apply_transformer(model: FittedModel, frame: pd.DataFrame) -> pd.DataFrame:
    """Apply a fitted transformer (after its own `steps`, in order) to `frame`.

    Raises ColumnMismatch when a training feature is missing and OutputCollision when an output
    name is taken by a column that passes through."""
    for step in model.steps:
        frame = apply_transformer(step, frame)
    meta = model.meta
    check_columns(frame, meta)
    outputs = meta.output_columns if meta.output_columns is not None else list(meta.features)
    features = frame[list(meta.features)]
    values = model.estimator.transform(features)
    if selects_columns(model.estimator):
        result = features[list(outputs)]
    else:
        result = transformed_frame(values, outputs, meta.feature_dtypes, frame.index)
    return place_output(frame, meta.features, result)


def transformer_meta(
    *,
    algorithm: str,
    train: pd.DataFrame,
    features: Sequence[str],
    output_columns: Sequence[str],
    params: dict[str, Any],
    target: str | None = None,
    classes: list[Any] | None = None,
) -> ModelMeta:
    """The ModelMeta of a transformer fitted on `train[features]`."""
    schema = schema_of_frame(train[list(features)])
    return ModelMeta(
        kind="transformer",
        algorithm=algorithm,
        features=list(features),
        feature_dtypes={c.name: c.dtype.value for c in schema.columns},
        target=target,
        classes=classes,
        output_columns=list(output_columns),
        params=params,
        library_versions=library_versions("scikit-learn"),
        training_rows=len(train),
        training_fingerprint=frame_fingerprint(train),
    )
