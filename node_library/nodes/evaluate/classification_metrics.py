"""Classification metrics of a scored frame, computed with sklearn.metrics on its columns.

accuracy, balanced_accuracy, precision, recall and f1 (averaged as `average` says; `auto` is
binary for two classes and macro otherwise) from `target` and `prediction`; roc_auc (two classes:
the positive class's probability; more: one-vs-rest, macro averaged) and log_loss when the frame
has `proba_<class>` columns. `rows` counts the scored rows. A ROC AUC that is undefined (the
target holds a single class) is left out and logged rather than reported as a made-up number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library.contract import ExecutionContext, NodeError, Port, error
from node_library.datatypes import DataType
from node_library.node_kinds.scored import BinaryParams, ScoredClasses, ScoredNode, read_classes
from node_library.values import Metrics

Average = Literal["auto", "binary", "macro", "weighted", "micro"]


class ClassificationMetricsParams(BinaryParams):
    average: Average = Field(
        "auto",
        description=(
            "How precision, recall and F1 combine classes: binary (the positive class only), "
            "macro (plain mean over classes), weighted (by class size), micro (over all rows); "
            "auto is binary for two classes, macro otherwise."
        ),
    )


class ClassificationMetricsNode(ScoredNode[ClassificationMetricsParams]):
    type_id = "evaluate.classification_metrics"
    display_name = "Classification metrics"
    description = "Accuracy, balanced accuracy, precision, recall, F1, ROC AUC and log loss."
    tags = ("accuracy", "f1", "precision", "recall", "auc", "log loss", "score", "evaluate")
    Params = ClassificationMetricsParams
    outputs = (Port("metrics", DataType.METRICS, "Metrics"),)

    def compute(
        self, ctx: ExecutionContext, params: ClassificationMetricsParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["scored"]
        scored = read_classes(frame, params.target)
        return {"metrics": classification_metrics(scored, params, ctx.log)}


def classification_metrics(
    scored: ScoredClasses,
    params: ClassificationMetricsParams,
    log: Callable[[str], None] = lambda _: None,
) -> Metrics:
    from sklearn import metrics as skm

    y, pred = scored.y_true, scored.y_pred
    average = params.average
    if average == "auto":
        average = "binary" if scored.is_binary else "macro"
    if average == "binary" and not scored.is_binary:
        raise NodeError(
            error(
                "not_binary",
                f"average binary needs two classes; there are {len(scored.classes)}: "
                f"{', '.join(str(c) for c in scored.classes[:20])}",
                "pick macro, weighted or micro",
                param="average",
            )
        )
    extra: dict[str, Any] = {"average": average}
    if average == "binary":
        extra["pos_label"] = scored.resolve_pos_label(params.pos_label)
    result: Metrics = {
        "rows": len(y),
        "accuracy": float(skm.accuracy_score(y, pred)),
        "balanced_accuracy": float(skm.balanced_accuracy_score(y, pred)),
        "precision": float(skm.precision_score(y, pred, **extra)),
        "recall": float(skm.recall_score(y, pred, **extra)),
        "f1": float(skm.f1_score(y, pred, **extra)),
    }
    if scored.proba is None:
        return result
    try:
        if scored.is_binary:
            positive = scored.resolve_pos_label(params.pos_label)
            result["roc_auc"] = float(skm.roc_auc_score(y == positive, scored.proba_of(positive)))
        else:
            result["roc_auc"] = float(
                skm.roc_auc_score(
                    y, scored.proba, multi_class="ovr", average="macro", labels=scored.classes
                )
            )
    except ValueError as exc:
        log(f"roc_auc left out: {exc}")
    result["log_loss"] = float(skm.log_loss(y, scored.proba, labels=scored.classes))
    return result
