"""ROC curve of a scored frame: the positive class's curve for two classes, one-vs-rest curves
per class for more, each with its AUC in the legend (computed in
node_library/node_kinds/curves.py)."""

from __future__ import annotations

from node_library.contract import Port
from node_library.datatypes import DataType
from node_library.node_kinds.curves import CurveNode
from node_library.node_kinds.scored import BinaryParams


class RocCurveParams(BinaryParams):
    pass


class RocCurveNode(CurveNode):
    type_id = "evaluate.roc_curve"
    display_name = "ROC curve"
    description = "True against false positive rate per threshold, with the area under the curve."
    tags = ("roc", "auc", "curve", "classification", "threshold", "evaluate")
    Params = RocCurveParams
    outputs = (
        Port("plot", DataType.PLOT, "Plot"),
        Port("points", DataType.DATAFRAME, "Points"),
        Port("metrics", DataType.METRICS, "AUC"),
    )
    curve_kind = "roc"
    x_name, y_name = "fpr", "tpr"
    x_title, y_title = "False positive rate", "True positive rate"
    chart_title = "ROC curve"
    area_label = "AUC"
    metric_name = "roc_auc"
    diagonal = True
