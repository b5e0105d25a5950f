"""Random search: cross-validate `n_iter` hyperparameter draws (lists or numeric ranges, on a log
scale if asked) and refit the best (the same as scikit-learn's RandomizedSearchCV, refit=True,
with `search_random_state` as its random_state)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from node_library import widgets
from node_library.ml.search_space import Entry, RandomEntry
from node_library.node_kinds.tune import TuneNode, TuneParams


class RandomSearchParams(TuneParams):
    space: list[RandomEntry] = Field(
        default_factory=lambda: [RandomEntry(param="C", low=0.01, high=100.0, log=True)],
        description=(
            "Hyperparameters of the model and where to draw them from: a list of values, or a "
            'range, e.g. [{"param": "C", "low": 0.01, "high": 100, "log": true}, '
            '{"param": "max_iter", "low": 100, "high": 1000, "integer": true}].'
        ),
        json_schema_extra=widgets.search_space(ranges=True),
    )
    n_iter: int = Field(20, ge=1, le=10_000, description="Number of candidates drawn.")
    search_random_state: int = Field(
        0, ge=0, le=2**32 - 1, description="Seed of the draws, so the candidates are repeatable."
    )


class RandomSearchNode(TuneNode[RandomSearchParams]):
    type_id = "tune.random_search"
    display_name = "Random search"
    search_name = "Random search"
    description = "Cross-validate random hyperparameter draws from lists or ranges; refit the best."
    tags = ("tuning", "hyperparameters", "randomizedsearchcv", "search", "cv", "optimize")
    Params = RandomSearchParams

    def space_of(self, params: RandomSearchParams) -> Sequence[Entry]:
        return params.space

    def n_iter_of(self, params: RandomSearchParams) -> int | None:
        return params.n_iter

    def seed_of(self, params: RandomSearchParams) -> int:
        return params.search_random_state
