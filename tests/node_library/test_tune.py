"""Grid and random search nodes: equal to scikit-learn's GridSearchCV / RandomizedSearchCV
(refit=True) with the same splitter, seed, space and scoring; and every bad input refused with
a message naming the param to fix."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.stats import loguniform, randint, uniform
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
)

from node_library import default_registry
from node_library.contract import NodeError, NodeType, RecordingContext, Severity
from node_library.ml.search_space import IntLogUniform, RandomEntry, candidates
from node_library.nodes.sources.sample_dataset import load_sample
from node_library.nodes.tune.grid_search import GridSearchNode
from node_library.nodes.tune.random_search import RandomSearchNode
from node_library.schema import schema_of_frame
from node_library.settings import NodeSettings
from tests.node_library.cases_evaluate import diabetes_regressor, fitted, iris_classifier, split

SETTINGS = NodeSettings()


def run(
    node: NodeType[Any], params: dict[str, Any], ctx: RecordingContext | None = None, **inputs: Any
) -> dict[str, Any]:
    outputs = node.execute(ctx or RecordingContext(), node.Params.model_validate(params), **inputs)
    json.dumps(outputs["metrics"])
    json.dumps(outputs["plot"])
    return outputs


def run_error(node: NodeType[Any], params: dict[str, Any], **inputs: Any) -> NodeError:
    with pytest.raises(NodeError) as caught:
        run(node, params, **inputs)
    return caught.value


def errors(node: NodeType[Any], params: dict[str, Any], train: pd.DataFrame) -> list[Any]:
    found = node.validate(
        node.Params.model_validate(params), {"train": schema_of_frame(train)}, SETTINGS
    )
    return [i for i in found if i.severity is Severity.ERROR]


# -- equal to scikit-learn -------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning")  # C=-1 in the grid
@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_grid_search_equals_grid_search_cv_including_a_refused_candidate() -> None:
    model, train, test = iris_classifier()
    features = model.meta.features
    grid = {"C": [-1, 0.01, 0.1, 1, 10], "fit_intercept": [True, False]}
    reference = GridSearchCV(
        clone(model.estimator),
        grid,
        cv=StratifiedKFold(4, shuffle=True, random_state=3),
        scoring="accuracy",
    ).fit(train[features], train["target"])
    params = {
        "kind": "stratified_kfold",
        "n_splits": 4,
        "shuffle": True,
        "random_state": 3,
        "space": [{"param": p, "values": v} for p, v in grid.items()],
    }
    ctx = RecordingContext()

    out = run(GridSearchNode(), params, ctx, model=model, train=train)

    results, cv = out["results"], reference.cv_results_
    assert results["C"].tolist() == [float(c) for c in cv["param_C"]]
    assert results["fit_intercept"].tolist() == list(cv["param_fit_intercept"])
    np.testing.assert_array_equal(results["mean_score"], cv["mean_test_score"])
    np.testing.assert_array_equal(results["std_score"], cv["std_test_score"])
    np.testing.assert_array_equal(results["rank"], cv["rank_test_score"])
    assert results["mean_score"].isna().sum() == 2  # C=-1 with and without intercept
    best = out["model"]
    assert best.estimator.get_params()["C"] == reference.best_params_["C"]
    assert best.meta.params["C"] == reference.best_params_["C"]
    assert best.meta.params["fit_intercept"] == reference.best_params_["fit_intercept"]
    np.testing.assert_array_equal(
        best.estimator.predict_proba(test[features]),
        reference.best_estimator_.predict_proba(test[features]),
    )
    metrics = out["metrics"]
    assert metrics["best_score"] == reference.best_score_
    assert metrics["best_C"] == str(reference.best_params_["C"])
    assert metrics["candidates"] == 10 and metrics["failed_candidates"] == 2
    progress = [text for _, text in ctx.events if text.startswith("progress")]
    assert "progress 40/41 candidate 10/10" in progress
    assert progress[-1] == "progress 41/41 done"
    assert any("candidate 1 refused: The 'C' parameter" in text for _, text in ctx.events)


def test_random_search_with_ranges_equals_randomized_search_cv_on_a_regressor() -> None:
    model, train, test = diabetes_regressor()
    features = model.meta.features
    distributions = {
        "alpha": loguniform(0.001, 10),
        "fit_intercept": [True, False],
        "tol": uniform(1e-5, 1e-3 - 1e-5),
        "max_iter": randint(100, 1001),
    }
    reference = RandomizedSearchCV(
        clone(model.estimator),
        distributions,
        n_iter=12,
        random_state=5,
        cv=KFold(5, shuffle=True, random_state=1),
        scoring="neg_root_mean_squared_error",
    ).fit(train[features], train["target"])
    space = [
        {"param": "alpha", "low": 0.001, "high": 10, "log": True},
        {"param": "fit_intercept", "values": [True, False]},
        {"param": "tol", "low": 1e-5, "high": 1e-3},
        {"param": "max_iter", "low": 100, "high": 1000, "integer": True},
    ]
    params = {
        "space": space,
        "n_iter": 12,
        "search_random_state": 5,
        "shuffle": True,
        "random_state": 1,
    }

    out = run(RandomSearchNode(), params, model=model, train=train)

    results, cv = out["results"], reference.cv_results_
    np.testing.assert_array_equal(results["alpha"], cv["param_alpha"].astype(float))
    np.testing.assert_array_equal(results["max_iter"], cv["param_max_iter"].astype(int))
    # rmse is reported as the positive error: minus scikit-learn's neg_ score, exactly
    np.testing.assert_array_equal(results["mean_score"], -cv["mean_test_score"])
    np.testing.assert_array_equal(results["std_score"], cv["std_test_score"])
    np.testing.assert_array_equal(results["rank"], cv["rank_test_score"])
    assert out["metrics"]["best_score"] == -reference.best_score_
    assert out["metrics"]["scoring"] == "rmse"
    assert results.loc[results["rank"] == 1, "mean_score"].min() == results["mean_score"].min()
    np.testing.assert_array_equal(
        out["model"].estimator.predict(test[features]),
        reference.best_estimator_.predict(test[features]),
    )
    assert out["model"].meta.params["alpha"] == reference.best_params_["alpha"]


def test_random_search_over_lists_samples_without_replacement_like_sklearn() -> None:
    model, train, _ = iris_classifier()
    grid = {"C": [0.01, 0.1, 1, 10, 100], "class_weight": [None, "balanced"]}
    reference = RandomizedSearchCV(
        clone(model.estimator), grid, n_iter=6, random_state=2, cv=StratifiedKFold(3)
    ).fit(train[model.meta.features], train["target"])
    params = {
        "kind": "stratified_kfold",
        "n_splits": 3,
        "space": [{"param": p, "values": v} for p, v in grid.items()],
        "n_iter": 6,
        "search_random_state": 2,
    }

    results = run(RandomSearchNode(), params, model=model, train=train)["results"]

    assert results["C"].tolist() == [float(c) for c in reference.cv_results_["param_C"]]
    assert results["class_weight"].tolist() == list(reference.cv_results_["param_class_weight"])
    np.testing.assert_array_equal(results["mean_score"], reference.cv_results_["mean_test_score"])
    assert len(results.drop_duplicates(["C", "class_weight"])) == 6


def test_grid_search_tunes_the_random_forest_model_node_like_a_script() -> None:
    registry = default_registry()
    trainer = registry.get("models.random_forest_classifier")
    assert trainer is not None
    train, test = split(load_sample("wine"))
    model = trainer.execute(
        RecordingContext(),
        trainer.Params.model_validate({"target": "target", "n_estimators": 15}),
        train=train,
    )["model"]
    features = [c for c in train.columns if c != "target"]
    grid = {"max_depth": [2, None], "min_samples_leaf": [1, 4]}
    reference = GridSearchCV(
        RandomForestClassifier(n_estimators=15, random_state=0), grid, cv=KFold(3)
    ).fit(train[features], train["target"])
    params = {"n_splits": 3, "space": [{"param": p, "values": v} for p, v in grid.items()]}

    out = run(GridSearchNode(), params, model=model, train=train)

    results = out["results"]
    assert str(results["max_depth"].dtype) == "Int64"  # null is one of the values
    assert results["max_depth"].isna().tolist() == [False, False, True, True]
    np.testing.assert_array_equal(results["mean_score"], reference.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(
        out["model"].estimator.predict(test[features]),
        reference.best_estimator_.predict(test[features]),
    )
    assert out["model"].meta.params["n_estimators"] == 15
    assert out["model"].meta.params["max_depth"] == reference.best_params_["max_depth"]
    assert out["model"].meta.target == "target"


def test_grid_search_on_xgboost_fits_label_codes_and_refits_a_usable_model() -> None:
    from xgboost import XGBClassifier

    registry = default_registry()
    trainer, predict = registry.get("models.xgboost_classifier"), registry.get("models.predict")
    assert trainer is not None and predict is not None
    frame = load_sample("iris")
    frame["target"] = frame["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
    train, test = split(frame)
    model = trainer.execute(
        RecordingContext(),
        trainer.Params.model_validate({"target": "target", "n_estimators": 10}),
        train=train,
    )["model"]
    features = [c for c in frame.columns if c != "target"]
    classes, codes = np.unique(train["target"], return_inverse=True)
    grid = {"max_depth": [1, 3], "learning_rate": [0.1, 0.5]}
    reference = GridSearchCV(
        XGBClassifier(n_estimators=10, random_state=0), grid, cv=StratifiedKFold(3)
    ).fit(train[features], codes)
    params = {
        "kind": "stratified_kfold",
        "n_splits": 3,
        "space": [{"param": p, "values": v} for p, v in grid.items()],
    }

    out = run(GridSearchNode(), params, model=model, train=train)

    np.testing.assert_array_equal(
        out["results"]["mean_score"], reference.cv_results_["mean_test_score"]
    )
    predictions = predict.execute(
        RecordingContext(), predict.Params.model_validate({}), model=out["model"], data=test
    )["predictions"]
    expected = classes[reference.best_estimator_.predict(test[features])]
    assert predictions["prediction"].tolist() == expected.tolist()


def test_the_input_model_is_left_as_it_was() -> None:
    model, train, _ = iris_classifier()
    coef = model.estimator.coef_.copy()
    params = {"n_splits": 3, "space": [{"param": "C", "values": [0.1, 5]}]}
    out = run(GridSearchNode(), params, model=model, train=train)
    np.testing.assert_array_equal(model.estimator.coef_, coef)
    assert model.estimator.C == 1.0 and out["model"].estimator is not model.estimator


def test_results_columns_are_typed_from_the_declared_values() -> None:
    model, train, _ = iris_classifier()
    space = [
        {"param": "C", "values": [1, 2.5]},
        {"param": "fit_intercept", "values": [True]},
        {"param": "class_weight", "values": [None, "balanced"]},
        {"param": "max_iter", "values": [100, 200]},
    ]
    node = GridSearchNode()
    params = node.Params.model_validate({"n_splits": 3, "space": space})
    inferred = node.infer_schema(params, {"train": schema_of_frame(train)}, SETTINGS)
    results = run(node, {"n_splits": 3, "space": space}, model=model, train=train)["results"]
    assert schema_of_frame(results) == inferred["results"]
    assert [c.dtype.value for c in inferred["results"].columns] == [
        "float",
        "boolean",
        "string",
        "integer",
        "float",
        "float",
        "integer",
        "float",
    ]


def test_a_single_numeric_param_is_plotted_against_its_values_on_a_log_axis() -> None:
    model, train, _ = iris_classifier()
    params = {"n_splits": 3, "space": [{"param": "C", "values": [100, 0.01, 1]}]}
    plot = run(GridSearchNode(), params, model=model, train=train)["plot"]
    assert plot["layout"]["xaxis"]["type"] == "log"
    assert plot["layout"]["xaxis"]["title"]["text"] == "C"
    assert plot["data"][1]["name"].startswith("best: C=")


def test_integer_log_draws_are_whole_numbers_within_both_ends() -> None:
    draws = [IntLogUniform(10, 1000).rvs(random_state=np.random.RandomState(s)) for s in range(300)]
    assert all(isinstance(d, int) and 10 <= d <= 1000 for d in draws)
    assert sum(d < 100 for d in draws) > 100  # log scale: about half below the geometric middle
    found = candidates([RandomEntry(param="n", low=1, high=3, integer=True)], n_iter=50, seed=0)
    assert {c["n"] for c in found} == {1, 2, 3}


# -- bad input -----------------------------------------------------------------------------


def test_an_unknown_hyperparameter_lists_the_valid_ones_and_suggests_the_closest() -> None:
    model, train, _ = iris_classifier()
    params = {"space": [{"param": "max_iters", "values": [100]}]}
    caught = run_error(GridSearchNode(), params, model=model, train=train)
    issue = caught.issue
    assert issue.code == "unknown_param" and issue.param == "space"
    assert "LogisticRegression has no hyperparameter 'max_iters'" in issue.message
    assert "did you mean 'max_iter'?" in issue.message
    assert "C, class_weight, dual" in issue.hint


def test_a_space_the_model_refuses_entirely_is_an_error_before_any_fit() -> None:
    model, train, _ = iris_classifier()
    params = {"space": [{"param": "C", "values": [-1, 0]}]}
    ctx = RecordingContext()
    with pytest.raises(NodeError) as caught:
        run(GridSearchNode(), params, ctx, model=model, train=train)
    issue = caught.value.issue
    assert issue.code == "no_valid_candidate" and issue.param == "space"
    assert "refuses every candidate of the space (2)" in issue.message
    assert "must be a float in the range (0.0, inf]" in issue.message
    assert not [t for _, t in ctx.events if t.startswith("progress")]  # nothing was fitted


@pytest.mark.parametrize(
    ("node", "space", "code"),
    [
        (GridSearchNode(), [], "empty_space"),
        (GridSearchNode(), [{"param": "C", "values": []}], "empty_values"),
        (
            GridSearchNode(),
            [{"param": "C", "values": [1]}, {"param": "C", "values": [2]}],
            "duplicate_param",
        ),
        (RandomSearchNode(), [{"param": "C", "low": 5, "high": 1}], "bad_range"),
        (RandomSearchNode(), [{"param": "C", "low": 0, "high": 1, "log": True}], "bad_log_range"),
        (RandomSearchNode(), [{"param": "C", "low": 1}], "incomplete_range"),
        (
            RandomSearchNode(),
            [{"param": "C", "values": [1], "low": 1, "high": 2}],
            "values_and_range",
        ),
        (
            RandomSearchNode(),
            [{"param": "n", "low": 1.5, "high": 4, "integer": True}],
            "bad_integer_range",
        ),
    ],
)
def test_a_malformed_space_is_an_issue_before_the_run(
    node: NodeType[Any], space: list[dict[str, Any]], code: str
) -> None:
    model, train, _ = iris_classifier()
    found = errors(node, {"space": space}, train)
    assert [(i.code, i.param) for i in found] == [(code, "space")]
    assert run_error(node, {"space": space}, model=model, train=train).issue.code == code


def test_a_huge_grid_gets_a_warning() -> None:
    _, train, _ = iris_classifier()
    space = [
        {"param": "C", "values": list(range(1, 30))},
        {"param": "tol", "values": list(range(1, 30))},
    ]
    node = GridSearchNode()
    found = node.validate(
        node.Params.model_validate({"space": space}), {"train": schema_of_frame(train)}, SETTINGS
    )
    assert [(i.code, i.severity) for i in found] == [("large_search", Severity.WARNING)]


def test_scoring_of_the_wrong_kind_names_the_scoring_param() -> None:
    model, train, _ = iris_classifier()
    params = {"scoring": "rmse", "space": [{"param": "C", "values": [1]}]}
    issue = run_error(GridSearchNode(), params, model=model, train=train).issue
    assert issue.param == "scoring" and "classifier" in issue.message
    regressor, rtrain, _ = diabetes_regressor()
    params = {"scoring": "accuracy", "space": [{"param": "alpha", "values": [1]}]}
    issue = run_error(GridSearchNode(), params, model=regressor, train=rtrain).issue
    assert issue.param == "scoring" and "regressor" in issue.message


def test_text_features_name_the_columns_and_suggest_encoding() -> None:
    frame = load_sample("iris")
    frame["colour"] = np.where(frame["target"] == 0, "red", "blue")
    numeric = frame.drop(columns="colour")
    model = fitted(LogisticRegression(max_iter=500), numeric, "target", "classifier")
    # the model was trained without colour; a model trained with it needs colour encoded
    meta = model.meta
    from dataclasses import replace

    with_colour = type(model)(model.estimator, replace(meta, features=[*meta.features, "colour"]))
    params = {"n_splits": 3, "space": [{"param": "C", "values": [1, 2]}]}
    issue = run_error(GridSearchNode(), params, model=with_colour, train=frame).issue
    assert issue.code == "text_features" and "colour" in issue.message
    assert "encod" in issue.hint


def test_empty_train_data_constant_target_and_missing_features_are_refused() -> None:
    model, train, _ = iris_classifier()
    params = {"space": [{"param": "C", "values": [1]}]}
    issue = run_error(GridSearchNode(), params, model=model, train=train.iloc[:0]).issue
    assert issue.code == "empty_input" and issue.port == "train"
    issue = run_error(GridSearchNode(), params, model=model, train=train.assign(target=1)).issue
    assert issue.code == "constant_target" and issue.param == "target"
    short = train.drop(columns="petal width (cm)")
    issue = run_error(GridSearchNode(), params, model=model, train=short).issue
    assert issue.code == "feature_mismatch" and "petal width (cm)" in issue.message
    assert issue.port == "train"


def test_a_class_with_too_few_rows_for_stratified_folds_is_refused() -> None:
    model, train, _ = iris_classifier()
    data = pd.concat([train[train["target"] != 2], train[train["target"] == 2].head(2)])
    params = {"kind": "stratified_kfold", "n_splits": 3, "space": [{"param": "C", "values": [1]}]}
    issue = run_error(GridSearchNode(), params, model=model, train=data).issue
    assert issue.code == "class_too_small" and issue.param == "n_splits"


def test_a_clusterer_or_a_plain_object_is_not_tunable() -> None:
    _, train, _ = iris_classifier()
    params = {"space": [{"param": "C", "values": [1]}]}
    issue = run_error(GridSearchNode(), params, model="not a model", train=train).issue
    assert issue.code == "not_a_fitted_model" and issue.port == "model"


def test_loading_the_tuning_nodes_imports_neither_sklearn_nor_scipy_nor_plotly() -> None:
    import subprocess
    import sys

    code = (
        "import sys, node_library.nodes.tune.grid_search, node_library.nodes.tune.random_search;"
        "import node_library.nodes.evaluate.compare_models;"
        "print(','.join(m for m in ('plotly', 'sklearn', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
