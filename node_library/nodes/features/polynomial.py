"""Polynomial and interaction features of numeric columns (scikit-learn PolynomialFeatures).

The chosen columns are replaced, where the first of them stood, by every product of them up to
`degree`, in scikit-learn's order: the columns themselves, then degree 2, and so on. Names join
factors with `*` and mark powers with `^`: `a`, `b`, `a^2`, `a*b`, `b^2`. `interaction_only` keeps
only products of distinct columns (`a*b`). No bias column. All outputs are float. Missing values
are refused (impute first).
"""

from __future__ import annotations

from itertools import combinations, combinations_with_replacement
from typing import Any

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext, Issue, error
from node_library.node_kinds.features import FeatureParams, FittedFeatureNode
from node_library.schema import Dtype, TableSchema

MAX_OUTPUTS = 5000


class PolynomialParams(FeatureParams):
    degree: int = Field(2, ge=2, le=5, description="Highest total power of a product.")
    interaction_only: bool = Field(
        False, description="Only products of distinct columns (no squares or higher powers)."
    )


def term_name(features: list[str], powers: list[int]) -> str:
    return "*".join(
        name if power == 1 else f"{name}^{power}"
        for name, power in zip(features, powers, strict=True)
        if power
    )


def polynomial_names(features: list[str], degree: int, interaction_only: bool) -> list[str]:
    """The output names, in PolynomialFeatures' order, without fitting anything."""
    combine = combinations if interaction_only else combinations_with_replacement
    names = []
    for d in range(1, degree + 1):
        for combo in combine(range(len(features)), d):
            powers = [0] * len(features)
            for i in combo:
                powers[i] += 1
            names.append(term_name(features, powers))
    return names


def polynomial_count(n: int, degree: int, interaction_only: bool) -> int:
    from math import comb

    if interaction_only:
        return sum(comb(n, d) for d in range(1, degree + 1))
    return sum(comb(n + d - 1, d) for d in range(1, degree + 1))


class PolynomialNode(FittedFeatureNode[PolynomialParams]):
    type_id = "features.polynomial"
    display_name = "Polynomial features"
    description = "Add products and powers of numeric columns (a*b, a^2) up to a degree."
    tags = ("polynomial", "interaction", "products", "PolynomialFeatures")
    Params = PolynomialParams
    allows_missing = False

    def extra_issues(
        self, params: PolynomialParams, features: list[str], schema: TableSchema
    ) -> list[Issue]:
        count = polynomial_count(len(features), params.degree, params.interaction_only)
        if count > MAX_OUTPUTS:
            return [
                error(
                    "too_many_columns",
                    f"{len(features)} columns at degree {params.degree} give {count} "
                    f"columns (limit {MAX_OUTPUTS})",
                    "pick fewer columns or a lower degree",
                    param="degree",
                )
            ]
        return []

    def planned_outputs(
        self, params: PolynomialParams, features: list[str], schema: TableSchema
    ) -> list[tuple[str, Dtype]] | None:
        if polynomial_count(len(features), params.degree, params.interaction_only) > MAX_OUTPUTS:
            return None
        names = polynomial_names(features, params.degree, params.interaction_only)
        return [(name, Dtype.FLOAT) for name in names]

    def fit(
        self,
        ctx: ExecutionContext,
        params: PolynomialParams,
        x: pd.DataFrame,
        y: pd.Series | None,
    ) -> tuple[Any, Any, list[str]]:
        from sklearn.preprocessing import PolynomialFeatures

        poly = PolynomialFeatures(
            degree=params.degree, interaction_only=params.interaction_only, include_bias=False
        )
        values = poly.fit_transform(x)
        features = [str(c) for c in x.columns]
        names = [term_name(features, [int(p) for p in row]) for row in poly.powers_]
        return poly, values, names
