"""Leakage and misuse warnings before a run (node_library.leakage): each rule flags the workflow
it is about, on the node to change, with a fix naming the nodes, and stays quiet on the right
way to wire the same nodes; the bundled examples raise none."""

from __future__ import annotations

from typing import Any

import pytest

from canvas_assets.examples import example_workflows
from node_library.contract import Issue, Severity
from node_library.graph import load_workflow
from node_library.leakage import fit_ports, splits_rows
from node_library.registry import NodeRegistry, default_registry
from node_library.validation import validate_workflow

LEAKAGE_CODES = {
    "fitted_before_split",
    "fitted_on_test_rows",
    "target_as_feature",
    "target_derived_feature",
    "stratify_continuous",
}
NodeSpec = tuple[str, str, dict[str, Any]]
WINE: NodeSpec = (
    "wine",
    "sources.sample_dataset",
    {"dataset": "wine", "target_column": "cultivar"},
)
SPLIT: NodeSpec = ("split", "split.train_test_split", {})
SCALE: NodeSpec = ("scale", "features.scale", {})
FOREST: NodeSpec = ("forest", "models.random_forest_classifier", {})
PREDICT: NodeSpec = ("predict", "models.predict", {})

Edge = tuple[str, str, str, str]


@pytest.fixture(scope="module")
def registry() -> NodeRegistry:
    return default_registry()


def leaks(registry: NodeRegistry, nodes: list[NodeSpec], edges: list[Edge]) -> list[Issue]:
    """The leakage warnings of a workflow made of `nodes` (id, type, params) and `edges`
    (source, source port, target, target port); fails on any error, so a test cannot pass on
    a workflow that is broken for another reason."""
    labels = {"scale": "Standardise", "split": "75/25 split"}
    document = {
        "slug": "leaky",
        "name": "Leaky",
        "nodes": [
            {"id": i, "type": t, "params": p, "label": labels.get(i, "")} for i, t, p in nodes
        ],
        "edges": [
            {"id": f"e{n}", "source": s, "source_port": sp, "target": t, "target_port": tp}
            for n, (s, sp, t, tp) in enumerate(edges)
        ],
    }
    result = validate_workflow(load_workflow(document, registry), registry)
    assert result.ok, result.errors
    found = [i for i in result.issues if i.code in LEAKAGE_CODES]
    assert all(i.severity is Severity.WARNING for i in found)
    return found


# -- which nodes fit and split ---------------------------------------------------------------


def test_fitting_nodes_are_the_transformers_models_and_tuners_that_learn_from_rows(
    registry: NodeRegistry,
) -> None:
    fitting = {t.type_id for t in registry if fit_ports(t)}
    expected = {t.type_id for t in registry if t.category in ("models", "tune", "features")} - {
        "models.predict",
        "features.apply",
        "features.datetime_parts",
        "features.polynomial",
    }
    assert fitting == expected
    ports = {t.type_id: fit_ports(t) for t in registry if fit_ports(t)}
    assert all(p[0] == "train" for p in ports.values())
    # early stopping chooses the number of rounds on the validation rows: learned from too
    assert {t for t, p in ports.items() if "validation" in p} == {
        t
        for t in fitting
        if registry.get(t).input_port("validation") is not None  # type: ignore[union-attr]
    }
    assert [t.type_id for t in registry if splits_rows(t)] == ["split.train_test_split"]


# -- a transformer fitted before the split -------------------------------------------------


def test_scaling_before_the_split_is_a_warning_on_the_scaler_saying_how_to_move_it(
    registry: NodeRegistry,
) -> None:
    [issue] = leaks(
        registry,
        [WINE, SCALE, SPLIT, FOREST],
        [
            ("wine", "data", "scale", "train"),
            ("scale", "train", "split", "data"),
            ("split", "train", "forest", "train"),
        ],
    )
    assert (issue.code, issue.node_id, issue.port) == ("fitted_before_split", "scale", "train")
    assert '"Standardise" (scale) is fitted before the split "75/25 split" (split)' in (
        issue.message
    )
    assert issue.hint.startswith('move "Standardise" after "75/25 split": connect the Train output')
    assert 'the Test output of "75/25 split" to the Apply to input of "Standardise"' in issue.hint


def test_scaling_fitted_on_the_train_rows_and_applied_to_the_test_rows_is_not_flagged(
    registry: NodeRegistry,
) -> None:
    assert not leaks(
        registry,
        [WINE, SPLIT, SCALE, FOREST, PREDICT],
        [
            ("wine", "data", "split", "data"),
            ("split", "train", "scale", "train"),
            ("split", "test", "scale", "apply_to"),
            ("scale", "train", "forest", "train"),
            ("forest", "model", "predict", "model"),
            ("scale", "applied", "predict", "data"),
        ],
    )


def test_a_fit_on_all_rows_beside_the_split_is_flagged_only_when_it_meets_the_test_rows(
    registry: NodeRegistry,
) -> None:
    # a PCA of every row for a chart, next to a correctly split model: nothing leaks
    pca = ("pca", "features.pca", {"n_components": 2})
    chart = ("chart", "outputs.chart", {"kind": "scatter", "x": "pc1", "y": "pc2"})
    correct = [
        ("wine", "data", "split", "data"),
        ("split", "train", "forest", "train"),
        ("forest", "model", "predict", "model"),
        ("split", "test", "predict", "data"),
    ]
    wired_pca = [("wine", "data", "pca", "train"), ("pca", "train", "chart", "data")]
    assert not leaks(registry, [WINE, SPLIT, FOREST, PREDICT, pca, chart], correct + wired_pca)

    # a model trained on every row, then scored on the split's test rows: it has seen them
    [issue] = leaks(
        registry,
        [WINE, SPLIT, FOREST, PREDICT],
        [
            ("wine", "data", "split", "data"),
            ("wine", "data", "forest", "train"),
            ("forest", "model", "predict", "model"),
            ("split", "test", "predict", "data"),
        ],
    )
    assert (issue.code, issue.node_id) == ("fitted_before_split", "forest")
    assert "beside the split" in issue.message
    assert issue.hint.startswith('fit "Random forest classifier" on the train rows: connect')


# -- the test rows reaching a fit ------------------------------------------------------------


def test_the_test_output_wired_straight_into_a_model_is_flagged_on_the_model(
    registry: NodeRegistry,
) -> None:
    [issue] = leaks(registry, [WINE, SPLIT, FOREST], [
        ("wine", "data", "split", "data"),
        ("split", "test", "forest", "train"),
    ])  # fmt: skip
    assert (issue.code, issue.node_id, issue.port) == ("fitted_on_test_rows", "forest", "train")
    assert 'the Test output of "75/25 split" reaches the Training data input' in issue.message
    assert "directly" in issue.message
    assert 'from the Train output of "75/25 split"' in issue.hint


def test_test_rows_reaching_a_model_through_a_transformer_name_the_path_and_the_right_port(
    registry: NodeRegistry,
) -> None:
    [issue] = leaks(
        registry,
        [WINE, SPLIT, SCALE, FOREST],
        [
            ("wine", "data", "split", "data"),
            ("split", "train", "scale", "train"),
            ("split", "test", "scale", "apply_to"),
            ("scale", "applied", "forest", "train"),
        ],
    )
    assert (issue.code, issue.node_id) == ("fitted_on_test_rows", "forest")
    assert 'through "Standardise" (scale)' in issue.message
    assert issue.hint == (
        'fit on the train rows: connect the Train output of "Standardise" to the Training data '
        'input of "Random forest classifier" (the Applied output of "Standardise" holds the '
        "transformed test rows, for Predict)"
    )


def test_test_rows_used_for_early_stopping_are_flagged_on_the_validation_input(
    registry: NodeRegistry,
) -> None:
    boosting = next(t for t in registry if t.input_port("validation") is not None)
    model: NodeSpec = ("boost", boosting.type_id, {})
    [issue] = leaks(
        registry,
        [WINE, SPLIT, model],
        [
            ("wine", "data", "split", "data"),
            ("split", "train", "boost", "train"),
            ("split", "test", "boost", "validation"),
        ],
    )
    assert (issue.code, issue.node_id, issue.port) == ("fitted_on_test_rows", "boost", "validation")
    assert issue.hint.startswith("hold validation rows out of the train rows: split the Train")


def test_a_transformer_fitted_on_the_test_rows_is_flagged_on_the_transformer(
    registry: NodeRegistry,
) -> None:
    found = leaks(
        registry,
        [WINE, SPLIT, SCALE],
        [("wine", "data", "split", "data"), ("split", "test", "scale", "train")],
    )
    assert [(i.code, i.node_id, i.port) for i in found] == [
        ("fitted_on_test_rows", "scale", "train")
    ]


# -- the target among the features -----------------------------------------------------------


def test_a_feature_computed_from_the_target_is_flagged_naming_the_computing_node(
    registry: NodeRegistry,
) -> None:
    double = ("double", "transforms.computed_column", {"name": "twice", "expression": "cultivar*2"})
    edges = [("wine", "data", "double", "data"), ("double", "data", "forest", "train")]
    [issue] = leaks(registry, [WINE, double, FOREST], edges)
    assert (issue.code, issue.node_id, issue.param) == (
        "target_derived_feature",
        "forest",
        "features",
    )
    assert "learns from 'twice', which \"Computed column\" (double) computes from the target" in (
        issue.message
    )
    assert issue.hint.startswith("leave 'twice' out of the features")

    # the same column left out of an explicit feature list: no warning
    listed = ("forest", "models.random_forest_classifier", {"features": ["alcohol", "ash"]})
    assert not leaks(registry, [WINE, double, listed], edges)


def test_a_target_aggregated_per_group_and_joined_back_is_a_target_derived_feature(
    registry: NodeRegistry,
) -> None:
    per_group = (
        "per_group",
        "transforms.aggregate",
        {
            "group_by": ["magnesium"],
            "aggregations": [{"column": "cultivar", "function": "mean", "as": "mean_cultivar"}],
        },
    )
    join = ("join", "transforms.join", {"keys": [{"left": "magnesium", "right": "magnesium"}]})
    [issue] = leaks(
        registry,
        [WINE, per_group, join, FOREST],
        [
            ("wine", "data", "per_group", "data"),
            ("wine", "data", "join", "left"),
            ("per_group", "data", "join", "right"),
            ("join", "data", "forest", "train"),
        ],
    )
    assert issue.code == "target_derived_feature" and "'mean_cultivar'" in issue.message


def test_a_target_computed_from_a_feature_is_flagged_too(registry: NodeRegistry) -> None:
    label = (
        "label",
        "transforms.computed_column",
        {"name": "strong", "expression": "if_else(alcohol > 13, 'yes', 'no')"},
    )
    model = ("forest", "models.random_forest_classifier", {"target": "strong"})
    found = leaks(
        registry,
        [WINE, label, model],
        [("wine", "data", "label", "data"), ("label", "data", "forest", "train")],
    )
    derived = [i for i in found if i.code == "target_derived_feature"]
    assert len(derived) == 1 and "predicts 'strong', which" in derived[0].message
    assert "computes from 'alcohol'" in derived[0].message


def test_another_target_role_column_among_the_features_is_flagged(registry: NodeRegistry) -> None:
    regressor = ("ridge", "models.ridge", {"target": "alcohol"})
    [issue] = leaks(registry, [WINE, regressor], [("wine", "data", "ridge", "train")])
    assert (issue.code, issue.node_id) == ("target_as_feature", "ridge")
    assert "learns from 'cultivar', which has the target role" in issue.message
    assert "ignore role with a Set roles node" in issue.hint


def test_a_derived_column_that_does_not_use_the_target_is_not_flagged(
    registry: NodeRegistry,
) -> None:
    ratio = ("ratio", "transforms.computed_column", {"name": "r", "expression": "alcohol / ash"})
    edges = [("wine", "data", "ratio", "data"), ("ratio", "data", "forest", "train")]
    assert not leaks(registry, [WINE, ratio, FOREST], edges)


# -- a stratified split on a continuous column -------------------------------------------------


def test_a_stratified_split_on_a_float_column_is_a_warning_on_the_split(
    registry: NodeRegistry,
) -> None:
    split = ("split", "split.train_test_split", {"method": "stratified", "stratify_column": "ash"})
    [issue] = leaks(registry, [WINE, split], [("wine", "data", "split", "data")])
    assert (issue.code, issue.node_id, issue.param) == (
        "stratify_continuous",
        "split",
        "stratify_column",
    )
    assert "'ash', which holds decimal numbers (float)" in issue.message
    assert "if_else(ash < 10, 'low', 'high')" in issue.hint


def test_a_stratified_split_on_the_integer_class_column_is_not_flagged(
    registry: NodeRegistry,
) -> None:
    # empty stratify column: the target-role column (cultivar, integer classes)
    split = ("split", "split.train_test_split", {"method": "stratified"})
    assert not leaks(registry, [WINE, split], [("wine", "data", "split", "data")])


# -- the examples --------------------------------------------------------------------------------


def test_the_bundled_examples_validate_without_any_leakage_warning(registry: NodeRegistry) -> None:
    examples = example_workflows(registry)
    assert len(examples) >= 8
    for workflow in examples:
        result = validate_workflow(workflow, registry)
        assert result.ok, (workflow.slug, result.errors)
        flagged = [str(i) for i in result.issues if i.code in LEAKAGE_CODES]
        assert not flagged, (workflow.slug, flagged)
