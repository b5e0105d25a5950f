"""The boosting nodes' own params: early stopping on the validation input (the same model as
hand-written XGBoost / LightGBM with an eval set, the rounds used in the model's meta, kept by
the stored model), XGBoost's tree_method, LightGBM's deterministic mode, and `n_jobs` on the
model nodes that have it; old saved params load into the new versions unchanged."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from node_library import default_registry
from node_library.contract import NodeError, RecordingContext, Severity
from node_library.ml.fitted import FittedModel
from node_library.ml.model_files import decode_estimator, encode_estimator
from node_library.node_kinds.models import ModelNode
from node_library.nodes.sources.sample_dataset import load_sample
from node_library.schema import schema_of_frame
from node_library.settings import NodeSettings
from tests.node_library.cases_models import iris_labelled

REGISTRY = default_registry()
SETTINGS = NodeSettings()


def fit(type_id: str, params: dict[str, Any], **inputs: Any) -> tuple[FittedModel, list[str]]:
    node = REGISTRY.get(type_id)
    assert node is not None, type_id
    ctx = RecordingContext()
    outputs = node.execute(ctx, node.Params.model_validate(params), **inputs)
    model = outputs["model"]
    assert isinstance(model, FittedModel)
    return model, [event for _, event in ctx.events]


def halves(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    shuffled = frame.sample(frac=1.0, random_state=0).reset_index(drop=True)
    cut = len(shuffled) * 2 // 3
    return shuffled.iloc[:cut].reset_index(drop=True), shuffled.iloc[cut:].reset_index(drop=True)


def test_xgboost_early_stopping_equals_a_hand_written_eval_set_fit() -> None:
    from xgboost import XGBRegressor

    train, valid = halves(load_sample("diabetes"))
    params = {"target": "target", "n_estimators": 300, "early_stopping_rounds": 5}
    model, events = fit("models.xgboost_regressor", params, train=train, validation=valid)

    X, y = train.drop(columns="target"), train["target"]
    Xv, yv = valid.drop(columns="target"), valid["target"]
    expected = XGBRegressor(n_estimators=300, random_state=0, early_stopping_rounds=5)
    expected.fit(X, y, eval_set=[(Xv, yv)], verbose=False)
    np.testing.assert_array_equal(model.estimator.predict(Xv), expected.predict(Xv))

    facts = model.meta.training
    assert facts["rounds_used"] == expected.best_iteration + 1 < 300
    assert facts["rounds_trained"] == expected.get_booster().num_boosted_rounds()
    assert facts["validation_metric"] == "rmse" and facts["validation_rows"] == len(valid)
    assert facts["best_validation_score"] == expected.best_score
    assert any("early stopping: stopped early" in e for e in events)
    # the fitted model keeps no early stopping: cross-validating it needs no validation set
    assert model.estimator.get_params()["early_stopping_rounds"] is None
    # the stored model (native UBJSON) still predicts with the best round
    data, fmt, _ = encode_estimator(model.estimator)
    loaded = decode_estimator(fmt, data, "xgboost.XGBRegressor", model.meta)
    np.testing.assert_array_equal(loaded.predict(Xv), expected.predict(Xv))


def test_lightgbm_early_stopping_on_text_labels_equals_a_hand_written_fit() -> None:
    import lightgbm
    from lightgbm import LGBMClassifier

    train, valid = halves(iris_labelled())
    params = {
        "target": "species",
        "n_estimators": 400,
        "learning_rate": 0.3,
        "early_stopping_rounds": 3,
        "min_child_samples": 5,
    }
    model, _ = fit("models.lightgbm_classifier", params, train=train, validation=valid)

    X, y = train.drop(columns="species"), train["species"]
    Xv, yv = valid.drop(columns="species"), valid["species"]
    expected = LGBMClassifier(
        n_estimators=400, learning_rate=0.3, min_child_samples=5, random_state=0, verbose=-1
    )
    with warnings.catch_warnings():  # eval_set is deprecated, but it codes the labels
        warnings.simplefilter("ignore")
        expected.fit(
            X, y, eval_set=[(Xv, yv)], callbacks=[lightgbm.early_stopping(3, verbose=False)]
        )
    np.testing.assert_array_equal(model.estimator.predict_proba(Xv), expected.predict_proba(Xv))
    facts = model.meta.training
    assert facts["rounds_used"] == expected.best_iteration_ < 400
    assert facts["validation_metric"] == "multi_logloss"
    data, fmt, _ = encode_estimator(model.estimator)
    loaded = decode_estimator(fmt, data, "lightgbm.LGBMClassifier", model.meta)
    np.testing.assert_array_equal(loaded.predict_proba(Xv), expected.predict_proba(Xv))


def test_xgboost_classifier_validation_labels_are_coded_like_the_training_labels() -> None:
    train, valid = halves(iris_labelled())
    params = {"target": "species", "n_estimators": 50, "early_stopping_rounds": 3}
    model, _ = fit("models.xgboost_classifier", params, train=train, validation=valid)
    assert model.meta.training["validation_metric"] == "mlogloss"

    unseen = valid.assign(species=valid["species"].replace("setosa", "unknown"))
    with pytest.raises(NodeError) as caught:
        fit("models.xgboost_classifier", params, train=train, validation=unseen)
    issue = caught.value.issue
    assert (issue.code, issue.port) == ("unseen_class", "validation")
    assert "'unknown'" in issue.message


def test_without_early_stopping_the_rounds_are_recorded_and_the_model_is_unchanged() -> None:
    from xgboost import XGBRegressor

    frame = load_sample("diabetes")
    model, _ = fit(
        "models.xgboost_regressor", {"target": "target", "n_estimators": 20}, train=frame
    )
    X = frame.drop(columns="target")
    expected = XGBRegressor(n_estimators=20, random_state=0).fit(X, frame["target"])
    np.testing.assert_array_equal(model.estimator.predict(X), expected.predict(X))
    assert model.meta.training == {"rounds_trained": 20, "rounds_used": 20}
    assert model.estimator.get_params()["tree_method"] == "hist"  # XGBoost's own default


def test_early_stopping_needs_the_validation_input_and_validation_needs_early_stopping() -> None:
    node = REGISTRY.get("models.lightgbm_regressor")
    assert node is not None
    schema = schema_of_frame(load_sample("diabetes"))
    stopping = node.Params.model_validate({"target": "target", "early_stopping_rounds": 10})
    issues = node.validate(stopping, {"train": schema}, SETTINGS)
    assert [(i.code, i.param, i.severity) for i in issues] == [
        ("missing_validation", "early_stopping_rounds", Severity.ERROR)
    ]
    plain = node.Params.model_validate({"target": "target"})
    issues = node.validate(plain, {"train": schema, "validation": schema}, SETTINGS)
    assert [(i.code, i.port, i.severity) for i in issues] == [
        ("unused_input", "validation", Severity.WARNING)
    ]
    narrow = schema.drop(["bmi"])
    issues = node.validate(stopping, {"train": schema, "validation": narrow}, SETTINGS)
    assert [(i.code, i.port) for i in issues] == [("missing_column", "validation")]


def test_a_boosting_spec_with_early_stopping_cross_validates_with_all_its_rounds() -> None:
    from sklearn.model_selection import KFold, cross_val_score
    from xgboost import XGBRegressor

    node = REGISTRY.get("models.xgboost_regressor")
    cv = REGISTRY.get("evaluate.cross_validate")
    assert node is not None and cv is not None
    params = {"target": "target", "n_estimators": 10, "early_stopping_rounds": 3}
    spec_params = node.Params.model_validate(params)
    warned = [i.code for i in node.validate(spec_params, {}, SETTINGS)]
    assert warned == ["unused_param"]  # a warning: the spec still runs
    spec = node.execute(RecordingContext(), spec_params)["spec"]
    frame = load_sample("diabetes")
    cv_params = cv.Params.model_validate({"n_splits": 3, "scoring": ["r2"]})
    scores = cv.execute(RecordingContext(), cv_params, model=spec, data=frame)["scores"]
    expected = cross_val_score(
        XGBRegressor(n_estimators=10, random_state=0),
        frame.drop(columns="target"),
        frame["target"],
        cv=KFold(3),
        scoring="r2",
    )
    np.testing.assert_array_equal(scores["r2"], expected)


def test_xgboost_tree_method_reaches_the_estimator() -> None:
    frame = load_sample("diabetes")
    params = {"target": "target", "n_estimators": 5, "tree_method": "exact"}
    model, _ = fit("models.xgboost_regressor", params, train=frame)
    config = model.estimator.get_booster().save_config()
    assert '"tree_method":"exact"' in config.replace(" ", "")


def test_lightgbm_deterministic_forces_row_wise_histograms_and_threads_pass_through() -> None:
    node = REGISTRY.get("models.lightgbm_regressor")
    assert isinstance(node, ModelNode)
    params = node.Params.model_validate({"target": "target", "deterministic": True, "n_jobs": 2})
    estimator = node.make_estimator(params)
    assert estimator.get_params()["deterministic"] is True
    assert estimator.get_params()["force_row_wise"] is True
    assert estimator.get_params()["n_jobs"] == 2
    default = node.make_estimator(node.Params.model_validate({"target": "target"}))
    assert "force_row_wise" not in default.get_params() and default.get_params()["n_jobs"] is None


@pytest.mark.parametrize(
    ("type_id", "params", "train"),
    [
        ("models.random_forest_classifier", {"target": "species", "n_estimators": 5}, "iris"),
        ("models.knn_classifier", {"target": "species"}, "iris"),
        ("models.linear_regression", {"target": "target"}, "diabetes"),
        ("models.lightgbm_regressor", {"target": "target", "n_estimators": 5}, "diabetes"),
    ],
)
def test_n_jobs_changes_the_speed_not_the_model(
    type_id: str, params: dict[str, Any], train: str
) -> None:
    frame = iris_labelled() if train == "iris" else load_sample("diabetes")
    default, _ = fit(type_id, params, train=frame)
    parallel, _ = fit(type_id, {**params, "n_jobs": 2}, train=frame)
    assert default.estimator.get_params()["n_jobs"] is None
    assert parallel.estimator.get_params()["n_jobs"] == 2
    X = frame[default.meta.features]
    np.testing.assert_array_equal(default.estimator.predict(X), parallel.estimator.predict(X))


def test_zero_jobs_is_refused_with_what_to_write_instead() -> None:
    node = REGISTRY.get("models.random_forest_regressor")
    assert node is not None
    with pytest.raises(ValidationError, match="-1 for every core"):
        node.Params.model_validate({"n_jobs": 0})


@pytest.mark.parametrize(
    "type_id",
    [
        "models.xgboost_classifier",
        "models.xgboost_regressor",
        "models.lightgbm_classifier",
        "models.lightgbm_regressor",
        "models.random_forest_classifier",
        "models.random_forest_regressor",
        "models.knn_classifier",
        "models.linear_regression",
        "models.dbscan",
    ],
)
def test_params_saved_by_version_1_load_unchanged_into_version_2(type_id: str) -> None:
    node = REGISTRY.get(type_id)
    assert node is not None and node.version == 2
    saved = node.Params().model_dump(mode="json")
    for new in ("n_jobs", "early_stopping_rounds", "tree_method", "deterministic"):
        saved.pop(new, None)
    migrated = node.migrate_params(dict(saved), 1)
    assert migrated == saved
    assert node.Params.model_validate(migrated) == node.Params()
