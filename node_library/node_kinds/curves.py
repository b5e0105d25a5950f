"""The ROC and precision-recall curve nodes: their base class and shared computation.

Two classes: one curve, of the positive class (`pos_label`). More: one-vs-rest curves, one per
class, each from that class's probability column. A class without rows in the target has no
curve (its true-positive rate is undefined); it is left out and logged, and if no class is left
the node fails. Thresholds go to the `points` table; the first ROC point (nothing predicted
positive, threshold +inf in scikit-learn) and the last precision-recall point (precision 1,
recall 0, no threshold) get an empty threshold so the table stays plain JSON. The table keeps
every point; the chart draws at most 2,000 evenly spread points per curve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from node_library.contract import ExecutionContext, Issue, NodeError, PortSchema, error
from node_library.ml.charts import curves_figure
from node_library.node_kinds.scored import (
    BinaryParams,
    ScoredClasses,
    ScoredNode,
    proba_columns,
    read_classes,
)
from node_library.schema import TableSchema
from node_library.settings import NodeSettings

CurveKind = Literal["roc", "pr"]


@dataclass(frozen=True)
class Curve:
    label: Any
    x: np.ndarray  # fpr (roc) or recall (pr)
    y: np.ndarray  # tpr (roc) or precision (pr)
    thresholds: np.ndarray  # same length as x, NaN where a point has no threshold
    area: float  # ROC AUC or average precision


def proba_issues(schema: TableSchema | None) -> list[Issue]:
    if schema is None or proba_columns(schema.names):
        return []
    return [
        error(
            "missing_proba",
            "the scored input has no proba_<class> columns; curves need class probabilities",
            "score with a model that predicts probabilities (for SVM turn on probability)",
            port="scored",
        )
    ]


def class_curves(
    scored: ScoredClasses,
    pos_label: str | None,
    kind: CurveKind,
    log: Callable[[str], None] = lambda _: None,
) -> list[Curve]:
    from sklearn import metrics as skm

    if scored.proba is None:
        raise NodeError(proba_issues(TableSchema())[0])
    labels = [scored.resolve_pos_label(pos_label)] if scored.is_binary else scored.classes
    curves: list[Curve] = []
    for label in labels:
        truth = scored.y_true == label
        if not truth.any() or truth.all():
            log(f"no {kind} curve for class {label!r}: the target has no rows on one side of it")
            continue
        score = scored.proba_of(label)
        if kind == "roc":
            fpr, tpr, thresholds = skm.roc_curve(truth, score)
            thresholds = np.where(np.isfinite(thresholds), thresholds, np.nan)
            area = float(skm.roc_auc_score(truth, score))
            curves.append(Curve(label, fpr, tpr, thresholds, area))
        else:
            precision, recall, thresholds = skm.precision_recall_curve(truth, score)
            thresholds = np.append(thresholds, np.nan)
            area = float(skm.average_precision_score(truth, score))
            curves.append(Curve(label, recall, precision, thresholds, area))
    if not curves:
        raise NodeError(
            error(
                "single_class_target",
                "the target holds a single class, so no curve can be drawn",
                "evaluate on rows holding both positive and negative examples",
                param="target",
            )
        )
    return curves


def points_frame(curves: list[Curve], x_name: str, y_name: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "class": np.concatenate(
                [np.full(len(c.x), str(c.label), dtype=object) for c in curves]
            ),
            "threshold": np.concatenate([c.thresholds for c in curves]).astype(np.float64),
            x_name: np.concatenate([c.x for c in curves]).astype(np.float64),
            y_name: np.concatenate([c.y for c in curves]).astype(np.float64),
        }
    )


def curve_metrics(curves: list[Curve], name: str, *, binary: bool) -> dict[str, float | int | str]:
    if binary:
        return {name: curves[0].area}
    result: dict[str, float | int | str] = {f"{name}_{c.label}": c.area for c in curves}
    result[f"{name}_macro"] = float(np.mean([c.area for c in curves]))
    return result


class CurveNode(ScoredNode[BinaryParams]):
    """What the ROC and precision-recall nodes share: a scored frame in; the chart, the points
    table and the area metric out. A subclass names its curve, axes and metric."""

    curve_kind: ClassVar[CurveKind]
    x_name: ClassVar[str]  # the points table's x column, e.g. "fpr"
    y_name: ClassVar[str]
    x_title: ClassVar[str]
    y_title: ClassVar[str]
    chart_title: ClassVar[str]
    area_label: ClassVar[str]  # in the legend, e.g. "AUC"
    metric_name: ClassVar[str]  # e.g. "roc_auc"
    diagonal: ClassVar[bool]

    def validate(
        self, params: BinaryParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return super().validate(params, inputs, settings) + proba_issues(inputs.get("scored"))

    def infer_schema(
        self, params: BinaryParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        points = TableSchema.of(
            **{"class": "string", "threshold": "float", self.x_name: "float", self.y_name: "float"}
        )
        return {"plot": None, "points": points, "metrics": None}

    def compute(self, ctx: ExecutionContext, params: BinaryParams, **inputs: Any) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["scored"]
        scored = read_classes(frame, params.target)
        curves = class_curves(scored, params.pos_label, self.curve_kind, ctx.log)
        figure = curves_figure(
            [(f"{c.label} ({self.area_label} {c.area:.3f})", c.x, c.y) for c in curves],
            x_title=self.x_title,
            y_title=self.y_title,
            title=self.chart_title + ("" if scored.is_binary else " (one vs rest)"),
            diagonal=self.diagonal,
        )
        return {
            "plot": figure,
            "points": points_frame(curves, self.x_name, self.y_name),
            "metrics": curve_metrics(curves, self.metric_name, binary=scored.is_binary),
        }
