"""Grid search: cross-validate every combination of the listed hyperparameter values and refit
the best on all the train rows (the same as scikit-learn's GridSearchCV, refit=True)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from node_library import widgets
from node_library.ml.search_space import Entry, GridEntry
from node_library.node_kinds.tune import TuneNode, TuneParams


class GridSearchParams(TuneParams):
    space: list[GridEntry] = Field(
        default_factory=lambda: [GridEntry(param="C", values=[0.1, 1.0, 10.0])],
        description=(
            "Hyperparameters of the model and the values to try, e.g. "
            '[{"param": "max_depth", "values": [3, 5, null]}]; every combination is tried.'
        ),
        json_schema_extra=widgets.search_space(),
    )


class GridSearchNode(TuneNode[GridSearchParams]):
    type_id = "tune.grid_search"
    display_name = "Grid search"
    search_name = "Grid search"
    description = "Cross-validate every combination of hyperparameter values; refit the best."
    tags = ("tuning", "hyperparameters", "gridsearchcv", "search", "cv", "optimize")
    Params = GridSearchParams

    def space_of(self, params: GridSearchParams) -> Sequence[Entry]:
        return params.space
