"""Cross-validate a model: re-fit a fresh copy of it on each training fold, score each test fold.

The model input is a model spec (a model node's `spec` output: nothing is fitted to make it) or
a fitted model, which gives its hyperparameters, not its fitted state (node_library.node_kinds.
model_data): every fold fits a clone of the estimator on the fold's training rows, exactly as
`sklearn.model_selection.cross_validate` does with the same splitter and scorers (a test checks
the scores are equal). The folds run here one by one, rather than inside `cross_validate`, so
that each finished fold reports progress; fit and score times go to the log, not to the outputs,
so the outputs stay the same from run to run.

Outputs: `scores` (one row per fold: fold number, training and test rows, one column per metric),
`metrics` (`<metric>_mean` and `<metric>_std` per metric, std over folds with ddof 0 as numpy's
`std`, plus `folds`) and `plot` (a box of the fold scores per metric).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeType,
    Port,
    PortSchema,
    raise_first_error,
)
from node_library.datatypes import DataType
from node_library.ml.charts import fold_scores_figure
from node_library.ml.cv import CVScheme, fold_issues, iter_folds, scheme_issues
from node_library.node_kinds.model_data import (
    Scoring,
    chosen_scores,
    data_issues,
    fit_failure,
    model_data,
    resolve_spec_target,
    scorer,
    spec_issues,
)
from node_library.schema import Dtype, Role, TableSchema
from node_library.settings import NodeSettings
from node_library.values import Metrics


class CrossValidateParams(CVScheme):
    target: str | None = Field(
        None,
        description="Column of true values; empty means the model's target (for a spec that "
        "names none, the data's target-role column).",
        json_schema_extra=widgets.column("data"),
    )
    scoring: list[Scoring] = Field(
        default_factory=list,
        description=(
            "Metrics scored on each test fold; empty means accuracy and f1_macro for "
            "classifiers, rmse and r2 for regressors."
        ),
    )


class CrossValidateNode(NodeType[CrossValidateParams]):
    type_id = "evaluate.cross_validate"
    display_name = "Cross-validate"
    category = "evaluate"
    description = "Re-fit the model on each training fold and score it on the held-out fold."
    tags = ("cv", "k-fold", "folds", "validation", "score", "evaluate")
    Params = CrossValidateParams
    inputs = (
        Port(
            "model",
            DataType.MODEL_SPEC,
            "Model",
            description="A model spec, or a fitted model: its hyperparameters are re-fitted.",
        ),
        Port("data", DataType.DATAFRAME, "Data", description="Features and target."),
    )
    outputs = (
        Port("scores", DataType.DATAFRAME, "Fold scores"),
        Port("metrics", DataType.METRICS, "Mean and std"),
        Port("plot", DataType.PLOT, "Plot"),
    )

    def resolve_params(
        self,
        params: CrossValidateParams,
        inputs: Mapping[str, PortSchema],
        roles: Mapping[str, Mapping[str, Role]],
    ) -> CrossValidateParams:
        target = resolve_spec_target(
            params.target, [inputs.get("model")], inputs.get("data"), roles.get("data", {})
        )
        return params if target == params.target else params.model_copy(update={"target": target})

    def validate(
        self, params: CrossValidateParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("data")
        return (
            data_issues(schema, params.target)
            + scheme_issues(params, schema, port="data")
            + spec_issues(inputs.get("model"), schema, params.target, port="model")
        )

    def infer_schema(
        self, params: CrossValidateParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        scores: TableSchema | None = None
        if params.scoring:  # without a list the columns depend on the model's kind
            scores = scores_schema(list(dict.fromkeys(params.scoring)))
        return {"scores": scores, "metrics": None, "plot": None}

    def compute(
        self, ctx: ExecutionContext, params: CrossValidateParams, **inputs: Any
    ) -> dict[str, Any]:
        data: pd.DataFrame = inputs["data"]
        checked = model_data(inputs["model"], data, params.target)
        names = chosen_scores(list(params.scoring), checked.kind)
        groups = data[params.group_column] if params.kind == "group_kfold" else None
        raise_first_error(fold_issues(params, checked.target, groups))
        scores = cross_validate_scores(
            checked.model.estimator, checked.features, checked.target, groups, params, names, ctx
        )
        summary: Metrics = {"folds": len(scores)}
        for name in names:
            summary[f"{name}_mean"] = float(np.mean(scores[name]))
            summary[f"{name}_std"] = float(np.std(scores[name]))
        figure = fold_scores_figure(
            {n: scores[n].to_numpy() for n in names},
            f"{len(scores)}-fold {params.kind} cross-validation",
        )
        return {"scores": scores, "metrics": summary, "plot": figure}


def scores_schema(names: list[str]) -> TableSchema:
    columns = {"fold": Dtype.INTEGER, "train_rows": Dtype.INTEGER, "test_rows": Dtype.INTEGER}
    return TableSchema.of(**columns, **dict.fromkeys(names, Dtype.FLOAT))


def cross_validate_scores(
    estimator: Any,
    features: pd.DataFrame,
    target: pd.Series,
    groups: pd.Series | None,
    scheme: CVScheme,
    names: list[str],
    ctx: ExecutionContext,
) -> pd.DataFrame:
    """One row per fold of the scores of a clone of `estimator` fitted on the training rows."""
    from sklearn.base import clone

    scorers = {name: scorer(name) for name in names}
    rows: list[dict[str, Any]] = []
    folds = list(iter_folds(scheme, features, target, groups))
    ctx.progress(0, len(folds), "cross-validating")
    for number, (train, test) in enumerate(folds, start=1):
        started = time.perf_counter()
        fitted = clone(estimator)
        try:
            fitted.fit(features.iloc[train], target.iloc[train])
        except (ValueError, TypeError) as exc:
            raise fit_failure(f"fitting fold {number}", exc, features) from exc
        fit_seconds = time.perf_counter() - started
        row: dict[str, Any] = {"fold": number, "train_rows": len(train), "test_rows": len(test)}
        for name, (score, sign) in scorers.items():
            try:
                row[name] = sign * float(score(fitted, features.iloc[test], target.iloc[test]))
            except (ValueError, TypeError) as exc:
                what = f"{name} on fold {number}"
                raise fit_failure(what, exc, features, param="scoring") from exc
        rows.append(row)
        ctx.log(
            f"fold {number}: fit {fit_seconds:.2f} s, scored in "
            f"{time.perf_counter() - started - fit_seconds:.2f} s"
        )
        ctx.progress(number, len(folds), f"fold {number} of {len(folds)}")
    frame = pd.DataFrame(rows, columns=["fold", "train_rows", "test_rows", *names])
    return frame.astype({"fold": np.int64, "train_rows": np.int64, "test_rows": np.int64})
