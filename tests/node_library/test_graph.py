"""The graph document: reading workflow files, refusing bad ones clearly, and migrating old ones."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict, Field

from node_library.contract import NodeType, Port
from node_library.datatypes import DataType
from node_library.graph import (
    SCHEMA_VERSION,
    SLUG_PATTERN,
    DocumentError,
    Edge,
    Group,
    Node,
    Position,
    Workflow,
    WorkflowSettings,
    load_workflow,
    slugify,
)
from node_library.registry import NodeRegistry


class CounterParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(1, description="How many.")
    label: str = Field("", description="A label kept across versions.")


def _rename_n_to_count(params: dict[str, Any]) -> dict[str, Any]:
    params = dict(params)
    if "n" in params:
        params["count"] = params.pop("n")
    return params


class CounterNode(NodeType[CounterParams]):
    """Version 2: version 1 called the `count` param `n`."""

    type_id = "test.counter"
    version = 2
    display_name = "Counter"
    category = "test"
    description = "Counts."
    Params = CounterParams
    outputs = (Port("data", DataType.DATAFRAME),)
    migrations: ClassVar = {1: _rename_n_to_count}


class GappyNode(NodeType[CounterParams]):
    """Version 3 with no step from 2 to 3: a saved version 1 or 2 cannot be brought up to date."""

    type_id = "test.gappy"
    version = 3
    display_name = "Gappy"
    category = "test"
    description = "Has a hole in its migrations."
    Params = CounterParams
    outputs = (Port("data", DataType.DATAFRAME),)
    migrations: ClassVar = {1: _rename_n_to_count}


def _explode(params: dict[str, Any]) -> dict[str, Any]:
    return {"count": params["missing_key"]}


class ExplodingMigrationNode(NodeType[CounterParams]):
    type_id = "test.exploding"
    version = 2
    display_name = "Exploding"
    category = "test"
    description = "Its migration step fails on some params."
    Params = CounterParams
    outputs = (Port("data", DataType.DATAFRAME),)
    migrations: ClassVar = {1: _explode}


class ThreeStepNode(NodeType[CounterParams]):
    type_id = "test.three_step"
    version = 3
    display_name = "Three step"
    category = "test"
    description = "Two migration steps, applied in order."
    Params = CounterParams
    outputs = (Port("data", DataType.DATAFRAME),)
    migrations: ClassVar = {
        1: _rename_n_to_count,
        2: lambda p: {**p, "count": p["count"] * 10},
    }


@pytest.fixture
def registry() -> NodeRegistry:
    return NodeRegistry([CounterNode, GappyNode, ExplodingMigrationNode, ThreeStepNode])


def _doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema_version": 1,
        "slug": "demo",
        "name": "Demo",
        "nodes": [],
        "edges": [],
    }
    doc.update(overrides)
    return doc


def _node(node_id: str, type_id: str, type_version: int = 1, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type_id, "type_version": type_version, "params": params}


# -- malformed documents ------------------------------------------------------------------------


def test_malformed_json_is_refused_with_its_line_and_column() -> None:
    text = '{\n  "slug": "demo",\n  "name": \n}'
    with pytest.raises(DocumentError) as info:
        load_workflow(text)
    message = str(info.value)
    assert "not valid JSON" in message
    assert "line 4, column 1" in message


def test_bytes_that_are_not_utf8_are_refused_as_a_document_error() -> None:
    with pytest.raises(DocumentError, match="not UTF-8"):
        load_workflow(b'{"name": "\xff\xfe"}')


@pytest.mark.parametrize("text", ["[1, 2]", '"a workflow"', "42", "null"])
def test_json_that_is_not_an_object_is_refused(text: str) -> None:
    with pytest.raises(DocumentError, match="must be a JSON object"):
        load_workflow(text)


@pytest.mark.parametrize("value", [True, 3, [1, 2], None])
def test_a_json_value_that_is_not_an_object_is_refused_as_a_document_error(value: object) -> None:
    # the API passes importWorkflow's JSON argument through as it came
    with pytest.raises(DocumentError, match="must be a JSON object"):
        load_workflow(value)  # type: ignore[arg-type]


def test_a_missing_name_is_reported_by_field() -> None:
    doc = _doc()
    del doc["name"]
    with pytest.raises(DocumentError) as info:
        load_workflow(json.dumps(doc))
    assert "name: Field required" in str(info.value)


@pytest.mark.parametrize("bad_id", ["Bad Id", "1abc", "", "a-b", "x" * 64])
def test_a_bad_node_id_is_reported_with_the_field_path(bad_id: str) -> None:
    doc = _doc(nodes=[_node("ok", "test.counter", 2), _node(bad_id, "test.counter", 2)])
    with pytest.raises(DocumentError) as info:
        load_workflow(doc)
    message = str(info.value)
    assert "nodes.1.id" in message
    assert "pattern" in message


def test_a_bad_slug_is_reported_with_the_field_path() -> None:
    with pytest.raises(DocumentError, match=r"slug: String should match pattern"):
        load_workflow(_doc(slug="My Workflow"))


def test_an_unknown_field_on_a_node_is_refused_not_dropped() -> None:
    doc = _doc(nodes=[{**_node("a", "test.counter", 2), "colour": "red"}])
    with pytest.raises(DocumentError, match=r"nodes\.0\.colour: Extra inputs are not permitted"):
        load_workflow(doc)


def test_an_edge_missing_a_port_is_reported_by_field() -> None:
    doc = _doc(edges=[{"id": "e1", "source": "a", "source_port": "data", "target": "b"}])
    with pytest.raises(DocumentError, match=r"edges\.0\.target_port: Field required"):
        load_workflow(doc)


def test_a_newer_schema_version_is_refused_with_an_upgrade_hint() -> None:
    # A newer document may also carry fields this version does not know: the message must still
    # be about the version, not a list of unknown fields.
    doc = _doc(schema_version=SCHEMA_VERSION + 1, annotations=[{"text": "new in v2"}])
    with pytest.raises(DocumentError) as info:
        load_workflow(json.dumps(doc))
    message = str(info.value)
    assert f"schema_version {SCHEMA_VERSION + 1} is newer" in message
    assert "upgrade Visual ML Canvas" in message
    assert "annotations" not in message


@pytest.mark.parametrize("version", [0, -1, "1", 1.5, True, None])
def test_a_schema_version_that_is_not_a_positive_integer_is_refused(version: Any) -> None:
    with pytest.raises(DocumentError, match="schema_version must be a positive integer"):
        load_workflow(_doc(schema_version=version))


def test_a_document_without_schema_version_is_read_as_version_1() -> None:
    doc = _doc()
    del doc["schema_version"]
    assert load_workflow(doc).schema_version == 1


def test_a_workflow_built_in_code_with_a_newer_schema_version_is_refused() -> None:
    with pytest.raises(ValueError, match="upgrade Visual ML Canvas"):
        Workflow(schema_version=SCHEMA_VERSION + 1, slug="demo", name="Demo")


# -- node type migrations -----------------------------------------------------------------------


def test_old_node_params_are_migrated_on_load_and_the_type_version_bumped(
    registry: NodeRegistry,
) -> None:
    doc = _doc(nodes=[_node("a", "test.counter", 1, n=5, label="kept")])
    workflow = load_workflow(json.dumps(doc), registry)
    node = workflow.nodes[0]
    assert node.type_version == 2
    assert node.params == {"count": 5, "label": "kept"}


def test_migration_steps_run_in_order_from_the_saved_version(registry: NodeRegistry) -> None:
    from_v1 = load_workflow(_doc(nodes=[_node("a", "test.three_step", 1, n=2)]), registry)
    from_v2 = load_workflow(_doc(nodes=[_node("a", "test.three_step", 2, count=2)]), registry)
    assert from_v1.nodes[0].params == {"count": 20}
    assert from_v2.nodes[0].params == {"count": 20}
    assert from_v1.nodes[0].type_version == from_v2.nodes[0].type_version == 3


def test_current_nodes_are_left_untouched_by_migration(registry: NodeRegistry) -> None:
    doc = _doc(nodes=[_node("a", "test.counter", 2, count=7)])
    assert load_workflow(doc, registry).nodes[0].params == {"count": 7}


def test_without_a_registry_no_migration_happens(registry: NodeRegistry) -> None:
    node = load_workflow(_doc(nodes=[_node("a", "test.counter", 1, n=5)])).nodes[0]
    assert (node.type_version, node.params) == (1, {"n": 5})


def test_a_node_saved_by_a_newer_type_version_is_refused(registry: NodeRegistry) -> None:
    doc = _doc(nodes=[_node("counter_1", "test.counter", 3, count=1)])
    with pytest.raises(DocumentError) as info:
        load_workflow(doc, registry)
    message = str(info.value)
    assert "'counter_1'" in message
    assert "test.counter version 3" in message
    assert "upgrade the node package" in message


def test_a_missing_migration_step_is_an_error_naming_the_node(registry: NodeRegistry) -> None:
    doc = _doc(nodes=[_node("ok", "test.counter", 1, n=1), _node("holey", "test.gappy", 1, n=1)])
    with pytest.raises(DocumentError) as info:
        load_workflow(doc, registry)
    message = str(info.value)
    assert "node 'holey'" in message
    assert "no migration from version 2 to 3" in message


def test_a_migration_step_that_fails_is_an_error_naming_the_node(registry: NodeRegistry) -> None:
    doc = _doc(nodes=[_node("boom", "test.exploding", 1, count=1)])
    with pytest.raises(DocumentError) as info:
        load_workflow(doc, registry)
    assert "node 'boom'" in str(info.value)
    assert "missing_key" in str(info.value)


def test_migration_does_not_change_the_callers_document(registry: NodeRegistry) -> None:
    doc = _doc(nodes=[_node("a", "test.counter", 1, n=5)])
    before = json.dumps(doc, sort_keys=True)
    load_workflow(doc, registry)
    assert json.dumps(doc, sort_keys=True) == before


def test_unknown_node_types_are_kept_by_load(registry: NodeRegistry) -> None:
    doc = _doc(
        nodes=[_node("a", "test.counter", 2), _node("b", "plugin.not_installed", 4, x=1)],
        edges=[
            {"id": "e1", "source": "a", "source_port": "data", "target": "b", "target_port": "in"}
        ],
    )
    workflow = load_workflow(doc, registry)
    kept = workflow.node("b")
    assert kept is not None
    assert (kept.type, kept.type_version, kept.params) == ("plugin.not_installed", 4, {"x": 1})
    assert len(workflow.edges) == 1


# -- round trip ---------------------------------------------------------------------------------


def _full_workflow() -> Workflow:
    return Workflow(
        id="wf-123",
        slug="churn_model",
        name="Churn model",
        description="Predict churn from usage.\nSecond line.",
        nodes=[
            Node(
                id="load",
                type="test.counter",
                type_version=2,
                params={"count": 3},
                position=Position(x=10.5, y=-20),
                label="Load customers",
            ),
            Node(
                id="train",
                type="test.counter",
                type_version=2,
                params={"count": 1, "label": "ünïcödé"},
                position=Position(x=300, y=40),
            ),
            Node(id="orphan", type="plugin.not_installed", params={"nested": {"a": [1, 2]}}),
        ],
        edges=[
            Edge(id="e1", source="load", source_port="data", target="train", target_port="data")
        ],
        groups=[Group(id="g1", title="Prep", node_ids=["load", "train"], collapsed=True)],
        settings=WorkflowSettings(executor="multiprocess", retention_days=30),
    )


def test_a_full_workflow_survives_a_json_round_trip(registry: NodeRegistry) -> None:
    original = _full_workflow()
    text = original.to_json()
    again = load_workflow(text, registry)
    assert again == original
    assert again.settings.model_extra == {"retention_days": 30}
    assert again.to_json() == text


def test_a_workflow_loads_the_same_from_text_bytes_and_dict() -> None:
    text = _full_workflow().to_json()
    assert load_workflow(text) == load_workflow(text.encode()) == load_workflow(json.loads(text))


def test_workflow_lookups_find_nodes_and_incoming_edges() -> None:
    workflow = _full_workflow()
    assert workflow.node("train") is workflow.nodes[1]
    assert workflow.node("nope") is None
    assert [e.id for e in workflow.incoming("train")] == ["e1"]
    assert workflow.incoming("load") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Churn Model (v2)", "churn_model_v2"),
        ("2024 sales", "workflow_2024_sales"),
        ("!!!", "workflow"),
        ("", "workflow"),
        ("Ünïcode näme", "n_code_n_me"),
    ],
)
def test_slugify_always_gives_a_valid_slug(text: str, expected: str) -> None:
    slug = slugify(text)
    assert slug == expected
    assert re.fullmatch(SLUG_PATTERN, slug)


def test_slugify_caps_the_length_at_a_valid_slug() -> None:
    slug = slugify("x" * 200)
    assert len(slug) == 63 and re.fullmatch(SLUG_PATTERN, slug)
