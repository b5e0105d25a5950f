"""The shared column checks: a missing column comes with a did-you-mean, an empty column picker
asks to pick one instead of quoting an empty name."""

from __future__ import annotations

from node_library.checks import require_columns
from node_library.registry import default_registry
from node_library.schema import TableSchema
from node_library.settings import NodeSettings

SCHEMA = TableSchema.of(price="float", units="integer", region="string")


def test_a_misspelled_column_is_named_with_a_did_you_mean() -> None:
    [issue] = require_columns(SCHEMA, ["pirce"], param="column", port="data")
    assert issue.message == "column 'pirce' is not in the columns of input 'data'"
    assert issue.hint == "did you mean 'price'?"


def test_an_empty_column_asks_to_pick_one_and_lists_the_columns() -> None:
    for empty in ("", "  "):
        [issue] = require_columns(SCHEMA, [empty], param="column")
        assert issue.code == "missing_column" and issue.param == "column"
        assert issue.message == "Pick a column: the column name is empty"
        assert issue.hint == "the columns are: price, units, region"
    [issue] = require_columns(TableSchema(), [""], param="columns", port="train")
    assert issue.message == "Pick a column of input 'train': the column name is empty"
    assert issue.hint == "the input has no columns"


def test_no_node_quotes_an_empty_column_name_when_a_column_param_is_empty() -> None:
    """Every node type's column params (by their widget hint), set to an empty name or a list
    holding one: the issues never show `column ''`."""
    settings = NodeSettings.from_env()
    checked = 0
    for node_type in default_registry():
        properties = node_type.Params.model_json_schema().get("properties", {})
        inputs = {p.name: SCHEMA for p in node_type.inputs if p.data_type.value == "dataframe"}
        for name, prop in properties.items():
            widget = str(prop.get("x-widget") or prop.get("widget") or "")
            if "column" not in widget:
                continue
            empty: str | list[str] = "" if prop.get("type") == "string" else [""]
            try:
                params = node_type.Params.model_validate({name: empty})
            except ValueError:
                continue  # the Params model itself refuses an empty value
            checked += 1
            for issue in node_type.validate(params, inputs, settings):
                assert "''" not in issue.message, (node_type.type_id, name, issue.message)
    assert checked > 20
