"""Model nodes and Predict: the same predictions as hand-written scikit-learn / XGBoost / LightGBM
code with the same params and seeds, the facts recorded in ModelMeta, progress, and every bad
input refused with a message naming the param and the fix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets
from sklearn.model_selection import train_test_split

from node_library import default_registry
from node_library.contract import NodeError, RecordingContext
from node_library.ml.fitted import FittedModel, ModelMeta, frame_fingerprint
from node_library.schema import Dtype, TableSchema
from tests.node_library.cases_models import fit_node, iris_labelled

REGISTRY = default_registry()


def _frame(loader: Callable[..., Any], target: str = "target") -> pd.DataFrame:
    frame: pd.DataFrame = loader(as_frame=True).frame
    frame.columns = [str(c) for c in frame.columns]
    return frame.rename(columns={"target": target})


def _split(frame: pd.DataFrame, target: str, stratify: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, test = train_test_split(
        frame, test_size=0.3, random_state=0, stratify=frame[target] if stratify else None
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def _predict(model: FittedModel, data: pd.DataFrame) -> pd.DataFrame:
    node = REGISTRY.get("models.predict")
    assert node is not None
    result: pd.DataFrame = node.execute(RecordingContext(), node.Params(), model=model, data=data)[
        "predictions"
    ]
    return result


def _xgb_classifier(**kwargs: Any) -> Any:
    from xgboost import XGBClassifier

    return XGBClassifier(**kwargs)


def _svc_calibrated(**kwargs: Any) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import SVC

    return CalibratedClassifierCV(SVC(**kwargs), ensemble=False)


def _sk(path: str) -> Callable[..., Any]:
    def build(**kwargs: Any) -> Any:
        import importlib

        module, _, name = path.rpartition(".")
        return getattr(importlib.import_module(module), name)(**kwargs)

    return build


# (type_id, node params, hand-written estimator factory, its kwargs, dataset)
CLASSIFIER_CASES = [
    (
        "models.logistic_regression",
        {"C": 0.5, "max_iter": 5000},
        _sk("sklearn.linear_model.LogisticRegression"),
        {"C": 0.5, "max_iter": 5000, "random_state": 0},
        "wine",
    ),
    (
        "models.random_forest_classifier",
        {"n_estimators": 15, "max_depth": 4, "random_state": 3},
        _sk("sklearn.ensemble.RandomForestClassifier"),
        {"n_estimators": 15, "max_depth": 4, "random_state": 3},
        "breast_cancer",
    ),
    (
        "models.gradient_boosting_classifier",
        {"n_estimators": 10, "subsample": 0.8, "random_state": 1},
        _sk("sklearn.ensemble.GradientBoostingClassifier"),
        {"n_estimators": 10, "subsample": 0.8, "random_state": 1},
        "iris",
    ),
    (
        "models.xgboost_classifier",
        {"n_estimators": 10, "max_depth": 3, "subsample": 0.8, "random_state": 2},
        _xgb_classifier,
        {"n_estimators": 10, "max_depth": 3, "subsample": 0.8, "random_state": 2},
        "iris",
    ),
    (
        "models.lightgbm_classifier",
        {"n_estimators": 10, "num_leaves": 7, "random_state": 4},
        _sk("lightgbm.LGBMClassifier"),
        {"n_estimators": 10, "num_leaves": 7, "random_state": 4, "verbose": -1},
        "breast_cancer",
    ),
    (
        "models.svm_classifier",
        {"C": 2.0, "probability": True},
        _svc_calibrated,
        {"C": 2.0},
        "iris",
    ),
    (
        "models.svm_classifier",
        {"kernel": "linear"},
        _sk("sklearn.svm.SVC"),
        {"kernel": "linear"},
        "wine",
    ),
    (
        "models.knn_classifier",
        {"n_neighbors": 7, "weights": "distance"},
        _sk("sklearn.neighbors.KNeighborsClassifier"),
        {"n_neighbors": 7, "weights": "distance"},
        "iris",
    ),
]

REGRESSOR_CASES = [
    ("models.linear_regression", {}, "sklearn.linear_model.LinearRegression", {}),
    ("models.lasso", {"alpha": 0.05}, "sklearn.linear_model.Lasso", {"alpha": 0.05}),
    (
        "models.ridge",
        {"alpha": 2.0},
        "sklearn.linear_model.Ridge",
        {"alpha": 2.0, "random_state": 0},
    ),
    (
        "models.elastic_net",
        {"alpha": 0.01, "l1_ratio": 0.3},
        "sklearn.linear_model.ElasticNet",
        {"alpha": 0.01, "l1_ratio": 0.3},
    ),
    (
        "models.random_forest_regressor",
        {"n_estimators": 10, "max_features": 0.5, "random_state": 5},
        "sklearn.ensemble.RandomForestRegressor",
        {"n_estimators": 10, "max_features": 0.5, "random_state": 5},
    ),
    (
        "models.gradient_boosting_regressor",
        {"n_estimators": 10, "loss": "huber", "random_state": 0},
        "sklearn.ensemble.GradientBoostingRegressor",
        {"n_estimators": 10, "loss": "huber", "random_state": 0},
    ),
    (
        "models.xgboost_regressor",
        {"n_estimators": 10, "colsample_bytree": 0.7, "random_state": 1},
        "xgboost.XGBRegressor",
        {"n_estimators": 10, "colsample_bytree": 0.7, "random_state": 1},
    ),
    (
        "models.lightgbm_regressor",
        {"n_estimators": 10, "subsample": 0.7, "subsample_freq": 1, "random_state": 1},
        "lightgbm.LGBMRegressor",
        {
            "n_estimators": 10,
            "subsample": 0.7,
            "subsample_freq": 1,
            "random_state": 1,
            "verbose": -1,
        },
    ),
]


@pytest.mark.parametrize(
    ("type_id", "params", "factory", "kwargs", "dataset"),
    CLASSIFIER_CASES,
    ids=[f"{c[0]}-{c[4]}" for c in CLASSIFIER_CASES],
)
def test_classifier_predicts_exactly_like_the_hand_written_estimator(
    type_id: str,
    params: dict[str, Any],
    factory: Callable[..., Any],
    kwargs: dict[str, Any],
    dataset: str,
) -> None:
    frame = _frame(getattr(datasets, f"load_{dataset}"))
    train, test = _split(frame, "target", stratify=True)
    model = fit_node(type_id, {"target": "target", **params}, train)
    scored = _predict(model, test)

    features = [c for c in frame.columns if c != "target"]
    estimator = factory(**kwargs)
    labels, codes = np.unique(train["target"], return_inverse=True)
    encoded = type_id == "models.xgboost_classifier"  # XGBoost needs codes; LabelEncoder by hand
    estimator.fit(train[features], codes if encoded else train["target"])
    expected = estimator.predict(test[features])
    np.testing.assert_array_equal(
        scored["prediction"].to_numpy(), labels[expected] if encoded else expected
    )
    assert model.meta.classes == labels.tolist()
    if hasattr(estimator, "predict_proba"):
        proba = estimator.predict_proba(test[features])
        got = scored[[f"proba_{label}" for label in labels]].to_numpy()
        np.testing.assert_array_equal(got, proba.astype("float64"))
    else:
        assert not [c for c in scored.columns if c.startswith("proba_")]
    pd.testing.assert_frame_equal(scored[test.columns], test)  # input columns pass through


@pytest.mark.parametrize(
    ("type_id", "params", "path", "kwargs"), REGRESSOR_CASES, ids=[c[0] for c in REGRESSOR_CASES]
)
def test_regressor_predicts_exactly_like_the_hand_written_estimator(
    type_id: str, params: dict[str, Any], path: str, kwargs: dict[str, Any]
) -> None:
    frame = _frame(datasets.load_diabetes)
    train, test = _split(frame, "target", stratify=False)
    model = fit_node(type_id, {"target": "target", **params}, train)
    scored = _predict(model, test)
    features = [c for c in frame.columns if c != "target"]
    estimator = _sk(path)(**kwargs).fit(train[features], train["target"])
    np.testing.assert_array_equal(
        scored["prediction"].to_numpy(), estimator.predict(test[features])
    )
    assert model.meta.kind == "regressor" and model.meta.classes is None


def test_kmeans_assigns_clusters_like_hand_written_kmeans_and_marks_the_training_rows() -> None:
    from sklearn.cluster import KMeans

    frame = _frame(datasets.load_wine).drop(columns=["target"])
    train, test = _split(frame, "alcohol", stratify=False)
    node = REGISTRY.get("models.kmeans")
    assert node is not None
    params = node.Params.model_validate({"n_clusters": 3, "random_state": 7})
    out = node.execute(RecordingContext(), params, train=train)
    expected = KMeans(n_clusters=3, random_state=7, n_init=1).fit(train)
    np.testing.assert_array_equal(out["clustered"]["cluster"].to_numpy(), expected.labels_)
    scored = _predict(out["model"], test)
    np.testing.assert_array_equal(scored["cluster"].to_numpy(), expected.predict(test))
    assert scored["cluster"].dtype == np.int64


@pytest.mark.parametrize(
    ("type_id", "params", "path"),
    [
        ("models.dbscan", {"eps": 30.0, "min_samples": 4}, "sklearn.cluster.DBSCAN"),
        (
            "models.agglomerative",
            {"n_clusters": 4, "linkage": "average"},
            "sklearn.cluster.AgglomerativeClustering",
        ),
    ],
)
def test_clusterers_without_predict_output_training_clusters_and_predict_refuses_them(
    type_id: str, params: dict[str, Any], path: str
) -> None:
    frame = _frame(datasets.load_wine).drop(columns=["target"])
    node = REGISTRY.get(type_id)
    assert node is not None
    out = node.execute(RecordingContext(), node.Params.model_validate(params), train=frame)
    expected = _sk(path)(**params).fit(frame).labels_
    np.testing.assert_array_equal(out["clustered"]["cluster"].to_numpy(), expected)
    pd.testing.assert_frame_equal(out["clustered"].drop(columns=["cluster"]), frame)
    with pytest.raises(NodeError, match="cannot assign clusters to new rows") as info:
        _predict(out["model"], frame)
    assert "clustered" in info.value.issue.hint


def test_model_meta_records_features_target_classes_versions_and_fingerprint() -> None:
    train = iris_labelled()
    model = fit_node(
        "models.lightgbm_classifier",
        {
            "target": "species",
            "features": ["petal width (cm)", "sepal length (cm)"],
            "n_estimators": 3,
        },
        train,
    )
    meta = model.meta
    assert meta.kind == "classifier" and meta.algorithm == "lightgbm.LGBMClassifier"
    assert meta.features == ["petal width (cm)", "sepal length (cm)"]  # listed order kept
    assert meta.feature_dtypes == {"petal width (cm)": "float", "sepal length (cm)": "float"}
    assert meta.target == "species" and meta.classes == ["setosa", "versicolor", "virginica"]
    assert {"lightgbm", "scikit-learn", "pandas", "numpy"} <= set(meta.library_versions)
    assert meta.training_rows == 150 and meta.training_fingerprint == frame_fingerprint(train)
    assert meta.params["n_estimators"] == 3
    assert ModelMeta.from_json(meta.to_json()) == meta


def test_empty_features_mean_every_column_but_the_target() -> None:
    model = fit_node("models.knn_classifier", {"target": "species"}, iris_labelled())
    assert model.meta.features == [c for c in iris_labelled().columns if c != "species"]


@pytest.mark.parametrize(
    "type_id",
    [
        "models.gradient_boosting_classifier",
        "models.xgboost_classifier",
        "models.lightgbm_classifier",
    ],
)
def test_boosting_models_report_progress_per_round(type_id: str) -> None:
    node = REGISTRY.get(type_id)
    assert node is not None
    ctx = RecordingContext()
    params = node.Params.model_validate({"target": "species", "n_estimators": 7})
    node.execute(ctx, params, train=iris_labelled())
    rounds = [m for _, m in ctx.events if m.startswith("progress") and "boosting" in m]
    assert rounds[0] == "progress 1/7 boosting rounds"
    assert rounds[-1] == "progress 7/7 boosting rounds" and len(rounds) == 7


def test_xgboost_progress_callback_is_not_left_on_the_model() -> None:
    model = fit_node(
        "models.xgboost_regressor",
        {"target": "target", "n_estimators": 3},
        _frame(datasets.load_diabetes),
    )
    assert model.estimator.get_params()["callbacks"] is None


def test_library_warnings_reach_the_run_log() -> None:
    node = REGISTRY.get("models.logistic_regression")
    assert node is not None
    ctx = RecordingContext()
    params = node.Params.model_validate({"target": "target", "max_iter": 1})
    node.execute(ctx, params, train=_frame(datasets.load_wine))
    assert any("failed to converge" in m for _, m in ctx.events)


# -- bad input -------------------------------------------------------------------------------


def _run(type_id: str, params: dict[str, Any], train: pd.DataFrame) -> NodeError:
    node = REGISTRY.get(type_id)
    assert node is not None
    with pytest.raises(NodeError) as info:
        node.execute(RecordingContext(), node.Params.model_validate(params), train=train)
    return info.value


def test_missing_target_column_is_refused_with_a_suggestion() -> None:
    err = _run("models.random_forest_classifier", {"target": "specis"}, iris_labelled())
    assert err.issue.code == "missing_column" and err.issue.param == "target"
    assert "'species'" in err.issue.hint


def test_missing_target_is_an_issue_before_the_run() -> None:
    node = REGISTRY.get("models.ridge")
    assert node is not None
    schema = TableSchema.of(a="float", b="float")
    issues = node.validate(node.Params.model_validate({"target": "y"}), {"train": schema}, None)  # type: ignore[arg-type]
    assert [(i.code, i.param) for i in issues] == [("missing_column", "target")]


def test_constant_target_is_refused() -> None:
    frame = iris_labelled().assign(species="setosa")
    err = _run("models.logistic_regression", {"target": "species"}, frame)
    assert err.issue.code == "constant_target" and err.issue.param == "target"
    assert "'setosa'" in err.issue.message


def test_string_features_are_refused_naming_the_columns_and_the_encoding_nodes() -> None:
    frame = iris_labelled().assign(colour="red", size=pd.Categorical(["s"] * 150))
    err = _run("models.xgboost_classifier", {"target": "species"}, frame)
    assert err.issue.code == "non_numeric_features" and err.issue.param == "features"
    assert "'colour'" in err.issue.message and "'size'" in err.issue.message
    assert "One-hot encode" in err.issue.hint and "Ordinal encode" in err.issue.hint


def test_string_features_are_an_issue_before_the_run() -> None:
    node = REGISTRY.get("models.lasso")
    assert node is not None
    schema = TableSchema.of(city="string", x="float", y="float")
    issues = node.validate(node.Params.model_validate({"target": "y"}), {"train": schema}, None)  # type: ignore[arg-type]
    assert [i.code for i in issues] == ["non_numeric_features"]
    assert "'city'" in issues[0].message


def test_nan_features_are_refused_by_models_that_cannot_handle_them() -> None:
    frame = iris_labelled()
    frame.loc[3, "petal width (cm)"] = np.nan
    err = _run("models.svm_classifier", {"target": "species"}, frame)
    assert err.issue.code == "missing_values" and "'petal width (cm)'" in err.issue.message
    assert "Impute missing values" in err.issue.hint


def test_models_that_handle_gaps_train_on_nan_features() -> None:
    frame = iris_labelled()
    frame.loc[::7, "petal width (cm)"] = np.nan
    for type_id in (
        "models.xgboost_classifier",
        "models.lightgbm_classifier",
        "models.random_forest_classifier",
    ):
        model = fit_node(type_id, {"target": "species", "n_estimators": 3}, frame)
        assert len(_predict(model, frame)) == 150


def test_missing_target_values_are_refused() -> None:
    frame = diabetes_frame()
    frame.loc[[1, 5], "target"] = np.nan
    err = _run("models.linear_regression", {"target": "target"}, frame)
    assert err.issue.code == "missing_target_values" and "2 of 442" in err.issue.message


def test_an_empty_frame_is_refused() -> None:
    err = _run(
        "models.kmeans", {"n_clusters": 2}, iris_labelled().drop(columns=["species"]).head(0)
    )
    assert err.issue.code == "empty_frame" and err.issue.port == "train"


def test_continuous_target_into_a_classifier_is_refused() -> None:
    err = _run(
        "models.knn_classifier",
        {"target": "target"},
        diabetes_frame().assign(target=lambda f: f["bmi"]),
    )
    assert err.issue.code == "continuous_target" and "regression" in err.issue.hint


def test_text_target_into_a_regressor_is_refused() -> None:
    err = _run("models.ridge", {"target": "species"}, iris_labelled())
    assert err.issue.code == "non_numeric_target"


def test_text_target_into_a_regressor_is_an_issue_before_the_run() -> None:
    node = REGISTRY.get("models.xgboost_regressor")
    assert node is not None
    schema = TableSchema.of(x="float", y="string")
    issues = node.validate(node.Params.model_validate({"target": "y"}), {"train": schema}, None)  # type: ignore[arg-type]
    assert [(i.code, i.param) for i in issues] == [("non_numeric_target", "target")]


def test_target_listed_as_a_feature_is_refused() -> None:
    err = _run(
        "models.ridge", {"target": "target", "features": ["bmi", "target"]}, diabetes_frame()
    )
    assert err.issue.code == "target_in_features"


def test_predict_on_different_feature_columns_lists_missing_and_unexpected_columns() -> None:
    model = fit_node(
        "models.random_forest_classifier", {"target": "species", "n_estimators": 3}, iris_labelled()
    )
    data = (
        iris_labelled()
        .rename(columns={"petal width (cm)": "petal_width"})
        .drop(columns=["sepal length (cm)"])
    )
    with pytest.raises(NodeError) as info:
        _predict(model, data)
    issue = info.value.issue
    assert issue.code == "column_mismatch" and issue.port == "data"
    assert "missing sepal length (cm), petal width (cm)" in issue.message
    assert "did not see in training: petal_width" in issue.message


def test_predict_on_an_empty_frame_gives_empty_prediction_columns() -> None:
    model = fit_node(
        "models.logistic_regression", {"target": "species", "max_iter": 500}, iris_labelled()
    )
    scored = _predict(model, iris_labelled().head(0))
    assert scored.empty and "prediction" in scored and "proba_setosa" in scored


def test_predict_refuses_a_transformer() -> None:
    from sklearn.preprocessing import StandardScaler

    frame = iris_labelled().drop(columns=["species"])
    meta = ModelMeta(
        kind="transformer",
        algorithm="sklearn.preprocessing.StandardScaler",
        features=list(frame.columns),
        feature_dtypes={c: "float" for c in frame.columns},
        output_columns=list(frame.columns),
    )
    with pytest.raises(NodeError, match="Apply fitted transformer"):
        _predict(FittedModel(StandardScaler().fit(frame), meta), frame)


def test_predict_applies_the_model_steps_first() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from node_library.ml.transformers import transformer_meta

    train = iris_labelled()
    features = [c for c in train.columns if c != "species"]
    scaler = StandardScaler().fit(train[features])
    step = FittedModel(
        scaler,
        transformer_meta(
            algorithm="sklearn.preprocessing.StandardScaler",
            train=train,
            features=features,
            output_columns=features,
            params={},
        ),
    )
    scaled = train.assign(**dict(zip(features, scaler.transform(train[features]).T, strict=True)))
    model = fit_node("models.logistic_regression", {"target": "species"}, scaled)
    chained = FittedModel(model.estimator, model.meta, steps=(step,))
    expected = LogisticRegression(random_state=0).fit(scaled[features], train["species"])
    np.testing.assert_array_equal(
        _predict(chained, train)["prediction"].to_numpy(), expected.predict(scaled[features])
    )


def test_predict_output_schema_is_unknown_before_a_run() -> None:
    node = REGISTRY.get("models.predict")
    assert node is not None
    inferred = node.infer_schema(
        node.Params(), {"model": None, "data": TableSchema.of(a="float")}, None
    )  # type: ignore[arg-type]
    assert inferred == {"predictions": None}


def test_clustered_output_schema_is_the_input_plus_an_integer_cluster() -> None:
    node = REGISTRY.get("models.dbscan")
    assert node is not None
    inferred = node.infer_schema(node.Params(), {"train": TableSchema.of(a="float")}, None)  # type: ignore[arg-type]
    assert inferred["clustered"] == TableSchema.of(a="float", cluster=Dtype.INTEGER)


def test_ward_linkage_with_another_metric_is_an_issue() -> None:
    node = REGISTRY.get("models.agglomerative")
    assert node is not None
    issues = node.validate(node.Params.model_validate({"metric": "cosine"}), {}, None)  # type: ignore[arg-type]
    assert [i.param for i in issues] == ["metric"]


def test_importing_the_registry_loads_no_ml_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from node_library import default_registry; default_registry();"
        "bad = [m for m in ('sklearn', 'xgboost', 'lightgbm', 'skops') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def diabetes_frame() -> pd.DataFrame:
    return _frame(datasets.load_diabetes)


# -- model export ----------------------------------------------------------------------------


def _export(model: FittedModel, **params: Any) -> tuple[str, dict[str, bytes]]:
    import io
    import zipfile

    node = REGISTRY.get("outputs.model_export")
    assert node is not None
    file = node.execute(RecordingContext(), node.Params.model_validate(params), model=model)["file"]
    assert file.media_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        return file.name, {name: archive.read(name) for name in archive.namelist()}


def test_native_export_of_a_sklearn_model_is_skops_with_metadata() -> None:
    import hashlib
    import json

    import skops.io as sio

    train = iris_labelled()
    model = fit_node(
        "models.random_forest_classifier", {"target": "species", "n_estimators": 4}, train
    )
    name, files = _export(model, file_name="iris forest")
    assert name == "iris forest.zip" and set(files) == {"model.skops", "metadata.json"}
    meta = json.loads(files["metadata.json"])
    assert meta["format"] == "skops" and meta["model_file"] == "model.skops"
    assert meta["sha256"] == hashlib.sha256(files["model.skops"]).hexdigest()
    assert meta["features"][0] == {"name": "sepal length (cm)", "dtype": "float"}
    assert meta["target"] == "species" and meta["classes"] == ["setosa", "versicolor", "virginica"]
    assert meta["training_data_fingerprint"] == frame_fingerprint(train)
    assert "scikit-learn" in meta["library_versions"] and meta["training_rows"] == 150
    loaded = sio.loads(
        files["model.skops"], trusted=sio.get_untrusted_types(data=files["model.skops"])
    )
    features = [f["name"] for f in meta["features"]]
    np.testing.assert_array_equal(
        loaded.predict(train[features]), model.estimator.predict(train[features])
    )


def test_native_export_of_boosting_models_uses_their_own_formats() -> None:
    import json

    import lightgbm
    import xgboost

    train = iris_labelled()
    features = [c for c in train.columns if c != "species"]
    xgb = fit_node("models.xgboost_classifier", {"target": "species", "n_estimators": 4}, train)
    _, files = _export(xgb)
    meta = json.loads(files["metadata.json"])
    assert meta["format"] == "xgboost-ubj" and meta["encoded_labels"] is True
    loaded = xgboost.XGBClassifier()
    loaded.load_model(bytearray(files["model.ubj"]))
    np.testing.assert_array_equal(
        loaded.predict_proba(train[features]), xgb.estimator.predict_proba(train[features])
    )

    lgb = fit_node("models.lightgbm_classifier", {"target": "species", "n_estimators": 4}, train)
    _, files = _export(lgb)
    assert json.loads(files["metadata.json"])["format"] == "lightgbm-text"
    booster = lightgbm.Booster(model_str=files["model.txt"].decode())
    np.testing.assert_array_equal(
        booster.predict(train[features]), lgb.estimator.predict_proba(train[features])
    )


def test_pickle_export_is_a_download_that_says_how_risky_it_is() -> None:
    import json
    import pickle

    train = diabetes_frame()
    model = fit_node("models.ridge", {"target": "target"}, train)
    _, files = _export(model, format="pickle")
    meta = json.loads(files["metadata.json"])
    assert meta["format"] == "pickle" and "trust" in meta["how_to_load"]
    # the test trusts its own bytes; the server never unpickles anything
    restored = pickle.loads(files["model.pkl"])
    features = [f["name"] for f in meta["features"]]
    np.testing.assert_array_equal(
        restored.predict(train[features]), model.estimator.predict(train[features])
    )


def test_export_refuses_a_file_name_with_a_path() -> None:
    node = REGISTRY.get("outputs.model_export")
    assert node is not None
    issues = node.validate(node.Params.model_validate({"file_name": "../etc/model"}), {}, None)  # type: ignore[arg-type]
    assert [(i.code, i.param) for i in issues] == [("invalid_file_name", "file_name")]
