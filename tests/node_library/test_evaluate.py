"""Evaluation nodes: equal to the hand-written scikit-learn code on the same arrays and seeds, and
clear errors on bad input. Fitted models and scored frames come from cases_evaluate.py."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.base import clone
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    cross_validate,
    learning_curve,
)

from node_library import default_registry
from node_library.contract import NodeError, NodeType, RecordingContext, Severity
from node_library.ml.cv import CVScheme, build_splitter
from node_library.ml.fitted import FittedModel
from node_library.nodes.evaluate.classification_metrics import ClassificationMetricsNode
from node_library.nodes.evaluate.clustering_metrics import ClusteringMetricsNode
from node_library.nodes.evaluate.confusion_matrix import ConfusionMatrixNode
from node_library.nodes.evaluate.cross_validate import CrossValidateNode
from node_library.nodes.evaluate.feature_importance import FeatureImportanceNode
from node_library.nodes.evaluate.learning_curve import LearningCurveNode
from node_library.nodes.evaluate.pr_curve import PrCurveNode
from node_library.nodes.evaluate.regression_metrics import RegressionMetricsNode
from node_library.nodes.evaluate.residual_plot import ResidualPlotNode
from node_library.nodes.evaluate.roc_curve import RocCurveNode
from node_library.nodes.sources.sample_dataset import load_sample
from node_library.schema import schema_of_frame
from node_library.settings import NodeSettings
from tests.node_library.cases_evaluate import (
    cancer_classifier,
    diabetes_regressor,
    fitted,
    iris_classifier,
    iris_clusters,
    scored,
    split,
)

SETTINGS = NodeSettings()


def run(node: NodeType[Any], params: dict[str, Any], **inputs: Any) -> dict[str, Any]:
    outputs = node.execute(RecordingContext(), node.Params.model_validate(params), **inputs)
    for name, value in outputs.items():
        if name in ("plot", "metrics"):
            json.dumps(value)  # the API sends them as JSON
    return outputs


def values(array: Any) -> np.ndarray:
    """Decode a Plotly JSON array, which plotly 6+ writes as base64 typed arrays."""
    if isinstance(array, dict) and "bdata" in array:
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = array.get("shape")
        return decoded.reshape([int(s) for s in shape.split(",")]) if shape else decoded
    return np.asarray(array)


def run_error(node: NodeType[Any], params: dict[str, Any], **inputs: Any) -> NodeError:
    with pytest.raises(NodeError) as caught:
        run(node, params, **inputs)
    return caught.value


def issues(node: NodeType[Any], params: dict[str, Any], **frames: pd.DataFrame | None) -> list:
    schemas = {k: None if v is None else schema_of_frame(v) for k, v in frames.items()}
    # as validation and execute do: role-dependent defaults first (an empty target: "target")
    parsed = node.resolve_params(node.Params.model_validate(params), schemas, {})
    found = node.validate(parsed, schemas, SETTINGS)
    return [i for i in found if i.severity is Severity.ERROR]


# -- classification metrics ----------------------------------------------------------------


def test_binary_classification_metrics_equal_sklearn() -> None:
    model, _, test = cancer_classifier()
    x, y = test[model.meta.features], test["target"]
    pred, proba = model.estimator.predict(x), model.estimator.predict_proba(x)

    got = run(ClassificationMetricsNode(), {}, scored=scored(model, test))["metrics"]

    assert got == {
        "rows": len(test),
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred),
        "recall": skm.recall_score(y, pred),
        "f1": skm.f1_score(y, pred),
        "roc_auc": skm.roc_auc_score(y, proba[:, 1]),
        "log_loss": skm.log_loss(y, proba),
    }


def test_multiclass_metrics_equal_sklearn_for_each_average() -> None:
    model, _, test = iris_classifier()
    x, y = test[model.meta.features], test["target"]
    pred, proba = model.estimator.predict(x), model.estimator.predict_proba(x)
    frame = scored(model, test)

    for average in ("macro", "weighted", "micro"):
        got = run(ClassificationMetricsNode(), {"average": average}, scored=frame)["metrics"]
        assert got["precision"] == skm.precision_score(y, pred, average=average)
        assert got["recall"] == skm.recall_score(y, pred, average=average)
        assert got["f1"] == skm.f1_score(y, pred, average=average)
    auto = run(ClassificationMetricsNode(), {}, scored=frame)["metrics"]
    assert auto["f1"] == skm.f1_score(y, pred, average="macro")
    assert auto["roc_auc"] == skm.roc_auc_score(y, proba, multi_class="ovr", average="macro")
    assert auto["log_loss"] == skm.log_loss(y, proba)


def test_text_labels_with_a_chosen_positive_class() -> None:
    model, _, test = cancer_classifier(labels=True)
    x, y = test[model.meta.features], test["target"]
    pred, proba = model.estimator.predict(x), model.estimator.predict_proba(x)
    malignant = list(model.estimator.classes_).index("malignant")

    got = run(ClassificationMetricsNode(), {"pos_label": "malignant"}, scored=scored(model, test))

    metrics = got["metrics"]
    assert metrics["precision"] == skm.precision_score(y, pred, pos_label="malignant")
    assert metrics["recall"] == skm.recall_score(y, pred, pos_label="malignant")
    assert metrics["roc_auc"] == skm.roc_auc_score(y == "malignant", proba[:, malignant])
    assert metrics["log_loss"] == skm.log_loss(y, proba)


def test_metrics_without_proba_columns_leave_out_auc_and_log_loss() -> None:
    model, _, test = iris_classifier()
    frame = scored(model, test)
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("proba_")])
    metrics = run(ClassificationMetricsNode(), {}, scored=frame)["metrics"]
    assert "roc_auc" not in metrics and "log_loss" not in metrics
    assert metrics["accuracy"] == skm.accuracy_score(frame["target"], frame["prediction"])


def test_binary_average_on_three_classes_is_refused() -> None:
    model, _, test = iris_classifier()
    caught = run_error(
        ClassificationMetricsNode(), {"average": "binary"}, scored=scored(model, test)
    )
    assert caught.issue.param == "average" and "3" in caught.issue.message


def test_unknown_pos_label_lists_the_classes() -> None:
    model, _, test = cancer_classifier(labels=True)
    caught = run_error(
        ClassificationMetricsNode(), {"pos_label": "yes"}, scored=scored(model, test)
    )
    assert caught.issue.param == "pos_label"
    assert "benign" in caught.issue.message and "malignant" in caught.issue.message


# -- regression and clustering metrics -----------------------------------------------------


def test_regression_metrics_equal_sklearn() -> None:
    model, _, test = diabetes_regressor()
    y, pred = test["target"], model.estimator.predict(test[model.meta.features])

    got = run(RegressionMetricsNode(), {}, scored=scored(model, test))["metrics"]

    assert got == {
        "rows": len(test),
        "rmse": skm.root_mean_squared_error(y, pred),
        "mae": skm.mean_absolute_error(y, pred),
        "mape": skm.mean_absolute_percentage_error(y, pred),
        "r2": skm.r2_score(y, pred),
    }


def test_clustering_metrics_equal_sklearn() -> None:
    frame = iris_clusters()
    features = frame.drop(columns="cluster")

    got = run(ClusteringMetricsNode(), {}, data=frame)["metrics"]

    assert got["silhouette"] == skm.silhouette_score(features, frame["cluster"])
    assert got["davies_bouldin"] == skm.davies_bouldin_score(features, frame["cluster"])
    assert got["clusters"] == 3


def test_clustering_metrics_can_leave_out_dbscan_noise() -> None:
    from sklearn.cluster import DBSCAN

    features = load_sample("iris").drop(columns="target")
    frame = features.assign(cluster=DBSCAN(eps=0.5).fit_predict(features))
    assert (frame["cluster"] == -1).any()
    kept = frame[frame["cluster"] != -1]

    got = run(ClusteringMetricsNode(), {"drop_noise": True}, data=frame)["metrics"]

    assert got["rows"] == len(kept)
    assert got["silhouette"] == skm.silhouette_score(kept.drop(columns="cluster"), kept["cluster"])


def test_clustering_metrics_need_two_clusters_and_a_cluster_column() -> None:
    frame = iris_clusters()
    caught = run_error(ClusteringMetricsNode(), {}, data=frame.assign(cluster=0))
    assert caught.issue.code == "cluster_count"
    found = issues(ClusteringMetricsNode(), {}, data=frame.drop(columns="cluster"))
    assert [i.code for i in found] == ["missing_cluster"]


# -- charts --------------------------------------------------------------------------------


def test_confusion_matrix_counts_and_shares_equal_sklearn() -> None:
    model, _, test = iris_classifier()
    frame = scored(model, test)
    counts = skm.confusion_matrix(frame["target"], frame["prediction"], labels=[0, 1, 2])
    shares = skm.confusion_matrix(
        frame["target"], frame["prediction"], labels=[0, 1, 2], normalize="true"
    )

    out = run(ConfusionMatrixNode(), {"normalize": "true"}, scored=frame)

    cells = out["cells"]
    np.testing.assert_array_equal(cells["count"].to_numpy().reshape(3, 3), counts)
    np.testing.assert_array_equal(cells["value"].to_numpy().reshape(3, 3), shares)
    assert cells.loc[1, ["actual", "predicted"]].tolist() == ["0", "1"]
    heatmap = out["plot"]["data"][0]
    assert heatmap["type"] == "heatmap"
    np.testing.assert_array_equal(values(heatmap["z"]), shares)


def test_roc_curve_points_and_auc_equal_sklearn() -> None:
    model, _, test = cancer_classifier()
    y = test["target"]
    proba = model.estimator.predict_proba(test[model.meta.features])[:, 1]
    fpr, tpr, thresholds = skm.roc_curve(y, proba)
    auc = skm.roc_auc_score(y, proba)

    out = run(RocCurveNode(), {}, scored=scored(model, test))

    points = out["points"]
    np.testing.assert_array_equal(points["fpr"], fpr)
    np.testing.assert_array_equal(points["tpr"], tpr)
    np.testing.assert_array_equal(points["threshold"][1:], thresholds[1:])
    assert np.isnan(points["threshold"][0]) and np.isinf(thresholds[0])
    assert out["metrics"] == {"roc_auc": auc}
    assert out["plot"]["data"][0]["name"] == f"1 (AUC {auc:.3f})"


def test_multiclass_roc_draws_one_curve_per_class() -> None:
    model, _, test = iris_classifier()
    y = test["target"]
    proba = model.estimator.predict_proba(test[model.meta.features])

    out = run(RocCurveNode(), {}, scored=scored(model, test))

    for index in range(3):
        assert out["metrics"][f"roc_auc_{index}"] == skm.roc_auc_score(y == index, proba[:, index])
    assert out["metrics"]["roc_auc_macro"] == skm.roc_auc_score(y, proba, multi_class="ovr")
    names = [trace["name"] for trace in out["plot"]["data"]]
    assert names[:3] == [f"{i} (AUC {out['metrics'][f'roc_auc_{i}']:.3f})" for i in range(3)]
    assert names[3] == "chance"


def test_pr_curve_points_and_average_precision_equal_sklearn() -> None:
    model, _, test = cancer_classifier()
    y = test["target"]
    proba = model.estimator.predict_proba(test[model.meta.features])[:, 1]
    precision, recall, thresholds = skm.precision_recall_curve(y, proba)

    out = run(PrCurveNode(), {}, scored=scored(model, test))

    np.testing.assert_array_equal(out["points"]["precision"], precision)
    np.testing.assert_array_equal(out["points"]["recall"], recall)
    np.testing.assert_array_equal(out["points"]["threshold"][:-1], thresholds)
    assert out["metrics"] == {"average_precision": skm.average_precision_score(y, proba)}


def test_curves_need_proba_columns() -> None:
    model, _, test = cancer_classifier()
    frame = scored(model, test).drop(columns=["proba_0", "proba_1"])
    found = issues(RocCurveNode(), {}, scored=frame)
    assert [i.code for i in found] == ["missing_proba"]
    assert "probabilit" in found[0].message


def test_residual_plot_draws_actual_minus_predicted() -> None:
    model, _, test = diabetes_regressor()
    frame = scored(model, test)

    trace = run(ResidualPlotNode(), {}, scored=frame)["plot"]["data"][0]

    np.testing.assert_array_equal(values(trace["x"]), frame["prediction"])
    np.testing.assert_array_equal(values(trace["y"]), frame["target"] - frame["prediction"])


def test_residual_plot_samples_above_max_points() -> None:
    model, _, test = diabetes_regressor()
    ctx = RecordingContext()
    params = ResidualPlotNode.Params.model_validate({"max_points": 100})
    trace = ResidualPlotNode().execute(ctx, params, scored=scored(model, test))["plot"]["data"][0]
    assert len(values(trace["x"])) == 100
    assert any("random sample of 100" in text for _, text in ctx.events)


# -- feature importance --------------------------------------------------------------------


def test_native_importances_of_a_forest_are_sorted_feature_importances() -> None:
    from sklearn.ensemble import RandomForestClassifier

    _, train, _ = iris_classifier()
    model = fitted(
        RandomForestClassifier(n_estimators=20, random_state=0), train, "target", "classifier"
    )
    expected = pd.Series(model.estimator.feature_importances_, index=model.meta.features)

    out = run(FeatureImportanceNode(), {}, model=model)

    table = out["importances"]
    assert table["feature"].tolist() == expected.sort_values(ascending=False).index.tolist()
    np.testing.assert_array_equal(table["importance"], expected.sort_values(ascending=False))
    assert table["std"].isna().all()
    assert out["plot"]["data"][0]["y"] == table["feature"].tolist()


def test_native_importances_of_a_multiclass_linear_model_average_coefficient_sizes() -> None:
    model, _, _ = iris_classifier()
    expected = np.abs(model.estimator.coef_).mean(axis=0)
    table = run(FeatureImportanceNode(), {}, model=model)["importances"]
    by_feature = dict(zip(table["feature"], table["importance"], strict=True))
    assert [by_feature[f] for f in model.meta.features] == expected.tolist()


def test_permutation_importance_equals_sklearn() -> None:
    from sklearn.inspection import permutation_importance

    model, _, test = diabetes_regressor()
    x, y = test[model.meta.features], test["target"]
    reference = permutation_importance(
        model.estimator, x, y, scoring="neg_root_mean_squared_error", n_repeats=4, random_state=3
    )

    params = {"method": "permutation", "scoring": "rmse", "n_repeats": 4, "random_state": 3}
    table = run(FeatureImportanceNode(), params, model=model, data=test)["importances"]

    by_feature = table.set_index("feature")
    np.testing.assert_array_equal(
        by_feature.loc[x.columns, "importance"], reference.importances_mean
    )
    np.testing.assert_array_equal(by_feature.loc[x.columns, "std"], reference.importances_std)
    assert table["importance"].is_monotonic_decreasing


def test_permutation_importance_needs_data() -> None:
    model, _, _ = iris_classifier()
    found = FeatureImportanceNode().validate(
        FeatureImportanceNode.Params.model_validate({"method": "permutation"}), {}, SETTINGS
    )
    assert [(i.code, i.port) for i in found] == [("missing_input", "data")]
    caught = run_error(FeatureImportanceNode(), {"method": "permutation"}, model=model)
    assert caught.issue.port == "data"


# -- cross-validation ----------------------------------------------------------------------


def test_cross_validate_equals_sklearn_with_stratified_shuffled_folds() -> None:
    model, train, _ = iris_classifier()
    x, y = train[model.meta.features], train["target"]
    reference = cross_validate(
        clone(model.estimator),
        x,
        y,
        cv=StratifiedKFold(n_splits=4, shuffle=True, random_state=7),
        scoring=["accuracy", "neg_log_loss", "f1_macro"],
    )
    params = {
        "kind": "stratified_kfold",
        "n_splits": 4,
        "shuffle": True,
        "random_state": 7,
        "scoring": ["accuracy", "log_loss", "f1_macro"],
    }
    ctx = RecordingContext()

    out = CrossValidateNode().execute(
        ctx, CrossValidateNode.Params.model_validate(params), model=model, data=train
    )

    scores = out["scores"]
    np.testing.assert_array_equal(scores["accuracy"], reference["test_accuracy"])
    np.testing.assert_array_equal(scores["log_loss"], -reference["test_neg_log_loss"])
    np.testing.assert_array_equal(scores["f1_macro"], reference["test_f1_macro"])
    assert scores["fold"].tolist() == [1, 2, 3, 4]
    assert out["metrics"]["accuracy_mean"] == np.mean(reference["test_accuracy"])
    assert out["metrics"]["log_loss_std"] == np.std(-reference["test_neg_log_loss"])
    assert [t["name"] for t in out["plot"]["data"]] == ["accuracy", "log_loss", "f1_macro"]
    progress = [text for _, text in ctx.events if text.startswith("progress")]
    assert progress[-4:] == [f"progress {i}/4 fold {i} of 4" for i in range(1, 5)]


def test_cross_validate_refits_a_clone_and_leaves_the_input_model_alone() -> None:
    model, train, _ = iris_classifier()
    coef = model.estimator.coef_.copy()
    run(CrossValidateNode(), {"n_splits": 3}, model=model, data=train.iloc[:60])
    np.testing.assert_array_equal(model.estimator.coef_, coef)


@pytest.mark.parametrize(
    ("scheme", "splitter"),
    [
        ({"kind": "kfold", "n_splits": 5}, KFold(5)),
        (
            {"kind": "kfold", "shuffle": True, "random_state": 3},
            KFold(5, shuffle=True, random_state=3),
        ),
        ({"kind": "time_series", "n_splits": 4}, TimeSeriesSplit(4)),
        ({"kind": "group_kfold", "n_splits": 3, "group_column": "group"}, GroupKFold(3)),
    ],
)
def test_regression_cross_validate_equals_sklearn_for_each_scheme(
    scheme: dict[str, Any], splitter: Any
) -> None:
    model, train, _ = diabetes_regressor()
    data = train.assign(group=np.arange(len(train)) % 7)
    x, y = data[model.meta.features], data["target"]
    groups = data["group"] if scheme["kind"] == "group_kfold" else None
    reference = cross_validate(
        clone(model.estimator),
        x,
        y,
        groups=groups,
        cv=splitter,
        scoring=["neg_root_mean_squared_error", "r2"],
    )

    out = run(CrossValidateNode(), scheme, model=model, data=data)

    np.testing.assert_array_equal(
        out["scores"]["rmse"], -reference["test_neg_root_mean_squared_error"]
    )
    np.testing.assert_array_equal(out["scores"]["r2"], reference["test_r2"])


def test_group_kfold_without_group_column_is_an_issue() -> None:
    _, train, _ = diabetes_regressor()
    found = issues(CrossValidateNode(), {"kind": "group_kfold"}, data=train)
    assert [(i.code, i.param) for i in found] == [("missing_group_column", "group_column")]
    params = {"kind": "group_kfold", "group_column": "patient"}
    found = issues(LearningCurveNode(), params, data=train)
    assert [(i.code, i.param, i.port) for i in found] == [
        ("missing_column", "group_column", "data")
    ]


def test_group_kfold_with_fewer_groups_than_folds_is_refused() -> None:
    model, train, _ = diabetes_regressor()
    data = train.assign(group=np.arange(len(train)) % 3)
    params = {"kind": "group_kfold", "group_column": "group", "n_splits": 4}
    caught = run_error(CrossValidateNode(), params, model=model, data=data)
    assert caught.issue.code == "too_few_groups" and "3 or less" in caught.issue.hint


def test_stratified_folds_larger_than_the_smallest_class_are_refused() -> None:
    model, train, _ = iris_classifier()
    data = pd.concat([train[train["target"] != 2], train[train["target"] == 2].head(3)])
    caught = run_error(
        CrossValidateNode(), {"kind": "stratified_kfold", "n_splits": 5}, model=model, data=data
    )
    assert caught.issue.code == "class_too_small" and caught.issue.param == "n_splits"
    assert "2 (3)" in caught.issue.message and "3 or less" in caught.issue.hint


def test_cross_validate_refuses_a_regression_metric_for_a_classifier() -> None:
    model, train, _ = iris_classifier()
    caught = run_error(CrossValidateNode(), {"scoring": ["rmse"]}, model=model, data=train)
    assert caught.issue.param == "scoring" and "classifier" in caught.issue.message


def test_cross_validate_refuses_a_constant_target_and_missing_features() -> None:
    model, train, _ = iris_classifier()
    caught = run_error(CrossValidateNode(), {}, model=model, data=train.assign(target=1))
    assert caught.issue.code == "constant_target"
    caught = run_error(
        CrossValidateNode(), {}, model=model, data=train.drop(columns="petal width (cm)")
    )
    assert caught.issue.code == "feature_mismatch" and "petal width (cm)" in caught.issue.message


def test_cross_validate_refuses_a_model_with_preprocessing_steps() -> None:
    model, train, _ = iris_classifier()
    chained = FittedModel(model.estimator, model.meta, steps=(model,))
    caught = run_error(CrossValidateNode(), {}, model=chained, data=train)
    assert caught.issue.code == "model_with_steps"


def test_learning_curve_equals_sklearn() -> None:
    model, train, _ = diabetes_regressor()
    x, y = train[model.meta.features], train["target"]
    sizes, train_scores, test_scores = learning_curve(
        clone(model.estimator),
        x,
        y,
        train_sizes=[0.25, 0.5, 1.0],
        cv=KFold(4, shuffle=True, random_state=1),
        scoring="neg_mean_absolute_error",
    )
    params = {
        "n_splits": 4,
        "shuffle": True,
        "random_state": 1,
        "train_sizes": [1.0, 0.5, 0.25],
        "scoring": "mae",
    }

    out = run(LearningCurveNode(), params, model=model, data=train)

    curve = out["curve"]
    np.testing.assert_array_equal(curve["train_rows"].unique(), sizes)
    np.testing.assert_array_equal(curve["train_score"], -train_scores.ravel())
    np.testing.assert_array_equal(curve["test_score"], -test_scores.ravel())
    test_line = out["plot"]["data"][3]
    np.testing.assert_array_equal(values(test_line["y"]), (-test_scores).mean(axis=1))


def test_learning_curve_rejects_train_sizes_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="fractions"):
        LearningCurveNode.Params.model_validate({"train_sizes": [0.5, 1.5]})


def test_build_splitter_passes_the_seed_only_when_shuffling() -> None:
    assert build_splitter(CVScheme(kind="kfold", random_state=5)).random_state is None
    shuffled = build_splitter(CVScheme(kind="stratified_kfold", shuffle=True, random_state=5))
    assert isinstance(shuffled, StratifiedKFold) and shuffled.random_state == 5


# -- bad scored input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "node", [ClassificationMetricsNode(), RegressionMetricsNode(), ConfusionMatrixNode()]
)
def test_missing_target_column_is_an_issue_with_a_suggestion(node: NodeType[Any]) -> None:
    model, _, test = diabetes_regressor()
    found = issues(node, {"target": "targt"}, scored=scored(model, test))
    assert [(i.code, i.param) for i in found] == [("missing_column", "target")]
    assert "'target'" in found[0].hint
    with pytest.raises(NodeError):
        run(node, {"target": "targt"}, scored=scored(model, test))


def test_missing_prediction_column_says_to_connect_predict() -> None:
    _, _, test = iris_classifier()
    found = issues(ClassificationMetricsNode(), {}, scored=test)
    assert [i.code for i in found] == ["missing_prediction"]
    assert "connect a Predict node's output" in found[0].hint


def test_class_missing_from_proba_columns_is_refused() -> None:
    model, _, test = iris_classifier()
    frame = scored(model, test).drop(columns="proba_2")
    caught = run_error(ClassificationMetricsNode(), {}, scored=frame)
    assert caught.issue.code == "class_without_proba" and "2" in caught.issue.message


def test_empty_scored_frame_is_refused() -> None:
    model, _, test = diabetes_regressor()
    caught = run_error(RegressionMetricsNode(), {}, scored=scored(model, test).head(0))
    assert caught.issue.code == "empty_input" and caught.issue.port == "scored"


def test_missing_target_values_are_refused_with_a_fix() -> None:
    model, _, test = diabetes_regressor()
    frame = scored(model, test)
    frame.loc[3, "target"] = np.nan
    caught = run_error(RegressionMetricsNode(), {}, scored=frame)
    assert caught.issue.code == "missing_values" and "drop_rows" in caught.issue.hint


def test_regression_metrics_need_a_numeric_target() -> None:
    model, _, test = cancer_classifier(labels=True)
    found = issues(RegressionMetricsNode(), {}, scored=scored(model, test))
    assert "wrong_dtype" in [i.code for i in found]


def test_classification_metrics_refuse_a_continuous_target() -> None:
    model, _, test = diabetes_regressor()
    caught = run_error(ClassificationMetricsNode(), {}, scored=scored(model, test))
    assert caught.issue.code == "not_a_class_target" and "Regression metrics" in caught.issue.hint


def test_regression_metrics_refuse_class_predictions() -> None:
    model, _, test = cancer_classifier(labels=True)
    frame = scored(model, test).assign(target=1.0)
    found = issues(RegressionMetricsNode(), {}, scored=frame)
    assert [i.code for i in found] == ["wrong_dtype"]
    assert "Classification metrics" in found[0].hint


def test_cross_validate_names_text_features_and_suggests_encoding() -> None:
    model, train, _ = iris_classifier()
    wide = np.where(train["sepal width (cm)"] > 3, "wide", "narrow")
    data = train.assign(**{"sepal width (cm)": wide})
    caught = run_error(CrossValidateNode(), {"n_splits": 3}, model=model, data=data)
    assert caught.issue.code == "text_features"
    assert "sepal width (cm)" in caught.issue.message and "encod" in caught.issue.hint


def test_cross_validate_names_missing_feature_values_and_suggests_imputation() -> None:
    model, train, _ = iris_classifier()
    data = train.copy()
    data.loc[4, "petal length (cm)"] = np.nan
    caught = run_error(CrossValidateNode(), {"n_splits": 3}, model=model, data=data)
    assert caught.issue.code == "missing_feature_values"
    assert "petal length (cm)" in caught.issue.message and "imput" in caught.issue.hint


def test_long_curves_are_thinned_in_the_chart_but_kept_in_the_table() -> None:
    rng = np.random.default_rng(0)
    rows = 6_000
    frame = pd.DataFrame({"target": rng.integers(0, 2, rows), "proba_1": rng.random(rows)})
    frame = frame.assign(proba_0=1 - frame["proba_1"], prediction=(frame["proba_1"] > 0.5) * 1)
    frame = frame[["target", "prediction", "proba_0", "proba_1"]]

    out = run(PrCurveNode(), {}, scored=frame)

    assert len(out["points"]) > 2_000
    trace = out["plot"]["data"][0]
    drawn = values(trace["x"])
    assert len(drawn) == 2_000
    assert drawn[0] == out["points"]["recall"].iloc[0]
    assert drawn[-1] == out["points"]["recall"].iloc[-1]


# -- with the real model and Predict nodes -------------------------------------------------


# XGBoost's float32 probabilities sum to 1 only within float32 precision; sklearn warns about it
@pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")
def test_xgboost_on_text_labels_through_predict_matches_hand_written_xgboost() -> None:
    """XGBoost is fitted on label codes (meta.encoded_labels): the metrics read Predict's labels,
    and cross-validation re-fits on the codes, like a script using np.unique's codes."""
    from xgboost import XGBClassifier

    registry = default_registry()
    frame = load_sample("iris")
    frame["target"] = frame["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
    train, test = split(frame)
    trainer, predict = registry.get("models.xgboost_classifier"), registry.get("models.predict")
    assert trainer is not None and predict is not None
    model = run(trainer, {"target": "target", "n_estimators": 20}, train=train)["model"]
    predictions = run(predict, {}, model=model, data=test)["predictions"]

    features = [c for c in frame.columns if c != "target"]
    classes, codes = np.unique(train["target"], return_inverse=True)
    script = XGBClassifier(n_estimators=20, random_state=0).fit(train[features], codes)
    pred = classes[script.predict(test[features])]
    # XGBoost gives float32 probabilities; Predict stores them as float64 columns (exactly)
    proba = script.predict_proba(test[features]).astype(np.float64)

    metrics = run(ClassificationMetricsNode(), {}, scored=predictions)["metrics"]
    assert metrics["f1"] == skm.f1_score(test["target"], pred, average="macro")
    assert metrics["log_loss"] == skm.log_loss(test["target"], proba, labels=classes)

    params = {"kind": "stratified_kfold", "n_splits": 3, "scoring": ["accuracy", "log_loss"]}
    scores = run(CrossValidateNode(), params, model=model, data=train)["scores"]
    reference = cross_validate(
        XGBClassifier(n_estimators=20, random_state=0),
        train[features],
        codes,
        cv=StratifiedKFold(3),
        scoring=["accuracy", "neg_log_loss"],
    )
    np.testing.assert_array_equal(scores["accuracy"], reference["test_accuracy"])
    np.testing.assert_array_equal(scores["log_loss"], -reference["test_neg_log_loss"])


def test_loading_the_evaluation_nodes_imports_neither_plotly_nor_sklearn() -> None:
    import subprocess
    import sys

    code = (
        "import sys, node_library.nodes.evaluate as e, pkgutil, importlib;"
        "names = [m.name for m in pkgutil.iter_modules(e.__path__)];"
        "assert 'cross_validate' in names, names;"
        "[importlib.import_module(f'{e.__name__}.{n}') for n in names];"
        "import node_library.ml.cv, node_library.ml.charts;"
        "print(','.join(m for m in ('plotly', 'sklearn', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
