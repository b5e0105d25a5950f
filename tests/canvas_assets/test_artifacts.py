"""Typed artifact storage on a local folder and on real S3 (SeaweedFS)."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest

from canvas_assets.storage.artifacts import (
    ArtifactError,
    ArtifactRef,
    ArtifactStore,
    LocalBackend,
    open_backend,
)
from node_library.datatypes import DataType
from node_library.ml.fitted import FittedModel
from node_library.ml.prediction import predict_frame
from node_library.values import FileValue
from tests.node_library.cases_models import fit_node, iris_labelled


@pytest.fixture(params=["local", "s3"])
def artifacts(request, tmp_path) -> ArtifactStore:
    if request.param == "local":
        return ArtifactStore(open_backend(str(tmp_path / "artifacts")))
    s3 = request.getfixturevalue("s3_service")
    bucket = f"canvas-{uuid.uuid4().hex[:8]}"
    s3.client().create_bucket(Bucket=bucket)
    return ArtifactStore(open_backend(f"s3://{bucket}/runs", s3.endpoint_url))


def _ref(port: str = "data") -> ArtifactRef:
    return ArtifactRef("wf", "node", uuid.uuid4().hex, port)


def test_dataframe_round_trips_through_parquet_with_its_schema(artifacts: ArtifactStore) -> None:
    frame = pd.DataFrame(
        {
            "i": [1, 2],
            "f": [0.5, None],
            "s": ["x", "y"],
            "t": pd.to_datetime(["2026-01-01", "2026-01-02"]),
        }
    )
    ref = _ref()
    assert not artifacts.exists(ref)
    meta = artifacts.write(ref, DataType.DATAFRAME, frame)
    assert artifacts.exists(ref)
    assert meta["rows"] == 2 and meta["format"] == "parquet"
    pd.testing.assert_frame_equal(artifacts.read(ref), frame)
    assert [c["dtype"] for c in artifacts.read_meta(ref)["schema"]["columns"]] == [
        "integer",
        "float",
        "string",
        "datetime",
    ]


def test_series_metrics_plot_and_file_round_trip(artifacts: ArtifactStore) -> None:
    series = pd.Series([1.5, 2.5], name="score")
    values = [
        (DataType.SERIES, series),
        (DataType.METRICS, {"accuracy": 0.9, "n": 10}),
        (DataType.PLOT, {"data": [{"type": "bar", "y": [1, 2]}], "layout": {}}),
        (DataType.FILE, FileValue("out.csv", b"a,b\n1,2\n", "text/csv")),
    ]
    for data_type, value in values:
        ref = _ref(data_type.value)
        artifacts.write(ref, data_type, value)
        loaded = artifacts.read(ref)
        if isinstance(value, pd.Series):
            pd.testing.assert_series_equal(loaded, value)
        else:
            assert loaded == value


def test_models_are_stored_in_native_formats_and_predict_the_same(artifacts: ArtifactStore) -> None:
    # every model family and the planted-type refusal: tests/canvas_assets/test_artifacts_models.py
    train = iris_labelled()
    for type_id, estimator_format in (
        ("models.logistic_regression", "skops"),
        ("models.xgboost_classifier", "xgboost-ubj"),
        ("models.lightgbm_classifier", "lightgbm-text"),
    ):
        params = {} if type_id == "models.logistic_regression" else {"n_estimators": 5}
        model = fit_node(type_id, {"target": "species", **params}, train)
        ref = _ref(type_id.replace(".", "_"))
        meta = artifacts.write(ref, DataType.MODEL, model)
        assert meta["format"] == "canvas-model" and meta["estimator_format"] == estimator_format
        assert meta["model"]["classes"] == ["setosa", "versicolor", "virginica"]
        loaded = artifacts.read(ref)
        assert isinstance(loaded, FittedModel) and loaded.meta == model.meta
        pd.testing.assert_frame_equal(predict_frame(loaded, train), predict_frame(model, train))


def test_artifact_keys_cannot_escape_the_local_root(tmp_path) -> None:
    backend = LocalBackend(tmp_path / "root")
    with pytest.raises(ArtifactError, match="escapes"):
        backend.put("../outside.bin", b"x")
    assert not (tmp_path / "outside.bin").exists()


def test_unreachable_s3_gives_a_clear_error(tmp_path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = ArtifactStore(open_backend("s3://bucket/prefix", f"http://127.0.0.1:{port}"))
    with pytest.raises(ArtifactError, match=rf"127.0.0.1:{port}.*CANVAS_S3_ENDPOINT_URL"):
        store.write(_ref(), DataType.METRICS, {"a": 1})


def test_s3_location_without_a_bucket_is_refused() -> None:
    with pytest.raises(ArtifactError, match="names no bucket"):
        open_backend("s3:///prefix")
