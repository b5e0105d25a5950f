"""Model comparison node: the same folds for every model, scores equal to scikit-learn's
cross_validate on those folds, the corrected resampled t-test against a hand computation, the
verdict, and the refusals (models of different kinds, targets or features)."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from scipy.stats import t as student_t
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate

from node_library.contract import NodeError, NodeType, RecordingContext, Severity
from node_library.ml.fitted import FittedModel
from node_library.nodes.evaluate.compare_models import (
    CompareModelsNode,
    compare,
    corrected_resampled_t_test,
)
from node_library.nodes.sources.sample_dataset import load_sample
from node_library.schema import schema_of_frame
from node_library.settings import NodeSettings
from tests.node_library.cases_evaluate import diabetes_regressor, fitted, iris_classifier, split
from tests.node_library.cases_tune import iris_forest

NODE = CompareModelsNode()
SETTINGS = NodeSettings()


def run(params: dict[str, Any], ctx: RecordingContext | None = None, **inputs: Any) -> Any:
    outputs = NODE.execute(ctx or RecordingContext(), NODE.Params.model_validate(params), **inputs)
    json.dumps(outputs["metrics"])
    json.dumps(outputs["comparison"])
    json.dumps(outputs["plot"])
    return outputs


def run_error(params: dict[str, Any], **inputs: Any) -> Any:
    with pytest.raises(NodeError) as caught:
        run(params, **inputs)
    return caught.value.issue


def hand_t_test(differences: list[float], n_train: float, n_test: float) -> tuple[float, float]:
    """The Nadeau-Bengio formula written out with the standard library."""
    j = len(differences)
    mean = sum(differences) / j
    variance = sum((d - mean) ** 2 for d in differences) / (j - 1)
    t = mean / math.sqrt((1 / j + n_test / n_train) * variance)
    return t, 2 * (1 - student_t.cdf(abs(t), j - 1))


def test_corrected_t_test_equals_the_formula_by_hand() -> None:
    differences = [0.02, 0.01, 0.03, 0.0, 0.02, -0.01, 0.04, 0.01, 0.02, 0.03]
    t, p = corrected_resampled_t_test(np.array(differences), n_train=90, n_test=10)
    hand_t, hand_p = hand_t_test(differences, 90, 10)
    assert t == pytest.approx(hand_t, rel=1e-12)  # summation order differs (numpy's pairwise)
    assert p == pytest.approx(hand_p, rel=1e-9)  # sf vs 1 - cdf: same value, other rounding
    # the correction widens the interval: the naive paired t-test is far more confident
    naive = statistics.mean(differences) / (statistics.stdev(differences) / math.sqrt(10))
    assert abs(t) < abs(naive)
    assert 0.01 < p < 0.1  # t = 2.38 on 9 degrees of freedom, 2.26 being the 5 % bound


def test_corrected_t_test_without_spread() -> None:
    assert corrected_resampled_t_test(np.zeros(5), 80, 20) == (0.0, 1.0)
    t, p = corrected_resampled_t_test(np.full(5, 0.01), 80, 20)
    assert t == math.inf and p == 0.0


def test_every_model_is_scored_on_the_same_folds_as_cross_validate_would() -> None:
    model, train, _ = iris_classifier()
    forest = iris_forest()
    features = model.meta.features
    splitter = RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=4)
    reference = {
        port: cross_validate(
            clone(m.estimator), train[features], train["target"], cv=splitter, scoring="accuracy"
        )["test_score"]
        for port, m in (("model_a", model), ("model_b", forest))
    }
    params = {
        "kind": "stratified_kfold",
        "n_splits": 5,
        "n_repeats": 3,
        "shuffle": True,
        "random_state": 4,
    }
    ctx = RecordingContext()

    out = run(params, ctx, model_a=model, model_b=forest, data=train)

    scores = out["scores"]
    np.testing.assert_array_equal(scores["model_a"], reference["model_a"])
    np.testing.assert_array_equal(scores["model_b"], reference["model_b"])
    assert scores["repeat"].tolist() == [1] * 5 + [2] * 5 + [3] * 5
    assert scores["fold"].tolist() == [1, 2, 3, 4, 5] * 3
    sizes = [(len(a), len(b)) for a, b in splitter.split(train[features], train["target"])]
    assert list(zip(scores["train_rows"], scores["test_rows"], strict=True)) == sizes

    metrics = out["metrics"]
    assert metrics["model_a_mean"] == np.mean(reference["model_a"])
    assert metrics["model_b_std"] == np.std(reference["model_b"])
    best = metrics["best"]
    other = "model_b" if best == "model_a" else "model_a"
    diffs = list(reference[best] - reference[other])
    n_train = float(np.mean([a for a, _ in sizes]))
    n_test = float(np.mean([b for _, b in sizes]))
    _, hand_p = hand_t_test(diffs, n_train, n_test)
    assert metrics[f"{other}_p_value"] == pytest.approx(hand_p, rel=1e-9)
    progress = [text for _, text in ctx.events if text.startswith("progress")]
    assert progress[-1] == "progress 30/30 model_b: fold 15 of 15"


def test_verdict_prefers_the_simpler_model_when_the_difference_is_not_significant() -> None:
    model, train, _ = iris_classifier()
    out = run(
        {"kind": "stratified_kfold", "shuffle": True, "n_repeats": 2},
        model_a=iris_forest(),
        model_b=model,
        data=train,
    )
    comparison = out["comparison"]
    assert comparison["best"] == "model_b"  # logistic regression scores higher here
    assert not comparison["tests"][0]["significant"]
    verdict = out["metrics"]["verdict"]
    assert verdict.startswith("Logistic regression scores higher than random forest (0.")
    assert "but the difference is not significant (corrected resampled t-test, p = 0." in verdict
    # the best is also the simpler one here
    assert verdict.endswith("Prefer logistic regression, which is also the simpler model.")


def test_verdict_recommends_a_simpler_model_that_is_not_significantly_worse() -> None:
    model, _, _ = iris_classifier()
    forest = iris_forest()
    scores = {
        "model_a": np.array([0.95, 0.97, 0.93, 0.96, 0.94]),
        "model_b": np.array([0.96, 0.96, 0.95, 0.97, 0.94]),
    }
    models = {"model_a": model, "model_b": forest}
    names = {"model_a": "logistic regression", "model_b": "random forest"}

    result = compare(scores, names, models, "accuracy", True, 80.0, 20.0, 0.05)

    assert result["best"] == "model_b" and result["recommended"] == "model_a"
    _, hand_p = hand_t_test(list(scores["model_b"] - scores["model_a"]), 80.0, 20.0)
    assert result["tests"][0]["p_value"] == pytest.approx(hand_p, rel=1e-9)
    assert result["verdict"] == (
        "Random forest scores higher than logistic regression (0.956 vs 0.950 accuracy), but "
        f"the difference is not significant (corrected resampled t-test, p = {hand_p:.2g}). "
        "Prefer the simpler model, logistic regression."
    )


def test_a_clearly_worse_model_is_significantly_worse() -> None:
    model, train, _ = iris_classifier()
    crippled = fitted(LogisticRegression(C=1e-4), train, "target", "classifier")
    out = run(
        {"kind": "stratified_kfold", "shuffle": True, "n_repeats": 3},
        model_a=crippled,
        model_b=model,
        data=train,
    )
    verdict = out["metrics"]["verdict"]
    # same algorithm twice: the ports tell them apart
    assert "logistic regression (model_b) scores higher than logistic regression (model_a)" in (
        verdict.lower()
    )
    assert "and the difference is significant" in verdict
    assert verdict.endswith("Prefer logistic regression (model_b).")
    assert out["metrics"]["model_a_p_value"] < 0.05


def test_three_models_are_each_tested_against_the_best() -> None:
    model, train, _ = iris_classifier()
    crippled = fitted(LogisticRegression(C=1e-4), train, "target", "classifier")
    out = run(
        {"kind": "stratified_kfold", "n_splits": 4},
        model_a=model,
        model_b=iris_forest(),
        model_c=crippled,
        data=train,
    )
    comparison = out["comparison"]
    assert {t["model"] for t in comparison["tests"]} == {"model_a", "model_b", "model_c"} - {
        comparison["best"]
    }
    assert all(t["against"] == comparison["best"] for t in comparison["tests"])
    assert list(out["scores"].columns[-3:]) == ["model_a", "model_b", "model_c"]
    assert len(out["plot"]["data"]) == 3


def test_regressors_are_compared_by_rmse_where_lower_is_better() -> None:
    ridge, train, _ = diabetes_regressor()
    forest = fitted(
        RandomForestRegressor(n_estimators=30, random_state=0), train, "target", "regressor"
    )
    out = run({"n_splits": 4}, model_a=ridge, model_b=forest, data=train)
    metrics = out["metrics"]
    assert metrics["scoring"] == "rmse"
    best, other = ("model_a", "model_b") if metrics["best"] == "model_a" else ("model_b", "model_a")
    assert metrics[f"{best}_mean"] < metrics[f"{other}_mean"]
    assert " has a lower rmse than " in metrics["verdict"]


def test_xgboost_on_text_labels_is_compared_on_its_label_codes_over_the_same_folds() -> None:
    from sklearn.model_selection import StratifiedKFold
    from xgboost import XGBClassifier

    from node_library import default_registry

    trainer = default_registry().get("models.xgboost_classifier")
    assert trainer is not None
    frame = load_sample("iris")
    frame["target"] = frame["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
    train, _ = split(frame)
    xgb = trainer.execute(
        RecordingContext(),
        trainer.Params.model_validate({"target": "target", "n_estimators": 10}),
        train=train,
    )["model"]
    logistic = fitted(LogisticRegression(max_iter=1000), train, "target", "classifier")
    features = logistic.meta.features
    _, codes = np.unique(train["target"], return_inverse=True)
    folds = StratifiedKFold(3)
    expected_xgb = cross_validate(
        XGBClassifier(n_estimators=10, random_state=0), train[features], codes, cv=folds
    )["test_score"]
    expected_lr = cross_validate(
        LogisticRegression(max_iter=1000), train[features], train["target"], cv=folds
    )["test_score"]

    scores = run(
        {"kind": "stratified_kfold", "n_splits": 3}, model_a=xgb, model_b=logistic, data=train
    )["scores"]

    np.testing.assert_array_equal(scores["model_a"], expected_xgb)
    np.testing.assert_array_equal(scores["model_b"], expected_lr)


def test_inferred_scores_schema_has_a_column_per_connected_model() -> None:
    model, train, _ = iris_classifier()
    params = NODE.Params.model_validate({"n_splits": 3})
    inputs = {"model_a": None, "model_b": None, "model_d": None, "data": schema_of_frame(train)}
    inferred = NODE.infer_schema(params, inputs, SETTINGS)["scores"]
    out = run({"n_splits": 3}, model_a=model, model_b=model, model_d=model, data=train)
    assert schema_of_frame(out["scores"]) == inferred
    assert inferred.names[-3:] == ["model_a", "model_b", "model_d"]


# -- bad input -----------------------------------------------------------------------------


def test_models_trained_on_different_targets_are_refused_naming_them() -> None:
    model, train, _ = iris_classifier()
    other = FittedModel(model.estimator, replace(model.meta, target="species"))
    issue = run_error({}, model_a=model, model_b=other, data=train.assign(species=train["target"]))
    assert issue.code == "different_targets" and issue.port == "model_b"
    assert "model_a predicts 'target', model_b predicts 'species'" in issue.message


def test_models_trained_on_different_features_are_refused_unless_asked() -> None:
    model, train, _ = iris_classifier()
    fewer = train.drop(columns=["petal width (cm)"])
    narrow = fitted(LogisticRegression(max_iter=1000), fewer, "target", "classifier")
    issue = run_error({}, model_a=model, model_b=narrow, data=train)
    assert issue.code == "different_features" and issue.port == "model_b"
    assert "lacks 'petal width (cm)' which model_a uses" in issue.message
    assert "same_features" in issue.hint
    out = run({"same_features": False}, model_a=model, model_b=narrow, data=train)
    assert len(out["scores"]) == 5


def test_a_classifier_and_a_regressor_cannot_be_compared() -> None:
    model, train, _ = iris_classifier()
    ridge = FittedModel(model.estimator, replace(model.meta, kind="regressor"))
    issue = run_error({}, model_a=model, model_b=ridge, data=train)
    assert issue.code == "mixed_model_kinds" and issue.port == "model_b"
    assert "model_a is a classifier, model_b is a regressor" in issue.message


def test_a_bad_model_input_names_its_port() -> None:
    model, train, _ = iris_classifier()
    issue = run_error({}, model_a=model, model_b="nope", data=train)
    assert issue.code == "not_a_fitted_model" and issue.port == "model_b"
    assert issue.message.startswith("model_b: ")


def test_scoring_of_the_wrong_kind_and_an_empty_frame_are_refused() -> None:
    model, train, _ = iris_classifier()
    issue = run_error({"scoring": "r2"}, model_a=model, model_b=model, data=train)
    assert issue.param == "scoring" and "classifier" in issue.message
    issue = run_error({}, model_a=model, model_b=model, data=train.iloc[:0])
    assert issue.code == "empty_input" and issue.port == "data"


def test_repeats_need_shuffled_kfold() -> None:
    _, train, _ = iris_classifier()
    schemas = {"data": schema_of_frame(train.assign(g=1))}
    params = NODE.Params.model_validate(
        {"kind": "group_kfold", "group_column": "g", "n_repeats": 3}
    )
    found = NODE.validate(params, schemas, SETTINGS)
    assert [(i.code, i.param) for i in found if i.severity is Severity.ERROR] == [
        ("repeats_not_supported", "n_repeats")
    ]
    params = NODE.Params.model_validate({"n_repeats": 3})
    found = NODE.validate(params, schemas, SETTINGS)
    assert [(i.code, i.severity) for i in found] == [("ignored_param", Severity.WARNING)]


def test_node_type_is_registered_with_optional_third_and_fourth_models() -> None:
    node: NodeType[Any] = NODE
    required = {p.name: p.required for p in node.inputs}
    assert required == {
        "model_a": True,
        "model_b": True,
        "model_c": False,
        "model_d": False,
        "data": True,
    }
