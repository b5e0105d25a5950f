"""Keep the k numeric columns that score best against the target (scikit-learn SelectKBest).

Scores: f_classif / chi2 / mutual_info_classif for a class target, f_regression /
mutual_info_regression for a numeric one (chi2 needs non-negative columns). The kept columns keep
their names and places; the others are removed. Which columns survive is decided by the data, so
the output schema is unknown before a run. Ties are broken as scikit-learn does.

Mutual information is estimated with a seeded nearest-neighbour method: the selector is fitted
with `random_state`, then stores the plain scoring function (the fitted selector only keeps the
chosen columns; a seedless function keeps the stored model loadable without code).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext, Issue, error
from node_library.node_kinds.features import FittedFeatureNode, SupervisedFeatureParams
from node_library.schema import Dtype, TableSchema

Score = Literal[
    "f_classif", "f_regression", "chi2", "mutual_info_classif", "mutual_info_regression"
]


class SelectKBestParams(SupervisedFeatureParams):
    k: int = Field(10, ge=1, le=100_000, description="How many columns to keep.")
    score: Score = Field("f_classif", description="How a column is scored against the target.")
    random_state: int = Field(0, ge=0, le=2**32 - 1, description="Seed of mutual information.")


def score_function(name: str) -> Any:
    from sklearn import feature_selection

    return getattr(feature_selection, name)


class SelectKBestNode(FittedFeatureNode[SelectKBestParams]):
    type_id = "features.select_k_best"
    display_name = "Select k best"
    description = "Keep the k numeric columns with the best univariate score against the target."
    tags = ("select", "k best", "univariate", "anova", "chi2", "mutual information")
    Params = SelectKBestParams
    supervised = True
    allows_missing = False

    def extra_issues(
        self, params: SelectKBestParams, features: list[str], schema: TableSchema
    ) -> list[Issue]:
        if params.k > len(features):
            return [
                error(
                    "k_too_large",
                    f"k is {params.k} but only {len(features)} column(s) can be scored",
                    f"use k <= {len(features)}",
                    param="k",
                )
            ]
        return []

    def planned_outputs(
        self, params: SelectKBestParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        return None

    def fit(
        self,
        ctx: ExecutionContext,
        params: SelectKBestParams,
        x: pd.DataFrame,
        y: pd.Series | None,
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.feature_selection import SelectKBest

        function = score_function(params.score)
        seeded = (
            partial(function, random_state=params.random_state)
            if params.score.startswith("mutual_info")
            else function
        )
        selector = SelectKBest(score_func=seeded, k=params.k)
        values = selector.fit_transform(x, y)
        selector.score_func = function
        return selector, values, [str(c) for c in selector.get_feature_names_out()]
