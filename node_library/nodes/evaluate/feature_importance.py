"""Feature importance of a fitted model, as a sorted bar chart and an `importances` table.

- native: the estimator's own numbers: `feature_importances_` (tree ensembles, XGBoost,
  LightGBM) or the magnitude of `coef_` (linear models; with one row of coefficients per class,
  the mean magnitude over classes). Coefficient sizes depend on the features' scales, so they
  compare features only when those were standardized. `std` is empty.
- permutation: `sklearn.inspection.permutation_importance` on the `data` input: how much the
  score drops when one column is shuffled, `n_repeats` times with seed `random_state` (mean and
  std over repeats). `scoring` empty uses the estimator's own `score` (accuracy for classifiers,
  R² for regressors); for an error metric (rmse, mae, log_loss) the drop is measured on
  scikit-learn's negated score, so a larger importance still means a more important feature.

The table holds every feature, largest importance first (ties keep the model's feature order);
the chart draws the first `max_features`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from node_library import widgets
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
from node_library.ml.charts import importance_figure
from node_library.node_kinds.model_data import (
    SCORERS,
    Scoring,
    chosen_scores,
    data_issues,
    fit_failure,
    fitted_model,
    model_data,
)
from node_library.schema import TableSchema
from node_library.settings import NodeSettings

IMPORTANCES_SCHEMA = TableSchema.of(feature="string", importance="float", std="float")


class FeatureImportanceParams(NodeParams):
    method: Literal["native", "permutation"] = Field(
        "native",
        description=(
            "native: the model's own importances or coefficient sizes; permutation: the score "
            "drop on the data input when a column is shuffled (works for every model)."
        ),
    )
    target: str | None = Field(
        None,
        description="permutation: column of true values; empty means the model's target.",
        json_schema_extra=widgets.column("data"),
    )
    scoring: Scoring | None = Field(
        None,
        description="permutation: the score whose drop is measured; empty means the model's "
        "own score (accuracy or R²).",
    )
    n_repeats: int = Field(5, ge=1, le=100, description="permutation: shuffles per column.")
    random_state: int = Field(
        0, ge=0, le=2**32 - 1, description="permutation: seed of the shuffles."
    )
    max_features: int = Field(
        30, ge=1, le=500, description="Most features drawn in the chart (the table has all)."
    )


class FeatureImportanceNode(NodeType[FeatureImportanceParams]):
    type_id = "evaluate.feature_importance"
    display_name = "Feature importance"
    category = "evaluate"
    description = "Rank features by the model's own importances or by permutation importance."
    tags = ("importance", "permutation", "explain", "coefficients", "features", "evaluate")
    Params = FeatureImportanceParams
    inputs = (
        Port("model", DataType.MODEL, "Model"),
        Port(
            "data",
            DataType.DATAFRAME,
            "Data",
            required=False,
            description="permutation: held-out rows with the features and the target.",
        ),
    )
    outputs = (
        Port("plot", DataType.PLOT, "Plot"),
        Port("importances", DataType.DATAFRAME, "Importances"),
    )

    def validate(
        self,
        params: FeatureImportanceParams,
        inputs: Mapping[str, PortSchema],
        settings: NodeSettings,
    ) -> list[Issue]:
        if params.method == "native":
            return []
        if "data" not in inputs:
            return [
                error(
                    "missing_input",
                    "permutation importance needs rows to shuffle: input 'data' is not connected",
                    "connect held-out data (e.g. the test split), or use the native method",
                    port="data",
                )
            ]
        return data_issues(inputs.get("data"), params.target)

    def infer_schema(
        self,
        params: FeatureImportanceParams,
        inputs: Mapping[str, PortSchema],
        settings: NodeSettings,
    ) -> dict[str, PortSchema]:
        return {"plot": None, "importances": IMPORTANCES_SCHEMA}

    def compute(
        self, ctx: ExecutionContext, params: FeatureImportanceParams, **inputs: Any
    ) -> dict[str, Any]:
        data: pd.DataFrame | None = inputs.get("data")
        model = inputs["model"]
        if params.method == "native":
            table = native_importances(model)
        else:
            assert data is not None  # validate refused a missing data input
            ctx.progress(0, 1, "permuting columns")
            table = permutation_importances(model, data, params)
            ctx.progress(1, 1, "permuting columns")
        table = table.sort_values("importance", ascending=False, kind="stable", ignore_index=True)
        shown = table.head(params.max_features)
        if len(table) > len(shown):
            ctx.log(f"drawing the {len(shown)} most important of {len(table)} features")
        figure = importance_figure(
            shown["feature"].tolist(),
            shown["importance"].to_numpy(),
            shown["std"].to_numpy(),
            f"Feature importance ({params.method})",
        )
        return {"plot": figure, "importances": table}


def native_importances(value: Any) -> pd.DataFrame:
    model = fitted_model(value)
    estimator = model.estimator
    if hasattr(estimator, "feature_importances_"):
        values = np.asarray(estimator.feature_importances_, dtype=np.float64)
    elif hasattr(estimator, "coef_"):
        coef = np.abs(np.asarray(estimator.coef_, dtype=np.float64))
        values = coef.mean(axis=0) if coef.ndim == 2 else coef
    else:
        raise NodeError(
            error(
                "no_native_importance",
                f"{model.meta.algorithm} has neither feature importances nor coefficients",
                "use the permutation method with held-out data",
                param="method",
            )
        )
    features = list(model.meta.features)
    if len(values) != len(features):
        raise NodeError(
            error(
                "importance_mismatch",
                f"the model reports {len(values)} importances for {len(features)} features",
                "use the permutation method, which works on the model's input columns",
                param="method",
            )
        )
    return _table(features, values, np.full(len(values), np.nan))


def permutation_importances(
    model: Any, data: pd.DataFrame, params: FeatureImportanceParams
) -> pd.DataFrame:
    from sklearn.inspection import permutation_importance

    model = fitted_model(model)
    checked = model_data(model, data, params.target)
    scoring = None
    if params.scoring is not None:
        chosen_scores([params.scoring], checked.kind)
        scoring = SCORERS[params.scoring][0]
    try:
        result = permutation_importance(
            model.estimator,
            checked.features,
            checked.target,
            scoring=scoring,
            n_repeats=params.n_repeats,
            random_state=params.random_state,
        )
    except (ValueError, TypeError) as exc:
        raise fit_failure("permutation importance", exc, checked.features, param="scoring") from exc
    return _table(list(checked.features.columns), result.importances_mean, result.importances_std)


def _table(features: list[str], importance: np.ndarray, std: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "feature": pd.Series(features, dtype=object),
            "importance": np.asarray(importance, dtype=np.float64),
            "std": np.asarray(std, dtype=np.float64),
        }
    )
