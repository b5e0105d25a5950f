"""Train/test split: equal to scikit-learn's train_test_split, time-ordered splits, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from node_library.contract import NodeError, RecordingContext
from node_library.nodes.sources.sample_dataset import load_sample
from node_library.nodes.split.train_test_split import TrainTestSplitNode, TrainTestSplitParams
from node_library.schema import schema_of_frame
from node_library.settings import NodeSettings

NODE = TrainTestSplitNode()


def split(frame: pd.DataFrame, **params: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = NODE.execute(RecordingContext(), TrainTestSplitParams.model_validate(params), data=frame)
    return out["train"], out["test"]


def issues(frame: pd.DataFrame | None, **params: object) -> list[str]:
    schemas = {} if frame is None else {"data": schema_of_frame(frame)}
    found = NODE.validate(TrainTestSplitParams.model_validate(params), schemas, NodeSettings())
    return [f"{i.code}:{i.param}" for i in found]


def error_of(frame: pd.DataFrame, **params: object) -> NodeError:
    with pytest.raises(NodeError) as caught:
        split(frame, **params)
    return caught.value


@pytest.mark.parametrize("shuffle", [True, False])
def test_random_split_equals_sklearn_train_test_split(shuffle: bool) -> None:
    iris = load_sample("iris")
    train, test = split(iris, test_size=0.3, random_state=7, shuffle=shuffle)
    expected_train, expected_test = train_test_split(
        iris, test_size=0.3, random_state=7, shuffle=shuffle
    )
    pd.testing.assert_frame_equal(train, expected_train.reset_index(drop=True))
    pd.testing.assert_frame_equal(test, expected_test.reset_index(drop=True))


def test_stratified_split_equals_sklearn_and_keeps_class_shares() -> None:
    wine = load_sample("wine")
    train, test = split(
        wine, method="stratified", stratify_column="target", test_size=0.2, random_state=3
    )
    expected_train, expected_test = train_test_split(
        wine, test_size=0.2, random_state=3, stratify=wine["target"]
    )
    pd.testing.assert_frame_equal(train, expected_train.reset_index(drop=True))
    pd.testing.assert_frame_equal(test, expected_test.reset_index(drop=True))
    shares = wine["target"].value_counts(normalize=True).sort_index()
    test_shares = test["target"].value_counts(normalize=True).sort_index()
    assert np.abs(shares - test_shares).max() < 0.03


def test_different_seeds_give_different_splits_and_the_same_seed_the_same() -> None:
    iris = load_sample("iris")
    first, _ = split(iris, random_state=1)
    again, _ = split(iris, random_state=1)
    other, _ = split(iris, random_state=2)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_time_ordered_split_puts_the_latest_rows_in_test() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "at": pd.date_range("2026-01-01", periods=10, freq="D")[rng.permutation(10)],
            "value": range(10),
        }
    )
    train, test = split(frame, method="time-ordered", time_column="at", test_size=0.25)
    assert len(test) == math.ceil(0.25 * 10) == 3
    assert list(test["at"]) == list(pd.date_range("2026-01-08", periods=3, freq="D"))
    assert train["at"].is_monotonic_increasing and train["at"].max() < test["at"].min()
    pd.testing.assert_frame_equal(
        pd.concat([train, test], ignore_index=True),
        frame.sort_values("at", kind="stable").reset_index(drop=True),
    )


def test_time_ordered_split_keeps_ties_in_input_order() -> None:
    frame = pd.DataFrame({"t": [2, 1, 2, 1], "row": ["a", "b", "c", "d"]})
    train, test = split(frame, method="time-ordered", time_column="t", test_size=0.5)
    assert list(train["row"]) == ["b", "d"] and list(test["row"]) == ["a", "c"]


def test_split_outputs_have_the_input_schema_before_a_run() -> None:
    iris = load_sample("iris")
    params = TrainTestSplitParams()
    schema = schema_of_frame(iris)
    inferred = NODE.infer_schema(params, {"data": schema}, NodeSettings())
    assert inferred == {"train": schema, "test": schema}


def test_a_class_with_one_row_is_refused_naming_the_class_and_column() -> None:
    frame = pd.DataFrame({"x": range(7), "label": ["a", "a", "a", "b", "b", "b", "lonely"]})
    issue = error_of(frame, method="stratified", stratify_column="label", test_size=0.4).issue
    assert issue.code == "class_too_small" and issue.param == "stratify_column"
    assert "'lonely'" in issue.message and "'label'" in issue.message


def test_stratified_split_too_small_for_the_classes_is_refused() -> None:
    frame = pd.DataFrame({"label": ["a", "b", "c"] * 4})
    issue = error_of(frame, method="stratified", stratify_column="label", test_size=0.1).issue
    assert issue.code == "split_too_small" and "3 classes" in issue.message


def test_missing_values_in_the_stratify_column_are_refused() -> None:
    frame = pd.DataFrame({"label": ["a", "b", None, "a", "b", "a"]})
    issue = error_of(frame, method="stratified", stratify_column="label").issue
    assert issue.code == "missing_values" and "1 missing" in issue.message


def test_missing_times_are_refused() -> None:
    frame = pd.DataFrame({"at": pd.to_datetime(["2026-01-01", None, "2026-01-03", "2026-01-04"])})
    issue = error_of(frame, method="time-ordered", time_column="at").issue
    assert issue.code == "missing_values" and issue.param == "time_column"


def test_an_empty_frame_is_refused() -> None:
    issue = error_of(pd.DataFrame({"x": pd.Series([], dtype="float64")})).issue
    assert issue.code == "empty_input" and issue.port == "data"


def test_a_split_leaving_train_empty_is_refused() -> None:
    issue = error_of(pd.DataFrame({"x": [1.0]}), test_size=0.5).issue
    assert issue.code == "empty_split" and issue.param == "test_size"


def test_validate_names_missing_and_wrong_params_before_a_run() -> None:
    frame = pd.DataFrame({"label": ["a", "b"], "when": ["x", "y"]})
    assert issues(frame, method="stratified") == ["missing_column_param:stratify_column"]
    assert issues(frame, method="stratified", stratify_column="lable") == [
        "missing_column:stratify_column"
    ]
    assert issues(frame, method="stratified", stratify_column="label", shuffle=False) == [
        "stratified_without_shuffle:shuffle"
    ]
    assert issues(frame, method="time-ordered") == ["missing_column_param:time_column"]
    assert issues(frame, method="time-ordered", time_column="when") == ["wrong_dtype:time_column"]
    assert issues(None, method="time-ordered", time_column="when") == []


@pytest.mark.parametrize("size", [0.0, 1.0, -0.1])
def test_test_size_must_be_strictly_between_zero_and_one(size: float) -> None:
    with pytest.raises(ValueError):
        TrainTestSplitParams(test_size=size)
