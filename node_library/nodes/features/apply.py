"""Apply a fitted transformer (the `model` output of a feature node) to another frame.

The frame must have every column the transformer was fitted on; when it does not, the run stops
with the missing columns listed. Other columns pass through. The output columns follow the
placement and dtype rules of node_library/ml/transformers.py. The model's columns are known only
at run time, so the output schema is unknown before a run.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from node_library.contract import ExecutionContext, NodeError, NodeParams, NodeType, Port, error
from node_library.datatypes import DataType
from node_library.ml.fitted import ColumnMismatch, FittedModel
from node_library.ml.transformers import OutputCollision, apply_transformer


class ApplyTransformerParams(NodeParams):
    pass


class ApplyTransformerNode(NodeType[ApplyTransformerParams]):
    type_id = "features.apply"
    display_name = "Apply fitted transformer"
    category = "features"
    description = "Transform a frame with a transformer fitted by a feature node."
    tags = ("apply", "transform", "fitted", "reuse", "test set")
    Params = ApplyTransformerParams
    inputs = (
        Port("model", DataType.MODEL, "Fitted transformer"),
        Port("data", DataType.DATAFRAME, "Data"),
    )
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)

    def compute(
        self, ctx: ExecutionContext, params: ApplyTransformerParams, **inputs: Any
    ) -> dict[str, Any]:
        model = inputs["model"]
        frame: pd.DataFrame = inputs["data"]
        if not isinstance(model, FittedModel) or model.meta.kind != "transformer":
            kind = model.meta.kind if isinstance(model, FittedModel) else type(model).__name__
            raise NodeError(
                error(
                    "not_a_transformer",
                    f"the model input is a {kind}, not a fitted transformer",
                    "connect the model output of a feature node; use Predict for a model",
                    port="model",
                )
            )
        try:
            result = apply_transformer(model, frame)
        except ColumnMismatch as exc:
            raise NodeError(
                error(
                    "column_mismatch",
                    f"the data does not have the columns the transformer was fitted on: {exc}",
                    "connect data with the training columns (same names), or refit the "
                    "transformer on these columns",
                    port="data",
                )
            ) from exc
        except OutputCollision as exc:
            raise NodeError(
                error("output_collision", str(exc), "rename or drop that column first", port="data")
            ) from exc
        ctx.log(f"applied {model.meta.algorithm} to {len(frame):,} rows")
        return {"data": result}
