"""Column roles (target, feature, id, ignore): declared by sources and the Set roles node, carried
through the transforms that keep a column, followed by feature nodes (they leave the target and
id columns alone unless listed), models and metrics (an empty target means the target-role
column), and named in a target error when an upstream node changed the target.

Results are compared with the hand-written scikit-learn code a data scientist would write, which
scales or imputes the features only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from canvas_assets.config import CanvasConfig
from canvas_assets.services import CanvasServices
from canvas_assets.storage.artifacts import ArtifactRef
from node_library.contract import NodeError, RecordingContext, Severity
from node_library.graph import Edge, Node, Workflow
from node_library.registry import default_registry
from node_library.schema import Role, TableSchema
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult, validate_workflow

REGISTRY = default_registry()


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    return root


def settings_for(root: Path) -> NodeSettings:
    return NodeSettings(data_roots=(root.resolve(),))


def workflow(nodes: list[Node], wires: list[tuple[str, str, str, str]]) -> Workflow:
    edges = [
        Edge(id=f"e{i}", source=s, source_port=sp, target=t, target_port=tp)
        for i, (s, sp, t, tp) in enumerate(wires)
    ]
    return Workflow(slug="roles", name="Roles", nodes=nodes, edges=edges)


def validate(nodes: list[Node], wires: list[tuple[str, str, str, str]], root: Path):
    return validate_workflow(workflow(nodes, wires), REGISTRY, settings_for(root))


def errors(result: ValidationResult) -> list[str]:
    return [str(i) for i in result.issues if i.severity is Severity.ERROR]


def run_node(result: ValidationResult, node_id: str, type_id: str, **inputs: Any) -> Any:
    """Execute one node as the engine does: with the params validation resolved."""
    node_type = REGISTRY.get(type_id)
    assert node_type is not None
    return node_type.execute(RecordingContext(node_id=node_id), result.params[node_id], **inputs)


def wine(target: str = "cultivar") -> pd.DataFrame:
    from sklearn.datasets import load_wine

    return load_wine(as_frame=True).frame.rename(columns={"target": target})


# -- declaring roles and carrying them -----------------------------------------------------------


def test_roles_flow_from_a_source_through_filter_rename_and_join(data_root: Path) -> None:
    pd.DataFrame(
        {"order_id": [1, 2, 3], "units": [3, 5, 8], "price": [2.0, 3.5, 1.0], "label": [0, 1, 1]}
    ).to_csv(data_root / "orders.csv", index=False)
    pd.DataFrame({"order_id": [1, 2, 3], "note": ["a", "b", "c"], "price": [9.0, 8.0, 7.0]}).to_csv(
        data_root / "notes.csv", index=False
    )
    nodes = [
        Node(
            id="orders",
            type="sources.csv",
            params={"path": "orders.csv", "roles": {"order_id": "id", "label": "target"}},
        ),
        Node(
            id="notes",
            type="sources.csv",
            params={"path": "notes.csv", "roles": {"note": "ignore"}},
        ),
        Node(id="big", type="transforms.filter_rows", params={"expression": "units > 2"}),
        Node(
            id="renamed", type="transforms.select_columns", params={"rename": {"label": "churned"}}
        ),
        Node(
            id="joined",
            type="transforms.join",
            params={"keys": [{"left": "order_id", "right": "order_id"}]},
        ),
    ]
    wires = [
        ("orders", "data", "big", "data"),
        ("big", "data", "renamed", "data"),
        ("renamed", "data", "joined", "left"),
        ("notes", "data", "joined", "right"),
    ]
    result = validate(nodes, wires, data_root)
    assert errors(result) == []
    assert result.schemas["orders"]["data"].roles == {"order_id": Role.ID, "label": Role.TARGET}
    assert result.schemas["big"]["data"].roles == {"order_id": Role.ID, "label": Role.TARGET}
    assert result.schemas["renamed"]["data"].roles == {"order_id": Role.ID, "churned": Role.TARGET}
    joined = result.schemas["joined"]["data"]
    assert joined.names == ["order_id", "units", "price_left", "churned", "note", "price_right"]
    assert joined.roles == {"order_id": Role.ID, "churned": Role.TARGET, "note": Role.IGNORE}


def test_a_sample_dataset_marks_its_target_column() -> None:
    node = REGISTRY.get("sources.sample_dataset")
    assert node is not None
    params = node.Params.model_validate({"dataset": "wine", "target_column": "cultivar"})
    schema = node.infer_schema(params, {}, NodeSettings())["data"]
    assert isinstance(schema, TableSchema)
    assert schema.roles == {"cultivar": Role.TARGET}


def test_set_roles_changes_no_value_and_sets_the_roles_downstream(data_root: Path) -> None:
    nodes = [
        Node(id="wine", type="sources.sample_dataset", params={"dataset": "wine"}),
        Node(
            id="roles",
            type="transforms.set_roles",
            params={"roles": {"target": "feature", "alcohol": "target", "proline": "ignore"}},
        ),
    ]
    result = validate(nodes, [("wine", "data", "roles", "data")], data_root)
    assert errors(result) == []
    assert result.schemas["roles"]["data"].roles == {"alcohol": Role.TARGET, "proline": Role.IGNORE}
    frame = wine("target")
    assert run_node(result, "roles", "transforms.set_roles", data=frame)["data"] is frame


def test_set_roles_refuses_an_unknown_column_with_did_you_mean(data_root: Path) -> None:
    nodes = [
        Node(id="wine", type="sources.sample_dataset", params={"dataset": "wine"}),
        Node(id="roles", type="transforms.set_roles", params={"roles": {"alcohl": "id"}}),
    ]
    result = validate(nodes, [("wine", "data", "roles", "data")], data_root)
    (issue,) = [i for i in result.issues if i.severity is Severity.ERROR]
    assert (issue.code, issue.node_id, issue.param) == ("missing_column", "roles", "roles")
    assert "'alcohl'" in issue.message and issue.hint == "did you mean 'alcohol'?"


def test_set_roles_refuses_a_second_target_and_says_which_to_demote(data_root: Path) -> None:
    nodes = [
        Node(id="wine", type="sources.sample_dataset", params={"dataset": "wine"}),
        Node(id="roles", type="transforms.set_roles", params={"roles": {"alcohol": "target"}}),
    ]
    result = validate(nodes, [("wine", "data", "roles", "data")], data_root)
    (issue,) = [i for i in result.issues if i.severity is Severity.ERROR]
    assert issue.code == "several_targets" and issue.param == "roles"
    assert "'target'" in issue.message and "'alcohol'" in issue.message
    assert issue.hint == "set 'target' to feature (or ignore) here as well"


def test_set_roles_refuses_two_targets_of_its_own_before_the_columns_are_known() -> None:
    node = REGISTRY.get("transforms.set_roles")
    assert node is not None
    params = node.Params.model_validate({"roles": {"a": "target", "b": "target"}})
    (issue,) = node.validate(params, {"data": None}, NodeSettings())
    assert issue.code == "several_targets"
    assert issue.hint == "keep one target and set the others to feature"


def test_a_csv_source_refuses_roles_for_columns_it_does_not_have(data_root: Path) -> None:
    pd.DataFrame({"units": [1, 2], "price": [1.0, 2.0]}).to_csv(data_root / "s.csv", index=False)
    node = Node(id="s", type="sources.csv", params={"path": "s.csv", "roles": {"prise": "target"}})
    result = validate([node], [], data_root)
    (issue,) = [i for i in result.issues if i.severity is Severity.ERROR]
    assert issue.code == "missing_column" and issue.param == "roles"
    assert issue.hint == "did you mean 'price'?"


# -- feature nodes leave the target and ids alone unless listed ---------------------------------


def _feature_case(
    type_id: str, params: dict[str, Any], root: Path
) -> tuple[ValidationResult, pd.DataFrame]:
    nodes = [
        Node(
            id="wine",
            type="sources.sample_dataset",
            params={"dataset": "wine", "target_column": "cultivar"},
        ),
        Node(id="ids", type="transforms.set_roles", params={"roles": {"proline": "id"}}),
        Node(id="f", type=type_id, params=params),
    ]
    wires = [("wine", "data", "ids", "data"), ("ids", "data", "f", "train")]
    result = validate(nodes, wires, root)
    assert errors(result) == []
    return result, wine()


def test_scaling_with_defaults_leaves_the_target_and_id_columns_as_they_are(
    data_root: Path,
) -> None:
    from sklearn.preprocessing import StandardScaler

    result, frame = _feature_case("features.scale", {}, data_root)
    out = run_node(result, "f", "features.scale", train=frame)["train"]
    features = [c for c in frame.columns if c not in ("cultivar", "proline")]
    expected = StandardScaler().fit_transform(frame[features])
    np.testing.assert_array_equal(out[features].to_numpy(), expected)
    pd.testing.assert_series_equal(out["cultivar"], frame["cultivar"])
    pd.testing.assert_series_equal(out["proline"], frame["proline"])
    assert result.schemas["f"]["train"].roles == {"proline": Role.ID, "cultivar": Role.TARGET}


def test_scaling_transforms_the_target_when_it_is_listed(data_root: Path) -> None:
    from sklearn.preprocessing import StandardScaler

    listed = ["alcohol", "cultivar"]
    result, frame = _feature_case("features.scale", {"columns": listed}, data_root)
    out = run_node(result, "f", "features.scale", train=frame)["train"]
    np.testing.assert_array_equal(
        out[listed].to_numpy(), StandardScaler().fit_transform(frame[listed])
    )
    assert result.schemas["f"]["train"].role_of("cultivar") is Role.TARGET  # still the target


def test_pca_with_defaults_keeps_the_target_and_reduces_the_features_only(data_root: Path) -> None:
    from sklearn.decomposition import PCA

    result, frame = _feature_case("features.pca", {"n_components": 2}, data_root)
    out = run_node(result, "f", "features.pca", train=frame)["train"]
    features = [c for c in frame.columns if c not in ("cultivar", "proline")]
    expected = PCA(n_components=2).fit_transform(frame[features])
    np.testing.assert_allclose(out[["pc1", "pc2"]].to_numpy(), expected, rtol=0, atol=1e-12)
    pd.testing.assert_series_equal(out["cultivar"], frame["cultivar"])
    assert out.columns.tolist() == ["pc1", "pc2", "proline", "cultivar"]


def test_pca_reduces_the_target_too_when_it_is_listed(data_root: Path) -> None:
    result, frame = _feature_case(
        "features.pca", {"n_components": 1, "columns": ["alcohol", "cultivar"]}, data_root
    )
    out = run_node(result, "f", "features.pca", train=frame)["train"]
    assert "cultivar" not in out.columns and "pc1" in out.columns


def test_imputation_fills_the_features_but_not_a_target_with_gaps(data_root: Path) -> None:
    from sklearn.impute import SimpleImputer

    frame = pd.DataFrame(
        {
            "x": [1.0, np.nan, 3.0, 4.0],
            "z": [np.nan, 2.0, 2.0, 6.0],
            "y": [1.0, np.nan, 0.0, 1.0],
        }
    )
    frame.to_csv(data_root / "gaps.csv", index=False)
    source = Node(id="s", type="sources.csv", params={"path": "gaps.csv", "roles": {"y": "target"}})
    for params, imputed in (({}, ["x", "z"]), ({"columns": ["x", "z", "y"]}, ["x", "z", "y"])):
        node = Node(id="f", type="features.impute", params=params)
        result = validate([source, node], [("s", "data", "f", "train")], data_root)
        assert errors(result) == []
        out = run_node(result, "f", "features.impute", train=frame)["train"]
        expected = SimpleImputer(strategy="mean").fit_transform(frame[imputed])
        np.testing.assert_array_equal(out[imputed].to_numpy(), expected)
        if "y" not in imputed:
            pd.testing.assert_series_equal(out["y"], frame["y"])


# -- models and metrics take the target from the role -------------------------------------------


def test_a_model_without_a_target_param_learns_the_target_role_column(data_root: Path) -> None:
    from sklearn.linear_model import Ridge

    frame = pd.DataFrame(
        {
            "customer": [11, 12, 13, 14, 15, 16],
            "age": [21.0, 35.0, 44.0, 52.0, 29.0, 61.0],
            "visits": [3.0, 1.0, 4.0, 2.0, 5.0, 2.0],
            "spend": [10.0, 14.0, 30.0, 22.0, 25.0, 31.0],
        }
    )
    frame.to_csv(data_root / "spend.csv", index=False)
    roles = {"spend": "target", "customer": "id"}
    nodes = [
        Node(id="s", type="sources.csv", params={"path": "spend.csv", "roles": roles}),
        Node(id="m", type="models.ridge", params={}),
    ]
    result = validate(nodes, [("s", "data", "m", "train")], data_root)
    assert errors(result) == []
    assert result.params["m"].target == "spend"
    assert result.params["m"].features == ["age", "visits"]  # the id column is not learnt from
    model = run_node(result, "m", "models.ridge", train=frame)["model"]
    expected = Ridge().fit(frame[["age", "visits"]], frame["spend"])
    np.testing.assert_array_equal(model.estimator.coef_, expected.coef_)
    assert model.meta.target == "spend"


def test_an_explicit_target_param_wins_over_the_role(data_root: Path) -> None:
    nodes = [
        Node(id="wine", type="sources.sample_dataset", params={"dataset": "wine"}),
        Node(id="m", type="models.ridge", params={"target": "alcohol"}),
    ]
    result = validate(nodes, [("wine", "data", "m", "train")], data_root)
    assert errors(result) == [] and result.params["m"].target == "alcohol"
    # unchanged: every column but the chosen one, the target-role column included
    assert result.params["m"].features == []


def test_a_model_without_target_or_target_role_asks_for_one(data_root: Path) -> None:
    pd.DataFrame({"a": [1.0, 2.0], "b": [0, 1]}).to_csv(data_root / "ab.csv", index=False)
    nodes = [
        Node(id="s", type="sources.csv", params={"path": "ab.csv"}),
        Node(id="m", type="models.logistic_regression", params={}),
    ]
    result = validate(nodes, [("s", "data", "m", "train")], data_root)
    (issue,) = [i for i in result.issues if i.severity is Severity.ERROR]
    assert (issue.code, issue.node_id, issue.param) == ("missing_target", "m", "target")
    assert "target role" in issue.hint


def test_a_model_of_a_saved_workflow_still_reads_the_column_named_target(data_root: Path) -> None:
    """Before roles, an empty target param meant the column named "target"."""
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "target": [0, 1, 0]}).to_csv(
        data_root / "t.csv", index=False
    )
    nodes = [
        Node(id="s", type="sources.csv", params={"path": "t.csv"}),
        Node(id="m", type="models.logistic_regression", params={}),
    ]
    result = validate(nodes, [("s", "data", "m", "train")], data_root)
    assert errors(result) == [] and result.params["m"].target == "target"


# -- the whole graph: wine -> stratified split -> scaling (defaults) -> random forest -----------


@pytest.fixture
def services(tmp_path: Path) -> Iterator[CanvasServices]:
    home = tmp_path / "home"
    config = CanvasConfig(
        home, f"sqlite:///{home / 'canvas.db'}", str(home / "artifacts"), None, home
    )
    services = CanvasServices(config, REGISTRY, NodeSettings(data_roots=(tmp_path.resolve(),)))
    yield services
    services.store.dispose()


def _wine_pipeline(scale_params: dict[str, Any]) -> dict[str, Any]:
    nodes = [
        Node(
            id="wine",
            type="sources.sample_dataset",
            params={"dataset": "wine", "target_column": "cultivar"},
        ),
        Node(
            id="split",
            type="split.train_test_split",
            params={"method": "stratified", "random_state": 7},
        ),
        Node(id="scale", type="features.scale", params=scale_params, label="Standardise"),
        Node(id="forest", type="models.random_forest_classifier", params={}),
        Node(id="predict", type="models.predict", params={}),
        Node(id="metrics", type="evaluate.classification_metrics", params={}),
    ]
    wires = [
        ("wine", "data", "split", "data"),
        ("split", "train", "scale", "train"),
        ("split", "test", "scale", "apply_to"),
        ("scale", "train", "forest", "train"),
        ("forest", "model", "predict", "model"),
        ("scale", "applied", "predict", "data"),
        ("predict", "predictions", "metrics", "scored"),
    ]
    return workflow(nodes, wires).model_dump(mode="json")


def test_wine_split_scaling_with_defaults_and_a_random_forest_equal_sklearn(
    services: CanvasServices,
) -> None:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    stored = services.import_workflow(_wine_pipeline({}))
    report = services.run(stored.workflow.slug)
    failed = {n: r.message for n, r in report.nodes.items() if r.status != "succeeded"}
    assert report.success and not failed, failed
    plan = services.plan(services.store.get(stored.workflow.slug))

    def read(node_id: str, port: str) -> Any:
        ref = ArtifactRef(stored.workflow.slug, node_id, plan.nodes[node_id].cache_key, port)
        return services.artifacts.read(ref)

    frame = wine()
    train, test = train_test_split(
        frame, test_size=0.25, random_state=7, stratify=frame["cultivar"]
    )
    features = [c for c in frame.columns if c != "cultivar"]
    scaler = StandardScaler().fit(train[features])
    forest = RandomForestClassifier(random_state=0).fit(
        scaler.transform(train[features]), train["cultivar"]
    )
    expected = forest.predict(scaler.transform(test[features]))
    predictions = read("predict", "predictions")
    np.testing.assert_array_equal(predictions["prediction"].to_numpy(), expected)
    np.testing.assert_array_equal(predictions["cultivar"].to_numpy(), test["cultivar"].to_numpy())
    assert read("metrics", "metrics")["accuracy"] == accuracy_score(test["cultivar"], expected)


def test_a_target_scaled_upstream_is_named_in_the_models_run_error(
    services: CanvasServices,
) -> None:
    listed = {"columns": ["alcohol", "cultivar"]}
    stored = services.import_workflow(_wine_pipeline(listed))
    report = services.run(stored.workflow.slug)
    forest = report.nodes["forest"]
    assert not report.success and forest.status == "failed"
    assert "continuous numbers" in (forest.message or "")
    assert "the target 'cultivar' was changed by \"Standardise\" (scale)" in (forest.message or "")
    assert "exclude it there: remove 'cultivar' from its columns" in (forest.message or "")


def test_a_target_removed_upstream_is_named_at_validation(data_root: Path) -> None:
    pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 1.0, 0.0, 3.0], "quality": [3, 5, 4, 6]}
    ).to_csv(data_root / "q.csv", index=False)
    nodes = [
        Node(id="s", type="sources.csv", params={"path": "q.csv"}),
        Node(id="pca", type="features.pca", params={"n_components": 2}),
        Node(id="m", type="models.ridge", params={"target": "quality"}),
    ]
    wires = [("s", "data", "pca", "train"), ("pca", "train", "m", "train")]
    result = validate(nodes, wires, data_root)
    (issue,) = [i for i in result.issues if i.severity is Severity.ERROR]
    assert issue.node_id == "m" and issue.param == "target"
    assert issue.message.endswith("; the target 'quality' was changed by \"PCA\" (pca)")
    assert issue.hint.startswith("exclude it there: add 'quality' to its exclude")


def test_a_run_error_without_an_upstream_culprit_is_left_as_it_is() -> None:
    node = REGISTRY.get("models.random_forest_classifier")
    assert node is not None
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "target": [0.5, 1.5, 2.25]})
    with pytest.raises(NodeError) as caught:
        node.execute(RecordingContext(), node.Params.model_validate({}), train=frame)
    assert caught.value.issue.code == "continuous_target"
    assert "changed by" not in caught.value.issue.message
