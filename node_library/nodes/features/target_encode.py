"""Target-encode text or category columns with scikit-learn's TargetEncoder.

The `train` output uses `fit_transform`, which is cross-fitted: each training row is encoded by a
model fitted on the other folds, so a row's own target never leaks into its encoding. The folds
are scikit-learn's default for the target kind, shuffled with `random_state`: StratifiedKFold for a
class target, KFold for a continuous one (what TargetEncoder(cv=k, shuffle=True) did before
scikit-learn 1.9 deprecated its shuffle/random_state params). `apply_to` and the fitted model use
plain `transform` (the encoder refitted on all training rows, as scikit-learn does).

Outputs: for a binary or continuous target each column keeps its name and place and becomes a float;
for a multiclass target each column becomes one float column per class, `<column>=<class>`. With
target_type "auto" the kind of target is only known from the data, so the output schema is unknown
before a run unless target_type is set to binary or continuous.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext
from node_library.node_kinds.features import (
    NUMERIC,
    TEXT,
    FittedFeatureNode,
    SupervisedFeatureParams,
)
from node_library.schema import Dtype, TableSchema


class TargetEncodeParams(SupervisedFeatureParams):
    target_type: Literal["auto", "binary", "continuous", "multiclass"] = Field(
        "auto", description="Kind of target; auto infers it from the target values."
    )
    smooth: float | None = Field(
        None,
        ge=0,
        description="Shrinkage towards the global target mean; empty means scikit-learn's auto.",
    )
    cv: int = Field(5, ge=2, le=50, description="Folds of the cross-fitting on the train rows.")
    random_state: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the fold shuffling.")


class TargetEncodeNode(FittedFeatureNode[TargetEncodeParams]):
    type_id = "features.target_encode"
    display_name = "Target encoding"
    description = "Replace categories by the (cross-fitted) mean target of their training rows."
    tags = ("target", "mean", "encode", "categorical", "TargetEncoder")
    Params = TargetEncodeParams
    accepted = (*TEXT, *NUMERIC)
    default_dtypes = TEXT
    accepted_words = "text, category or number"
    supervised = True

    def planned_outputs(
        self, params: TargetEncodeParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        if params.target_type in ("binary", "continuous"):
            return [(name, Dtype.FLOAT) for name in features]
        return None

    def fit(
        self,
        ctx: ExecutionContext,
        params: TargetEncodeParams,
        x: pd.DataFrame,
        y: pd.Series | None,
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.model_selection import KFold, StratifiedKFold
        from sklearn.preprocessing import TargetEncoder
        from sklearn.utils.multiclass import type_of_target

        kind = type_of_target(y) if params.target_type == "auto" else params.target_type
        folds = KFold if kind == "continuous" else StratifiedKFold
        encoder = TargetEncoder(
            target_type=params.target_type,
            smooth="auto" if params.smooth is None else params.smooth,
            cv=folds(n_splits=params.cv, shuffle=True, random_state=params.random_state),
        )
        values = encoder.fit_transform(x, y)
        if encoder.target_type_ == "multiclass":
            names = [f"{f}={c}" for f in x.columns for c in encoder.classes_]
        else:
            names = list(x.columns)
        return encoder, values, names

    def classes_of(self, estimator: Any) -> list[Any] | None:
        classes = getattr(estimator, "classes_", None)
        return None if classes is None else list(classes)
