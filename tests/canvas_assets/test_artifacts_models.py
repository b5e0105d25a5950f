"""FittedModel storage: every model node's model round-trips through the artifact store and
predicts exactly as before (labels, probabilities, clusters), steps included; planted objects in a
skops payload are refused; only FittedModel values are stored."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import numpy as np
import pandas as pd
import pytest

from canvas_assets.storage.artifacts import ArtifactError, ArtifactRef, ArtifactStore, open_backend
from node_library.datatypes import DataType
from node_library.ml.fitted import FittedModel
from node_library.ml.lightgbm_booster import LightGBMBoosterModel
from node_library.ml.prediction import predict_frame
from node_library.ml.transformers import transformer_meta
from tests.node_library.cases_models import (
    CLASSIFIERS,
    CLUSTERERS,
    REGRESSORS,
    diabetes,
    fit_node,
    iris_labelled,
)


@pytest.fixture
def store(tmp_path) -> ArtifactStore:
    return ArtifactStore(open_backend(str(tmp_path / "artifacts")))


def _round_trip(store: ArtifactStore, model: FittedModel) -> FittedModel:
    ref = ArtifactRef("wf", "model", uuid.uuid4().hex, "model")
    store.write(ref, DataType.MODEL, model)
    loaded = store.read(ref)
    assert isinstance(loaded, FittedModel)
    return loaded


@pytest.mark.parametrize("type_id", sorted(CLASSIFIERS))
def test_every_classifier_predicts_the_same_labels_and_probabilities_after_storage(
    store: ArtifactStore, type_id: str
) -> None:
    train = iris_labelled()
    model = fit_node(type_id, {"target": "species", **CLASSIFIERS[type_id]}, train)
    loaded = _round_trip(store, model)
    assert loaded.meta == model.meta
    before, after = predict_frame(model, train), predict_frame(loaded, train)
    pd.testing.assert_frame_equal(after, before)
    assert {"proba_setosa", "proba_virginica"} <= set(after.columns)


@pytest.mark.parametrize("type_id", sorted(REGRESSORS))
def test_every_regressor_predicts_the_same_after_storage(
    store: ArtifactStore, type_id: str
) -> None:
    train = diabetes()
    model = fit_node(type_id, {"target": "target", **REGRESSORS[type_id]}, train)
    loaded = _round_trip(store, model)
    pd.testing.assert_frame_equal(predict_frame(loaded, train), predict_frame(model, train))


@pytest.mark.parametrize("type_id", sorted(CLUSTERERS))
def test_every_clusterer_round_trips(store: ArtifactStore, type_id: str) -> None:
    frame = iris_labelled().drop(columns=["species"])
    model = fit_node(type_id, CLUSTERERS[type_id], frame)
    loaded = _round_trip(store, model)
    np.testing.assert_array_equal(loaded.estimator.labels_, model.estimator.labels_)
    if type_id == "models.kmeans":
        pd.testing.assert_frame_equal(predict_frame(loaded, frame), predict_frame(model, frame))


def test_boosting_models_come_back_in_their_own_classes(store: ArtifactStore) -> None:
    train = iris_labelled()
    xgb = _round_trip(store, fit_node("models.xgboost_classifier", {"target": "species"}, train))
    assert type(xgb.estimator).__name__ == "XGBClassifier" and xgb.meta.encoded_labels
    lgb_model = fit_node("models.lightgbm_classifier", {"target": "species"}, train)
    lgb = _round_trip(store, lgb_model)
    assert isinstance(lgb.estimator, LightGBMBoosterModel)
    np.testing.assert_array_equal(
        lgb.estimator.feature_importances_, lgb_model.estimator.feature_importances_
    )
    # a stored model stores again (the adapter writes the same native text)
    again = _round_trip(store, lgb)
    pd.testing.assert_frame_equal(predict_frame(again, train), predict_frame(lgb_model, train))


def test_binary_lightgbm_predicts_the_same_after_storage(store: ArtifactStore) -> None:
    train = iris_labelled().query("species != 'setosa'").reset_index(drop=True)
    model = fit_node("models.lightgbm_classifier", {"target": "species", "n_estimators": 5}, train)
    loaded = _round_trip(store, model)
    pd.testing.assert_frame_equal(predict_frame(loaded, train), predict_frame(model, train))


def test_model_steps_are_stored_and_applied_after_loading(store: ArtifactStore) -> None:
    from sklearn.preprocessing import StandardScaler

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
    model = fit_node("models.knn_classifier", {"target": "species"}, train)
    chained = FittedModel(model.estimator, model.meta, steps=(step,))
    loaded = _round_trip(store, chained)
    assert len(loaded.steps) == 1 and loaded.steps[0].meta == step.meta
    np.testing.assert_array_equal(loaded.steps[0].estimator.scale_, scaler.scale_)
    pd.testing.assert_frame_equal(predict_frame(loaded, train), predict_frame(chained, train))


def _replace_estimator_file(data: bytes, payload: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("model.json"))
    target = manifest["model"]["file"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, payload if name == target else source.read(name))
    return out.getvalue()


@pytest.mark.parametrize(
    "planted",
    [
        {"f": pd.Timestamp("2026-01-01")},  # pandas types are not trusted
        {"f": eval},  # a builtin function
        {"f": np.load},  # a numpy function that reads files
    ],
    ids=["pandas-object", "builtins-eval", "numpy-load"],
)
def test_a_planted_object_in_a_skops_payload_is_refused(store: ArtifactStore, planted) -> None:
    import skops.io as sio

    from canvas_assets.storage.artifacts import decode

    model = fit_node("models.logistic_regression", {"target": "species"}, iris_labelled())
    ref = ArtifactRef("wf", "model", uuid.uuid4().hex, "model")
    meta = store.write(ref, DataType.MODEL, model)
    data = store.backend.get(f"{ref.base}.{meta['ext']}")
    tampered = _replace_estimator_file(data, sio.dumps(planted))
    with pytest.raises(ArtifactError, match="not trusted"):
        decode(DataType.MODEL, tampered, meta)


def test_only_fitted_models_are_stored(store: ArtifactStore) -> None:
    from sklearn.linear_model import LinearRegression

    with pytest.raises(ArtifactError, match="must be a FittedModel"):
        store.write(ArtifactRef("wf", "m", "k", "model"), DataType.MODEL, LinearRegression())


def test_a_corrupt_model_artifact_gives_a_clear_error() -> None:
    from canvas_assets.storage.artifacts import decode

    with pytest.raises(ArtifactError, match="unreadable"):
        decode(DataType.MODEL, b"not a zip", {"format": "canvas-model"})


def test_a_model_workflow_runs_through_dagster_and_scores_the_same_as_in_memory(tmp_path) -> None:
    """sample dataset -> XGBoost -> Predict -> Export model, run by the real engine: the model
    crosses the artifact store between steps, and the scores equal an in-memory fit."""
    from canvas_assets.planning.status import State
    from node_library import default_registry
    from node_library.graph import load_workflow
    from node_library.nodes.sources.sample_dataset import load_sample
    from tests.canvas_assets.conftest import make_services

    def edge(source: str, source_port: str, target: str, target_port: str) -> dict[str, str]:
        return {
            "id": f"{source}-{target}-{target_port}",
            "source": source,
            "source_port": source_port,
            "target": target,
            "target_port": target_port,
        }

    params = {"target": "target", "n_estimators": 5, "max_depth": 2}
    document = {
        "slug": "iris_models",
        "name": "Iris models",
        "nodes": [
            {"id": "iris", "type": "sources.sample_dataset", "params": {"dataset": "iris"}},
            {"id": "xgb", "type": "models.xgboost_classifier", "params": params},
            {"id": "score", "type": "models.predict", "params": {}},
            {"id": "export", "type": "outputs.model_export", "params": {"file_name": "iris"}},
        ],
        "edges": [
            edge("iris", "data", "xgb", "train"),
            edge("xgb", "model", "score", "model"),
            edge("iris", "data", "score", "data"),
            edge("xgb", "model", "export", "model"),
        ],
    }
    services = make_services(tmp_path, registry=default_registry())
    try:
        slug = services.store.create(load_workflow(document)).workflow.slug
        report = services.run(slug)
        assert report.success, report
        plan = services.plan(services.store.get(slug))
        statuses = services.statuses(plan)
        assert {statuses[n].state for n in ("xgb", "score", "export")} == {State.FRESH}

        def read(node_id: str, port: str):
            return services.artifacts.read(
                ArtifactRef(slug, node_id, plan.nodes[node_id].cache_key, port)
            )

        model = fit_node("models.xgboost_classifier", params, load_sample("iris"))
        expected = predict_frame(model, load_sample("iris"))
        pd.testing.assert_frame_equal(read("score", "predictions"), expected)
        stored = read("xgb", "model")
        assert isinstance(stored, FittedModel) and stored.meta.classes == [0, 1, 2]
        assert read("export", "file").name == "iris.zip"
    finally:
        services.store.dispose()


# -- the PyTorch MLP (the `deep` extra): config JSON + weights in an .npz, never pickled ---------


def test_mlp_networks_come_back_as_themselves_and_predict_exactly_the_same(
    store: ArtifactStore,
) -> None:
    pytest.importorskip("torch")
    from node_library.ml.torch_mlp import TorchMLPClassifier, TorchMLPRegressor

    # integer labels of a binary problem: the labels keep their dtype through the JSON config
    train = iris_labelled().query("species != 'setosa'").reset_index(drop=True)
    train = train.assign(species=(train["species"] == "virginica").astype("int64"))
    model = fit_node("models.mlp_classifier", {"target": "species", "epochs": 5}, train)
    loaded = _round_trip(store, model)
    assert isinstance(loaded.estimator, TorchMLPClassifier) and loaded.meta == model.meta
    assert loaded.estimator.classes_.dtype == model.estimator.classes_.dtype
    assert loaded.estimator.get_params() == model.estimator.get_params()
    pd.testing.assert_frame_equal(predict_frame(loaded, train), predict_frame(model, train))

    regressor = fit_node("models.mlp_regressor", {"target": "target", "epochs": 3}, diabetes())
    again = _round_trip(store, _round_trip(store, regressor))  # a loaded network stores again
    assert isinstance(again.estimator, TorchMLPRegressor)
    assert again.estimator.loss_curve_ == regressor.estimator.loss_curve_
    pd.testing.assert_frame_equal(
        predict_frame(again, diabetes()), predict_frame(regressor, diabetes())
    )


def test_a_pickled_array_planted_in_a_network_file_is_refused(store: ArtifactStore) -> None:
    pytest.importorskip("torch")
    from canvas_assets.storage.artifacts import decode

    model = fit_node("models.mlp_classifier", {"target": "species", "epochs": 1}, iris_labelled())
    ref = ArtifactRef("wf", "model", uuid.uuid4().hex, "model")
    meta = store.write(ref, DataType.MODEL, model)
    data = store.backend.get(f"{ref.base}.{meta['ext']}")
    planted = io.BytesIO()
    # an object array can only be written (and read) through pickle
    np.savez(planted, config=np.array([{"class": "TorchMLPClassifier"}], dtype=object))
    with pytest.raises(ArtifactError, match=r"unreadable.*allow_pickle=False"):
        decode(DataType.MODEL, _replace_estimator_file(data, planted.getvalue()), meta)
    wrong = io.BytesIO()
    np.savez(wrong, config=np.frombuffer(b'{"class": "os.system"}', dtype=np.uint8))
    with pytest.raises(ArtifactError, match="unknown stored MLP class"):
        decode(DataType.MODEL, _replace_estimator_file(data, wrong.getvalue()), meta)
