"""The deep-learning nodes (models.mlp_classifier / mlp_regressor, the optional `deep` extra): the
same predictions and probabilities as a hand-written PyTorch training loop with the same seed and
data, progress once per epoch, the caller's torch state left alone, storage without pickle, and
every bad input refused with a message naming the param and the fix, PyTorch missing included."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from sklearn.model_selection import train_test_split

from node_library import default_registry
from node_library.contract import NodeError, RecordingContext
from node_library.ml.fitted import FittedModel
from node_library.ml.prediction import predict_frame
from node_library.schema import schema_of_frame
from tests.node_library.cases_models import diabetes, fit_node, iris_labelled

torch = pytest.importorskip("torch")

REGISTRY = default_registry()
CLASSIFIER = "models.mlp_classifier"
REGRESSOR = "models.mlp_regressor"


def _node(type_id: str) -> Any:
    node = REGISTRY.get(type_id)
    assert node is not None
    return node


def _split(frame: pd.DataFrame, target: str, stratify: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, test = train_test_split(
        frame, test_size=0.3, random_state=0, stratify=frame[target] if stratify else None
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


# -- the hand-written reference: a plain PyTorch script, independent of node_library ---------------


def _hand_written(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    *,
    hidden: list[int],
    activation: type,
    n_outputs: int,
    loss_fn: Any,
    epochs: int,
    batch_size: int,
    lr: float,
    weight_decay: float,
    seed: int,
) -> np.ndarray:
    """Train the network the way a careful script does on the CPU, return its raw test output."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        torch.manual_seed(seed)
        layers: list[Any] = []
        width = X_train.shape[1]
        for units in hidden:
            layers += [torch.nn.Linear(width, units), activation()]
            width = units
        layers.append(torch.nn.Linear(width, n_outputs))
        net = torch.nn.Sequential(*layers)
        optimizer = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
        generator = torch.Generator().manual_seed(seed)
        X = torch.tensor(X_train, dtype=torch.float32)
        y = torch.tensor(y_train)
        for _ in range(epochs):
            order = torch.randperm(len(X), generator=generator)
            for start in range(0, len(X), batch_size):
                batch = order[start : start + batch_size]
                optimizer.zero_grad()
                loss = loss_fn(net(X[batch]), y[batch])
                loss.backward()
                optimizer.step()
        net.eval()
        with torch.no_grad():
            output: np.ndarray = net(torch.tensor(X_test, dtype=torch.float32)).numpy()
        return output
    finally:
        torch.use_deterministic_algorithms(False)
        torch.set_num_threads(threads)


def test_classifier_equals_a_hand_written_torch_loop_predictions_and_probabilities() -> None:
    frame = iris_labelled()
    train, test = _split(frame, "species", stratify=True)
    features = [c for c in frame.columns if c != "species"]
    params = {
        "target": "species",
        "hidden_layer_sizes": "16, 8",
        "activation": "tanh",
        "epochs": 30,
        "batch_size": 16,
        "learning_rate": 0.01,
        "weight_decay": 0.001,
        "random_state": 3,
    }
    model = fit_node(CLASSIFIER, params, train)
    predicted = predict_frame(model, test)

    classes, codes = np.unique(train["species"].to_numpy(), return_inverse=True)
    logits = _hand_written(
        train[features].to_numpy(np.float32),
        codes.astype(np.int64),
        test[features].to_numpy(np.float32),
        hidden=[16, 8],
        activation=torch.nn.Tanh,
        n_outputs=3,
        loss_fn=torch.nn.functional.cross_entropy,
        epochs=30,
        batch_size=16,
        lr=0.01,
        weight_decay=0.001,
        seed=3,
    )
    proba = torch.softmax(torch.from_numpy(logits), dim=1).numpy().astype(np.float64)
    expected_labels = classes[np.argmax(logits, axis=1)]

    assert model.meta.classes == ["setosa", "versicolor", "virginica"] == list(classes)
    np.testing.assert_array_equal(predicted["prediction"].to_numpy(), expected_labels)
    for index, label in enumerate(classes):
        np.testing.assert_array_equal(predicted[f"proba_{label}"].to_numpy(), proba[:, index])
    # the network learned something (not a degenerate equality of two untrained nets)
    assert (predicted["prediction"] == test["species"]).mean() > 0.8


def test_regressor_equals_a_hand_written_torch_loop_on_the_standardized_target() -> None:
    train, test = _split(diabetes(), "target", stratify=False)
    features = [c for c in train.columns if c != "target"]
    params = {
        "target": "target",
        "hidden_layer_sizes": "32",
        "activation": "relu",
        "epochs": 40,
        "batch_size": 32,
        "learning_rate": 0.005,
        "weight_decay": 0.0,
        "random_state": 7,
    }
    model = fit_node(REGRESSOR, params, train)
    predicted = predict_frame(model, test)

    y = train["target"].to_numpy(np.float64)
    mean, std = y.mean(), y.std()
    output = _hand_written(
        train[features].to_numpy(np.float32),
        ((y - mean) / std).astype(np.float32),
        test[features].to_numpy(np.float32),
        hidden=[32],
        activation=torch.nn.ReLU,
        n_outputs=1,
        loss_fn=lambda out, target: torch.nn.functional.mse_loss(out.squeeze(1), target),
        epochs=40,
        batch_size=32,
        lr=0.005,
        weight_decay=0.0,
        seed=7,
    )
    expected = output[:, 0].astype(np.float64) * std + mean
    np.testing.assert_array_equal(predicted["prediction"].to_numpy(), expected)
    from sklearn.metrics import r2_score

    assert r2_score(test["target"], predicted["prediction"]) > 0.3


def test_model_meta_records_the_algorithm_params_classes_and_torch_version() -> None:
    model = fit_node(CLASSIFIER, {"target": "species", "epochs": 2}, iris_labelled())
    meta = model.meta
    assert meta.kind == "classifier" and meta.target == "species"
    assert meta.algorithm == "node_library.ml.torch_mlp.TorchMLPClassifier"
    assert meta.params["hidden_layer_sizes"] == "64, 32" and meta.params["epochs"] == 2
    assert meta.library_versions["torch"].startswith("2.13.0")
    assert len(meta.features) == 4 and meta.training_rows == 150


def test_progress_is_reported_once_per_epoch_with_the_loss() -> None:
    node = _node(CLASSIFIER)
    reports: list[tuple[int, int | None, str]] = []
    ctx = RecordingContext(on_progress=lambda d, t, m: reports.append((d, t, m)))
    params = node.Params.model_validate({"target": "species", "epochs": 6})
    model = node.execute(ctx, params, train=iris_labelled())["model"]
    assert [(d, t) for d, t, _ in reports] == [(i, 6) for i in range(7)]
    assert all("training loss" in m for _, _, m in reports[1:])
    losses = model.estimator.loss_curve_
    assert len(losses) == 6 and f"{losses[2]:.4g}" in reports[3][2]
    assert any("final training loss" in e for _, e in ctx.events)


def test_progress_of_many_epochs_is_throttled_to_about_a_hundred_reports() -> None:
    node = _node(REGRESSOR)
    reports: list[int] = []
    ctx = RecordingContext(on_progress=lambda d, t, m: reports.append(d))
    small = diabetes().head(20)
    params = node.Params.model_validate(
        {"target": "target", "epochs": 250, "hidden_layer_sizes": "2", "batch_size": 20}
    )
    node.execute(ctx, params, train=small)
    assert reports[0] == 0 and reports[-1] == 250
    assert reports[1:] == list(range(2, 251, 2))


def test_fitting_twice_gives_the_same_network_and_leaves_the_torch_state_alone() -> None:
    threads = torch.get_num_threads()
    torch.manual_seed(1234)
    rng_before = torch.get_rng_state()
    first = fit_node(CLASSIFIER, {"target": "species", "epochs": 3}, iris_labelled())
    second = fit_node(CLASSIFIER, {"target": "species", "epochs": 3}, iris_labelled())
    assert torch.get_num_threads() == threads
    assert not torch.are_deterministic_algorithms_enabled()
    assert torch.equal(torch.get_rng_state(), rng_before)
    for a, b in zip(
        first.estimator.network_.parameters(), second.estimator.network_.parameters(), strict=True
    ):
        assert torch.equal(a, b)
    other_seed = fit_node(
        CLASSIFIER, {"target": "species", "epochs": 3, "random_state": 1}, iris_labelled()
    )
    assert not torch.equal(
        next(other_seed.estimator.network_.parameters()),
        next(first.estimator.network_.parameters()),
    )


def test_the_estimator_clones_and_refits_like_a_scikit_learn_model() -> None:
    from sklearn.base import clone, is_classifier, is_regressor

    train = iris_labelled()
    model = fit_node(CLASSIFIER, {"target": "species", "epochs": 4}, train)
    assert is_classifier(model.estimator)
    X, y = train[model.meta.features], train["species"]
    again = clone(model.estimator).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), model.estimator.predict_proba(X))
    regressor = fit_node(REGRESSOR, {"target": "target", "epochs": 2}, diabetes())
    assert is_regressor(regressor.estimator)


def test_cross_validation_runs_on_the_network() -> None:
    node = _node("evaluate.cross_validate")
    model = fit_node(CLASSIFIER, {"target": "species", "epochs": 3}, iris_labelled())
    params = node.Params.model_validate({"n_splits": 3})
    outputs = node.execute(RecordingContext(), params, model=model, data=iris_labelled())
    assert len(next(v for v in outputs.values() if isinstance(v, pd.DataFrame))) >= 3


def test_native_export_is_an_npz_read_without_pickle() -> None:
    node = _node("outputs.model_export")
    model = fit_node(CLASSIFIER, {"target": "species", "epochs": 2}, iris_labelled())
    params = node.Params.model_validate({"file_name": "net"})
    file = node.execute(RecordingContext(), params, model=model)["file"]
    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        meta = json.loads(archive.read("metadata.json"))
        data = archive.read("model.npz")
    assert meta["format"] == "torch-mlp-npz" and "allow_pickle=False" in meta["how_to_load"]
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        config = json.loads(arrays["config"].tobytes())
        assert config["class"] == "TorchMLPClassifier"
        assert config["classes"] == ["setosa", "versicolor", "virginica"]
        assert arrays["weight:0.weight"].shape == (64, 4)


# -- bad input -------------------------------------------------------------------------------


def _run(type_id: str, params: dict[str, Any], frame: pd.DataFrame) -> FittedModel:
    node = _node(type_id)
    out: FittedModel = node.execute(
        RecordingContext(), node.Params.model_validate(params), train=frame
    )["model"]
    return out


def test_text_features_are_refused_naming_the_columns_and_the_encoding_nodes() -> None:
    frame = iris_labelled().assign(colour="red")
    with pytest.raises(NodeError) as caught:
        _run(CLASSIFIER, {"target": "species"}, frame)
    issue = caught.value.issue
    assert issue.code == "non_numeric_features" and issue.param == "features"
    assert "'colour'" in issue.message and "One-hot encode" in issue.hint
    node = _node(CLASSIFIER)
    issues = node.validate(
        node.Params.model_validate({"target": "species"}), {"train": schema_of_frame(frame)}, None
    )
    assert [i.code for i in issues] == ["non_numeric_features"]


def test_nan_features_are_refused_with_the_imputation_hint() -> None:
    frame = diabetes()
    frame.loc[3, "bmi"] = np.nan
    with pytest.raises(NodeError) as caught:
        _run(REGRESSOR, {"target": "target"}, frame)
    issue = caught.value.issue
    assert issue.code == "missing_values" and issue.param == "features"
    assert "'bmi'" in issue.message and "Impute missing values" in issue.hint


def test_constant_target_is_refused() -> None:
    frame = iris_labelled().assign(species="setosa")
    with pytest.raises(NodeError) as caught:
        _run(CLASSIFIER, {"target": "species"}, frame)
    assert caught.value.issue.code == "constant_target"
    assert caught.value.issue.param == "target"


def test_an_empty_frame_is_refused() -> None:
    with pytest.raises(NodeError) as caught:
        _run(REGRESSOR, {"target": "target"}, diabetes().head(0))
    assert caught.value.issue.code == "empty_frame"


def test_missing_target_column_is_an_issue_before_the_run() -> None:
    node = _node(REGRESSOR)
    issues = node.validate(
        node.Params.model_validate({"target": "price"}),
        {"train": schema_of_frame(diabetes())},
        None,
    )
    assert [(i.code, i.param) for i in issues] == [("missing_column", "target")]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("64, x", "'x' is not a whole number"),
        ("", "at least one hidden layer"),
        ("0", "1 to 4096 units"),
        ("1,2,3,4,5,6,7,8,9", "1 to 8 hidden layers"),
    ],
)
def test_bad_hidden_layer_sizes_are_refused_saying_how_to_write_them(
    value: str, fragment: str
) -> None:
    with pytest.raises(ValidationError, match=fragment):
        _node(CLASSIFIER).Params.model_validate({"hidden_layer_sizes": value})


def test_hidden_layer_sizes_are_normalised() -> None:
    params = _node(CLASSIFIER).Params.model_validate({"hidden_layer_sizes": " 8;4 "})
    assert params.hidden_layer_sizes == "8, 4"


def test_predicting_with_other_columns_lists_the_differences() -> None:
    model = fit_node(CLASSIFIER, {"target": "species", "epochs": 2}, iris_labelled())
    other = iris_labelled().rename(columns={"petal width (cm)": "petal_width"})
    with pytest.raises(NodeError) as caught:
        predict_frame(model, other)
    assert caught.value.issue.code == "column_mismatch"
    assert "petal width (cm)" in caught.value.issue.message
    assert "petal_width" in caught.value.issue.message


def test_without_pytorch_the_nodes_say_which_extra_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails
    for type_id in (CLASSIFIER, REGRESSOR):
        node = _node(type_id)
        params = node.Params.model_validate({"target": "target"})
        issues = node.validate(params, {"train": schema_of_frame(diabetes())}, None)
        assert [i.code for i in issues] == ["missing_extra"]
        assert "pip install -e '.[deep]'" in issues[0].message
        with pytest.raises(NodeError) as caught:
            node.execute(RecordingContext(), params, train=diabetes())
        assert caught.value.issue.code == "missing_extra"


def test_importing_the_registry_imports_neither_torch_nor_the_network_module() -> None:
    import subprocess

    # Parsing an MLP's params (as validating a workflow does) stays plain Python too.
    code = (
        "import sys; from node_library import default_registry; r = default_registry();"
        "assert r.get('models.mlp_classifier') and r.get('models.mlp_regressor');"
        "r.get('models.mlp_classifier').Params(hidden_layer_sizes='64, 32');"
        "bad = [m for m in ('torch', 'node_library.ml.torch_mlp', 'sklearn') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_registry_loads_the_nodes_when_torch_cannot_be_imported() -> None:
    import subprocess

    code = (
        "import sys; sys.modules['torch'] = None;"
        "from node_library import default_registry; r = default_registry();"
        "from node_library.nodes import LOAD_FAILURES;"
        "node = r.get('models.mlp_classifier');"
        "issues = node.validate(node.resolve_params(node.Params(), {}, {}), {}, None);"
        "print(len(LOAD_FAILURES), [i.code for i in issues])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 ['missing_extra']"


def test_grid_search_tunes_the_layer_sizes_written_as_text() -> None:
    node = _node("tune.grid_search")
    model = fit_node(CLASSIFIER, {"target": "species", "epochs": 2}, iris_labelled())
    space = [{"param": "hidden_layer_sizes", "values": ["4", "8, 4"]}]
    params = node.Params.model_validate({"space": space, "n_splits": 3, "shuffle": True})
    outputs = node.execute(RecordingContext(), params, model=model, train=iris_labelled())
    assert sorted(outputs["results"]["hidden_layer_sizes"]) == ["4", "8, 4"]
    best = outputs["model"].estimator
    assert best.hidden_layer_sizes in ("4", "8, 4")
    assert len(list(best.network_.children())) == (3 if best.hidden_layer_sizes == "4" else 5)
