"""Precision-recall curve of a scored frame: the positive class's curve for two classes,
one-vs-rest curves per class for more, each with its average precision (AP, scikit-learn's
summary of the curve) in the legend (computed in node_library/node_kinds/curves.py)."""

from __future__ import annotations

from node_library.contract import Port
from node_library.datatypes import DataType
from node_library.node_kinds.curves import CurveNode
from node_library.node_kinds.scored import BinaryParams


class PrCurveParams(BinaryParams):
    pass


class PrCurveNode(CurveNode):
    type_id = "evaluate.pr_curve"
    display_name = "Precision-recall curve"
    description = "Precision against recall per threshold, with the average precision."
    tags = ("precision", "recall", "pr", "average precision", "curve", "threshold", "evaluate")
    Params = PrCurveParams
    outputs = (
        Port("plot", DataType.PLOT, "Plot"),
        Port("points", DataType.DATAFRAME, "Points"),
        Port("metrics", DataType.METRICS, "Average precision"),
    )
    curve_kind = "pr"
    x_name, y_name = "recall", "precision"
    x_title, y_title = "Recall", "Precision"
    chart_title = "Precision-recall curve"
    area_label = "AP"
    metric_name = "average_precision"
    diagonal = False
