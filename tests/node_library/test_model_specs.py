"""Model specifications: a model node's `spec` output (its settings, nothing fitted) feeds
cross-validation, learning curves, tuning and model comparison, which give exactly the numbers of
hand-written scikit-learn code and of the same nodes fed the fitted model. A model node without
training data fits nothing and outputs its spec only; before a run, a spec without a target
takes the data's target role, and one without features is refused on data with id columns.
Seeds given where nothing is shuffled are warnings naming the param."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from node_library import default_registry
from node_library.contract import NodeError, RecordingContext, Severity
from node_library.datatypes import DataType, can_connect
from node_library.graph import Edge, Node, Workflow
from node_library.ml.cv import CVScheme, scheme_issues
from node_library.ml.fitted import FittedModel
from node_library.ml.spec import ModelSpec
from node_library.node_kinds.models import ModelNode
from node_library.nodes.evaluate.cross_validate import CrossValidateParams
from node_library.nodes.sources.sample_dataset import load_sample
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult, validate_workflow
from tests.node_library.cases_models import fit_node, iris_labelled

REGISTRY = default_registry()
SETTINGS = NodeSettings()


def run(type_id: str, params: dict[str, Any], **inputs: Any) -> dict[str, Any]:
    node = REGISTRY.get(type_id)
    assert node is not None, type_id
    ctx = RecordingContext()
    return node.execute(ctx, node.Params.model_validate(params), **inputs)


def spec_of(type_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """The spec output of a model node run without training data."""
    outputs = run(type_id, params)
    assert outputs["model"] is None
    spec: dict[str, Any] = outputs["spec"]
    return spec


def cv_target(result: ValidationResult) -> str | None:
    """The target the cross-validation node runs with, as validation resolved it."""
    params = result.params["cv"]
    assert isinstance(params, CrossValidateParams)
    return params.target


def diabetes() -> pd.DataFrame:
    return load_sample("diabetes")


# -- the spec output ---------------------------------------------------------------------------


def test_a_model_node_without_training_data_fits_nothing_and_outputs_its_spec() -> None:
    node = REGISTRY.get("models.random_forest_regressor")
    assert isinstance(node, ModelNode)
    ctx = RecordingContext()
    params = node.Params.model_validate({"target": "target", "n_estimators": 7, "max_depth": 3})
    outputs = node.execute(ctx, params)

    assert outputs["model"] is None
    assert not [e for _, e in ctx.events if e.startswith("progress")], "nothing was fitted"
    spec = ModelSpec.from_json(json.loads(json.dumps(outputs["spec"])))  # plain JSON
    assert (spec.type_id, spec.kind, spec.target, spec.features) == (
        "models.random_forest_regressor",
        "regressor",
        "target",
        [],
    )
    estimator = spec.build_estimator()
    assert type(estimator).__name__ == "RandomForestRegressor"
    assert estimator.get_params() == node.make_estimator(params).get_params()
    assert not hasattr(estimator, "estimators_")


def test_a_trained_model_nodes_spec_names_its_real_features_and_target() -> None:
    frame = iris_labelled()
    outputs = run(
        "models.xgboost_classifier", {"target": "species", "n_estimators": 3}, train=frame
    )
    spec = ModelSpec.from_json(outputs["spec"])
    model = outputs["model"]
    assert isinstance(model, FittedModel)
    assert spec.features == model.meta.features == [c for c in frame.columns if c != "species"]
    assert spec.target == "species" and spec.encoded_labels and spec.kind == "classifier"
    assert spec.params["n_estimators"] == 3


def test_a_spec_never_builds_what_no_registered_model_node_builds() -> None:
    spec = ModelSpec.from_json(spec_of("models.ridge", {"target": "target"}))
    forged = ModelSpec(**{**spec.__dict__, "type_id": "sources.csv"})
    with pytest.raises(NodeError) as caught:
        forged.build_estimator()
    assert caught.value.issue.code == "unknown_model_type"
    bad = ModelSpec(**{**spec.__dict__, "params": {"alpha": -1}})
    with pytest.raises(NodeError) as caught:
        bad.build_estimator()
    assert caught.value.issue.code == "invalid_model_spec"
    with pytest.raises(ValueError, match="not a model spec"):
        ModelSpec.from_json({"type_id": "models.ridge"})


def test_a_fitted_model_connects_to_a_spec_port_and_a_spec_not_to_a_model_port() -> None:
    cross_validate = REGISTRY.get("evaluate.cross_validate")
    predict = REGISTRY.get("models.predict")
    assert cross_validate is not None and predict is not None
    spec_port = cross_validate.input_port("model")
    model_port = predict.input_port("model")
    assert spec_port is not None and model_port is not None
    assert spec_port.data_type is DataType.MODEL_SPEC
    assert can_connect(DataType.MODEL, spec_port.data_type)
    assert not can_connect(DataType.MODEL_SPEC, model_port.data_type)


# -- consumers: the numbers of hand-written scikit-learn, with a spec or the fitted model ------


def test_cross_validating_a_spec_equals_sklearn_and_the_fitted_model() -> None:
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold, cross_validate

    frame = diabetes()
    params = {"kind": "kfold", "n_splits": 4, "shuffle": True, "random_state": 3}
    params["scoring"] = ["rmse", "r2"]
    spec = spec_of("models.ridge", {"target": "target", "alpha": 0.5})
    with_spec = run("evaluate.cross_validate", params, model=spec, data=frame)
    fitted = fit_node("models.ridge", {"target": "target", "alpha": 0.5}, frame)
    with_model = run("evaluate.cross_validate", params, model=fitted, data=frame)

    expected = cross_validate(
        Ridge(alpha=0.5, random_state=0),
        frame.drop(columns="target"),
        frame["target"],
        cv=KFold(4, shuffle=True, random_state=3),
        scoring=("neg_root_mean_squared_error", "r2"),
    )
    scores = with_spec["scores"]
    np.testing.assert_array_equal(scores["rmse"], -expected["test_neg_root_mean_squared_error"])
    np.testing.assert_array_equal(scores["r2"], expected["test_r2"])
    pd.testing.assert_frame_equal(scores, with_model["scores"])
    assert with_spec["metrics"] == with_model["metrics"]


def test_cross_validating_an_xgboost_spec_learns_label_codes_like_a_label_encoder() -> None:
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.preprocessing import LabelEncoder
    from xgboost import XGBClassifier

    frame = iris_labelled()
    spec = spec_of("models.xgboost_classifier", {"target": "species", "n_estimators": 5})
    params = {"kind": "stratified_kfold", "n_splits": 3, "scoring": ["accuracy"]}
    scores = run("evaluate.cross_validate", params, model=spec, data=frame)["scores"]

    codes = LabelEncoder().fit_transform(frame["species"])
    expected = cross_val_score(
        XGBClassifier(n_estimators=5, random_state=0),
        frame.drop(columns="species"),
        codes,
        cv=StratifiedKFold(3),
        scoring="accuracy",
    )
    np.testing.assert_array_equal(scores["accuracy"], expected)


def test_a_spec_learning_curve_equals_sklearn() -> None:
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold, learning_curve

    frame = diabetes()
    spec = spec_of("models.ridge", {"target": "target", "alpha": 0.1})
    params = {"n_splits": 3, "scoring": "r2", "train_sizes": [0.5, 1.0]}
    curve = run("evaluate.learning_curve", params, model=spec, data=frame)["curve"]

    _, train, test = learning_curve(
        Ridge(alpha=0.1, random_state=0),
        frame.drop(columns="target"),
        frame["target"],
        train_sizes=np.array([0.5, 1.0]),
        cv=KFold(3),
        scoring="r2",
    )
    np.testing.assert_array_equal(curve["test_score"], test.ravel())
    np.testing.assert_array_equal(curve["train_score"], train.ravel())


def test_grid_search_over_a_spec_refits_the_best_like_gridsearchcv() -> None:
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV, KFold

    frame = diabetes()
    spec = spec_of("models.ridge", {"target": "target"})
    space = [{"param": "alpha", "values": [0.01, 0.1, 1.0]}]
    out = run("tune.grid_search", {"n_splits": 3, "space": space}, model=spec, train=frame)

    X, y = frame.drop(columns="target"), frame["target"]
    search = GridSearchCV(
        Ridge(random_state=0),
        {"alpha": [0.01, 0.1, 1.0]},
        cv=KFold(3),
        scoring="neg_root_mean_squared_error",
    ).fit(X, y)
    np.testing.assert_array_equal(
        out["results"]["mean_score"], -search.cv_results_["mean_test_score"]
    )
    best = out["model"]
    assert isinstance(best, FittedModel)
    np.testing.assert_array_equal(best.estimator.predict(X), search.best_estimator_.predict(X))
    meta = best.meta
    assert (meta.kind, meta.target, meta.features) == ("regressor", "target", list(X.columns))
    assert meta.params["alpha"] == search.best_params_["alpha"]
    assert meta.training_rows == len(frame) and "scikit-learn" in meta.library_versions
    predicted = run("models.predict", {}, model=best, data=frame)["predictions"]
    np.testing.assert_array_equal(predicted["prediction"], search.best_estimator_.predict(X))


def test_tuning_an_xgboost_spec_gives_a_model_that_predicts_the_labels() -> None:
    frame = iris_labelled()
    spec = spec_of("models.xgboost_classifier", {"target": "species", "n_estimators": 3})
    space = [{"param": "max_depth", "values": [1, 2]}]
    params = {"kind": "stratified_kfold", "n_splits": 3, "space": space}
    best = run("tune.grid_search", params, model=spec, train=frame)["model"]
    assert best.meta.encoded_labels and best.meta.classes == sorted(frame["species"].unique())
    predicted = run("models.predict", {}, model=best, data=frame)["predictions"]
    assert set(predicted["prediction"]) <= set(frame["species"])


def test_comparing_specs_equals_comparing_the_fitted_models() -> None:
    frame = diabetes()
    a = {"target": "target"}
    b = {"target": "target", "n_estimators": 10, "random_state": 1}
    params = {"n_splits": 3, "shuffle": True, "random_state": 0}
    with_specs = run(
        "evaluate.compare_models",
        params,
        model_a=spec_of("models.linear_regression", a),
        model_b=spec_of("models.random_forest_regressor", b),
        data=frame,
    )
    with_models = run(
        "evaluate.compare_models",
        params,
        model_a=fit_node("models.linear_regression", a, frame),
        model_b=fit_node("models.random_forest_regressor", b, frame),
        data=frame,
    )
    pd.testing.assert_frame_equal(with_specs["scores"], with_models["scores"])
    assert with_specs["metrics"] == with_models["metrics"]
    assert with_specs["comparison"]["verdict"] == with_models["comparison"]["verdict"]


def test_an_empty_model_is_refused_saying_to_connect_the_spec_or_training_data() -> None:
    empty = run("models.ridge", {"target": "target"})["model"]
    with pytest.raises(NodeError) as caught:
        run("evaluate.cross_validate", {}, model=empty, data=diabetes())
    assert caught.value.issue.code == "empty_model" and "spec output" in caught.value.issue.hint
    with pytest.raises(NodeError) as caught:
        run("models.predict", {}, model=empty, data=diabetes())
    assert caught.value.issue.code == "empty_model"
    assert "training data" in caught.value.issue.hint


def test_a_spec_without_a_target_uses_the_column_named_target_at_run_time() -> None:
    spec = spec_of("models.ridge", {})
    assert ModelSpec.from_json(spec).target is None
    frame = diabetes()
    out = run("evaluate.cross_validate", {"n_splits": 3}, model=spec, data=frame)
    assert out["metrics"]["folds"] == 3
    with pytest.raises(NodeError) as caught:
        run("evaluate.cross_validate", {}, model=spec, data=frame.rename(columns={"target": "y"}))
    assert caught.value.issue.code == "missing_target" and caught.value.issue.param == "target"


# -- before a run: roles, columns ----------------------------------------------------------------


def _workflow(
    model_params: dict[str, Any], roles: dict[str, str] | None = None, *, source_port: str = "spec"
) -> Workflow:
    nodes = [
        Node(
            id="data",
            type="sources.sample_dataset",
            params={"dataset": "diabetes", "target_column": "progression"},
        ),
        Node(
            id="roles", type="transforms.set_roles", params={"roles": roles or {"sex": "feature"}}
        ),
        Node(id="ridge", type="models.ridge", params=model_params),
        Node(id="cv", type="evaluate.cross_validate", params={"n_splits": 3}),
    ]
    wires = [
        ("data", "data", "roles", "data"),
        ("ridge", source_port, "cv", "model"),
        ("roles", "data", "cv", "data"),
    ]
    edges = [
        Edge(id=f"e{i}", source=s, source_port=sp, target=t, target_port=tp)
        for i, (s, sp, t, tp) in enumerate(wires)
    ]
    return Workflow(slug="specs", name="Specs", nodes=nodes, edges=edges)


def test_a_spec_without_a_target_takes_the_datas_target_role_before_the_run() -> None:
    result = validate_workflow(_workflow({}, {}), REGISTRY, SETTINGS)
    assert [str(i) for i in result.issues] == []
    assert cv_target(result) == "progression"
    assert result.schemas["ridge"]["spec"] is not None  # how the consumer knows it is a spec

    frame = load_sample("diabetes", "progression")
    spec = spec_of("models.ridge", {})
    node = REGISTRY.get("evaluate.cross_validate")
    assert node is not None
    out = node.compute(RecordingContext(), result.params["cv"], model=spec, data=frame)
    assert out["metrics"]["folds"] == 3


def test_a_spec_that_names_its_target_keeps_it_and_a_fitted_model_is_left_alone() -> None:
    result = validate_workflow(_workflow({"target": "bmi"}, {}), REGISTRY, SETTINGS)
    assert cv_target(result) is None
    fitted = _workflow({}, {}, source_port="model")
    result = validate_workflow(fitted, REGISTRY, SETTINGS)
    assert cv_target(result) is None  # the fitted model's own target decides
    assert [i.code for i in result.issues] == []  # a train-less node is valid; its model empty


def test_a_spec_without_features_is_refused_on_data_with_id_columns_or_missing_columns() -> None:
    result = validate_workflow(_workflow({}, {"age": "id"}), REGISTRY, SETTINGS)
    issues = [i for i in result.issues if i.severity is Severity.ERROR]
    assert [(i.node_id, i.code, i.port) for i in issues] == [
        ("cv", "spec_without_features", "model")
    ]
    assert "'age'" in issues[0].message and "features on the model node" in issues[0].hint

    listed = {"features": ["bmi", "bp"]}
    result = validate_workflow(_workflow(listed, {"age": "id"}), REGISTRY, SETTINGS)
    assert [str(i) for i in result.issues] == []
    result = validate_workflow(_workflow({"features": ["bmi", "nope"]}), REGISTRY, SETTINGS)
    assert [(i.code, i.port) for i in result.issues] == [("missing_column", "data")]
    result = validate_workflow(_workflow({"target": "nope"}), REGISTRY, SETTINGS)
    assert [(i.code, i.param) for i in result.issues] == [("missing_column", "target")]
    assert "the spec's target" in result.issues[0].message


# -- seeds that change nothing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "warned"),
    [
        ({"shuffle": False, "random_state": 7}, True),
        ({"shuffle": True, "random_state": 7}, False),
        ({"shuffle": False}, False),
        ({"kind": "time_series", "random_state": 7}, True),
    ],
)
def test_a_seed_given_with_shuffle_off_is_a_warning(scheme: dict[str, Any], warned: bool) -> None:
    issues = [i for i in scheme_issues(CVScheme(**scheme), None, port="data")]
    found = [i for i in issues if i.code == "unused_seed"]
    assert bool(found) is warned
    for issue in found:
        assert issue.severity is Severity.WARNING and issue.param == "random_state"
        assert "random_state 7" in issue.message and "shuffle" in issue.hint + issue.message


def test_compare_models_repeats_use_the_seed_so_they_are_not_warned() -> None:
    node = REGISTRY.get("evaluate.compare_models")
    assert node is not None
    params = node.Params.model_validate({"n_repeats": 2, "random_state": 5})
    assert "unused_seed" not in [i.code for i in node.validate(params, {}, SETTINGS)]
    single = node.Params.model_validate({"random_state": 5})
    assert "unused_seed" in [i.code for i in node.validate(single, {}, SETTINGS)]


@pytest.mark.parametrize(
    ("params", "warned"),
    [
        ({"shuffle": False, "random_state": 5}, True),
        ({"shuffle": True, "random_state": 5}, False),
        ({"method": "time-ordered", "time_column": "age", "random_state": 5}, True),
        ({"shuffle": False}, False),
    ],
)
def test_the_split_warns_of_a_seed_it_does_not_use(params: dict[str, Any], warned: bool) -> None:
    node = REGISTRY.get("split.train_test_split")
    assert node is not None
    issues = node.validate(node.Params.model_validate(params), {}, SETTINGS)
    found = [i for i in issues if i.code == "unused_seed"]
    assert bool(found) is warned
    assert all(i.severity is Severity.WARNING and i.param == "random_state" for i in found)


def test_the_artifact_store_keeps_a_spec_as_json_and_an_empty_model_as_none() -> None:
    from canvas_assets.storage.artifacts import decode, encode

    spec = spec_of("models.xgboost_classifier", {"target": "species", "n_estimators": 3})
    data, meta = encode(DataType.MODEL_SPEC, spec)
    assert meta["format"] == "json" and decode(DataType.MODEL_SPEC, data, meta) == spec
    data, meta = encode(DataType.MODEL, None)
    assert meta["empty"] is True and decode(DataType.MODEL, data, meta) is None
