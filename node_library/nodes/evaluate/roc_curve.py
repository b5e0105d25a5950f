"""ROC curve of a scored frame: the positive class's curve for two classes, one-vs-rest curves
per class for more, each with its AUC in the legend (computation in curves.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from node_library.contract import ExecutionContext, Issue, NodeType, Port, PortSchema
from node_library.datatypes import DataType
from node_library.ml.charts import curves_figure
from node_library.nodes.evaluate.curves import (
    class_curves,
    curve_metrics,
    points_frame,
    proba_issues,
)
from node_library.nodes.evaluate.scored import BinaryParams, read_classes, scored_issues
from node_library.nodes.execute_checks import raise_first_error
from node_library.schema import TableSchema, schema_of_frame
from node_library.settings import NodeSettings

POINTS_SCHEMA = TableSchema.of(**{"class": "string"}, threshold="float", fpr="float", tpr="float")


class RocCurveParams(BinaryParams):
    pass


class RocCurveNode(NodeType[RocCurveParams]):
    type_id = "evaluate.roc_curve"
    display_name = "ROC curve"
    category = "evaluate"
    description = "True against false positive rate per threshold, with the area under the curve."
    tags = ("roc", "auc", "curve", "classification", "threshold", "evaluate")
    Params = RocCurveParams
    inputs = (Port("scored", DataType.DATAFRAME, "Scored", description="Output of Predict."),)
    outputs = (
        Port("plot", DataType.PLOT, "Plot"),
        Port("points", DataType.DATAFRAME, "Points"),
        Port("metrics", DataType.METRICS, "AUC"),
    )

    def validate(
        self, params: RocCurveParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("scored")
        return scored_issues(schema, params.target) + proba_issues(schema)

    def infer_schema(
        self, params: RocCurveParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"plot": None, "points": POINTS_SCHEMA, "metrics": None}

    def execute(
        self, ctx: ExecutionContext, params: RocCurveParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["scored"]
        raise_first_error(self.validate(params, {"scored": schema_of_frame(frame)}, ctx.settings))
        scored = read_classes(frame, params.target)
        curves = class_curves(scored, params.pos_label, "roc", ctx.log)
        figure = curves_figure(
            [(f"{c.label} (AUC {c.area:.3f})", c.x, c.y) for c in curves],
            x_title="False positive rate",
            y_title="True positive rate",
            title="ROC curve" + ("" if scored.is_binary else " (one vs rest)"),
            diagonal=True,
        )
        return {
            "plot": figure,
            "points": points_frame(curves, "fpr", "tpr"),
            "metrics": curve_metrics(curves, "roc_auc", binary=scored.is_binary),
        }
