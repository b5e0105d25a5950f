"""Typed artifact storage on a local folder and on real S3 (SeaweedFS)."""

from __future__ import annotations

import uuid

import lightgbm
import numpy as np
import pandas as pd
import pytest
import xgboost
from sklearn.linear_model import LogisticRegression

from canvas_assets.artifacts import (
    ArtifactError,
    ArtifactRef,
    ArtifactStore,
    LocalBackend,
    open_backend,
)
from node_library.datatypes import DataType
from node_library.values import FileValue


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


def _xy() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    return x, (x["a"] + x["b"] > 0).astype(int).to_numpy()


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
    x, y = _xy()
    sk = LogisticRegression().fit(x, y)
    xgb = xgboost.XGBClassifier(n_estimators=5, max_depth=2).fit(x, y)
    lgb = lightgbm.LGBMClassifier(n_estimators=5, verbose=-1).fit(x, y)

    ref = _ref("sk")
    assert artifacts.write(ref, DataType.MODEL, sk)["format"] == "skops"
    np.testing.assert_array_equal(artifacts.read(ref).predict(x), sk.predict(x))

    ref = _ref("xgb")
    assert artifacts.write(ref, DataType.MODEL, xgb)["format"] == "xgboost-ubj"
    booster = artifacts.read(ref)
    np.testing.assert_allclose(
        booster.predict(xgboost.DMatrix(x)), xgb.predict_proba(x)[:, 1], rtol=1e-6
    )

    ref = _ref("lgb")
    assert artifacts.write(ref, DataType.MODEL, lgb)["format"] == "lightgbm-text"
    np.testing.assert_allclose(
        artifacts.read(ref).predict(x), lgb.predict_proba(x)[:, 1], rtol=1e-6
    )


def test_a_planted_skops_object_with_untrusted_types_is_refused(tmp_path) -> None:
    import skops.io as sio

    from canvas_assets.artifacts import decode

    planted = sio.dumps({"f": pd.Timestamp("2026-01-01")})  # pandas types are not trusted here
    with pytest.raises(ArtifactError, match="not trusted"):
        decode(DataType.MODEL, planted, {"format": "skops"})


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
