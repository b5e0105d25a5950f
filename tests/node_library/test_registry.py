"""The node registry: discovery through entry points, failing plugins skipped, broken declarations
refused with a message."""

from __future__ import annotations

import logging
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from node_library import nodes as nodes_module
from node_library import registry as registry_module
from node_library.contract import NodeType, Port
from node_library.datatypes import DataType
from node_library.registry import ENTRY_POINT_GROUP, NodeRegistry


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AlphaNode(NodeType[NoParams]):
    type_id = "plugin.alpha"
    display_name = "Alpha"
    category = "plugin"
    description = "First plugin node."
    Params = NoParams
    outputs = (Port("data", DataType.DATAFRAME),)


class BetaNode(NodeType[NoParams]):
    type_id = "plugin.beta"
    display_name = "Beta"
    category = "plugin"
    description = "Second plugin node."
    Params = NoParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)


class NoOutputsNode(NodeType[NoParams]):
    type_id = "plugin.no_outputs"
    display_name = "No outputs"
    category = "plugin"
    description = "Declares no output port."
    Params = NoParams


def plugin_nodes() -> list[type[NodeType[Any]]]:
    """What a well-behaved plugin's entry point returns."""
    return [AlphaNode]


def plugin_with_a_broken_node() -> list[type[NodeType[Any]]]:
    return [NoOutputsNode, BetaNode]


def plugin_that_raises() -> list[type[NodeType[Any]]]:
    raise RuntimeError("plugin is misconfigured")


def _ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def _node_type(type_id: object = "plugin.x", **overrides: object) -> type[NodeType[Any]]:
    attrs: dict[str, object] = {
        "type_id": type_id,
        "display_name": "X",
        "category": "plugin",
        "description": "X.",
        "Params": NoParams,
        "outputs": (Port("data", DataType.DATAFRAME),),
    }
    attrs.update(overrides)
    return type("XNode", (NodeType,), attrs)


# -- discovery ----------------------------------------------------------------------------------


def test_discovery_through_the_entry_point_group_finds_the_sample_dataset_node() -> None:
    names = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert "builtin" in names
    registry = NodeRegistry.from_entry_points()
    assert "sources.sample_dataset" in registry
    node = registry.get("sources.sample_dataset")
    assert node is not None and node.output_port("data") is not None


def test_the_builtin_nodes_are_the_categories_lists_in_type_id_order() -> None:
    packages = [import_module(f"node_library.nodes.{c}") for c in nodes_module.CATEGORIES]
    listed = [node_type for package in packages for node_type in package.NODES]
    found = nodes_module.builtin_nodes()
    assert found == sorted(listed, key=lambda n: n.type_id) and len(found) == len(set(found))
    assert not nodes_module.LOAD_FAILURES


def test_a_builtin_category_that_fails_to_import_is_logged_and_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(nodes_module, "CATEGORIES", ("no_such_category", "split"))
    monkeypatch.setattr(nodes_module, "LOAD_FAILURES", [])
    with caplog.at_level(logging.ERROR, logger=nodes_module.__name__):
        found = nodes_module.builtin_nodes()
    assert [n.type_id for n in found] == ["split.train_test_split"]
    assert len(nodes_module.LOAD_FAILURES) == 1
    assert "node_library.nodes.no_such_category" in nodes_module.LOAD_FAILURES[0]
    assert "skipping" in caplog.text and caplog.records[0].exc_info


def test_a_plugin_that_fails_to_import_is_logged_and_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    eps = [
        _ep("missing", "no_such_package_for_canvas_tests.nodes:nodes"),
        _ep("good", f"{__name__}:plugin_nodes"),
        _ep("raises", f"{__name__}:plugin_that_raises"),
    ]
    monkeypatch.setattr(
        registry_module, "entry_points", lambda group: eps if group == ENTRY_POINT_GROUP else []
    )
    with caplog.at_level(logging.ERROR, logger=registry_module.__name__):
        registry = NodeRegistry.from_entry_points()
    assert registry.type_ids == ["plugin.alpha"]
    failed = [r.getMessage() for r in caplog.records]
    assert any("no_such_package_for_canvas_tests" in m and "skipping" in m for m in failed)
    assert any("plugin_that_raises" in m for m in failed)
    assert all(r.exc_info for r in caplog.records)  # the traceback is kept for the plugin author


def test_a_broken_node_in_a_plugin_is_skipped_and_its_siblings_are_kept(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        registry_module,
        "entry_points",
        lambda group: [_ep("mixed", f"{__name__}:plugin_with_a_broken_node")],
    )
    with caplog.at_level(logging.ERROR, logger=registry_module.__name__):
        registry = NodeRegistry.from_entry_points()
    assert registry.type_ids == ["plugin.beta"]
    assert len(caplog.records) == 1
    assert "NoOutputsNode" in caplog.records[0].getMessage()


def test_an_entry_point_may_name_a_single_node_class_or_a_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        registry_module,
        "entry_points",
        lambda group: [_ep("one", f"{__name__}:BetaNode"), _ep("many", f"{__name__}:plugin_nodes")],
    )
    assert NodeRegistry.from_entry_points().type_ids == ["plugin.alpha", "plugin.beta"]


def test_a_plugin_that_repeats_a_type_id_does_not_replace_the_first(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(
        registry_module,
        "entry_points",
        lambda group: [
            _ep("first", f"{__name__}:AlphaNode"),
            _ep("second", f"{__name__}:plugin_nodes"),
        ],
    )
    with caplog.at_level(logging.ERROR, logger=registry_module.__name__):
        registry = NodeRegistry.from_entry_points()
    assert registry.type_ids == ["plugin.alpha"]
    assert "registered twice" in caplog.text


# -- declarations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    [
        "Bad Id",
        "nodot",
        "a.b.c",
        "sources.",
        ".csv",
        "Sources.csv",
        "sources.my-node",
        "1sources.csv",
        "sources.csv ",
        42,
    ],
)
def test_a_node_with_a_bad_type_id_is_refused_with_a_message(bad_id: object) -> None:
    with pytest.raises(ValueError, match=r"must look like '<category>\.<name>'") as info:
        NodeRegistry([_node_type(bad_id)])
    assert repr(bad_id) in str(info.value)


def test_a_node_with_no_outputs_is_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match=r"NoOutputsNode.*needs at least one output port"):
        NodeRegistry([NoOutputsNode])


def test_a_node_with_duplicate_port_names_is_refused() -> None:
    out = Port("data", DataType.DATAFRAME)
    with pytest.raises(ValueError, match="unique names"):
        NodeRegistry([_node_type(outputs=(out, out))])
    with pytest.raises(ValueError, match="input port names must be unique"):
        NodeRegistry([_node_type(inputs=(out, out))])


@pytest.mark.parametrize("attr", ["display_name", "category", "description", "Params"])
def test_a_node_missing_a_declaration_is_refused_naming_it(attr: str) -> None:
    node_type = _node_type()
    delattr(node_type, attr)
    with pytest.raises(ValueError, match=f"missing class attribute {attr}"):
        NodeRegistry([node_type])


def test_params_that_are_not_a_pydantic_model_are_refused() -> None:
    with pytest.raises(ValueError, match="Params must be a pydantic BaseModel"):
        NodeRegistry([_node_type(Params=dict)])


def test_something_that_is_not_a_node_type_is_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="is not a NodeType subclass"):
        NodeRegistry([AlphaNode()])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="is not a NodeType subclass"):
        NodeRegistry([int])  # type: ignore[list-item]


def test_duplicate_type_ids_are_refused() -> None:
    registry = NodeRegistry([AlphaNode])
    with pytest.raises(ValueError, match=r"'plugin\.alpha' is registered twice"):
        registry.register(_node_type("plugin.alpha"))
    assert len(registry) == 1


def test_the_registry_holds_one_instance_per_type_sorted_by_id() -> None:
    registry = NodeRegistry([BetaNode, AlphaNode])
    assert registry.type_ids == ["plugin.alpha", "plugin.beta"]
    assert isinstance(registry.get("plugin.beta"), BetaNode)
    assert registry.get("plugin.gamma") is None
    assert "plugin.alpha" in registry and "plugin.gamma" not in registry
    assert {type(n) for n in registry} == {AlphaNode, BetaNode}


def test_a_plugin_that_fails_to_load_is_named_when_its_node_type_is_unknown(monkeypatch) -> None:
    from importlib.metadata import EntryPoint

    from node_library import registry as registry_module
    from node_library.graph import Workflow
    from node_library.validation import validate_workflow

    broken = EntryPoint(name="broken", value="no_such_module_xyz:nodes", group="g")
    monkeypatch.setattr(registry_module, "entry_points", lambda group: [broken])
    registry = registry_module.NodeRegistry.from_entry_points("g")
    assert registry.load_failures and "no_such_module_xyz" in registry.load_failures[0]

    workflow = Workflow.model_validate(
        {"slug": "w", "name": "w", "nodes": [{"id": "a", "type": "extra.thing"}]}
    )
    issue = validate_workflow(workflow, registry).errors[0]
    assert issue.code == "unknown_node_type"
    assert "no_such_module_xyz" in issue.hint
