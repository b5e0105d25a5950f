"""The evaluation nodes that read a scored frame (the output of Predict): their `scored` input,
`target` param and checks, and the reading of the frame.

A scored frame holds the input columns, the true `target` column, `prediction` and, for
classifiers with probabilities, one `proba_<class>` column per class in the model's class order
(node_library/ml/fitted.py). This module checks those columns (before a run from the schema, at
run time from the data) and pairs each proba column with its class label:

- a proba column's label is the target or prediction value whose text is the suffix
  (`proba_1` -> 1, `proba_setosa` -> "setosa"); a class the data never shows is parsed as a number
  when the target is numeric, else kept as text;
- every class of the target must have a proba column: a class the model never saw in training
  cannot be scored by probability metrics, so that is a run-time error listing the classes.

An empty `target` param means the scored frame's target-role column (`resolve_params`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np
import pandas as pd
from pandas.api import types as pdt
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns, require_numeric
from node_library.contract import Issue, NodeError, NodeParams, NodeType, Port, PortSchema, error
from node_library.datatypes import DataType
from node_library.ml.prediction import PREDICTION, PROBA_PREFIX
from node_library.roles import default_target, missing_target_hint
from node_library.schema import Dtype, Role, TableSchema
from node_library.settings import NodeSettings


class ScoredParams(NodeParams):
    """Params shared by the nodes that read a scored frame."""

    target: str = Field(
        "",
        description="Column holding the true values the predictions are compared with. Empty "
        'means the column with the target role (or, when no column has it, "target").',
        json_schema_extra=widgets.column(),
    )


class BinaryParams(ScoredParams):
    pos_label: str | None = Field(
        None,
        description=(
            "Two classes: the positive class, as it is written in the target (empty means the "
            "last class of the model, like scikit-learn's classes_[1])."
        ),
    )


S = TypeVar("S", bound=ScoredParams)


class ScoredNode(NodeType[S], Generic[S]):
    """Base of the nodes that evaluate a scored frame; subclasses declare their outputs."""

    category = "evaluate"
    inputs = (Port("scored", DataType.DATAFRAME, "Scored", description="Output of Predict."),)
    # True for regression nodes: the target and the predictions must be numbers
    numeric_target: ClassVar[bool] = False

    def resolve_params(
        self, params: S, inputs: Mapping[str, PortSchema], roles: Mapping[str, Mapping[str, Role]]
    ) -> S:
        """An empty target becomes the target-role column of the scored frame (Predict's output
        keeps the roles of the frame it scored, even before its columns are known)."""
        if params.target:
            return params
        target = default_target(roles.get("scored", {}), inputs.get("scored"))
        return params.model_copy(update={"target": target}) if target else params

    def validate(
        self, params: S, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        schema = inputs.get("scored")
        if not params.target:
            return [
                error(
                    "missing_target",
                    "no target column is chosen",
                    missing_target_hint({} if schema is None else schema.roles),
                    param="target",
                )
            ]
        return scored_issues(schema, params.target, numeric=self.numeric_target)


def scored_issues(
    schema: TableSchema | None, target: str, *, numeric: bool = False, port: str = "scored"
) -> list[Issue]:
    """Issues of a scored input: the target and `prediction` columns must be there."""
    if schema is None:
        return []
    issues = require_columns(schema, [target], param="target")
    if PREDICTION not in schema:
        issues.append(
            error(
                "missing_prediction",
                f"input {port!r} has no {PREDICTION!r} column",
                "connect a Predict node's output (it appends the prediction column)",
                port=port,
            )
        )
    if numeric:
        issues += require_numeric(schema, [target], param="target")
        dtype = schema.dtype_of(PREDICTION)
        if dtype is not None and dtype is not Dtype.UNKNOWN and not dtype.is_numeric:
            issues.append(
                error(
                    "wrong_dtype",
                    f"the predictions are {dtype.value}, not numbers: they come from a classifier",
                    "evaluate a classifier with Classification metrics, or predict with a "
                    "regression model",
                    port=port,
                )
            )
    return issues


def proba_columns(columns: Any) -> list[str]:
    return [str(c) for c in columns if str(c).startswith(PROBA_PREFIX)]


def require_rows(frame: pd.DataFrame, *, port: str) -> None:
    if frame.empty:
        raise NodeError(
            error(
                "empty_input",
                f"input {port!r} has no rows to evaluate",
                "check the filters and splits upstream; they removed every row",
                port=port,
            )
        )


def require_complete(frame: pd.DataFrame, columns: list[str], *, param: str) -> None:
    """Raise when any of `columns` has missing values (metrics are undefined on them)."""
    for name in columns:
        missing = int(frame[name].isna().sum())
        if missing:
            raise NodeError(
                error(
                    "missing_values",
                    f"column {name!r} has {missing} missing values of {len(frame)}",
                    "drop those rows first (Missing values node, strategy drop_rows)",
                    param=param,
                )
            )


@dataclass(frozen=True)
class ScoredClasses:
    """The class-label view of a scored frame."""

    y_true: np.ndarray
    y_pred: np.ndarray
    classes: list[Any]  # proba column order when there are proba columns, else sorted labels
    proba: np.ndarray | None  # rows x classes, or None without proba columns

    @property
    def is_binary(self) -> bool:
        return len(self.classes) == 2

    def resolve_pos_label(self, pos_label: str | None) -> Any:
        """The positive class named by `pos_label` (its text), or the last class."""
        if pos_label is None:
            return self.classes[-1]
        for label in self.classes:
            if str(label) == pos_label:
                return label
        raise NodeError(
            error(
                "unknown_pos_label",
                f"pos_label {pos_label!r} is not one of the classes "
                f"{', '.join(str(c) for c in self.classes)}",
                "type one of those classes, or leave pos_label empty for the last one",
                param="pos_label",
            )
        )

    def proba_of(self, label: Any) -> np.ndarray:
        assert self.proba is not None
        return self.proba[:, self.classes.index(label)]


def read_classes(frame: pd.DataFrame, target: str, *, port: str = "scored") -> ScoredClasses:
    """Check a classification scored frame and pair its proba columns with class labels."""
    require_rows(frame, port=port)
    probas = proba_columns(frame.columns)
    require_complete(frame, [target, PREDICTION, *probas], param="target")
    y_true = frame[target].to_numpy()
    y_pred = frame[PREDICTION].to_numpy()
    _require_class_labels(y_true, y_pred, target)
    if not probas:
        from sklearn.utils.multiclass import unique_labels

        return ScoredClasses(y_true, y_pred, list(unique_labels(y_true, y_pred)), None)
    observed = {str(v): v for v in (*pd.unique(y_true), *pd.unique(y_pred))}
    numeric = pdt.is_numeric_dtype(frame[target].dtype)
    classes = [_label(column[len(PROBA_PREFIX) :], observed, numeric=numeric) for column in probas]
    known = {str(c) for c in classes}
    unseen = [v for v in pd.unique(y_true) if str(v) not in known]
    if unseen:
        raise NodeError(
            error(
                "class_without_proba",
                f"target {target!r} has classes with no probability column: "
                f"{', '.join(repr(v) for v in unseen)} (the model knows "
                f"{', '.join(str(c) for c in classes)})",
                "train the model on data holding every class, or filter those rows out first",
                param="target",
            )
        )
    proba = frame[probas].to_numpy(dtype=np.float64)
    return ScoredClasses(y_true, y_pred, classes, proba)


def _label(text: str, observed: dict[str, Any], *, numeric: bool) -> Any:
    if text in observed:
        return observed[text]
    if numeric:
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return text
    return text


def _require_class_labels(y_true: np.ndarray, y_pred: np.ndarray, target: str) -> None:
    from sklearn.utils.multiclass import type_of_target

    for values, what in ((y_true, f"target {target!r}"), (y_pred, f"column {PREDICTION!r}")):
        if type_of_target(values).startswith("continuous"):
            raise NodeError(
                error(
                    "not_a_class_target",
                    f"{what} holds continuous numbers, not class labels",
                    "use Regression metrics for a regression model, or pick the class column",
                    param="target",
                )
            )
