"""Split a frame into train and test rows.

- random: scikit-learn's train_test_split with `test_size`, `random_state` and `shuffle` (without
  shuffling, the last rows are the test rows).
- stratified: the same with `stratify` = `stratify_column` (empty: the target-role column), so
  each class keeps its share in both parts. Every class needs at least two rows, and each part
  at least one row per class.
- time-ordered: rows sorted by `time_column` (stable, so ties keep their order); the last
  `test_size` share is the test set, so the model is tested on the future. `shuffle` and
  `random_state` are not used.

A `random_state` other than 0 where no rows are drawn at random (random without shuffle,
time-ordered) is a warning naming the param, not silently ignored.

The test part has ceil(test_size * rows) rows, as in scikit-learn. Both outputs have the input's
columns and a fresh 0..n-1 index; rows keep the order scikit-learn (or the time sort) gives them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    Severity,
    error,
)
from node_library.datatypes import DataType
from node_library.roles import role_target
from node_library.schema import Dtype, Role
from node_library.settings import NodeSettings


class TrainTestSplitParams(NodeParams):
    method: Literal["random", "stratified", "time-ordered"] = Field(
        "random", description="random, stratified by a class column, or ordered by time."
    )
    test_size: float = Field(
        0.25, gt=0.0, lt=1.0, description="Share of the rows that go to the test set."
    )
    stratify_column: str = Field(
        "",
        description="stratified: the column whose classes keep their shares; empty means the "
        "column with the target role.",
        json_schema_extra=widgets.column() | widgets.visible_when(method=["stratified"]),
    )
    time_column: str = Field(
        "",
        description="time-ordered: the date/time (or numeric) column that orders the rows.",
        json_schema_extra=widgets.column() | widgets.visible_when(method=["time-ordered"]),
    )
    random_state: int = Field(
        0,
        ge=0,
        le=2**32 - 1,
        description="Seed of the shuffle; the same seed gives the same split.",
        json_schema_extra=widgets.visible_when(method=["random", "stratified"]),
    )
    shuffle: bool = Field(
        True,
        description="random: shuffle before splitting (off: the last rows are the test set).",
        # stratified too: it must stay on there, and an issue says so when it is off
        json_schema_extra=widgets.visible_when(method=["random", "stratified"]),
    )


def _unused_seed(params: TrainTestSplitParams) -> list[Issue]:
    """A seed that changes nothing is a warning, not silently ignored: without shuffling (and in
    a time-ordered split) no rows are drawn at random."""
    if params.random_state == 0:  # the default: no seed was given
        return []
    if params.method == "time-ordered":
        why, fix = "a time-ordered split takes the last rows", "set random_state back to 0"
    elif params.method == "random" and not params.shuffle:
        why = "shuffle is off, so the last rows are the test set"
        fix = "turn shuffle on for a random split with this seed, or set random_state back to 0"
    else:
        return []
    issue = error(
        "unused_seed",
        f"random_state {params.random_state} is not used: {why}",
        fix,
        param="random_state",
    )
    return [issue.model_copy(update={"severity": Severity.WARNING})]


def _column_issue(param: str, method: str, what: str) -> Issue:
    return error(
        "missing_column_param",
        f"the {method} split needs a {what}",
        f"pick the {what} in {param}",
        param=param,
    )


class TrainTestSplitNode(NodeType[TrainTestSplitParams]):
    type_id = "split.train_test_split"
    display_name = "Train/test split"
    category = "split"
    description = "Split rows into train and test sets: random, stratified or by time."
    tags = ("split", "train", "test", "holdout", "stratified", "time series")
    Params = TrainTestSplitParams
    inputs = (Port("data", DataType.DATAFRAME, "Data"),)
    passes_through = "data"
    outputs = (
        Port("train", DataType.DATAFRAME, "Train"),
        Port("test", DataType.DATAFRAME, "Test"),
    )

    def resolve_params(
        self,
        params: TrainTestSplitParams,
        inputs: Mapping[str, PortSchema],
        roles: Mapping[str, Mapping[str, Role]],
    ) -> TrainTestSplitParams:
        """A stratified split without a stratify column keeps the classes of the target-role
        column."""
        if params.method != "stratified" or params.stratify_column:
            return params
        target = role_target(roles.get("data", {}))
        return params.model_copy(update={"stratify_column": target}) if target else params

    def validate(
        self, params: TrainTestSplitParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return self._method_issues(params, inputs) + _unused_seed(params)

    def _method_issues(
        self, params: TrainTestSplitParams, inputs: Mapping[str, PortSchema]
    ) -> list[Issue]:
        schema = inputs.get("data")
        if params.method == "stratified":
            if not params.stratify_column:
                return [_column_issue("stratify_column", "stratified", "class column")]
            if not params.shuffle:
                return [
                    error(
                        "stratified_without_shuffle",
                        "a stratified split always shuffles the rows",
                        "turn shuffle on, or use the random method without shuffling",
                        param="shuffle",
                    )
                ]
            return require_columns(schema, [params.stratify_column], param="stratify_column")
        if params.method == "time-ordered":
            if not params.time_column:
                return [_column_issue("time_column", "time-ordered", "time column")]
            issues = require_columns(schema, [params.time_column], param="time_column")
            dtype = schema.dtype_of(params.time_column) if schema is not None else None
            if dtype in (Dtype.STRING, Dtype.CATEGORY, Dtype.BOOLEAN):
                name = params.time_column
                issues.append(
                    error(
                        "wrong_dtype",
                        f"column {name!r} is {dtype.value}, not a date/time or a number",
                        "convert it with a Convert types node (target datetime) first",
                        param="time_column",
                    )
                )
            return issues
        return []

    def compute(
        self, ctx: ExecutionContext, params: TrainTestSplitParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        train, test = split_frame(frame, params)
        ctx.log(f"{len(train):,} train rows, {len(test):,} test rows")
        return {"train": train, "test": test}


def split_frame(
    frame: pd.DataFrame, params: TrainTestSplitParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = len(frame)
    if rows == 0:
        raise NodeError(
            error(
                "empty_input",
                "the data has no rows to split",
                "check the upstream source or filter",
                port="data",
            )
        )
    n_test = math.ceil(params.test_size * rows)
    n_train = rows - n_test
    if n_train == 0:
        raise NodeError(
            error(
                "empty_split",
                f"with {rows} row(s) and test_size {params.test_size} no row is left for train",
                "use a smaller test_size or more rows",
                param="test_size",
            )
        )
    if params.method == "time-ordered":
        return _time_split(frame, params.time_column, n_train)
    stratify = None
    if params.method == "stratified":
        stratify = frame[params.stratify_column]
        _check_strata(stratify, params.stratify_column, n_train, n_test)
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(
        frame,
        test_size=params.test_size,
        random_state=params.random_state,
        shuffle=params.shuffle,
        stratify=stratify,
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def _check_strata(strata: pd.Series, column: str, n_train: int, n_test: int) -> None:
    missing = int(strata.isna().sum())
    if missing:
        raise NodeError(
            error(
                "missing_values",
                f"the stratify column {column!r} has {missing} missing value(s)",
                "fill or drop them first (Missing values node), or stratify by another column",
                param="stratify_column",
            )
        )
    counts = strata.value_counts(sort=False)
    single = [repr(c) for c, n in counts.items() if n < 2]
    if single:
        shown = ", ".join(single[:10]) + (
            f" and {len(single) - 10} more" if len(single) > 10 else ""
        )
        raise NodeError(
            error(
                "class_too_small",
                f"class {shown} of column {column!r} has only one row; a stratified split "
                "needs at least two rows per class",
                "drop or merge the rare classes, or use the random method",
                param="stratify_column",
            )
        )
    classes = len(counts)
    if n_test < classes or n_train < classes:
        part, size = ("test", n_test) if n_test < classes else ("train", n_train)
        raise NodeError(
            error(
                "split_too_small",
                f"the {part} set would have {size} row(s) for {classes} classes of {column!r}; "
                "each part needs at least one row per class",
                "change test_size so both parts have at least one row per class",
                param="test_size",
            )
        )


def _time_split(
    frame: pd.DataFrame, column: str, n_train: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    times = frame[column]
    missing = int(times.isna().sum())
    if missing:
        raise NodeError(
            error(
                "missing_values",
                f"the time column {column!r} has {missing} missing value(s), so those rows "
                "have no place in time",
                "fill or drop them first (Missing values node)",
                param="time_column",
            )
        )
    ordered = frame.iloc[times.argsort(kind="stable")].reset_index(drop=True)
    return ordered.iloc[:n_train].reset_index(drop=True), ordered.iloc[n_train:].reset_index(
        drop=True
    )
