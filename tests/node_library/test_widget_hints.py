"""Widget hints in the params JSON schemas (node_library/widgets.py): every param that names
columns of the input is marked, expressions are marked, hints fit the param's type and name real
input ports, visibility conditions name real params and values they can take, and a hint never
changes a node's code_version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from canvas_assets.planning.plan import code_version
from node_library import widgets
from node_library.contract import NodeType
from node_library.nodes.transforms.aggregate import AggregateParams
from node_library.registry import default_registry
from node_library.widgets import VISIBLE_WHEN, WIDGETS

REGISTRY = default_registry()
TYPE_IDS = REGISTRY.type_ids
# The same rule as the canvas's fallback for unmarked params (src/graph/paramsForm.ts).
COLUMN_NAME = re.compile(r"(^|_)(columns?|cols?|x|y|color|colour|group_by|subset|by|parse_dates)$")


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {**root["$defs"][ref.removeprefix("#/$defs/")], **schema}
    return schema


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    return options[0] if len(options) == 1 else schema


def _properties(node_type: NodeType[Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(dotted name, property schema, the non-null schema it describes) of every param, with the
    properties of the objects inside lists of objects (an aggregation's column, a join key)."""
    root = node_type.Params.model_json_schema()

    def walk(prefix: str, schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
        for name, prop in schema.get("properties", {}).items():
            shape = _resolve(_non_null(_resolve(prop, root)), root)
            yield f"{prefix}{name}", prop, shape
            items = shape.get("items")
            if shape.get("type") == "array" and isinstance(items, dict):
                item = _resolve(items, root)
                if item.get("type") == "object":
                    yield from walk(f"{prefix}{name}[].", item)

    yield from walk("", root)


def _widget_shape_ok(widget: str, shape: dict[str, Any]) -> bool:
    kind = shape.get("type")
    items = shape.get("items")
    if widget in ("column", "expression", "multiline", "text"):
        return kind == "string"
    if widget == "columns":
        return kind == "array" and isinstance(items, dict) and items.get("type") == "string"
    if widget == "column_map":
        return kind == "object" and isinstance(shape.get("additionalProperties"), dict)
    if widget == "search_space":
        return kind == "array" and isinstance(items, dict) and "$ref" in items
    return False


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_every_param_named_like_a_column_param_has_a_widget_hint(type_id: str) -> None:
    node_type = REGISTRY.get(type_id)
    assert node_type is not None
    for name, prop, shape in _properties(node_type):
        leaf = name.rsplit(".", 1)[-1]
        is_object_list = (
            shape.get("type") == "array"
            and "x-widget" not in prop
            and any(n.startswith(f"{name}[].") for n, _, _ in _properties(node_type))
        )
        holds_names = shape.get("type") in ("string", "array", "object")
        if COLUMN_NAME.search(leaf) and holds_names and not is_object_list:
            assert "x-widget" in prop, (
                f"{type_id}: param {name!r} names columns but has no widget hint; add "
                "json_schema_extra=widgets.column() (or columns()/column_map(), or text() for "
                "a name the node creates)"
            )


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_widget_hints_are_known_fit_the_type_and_name_real_input_ports(type_id: str) -> None:
    node_type = REGISTRY.get(type_id)
    assert node_type is not None
    inputs = {p.name for p in node_type.inputs}
    for name, prop, shape in _properties(node_type):
        widget = prop.get("x-widget")
        if widget is None:
            assert "x-input-port" not in prop, f"{type_id}.{name}: x-input-port without x-widget"
            continue
        assert widget in WIDGETS, f"{type_id}.{name}: unknown widget {widget!r}"
        assert _widget_shape_ok(widget, shape), f"{type_id}.{name}: {widget} on {shape}"
        port = prop.get("x-input-port")
        if port is not None:
            assert port in inputs, f"{type_id}.{name}: x-input-port {port!r} is not an input"
        if widget in ("column", "columns", "column_map"):
            assert inputs or node_type.category == "sources", (type_id, name)


def test_expression_params_are_marked_as_expressions() -> None:
    marked = {
        (t.type_id, name)
        for t in REGISTRY
        for name, prop, _ in _properties(t)
        if prop.get("x-widget") == "expression"
    }
    named = {(t.type_id, name) for t in REGISTRY for name, _, _ in _properties(t)}
    assert {n for n in named if n[1] == "expression"} <= marked
    assert {
        ("transforms.filter_rows", "expression"),
        ("transforms.computed_column", "expression"),
    } <= marked


def test_the_expected_params_carry_the_expected_hints() -> None:
    def hints(type_id: str) -> dict[str, tuple[str | None, str | None]]:
        node_type = REGISTRY.get(type_id)
        assert node_type is not None
        return {
            name: (prop.get("x-widget"), prop.get("x-input-port"))
            for name, prop, _ in _properties(node_type)
        }

    assert hints("transforms.join")["keys[].left"] == ("column", "left")
    assert hints("transforms.join")["keys[].right"] == ("column", "right")
    assert hints("transforms.aggregate")["group_by"] == ("columns", None)
    assert hints("transforms.aggregate")["aggregations[].column"] == ("column", None)
    assert hints("transforms.aggregate")["aggregations[].as"] == (None, None)
    assert hints("transforms.sort")["by[].column"] == ("column", None)
    assert hints("outputs.chart")["x"] == ("column", None)
    assert hints("transforms.select_columns")["rename"] == ("column_map", None)
    assert hints("transforms.convert_types")["columns"] == ("column_map", None)
    assert hints("sources.sample_dataset")["target_column"] == ("text", None)
    assert hints("sources.postgres")["query"] == ("multiline", None)


def test_a_widget_hint_does_not_change_the_code_version() -> None:
    """code_version hashes type, version and the params' values: the schema (and its hints) is
    not part of it, so marking params keeps every cache key of existing workflows."""
    node_type = REGISTRY.get("transforms.aggregate")
    assert node_type is not None
    params = AggregateParams.model_validate(
        {"group_by": ["region"], "aggregations": [{"column": "units", "function": "sum"}]}
    )
    dumped = params.model_dump(mode="json")
    assert "x-widget" not in str(dumped)
    assert (
        code_version(node_type, params) == "00cbbec640fb4fcb"
    )  # computed on the commit before the hints


def test_search_spaces_are_marked_and_only_random_search_offers_ranges() -> None:
    def space(type_id: str) -> dict[str, Any]:
        node_type = REGISTRY.get(type_id)
        assert node_type is not None
        prop: dict[str, Any] = node_type.Params.model_json_schema()["properties"]["space"]
        return prop

    assert space("tune.grid_search")["x-widget"] == "search_space"
    assert "x-search-ranges" not in space("tune.grid_search")
    assert space("tune.random_search")["x-widget"] == "search_space"
    assert space("tune.random_search")["x-search-ranges"] is True


def _allowed_values(schema: dict[str, Any], root: dict[str, Any]) -> list[Any] | None:
    """The values an enum-like param can take (enum, Literal, bool, nullable), None if open."""
    schema = _resolve(schema, root)
    if "enum" in schema:
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    if schema.get("type") == "boolean":
        return [True, False]
    if schema.get("type") == "null":
        return [None]
    if "anyOf" in schema:
        values: list[Any] = []
        for option in schema["anyOf"]:
            allowed = _allowed_values(option, root)
            if allowed is None:
                return None
            values += allowed
        return values
    return None


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_visibility_conditions_name_params_of_the_node_and_values_they_can_take(
    type_id: str,
) -> None:
    node_type = REGISTRY.get(type_id)
    assert node_type is not None
    root = node_type.Params.model_json_schema()
    properties = root.get("properties", {})
    for name, prop in properties.items():
        conditions = prop.get(VISIBLE_WHEN)
        if conditions is None:
            continue
        assert isinstance(conditions, dict) and conditions, f"{type_id}.{name}: {conditions!r}"
        for other, values in conditions.items():
            assert other in properties, f"{type_id}.{name}: shown by unknown param {other!r}"
            assert other != name, f"{type_id}.{name}: shown by itself"
            assert VISIBLE_WHEN not in properties[other], (
                f"{type_id}.{name}: shown by {other!r}, which may itself be hidden"
            )
            allowed = _allowed_values(properties[other], root)
            assert allowed is not None, f"{type_id}.{name}: {other!r} is not a choice"
            unknown = [v for v in values if v not in allowed]
            assert not unknown, f"{type_id}.{name}: {other!r} is never {unknown!r}"


def test_the_split_shows_each_column_only_for_the_method_that_uses_it() -> None:
    node_type = REGISTRY.get("split.train_test_split")
    assert node_type is not None
    properties = node_type.Params.model_json_schema()["properties"]
    assert properties["time_column"][VISIBLE_WHEN] == {"method": ["time-ordered"]}
    assert properties["stratify_column"][VISIBLE_WHEN] == {"method": ["stratified"]}
    assert properties["time_column"]["x-widget"] == "column"  # combined with the column hint
    assert VISIBLE_WHEN not in properties["test_size"]


def test_visible_when_refuses_a_condition_without_values() -> None:
    with pytest.raises(ValueError, match="method=\\['random'\\]"):
        widgets.visible_when(method="random")
    with pytest.raises(ValueError, match="at least one condition"):
        widgets.visible_when()
