"""Learning curve: training and test scores of the model re-fitted on growing training sets.

`sklearn.model_selection.learning_curve` with a clone of the model's estimator (a model spec,
or a fitted model's hyperparameters, not its fitted state: node_library.node_kinds.model_data),
the CV scheme's splitter and one metric; `train_sizes`
are fractions of the largest training fold. Outputs: `curve` (one row per training size and
fold: train_rows, fold, train_score, test_score) and `plot` (mean score per size with a band of
one standard deviation over folds). The folds run inside scikit-learn, so progress is reported
before and after rather than per fold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, field_validator

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
from node_library.ml.charts import learning_curve_figure
from node_library.ml.cv import CVScheme, build_splitter, fold_issues, scheme_issues
from node_library.node_kinds.model_data import (
    SCORERS,
    Scoring,
    chosen_scores,
    data_issues,
    fit_failure,
    model_data,
    resolve_spec_target,
    spec_issues,
)
from node_library.schema import Role, TableSchema
from node_library.settings import NodeSettings

CURVE_SCHEMA = TableSchema.of(
    train_rows="integer", fold="integer", train_score="float", test_score="float"
)


class LearningCurveParams(CVScheme):
    target: str | None = Field(
        None,
        description="Column of true values; empty means the model's target (for a spec that "
        "names none, the data's target-role column).",
        json_schema_extra=widgets.column("data"),
    )
    scoring: Scoring | None = Field(
        None, description="Metric on the vertical axis; empty means accuracy or rmse."
    )
    train_sizes: list[float] = Field(
        default_factory=lambda: [0.1, 0.325, 0.55, 0.775, 1.0],
        min_length=1,
        max_length=50,
        description="Training set sizes, as fractions (0 to 1] of the largest training fold.",
    )

    @field_validator("train_sizes")
    @classmethod
    def _fractions(cls, sizes: list[float]) -> list[float]:
        bad = [s for s in sizes if not 0 < s <= 1]
        if bad:
            raise ValueError(f"train sizes must be fractions in (0, 1]; got {bad}")
        return sizes


class LearningCurveNode(NodeType[LearningCurveParams]):
    type_id = "evaluate.learning_curve"
    display_name = "Learning curve"
    category = "evaluate"
    description = "Training and test scores as the training set grows: more data or more model?"
    tags = ("learning curve", "bias", "variance", "overfitting", "cv", "evaluate")
    Params = LearningCurveParams
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
        Port("plot", DataType.PLOT, "Plot"),
        Port("curve", DataType.DATAFRAME, "Scores"),
    )

    def resolve_params(
        self,
        params: LearningCurveParams,
        inputs: Mapping[str, PortSchema],
        roles: Mapping[str, Mapping[str, Role]],
    ) -> LearningCurveParams:
        target = resolve_spec_target(
            params.target, [inputs.get("model")], inputs.get("data"), roles.get("data", {})
        )
        return params if target == params.target else params.model_copy(update={"target": target})

    def validate(
        self, params: LearningCurveParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("data")
        return (
            data_issues(schema, params.target)
            + scheme_issues(params, schema, port="data")
            + spec_issues(inputs.get("model"), schema, params.target, port="model")
        )

    def infer_schema(
        self, params: LearningCurveParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"plot": None, "curve": CURVE_SCHEMA}

    def compute(
        self, ctx: ExecutionContext, params: LearningCurveParams, **inputs: Any
    ) -> dict[str, Any]:
        from sklearn.base import clone
        from sklearn.model_selection import learning_curve

        data: pd.DataFrame = inputs["data"]
        checked = model_data(inputs["model"], data, params.target)
        metric = chosen_scores([params.scoring] if params.scoring else [], checked.kind)[0]
        sk_name, sign = SCORERS[metric]
        groups = data[params.group_column] if params.kind == "group_kfold" else None
        raise_first_error(fold_issues(params, checked.target, groups))
        ctx.progress(0, 1, "fitting on growing training sets")
        try:
            sizes, train, test = learning_curve(
                clone(checked.model.estimator),
                checked.features,
                checked.target,
                groups=None if groups is None else groups.to_numpy(),
                train_sizes=np.asarray(sorted(set(params.train_sizes))),
                cv=build_splitter(params),
                scoring=sk_name,
                error_score="raise",
            )
        except (ValueError, TypeError) as exc:
            raise fit_failure("the learning curve", exc, checked.features, param="scoring") from exc
        ctx.progress(1, 1, "fitting on growing training sets")
        train, test = sign * train, sign * test
        folds = train.shape[1]
        curve = pd.DataFrame(
            {
                "train_rows": np.repeat(sizes, folds).astype(np.int64),
                "fold": np.tile(np.arange(1, folds + 1), len(sizes)).astype(np.int64),
                "train_score": train.ravel().astype(np.float64),
                "test_score": test.ravel().astype(np.float64),
            }
        )
        figure = learning_curve_figure(
            sizes,
            [
                ("training", train.mean(axis=1), train.std(axis=1)),
                ("test", test.mean(axis=1), test.std(axis=1)),
            ],
            metric=metric,
            title=f"Learning curve ({folds}-fold {params.kind})",
        )
        return {"plot": figure, "curve": curve}
