"""Confusion matrix of a scored frame: a heatmap and the cells as a table.

Counts come from sklearn.metrics.confusion_matrix over the classes of the model (its proba
columns) or, without them, every label in the target and the predictions. `normalize` divides
each row (true: recall per class), column (pred: precision per class) or the whole matrix (all)
by its total, as scikit-learn does. The `cells` table has one row per (actual, predicted) pair,
labels as text, with the count and the shown value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext, NodeError, Port, PortSchema, error
from node_library.datatypes import DataType
from node_library.ml.charts import confusion_figure
from node_library.node_kinds.scored import ScoredNode, ScoredParams, read_classes
from node_library.schema import TableSchema
from node_library.settings import NodeSettings

MAX_CLASSES = 100
CELLS_SCHEMA = TableSchema.of(actual="string", predicted="string", count="integer", value="float")


class ConfusionMatrixParams(ScoredParams):
    normalize: Literal["none", "true", "pred", "all"] = Field(
        "none",
        description=(
            "Show counts (none) or shares: of each actual class (true), of each predicted "
            "class (pred), or of all rows (all)."
        ),
    )


class ConfusionMatrixNode(ScoredNode[ConfusionMatrixParams]):
    type_id = "evaluate.confusion_matrix"
    display_name = "Confusion matrix"
    description = "Heatmap of actual against predicted classes, with counts or shares."
    tags = ("confusion", "classification", "errors", "heatmap", "evaluate")
    Params = ConfusionMatrixParams
    outputs = (
        Port("plot", DataType.PLOT, "Plot"),
        Port("cells", DataType.DATAFRAME, "Cells"),
    )

    def infer_schema(
        self,
        params: ConfusionMatrixParams,
        inputs: Mapping[str, PortSchema],
        settings: NodeSettings,
    ) -> dict[str, PortSchema]:
        return {"plot": None, "cells": CELLS_SCHEMA}

    def compute(
        self, ctx: ExecutionContext, params: ConfusionMatrixParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["scored"]
        scored = read_classes(frame, params.target)
        classes = scored.classes
        if len(classes) > MAX_CLASSES:
            raise NodeError(
                error(
                    "too_many_classes",
                    f"{len(classes)} classes; a confusion matrix shows at most {MAX_CLASSES}",
                    "is the target a class label? group rare classes first",
                    param="target",
                )
            )
        from sklearn.metrics import confusion_matrix

        counts = confusion_matrix(scored.y_true, scored.y_pred, labels=classes)
        normalize = None if params.normalize == "none" else params.normalize
        values = confusion_matrix(scored.y_true, scored.y_pred, labels=classes, normalize=normalize)
        labels = [str(c) for c in classes]
        title = "Confusion matrix" + ("" if normalize is None else f" (normalized: {normalize})")
        return {
            "plot": confusion_figure(labels, values, counts, title),
            "cells": pd.DataFrame(
                {
                    "actual": np.repeat(labels, len(labels)).astype(object),
                    "predicted": np.tile(labels, len(labels)).astype(object),
                    "count": counts.ravel().astype(np.int64),
                    "value": values.ravel().astype(np.float64),
                }
            ),
        }
