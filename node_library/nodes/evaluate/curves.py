"""Shared computation of the ROC and precision-recall curve nodes.

Two classes: one curve, of the positive class (`pos_label`). More: one-vs-rest curves, one per
class, each from that class's probability column. A class without rows in the target has no
curve (its true-positive rate is undefined); it is left out and logged, and if no class is left
the node fails. Thresholds go to the `points` table; the first ROC point (nothing predicted
positive, threshold +inf in scikit-learn) and the last precision-recall point (precision 1,
recall 0, no threshold) get an empty threshold so the table stays plain JSON. The table keeps
every point; the chart draws at most 2,000 evenly spread points per curve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from node_library.contract import Issue, NodeError, error
from node_library.nodes.evaluate.scored import ScoredClasses, proba_columns
from node_library.schema import TableSchema

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
