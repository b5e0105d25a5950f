"""Predict: apply a fitted model to a frame (a test split, new rows to score in batch).

The output is the input frame with `prediction` appended; classifiers that have probabilities also
get `proba_<class>` per class (in the model's `classes` order), clusterers get `cluster` instead
(node_library.ml.prediction). The model's steps (fitted transformers) run first. A frame that
lacks a training feature is refused with every missing column and every column the model never
saw listed.

The output schema is unknown before a run (None): the model port carries no schema, so the kind
of model, the label dtype and the `proba_` column names (one per class of the training data) are
only known once the model is fitted. A guessed schema would be wrong for some model; downstream
nodes see the real columns after the first run.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.contract import ExecutionContext, NodeError, NodeParams, NodeType, Port, error
from node_library.datatypes import DataType
from node_library.ml.fitted import FittedModel
from node_library.ml.prediction import predict_frame


class PredictParams(NodeParams):
    pass


class PredictNode(NodeType[PredictParams]):
    type_id = "models.predict"
    display_name = "Predict"
    category = "models"
    description = "Score a frame with a fitted model: adds prediction (and proba_ or cluster)."
    tags = ("predict", "score", "inference", "batch", "apply")
    Params = PredictParams
    inputs = (
        Port("model", DataType.MODEL, "Model"),
        Port("data", DataType.DATAFRAME, "Data"),
    )
    outputs = (Port("predictions", DataType.DATAFRAME, "Predictions"),)

    def compute(
        self, ctx: ExecutionContext, params: PredictParams, **inputs: Any
    ) -> dict[str, Any]:
        model = inputs["model"]
        frame: pd.DataFrame = inputs["data"]
        if model is None:
            raise NodeError(
                error(
                    "empty_model",
                    "the model input is empty: its model node has no training data connected, "
                    "so it fitted no model (it outputs its spec only)",
                    "connect training data to the model node",
                    port="model",
                )
            )
        if not isinstance(model, FittedModel):
            raise NodeError(
                error(
                    "not_a_model",
                    f"the model input holds a {type(model).__name__}, not a fitted model",
                    "connect the model output of a model node",
                    port="model",
                )
            )
        ctx.progress(0, 1, "predicting")
        result = predict_frame(model, frame)
        ctx.progress(1, 1, "predicted")
        return {"predictions": result}
