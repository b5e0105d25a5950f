"""Whole-workflow validation: every problem is a structured Issue (node, port/param, code, message,
hint), reported once, and schemas propagate through the graph before any run."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

from node_library.checks import require_columns
from node_library.contract import Issue, NodeType, Port, PortSchema, Severity
from node_library.datatypes import DataType
from node_library.graph import Edge, Node, Workflow
from node_library.registry import NodeRegistry
from node_library.schema import Dtype, TableSchema
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult, validate_workflow

# -- test-local node types ----------------------------------------------------------------------


class TableParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: list[str] = Field(["price", "units", "region"], description="Column names.")
    rows: int = Field(10, ge=1, le=1000, description="How many rows.")


class TableNode(NodeType[TableParams]):
    type_id = "test.table"
    display_name = "Table"
    category = "test"
    description = "A table with the named columns."
    Params = TableParams
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: TableParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": TableSchema.of(**{c: Dtype.FLOAT for c in params.columns})}


class AddColumnParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="Existing column to read.")
    name: str = Field(min_length=1, description="New column.")


class AddColumnNode(NodeType[AddColumnParams]):
    type_id = "test.add_column"
    display_name = "Add column"
    category = "test"
    description = "Copy a column under a new name."
    Params = AddColumnParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def validate(
        self, params: AddColumnParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return require_columns(inputs.get("data"), [params.source], param="source", port="data")

    def infer_schema(
        self, params: AddColumnParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs["data"]
        assert schema is not None  # validation never calls infer_schema on unknown inputs here
        dtype = schema.dtype_of(params.source) or Dtype.UNKNOWN
        return {"data": schema.with_column(params.name, dtype)}


class KParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    k: int = Field(3, ge=1, le=10, description="Neighbours.")
    mode: str = Field("fast", pattern="^(fast|slow)$", description="Mode.")


class ModelNode(NodeType[KParams]):
    type_id = "test.model"
    display_name = "Model"
    category = "test"
    description = "Fits a model."
    Params = KParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("model", DataType.MODEL), Port("metrics", DataType.METRICS))


class KnobNode(NodeType[KParams]):
    type_id = "test.knob"
    display_name = "Knob"
    category = "test"
    description = "A source with bounded params."
    Params = KParams
    outputs = (Port("data", DataType.DATAFRAME),)


class EmptyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FrameSinkNode(NodeType[EmptyParams]):
    type_id = "test.frame_sink"
    display_name = "Frame sink"
    category = "test"
    description = "Takes a dataframe only."
    Params = EmptyParams
    inputs = (Port("data", DataType.DATAFRAME), Port("extra", DataType.DATAFRAME, required=False))
    outputs = (Port("out", DataType.JSON),)


class LenientSinkNode(NodeType[EmptyParams]):
    type_id = "test.lenient_sink"
    display_name = "Lenient sink"
    category = "test"
    description = "Takes a dataframe or a series."
    Params = EmptyParams
    inputs = (Port("data", DataType.DATAFRAME, accepts=(DataType.SERIES,)),)
    outputs = (Port("out", DataType.JSON),)


class SeriesNode(NodeType[EmptyParams]):
    type_id = "test.series"
    display_name = "Series"
    category = "test"
    description = "Produces a series."
    Params = EmptyParams
    outputs = (Port("values", DataType.SERIES),)


class JsonSinkNode(NodeType[EmptyParams]):
    type_id = "test.json_sink"
    display_name = "JSON sink"
    category = "test"
    description = "Takes JSON."
    Params = EmptyParams
    inputs = (Port("doc", DataType.JSON),)
    outputs = (Port("out", DataType.FILE),)


class CrashingValidateNode(NodeType[EmptyParams]):
    type_id = "test.crashing_validate"
    display_name = "Crashing validate"
    category = "test"
    description = "Its validate raises."
    Params = EmptyParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def validate(
        self, params: EmptyParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        raise KeyError("oops")


class CrashingInferNode(NodeType[EmptyParams]):
    type_id = "test.crashing_infer"
    display_name = "Crashing infer"
    category = "test"
    description = "Its infer_schema raises."
    Params = EmptyParams
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: EmptyParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        raise RuntimeError("cannot read the header")


class OddParams(BaseModel):
    x: int = 0

    @model_validator(mode="after")
    def _check(self) -> OddParams:
        if self.x == 13:
            raise LookupError("unlucky")  # not a ValueError: pydantic does not wrap it
        return self


class OddParamsNode(NodeType[OddParams]):
    type_id = "test.odd_params"
    display_name = "Odd params"
    category = "test"
    description = "A Params validator that raises something other than ValueError."
    Params = OddParams
    outputs = (Port("data", DataType.DATAFRAME),)


class JoinNode(NodeType[EmptyParams]):
    type_id = "test.join"
    display_name = "Join"
    category = "test"
    description = "Joins two tables."
    Params = EmptyParams
    inputs = (Port("left", DataType.DATAFRAME), Port("right", DataType.DATAFRAME))
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: EmptyParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        left, right = inputs["left"], inputs["right"]
        assert left is not None and right is not None
        return {
            "data": TableSchema(
                columns=left.columns
                + right.select([n for n in right.names if n not in left]).columns
            )
        }


REGISTRY = NodeRegistry(
    [
        TableNode,
        AddColumnNode,
        ModelNode,
        KnobNode,
        FrameSinkNode,
        LenientSinkNode,
        SeriesNode,
        JsonSinkNode,
        CrashingValidateNode,
        CrashingInferNode,
        OddParamsNode,
        JoinNode,
    ]
)
SETTINGS = NodeSettings()


def node(node_id: str, type_id: str, **params: Any) -> Node:
    return Node(id=node_id, type=type_id, params=params)


def edge(
    source: str,
    target: str,
    source_port: str = "data",
    target_port: str = "data",
    edge_id: str | None = None,
) -> Edge:
    return Edge(
        id=edge_id or f"{source}.{source_port}->{target}.{target_port}",
        source=source,
        source_port=source_port,
        target=target,
        target_port=target_port,
    )


def validate(nodes: list[Node], edges: list[Edge] = ()) -> ValidationResult:  # type: ignore[assignment]
    workflow = Workflow(slug="test", name="Test", nodes=nodes, edges=list(edges))
    return validate_workflow(workflow, REGISTRY, SETTINGS)


def only_issue(result: ValidationResult) -> Issue:
    assert len(result.issues) == 1, [str(i) for i in result.issues]
    return result.issues[0]


# -- a valid graph ------------------------------------------------------------------------------


def test_a_valid_graph_has_no_issues_and_keeps_the_parsed_params() -> None:
    result = validate([node("t", "test.table"), node("m", "test.model", k=5)], [edge("t", "m")])
    assert result.ok and result.issues == []
    assert result.params["m"] == KParams(k=5)


def test_result_order_is_topological() -> None:
    # declared in reverse, with a diamond: the order must still put sources first
    nodes = [
        node("sink", "test.join"),
        node("b", "test.add_column", source="price", name="b"),
        node("a", "test.add_column", source="price", name="a"),
        node("t", "test.table"),
    ]
    edges = [
        edge("t", "a"),
        edge("t", "b"),
        edge("a", "sink", target_port="left"),
        edge("b", "sink", target_port="right"),
    ]
    result = validate(nodes, edges)
    assert result.ok, [str(i) for i in result.issues]
    assert sorted(result.order) == ["a", "b", "sink", "t"]
    for e in edges:
        assert result.order.index(e.source) < result.order.index(e.target)


def test_schemas_propagate_through_a_chain() -> None:
    nodes = [
        node("t", "test.table", columns=["price", "units"]),
        node("a", "test.add_column", source="price", name="price_copy"),
        node("b", "test.add_column", source="price_copy", name="twice"),
    ]
    result = validate(nodes, [edge("t", "a"), edge("a", "b")])
    assert result.ok, [str(i) for i in result.issues]
    assert result.schemas["t"]["data"] == TableSchema.of(price="float", units="float")
    assert result.schemas["b"]["data"] == TableSchema.of(
        price="float", units="float", price_copy="float", twice="float"
    )


def test_outputs_that_are_not_tables_have_no_schema_but_do_not_block_downstream() -> None:
    result = validate(
        [node("t", "test.table"), node("m", "test.model"), node("j", "test.json_sink")],
        [edge("t", "m"), edge("m", "j", source_port="metrics", target_port="doc")],
    )
    assert result.ok, [str(i) for i in result.issues]
    assert result.schemas["m"] == {"model": None, "metrics": None}
    assert "j" in result.schemas


# -- node and params issues ---------------------------------------------------------------------


def test_an_unknown_node_type_is_reported_with_a_did_you_mean() -> None:
    issue = only_issue(validate([node("t", "test.tabel")]))
    assert (issue.code, issue.node_id, issue.severity) == ("unknown_node_type", "t", Severity.ERROR)
    assert "'test.tabel'" in issue.message
    assert issue.hint == "did you mean 'test.table'?"


def test_an_unknown_node_type_without_a_close_match_says_how_to_fix_it() -> None:
    issue = only_issue(validate([node("t", "acme.quantum_forest")]))
    assert "install the package" in issue.hint


def test_a_param_out_of_range_is_reported_on_the_field_with_the_bound_in_the_hint() -> None:
    issue = only_issue(validate([node("m", "test.knob", k=0)]))
    assert (issue.code, issue.node_id, issue.param) == ("invalid_param", "m", "k")
    assert "greater than or equal to 1" in issue.message
    assert issue.hint == "use a value at least 1"

    issue = only_issue(validate([node("m", "test.knob", k=11)]))
    assert issue.param == "k" and issue.hint == "use a value at most 10"


def test_each_invalid_param_is_its_own_issue() -> None:
    result = validate([node("m", "test.knob", k="many", mode="medium")])
    assert sorted((i.code, i.param) for i in result.issues) == [
        ("invalid_param", "k"),
        ("invalid_param", "mode"),
    ]
    assert all(i.node_id == "m" and i.message and i.hint for i in result.issues)


def test_an_unknown_param_is_reported_with_a_did_you_mean() -> None:
    issue = only_issue(validate([node("m", "test.knob", kk=3)]))
    assert (issue.code, issue.node_id, issue.param) == ("unknown_param", "m", "kk")
    assert issue.hint == "did you mean 'k'?"


def test_an_unknown_param_without_a_close_match_lists_the_known_params() -> None:
    issue = only_issue(validate([node("m", "test.knob", zzzz=3)]))
    assert issue.hint == "known params: k, mode"


def test_a_params_validator_that_raises_becomes_an_issue_not_a_crash() -> None:
    issue = only_issue(validate([node("o", "test.odd_params", x=13)]))
    assert (issue.code, issue.node_id) == ("invalid_param", "o")
    assert "unlucky" in issue.message


def test_duplicate_node_ids_are_reported() -> None:
    result = validate([node("t", "test.table"), node("t", "test.model")])
    issue = only_issue(result)
    assert (issue.code, issue.node_id) == ("duplicate_node_id", "t")
    assert "unique" in issue.hint


# -- edges and ports ----------------------------------------------------------------------------


def test_a_missing_required_input_is_reported_on_its_port() -> None:
    issue = only_issue(validate([node("m", "test.model")]))
    assert (issue.code, issue.node_id, issue.port) == ("missing_input", "m", "data")
    assert issue.hint == "connect a dataframe output to it"


def test_a_missing_optional_input_is_fine() -> None:
    result = validate([node("t", "test.table"), node("s", "test.frame_sink")], [edge("t", "s")])
    assert result.ok, [str(i) for i in result.issues]


def test_a_port_type_mismatch_is_reported_once_on_the_target_port() -> None:
    result = validate(
        [node("t", "test.table"), node("m", "test.model"), node("s", "test.frame_sink")],
        [edge("t", "m"), edge("m", "s", source_port="model")],
    )
    # one mistake, one issue: not also "input 'data' is not connected"
    issue = only_issue(result)
    assert (issue.code, issue.node_id, issue.port) == ("port_type_mismatch", "s", "data")
    assert "a model output cannot feed a dataframe input" in issue.message
    assert issue.hint == "m.model is model; s.data needs dataframe"
    assert "s" not in result.schemas  # its input is unusable, so its output is unknown


def test_a_series_feeds_a_dataframe_port_only_where_the_port_accepts_it() -> None:
    refused = validate(
        [node("v", "test.series"), node("s", "test.frame_sink")],
        [edge("v", "s", source_port="values")],
    )
    assert only_issue(refused).code == "port_type_mismatch"

    accepted = validate(
        [node("v", "test.series"), node("s", "test.lenient_sink")],
        [edge("v", "s", source_port="values")],
    )
    assert accepted.ok, [str(i) for i in accepted.issues]


def test_metrics_may_feed_a_json_port() -> None:
    result = validate(
        [node("t", "test.table"), node("m", "test.model"), node("j", "test.json_sink")],
        [edge("t", "m"), edge("m", "j", source_port="metrics", target_port="doc")],
    )
    assert result.ok, [str(i) for i in result.issues]


def test_a_json_output_may_not_feed_a_dataframe_port() -> None:
    result = validate(
        [node("t", "test.table"), node("a", "test.frame_sink"), node("b", "test.frame_sink")],
        [edge("t", "a"), edge("a", "b", source_port="out")],
    )
    assert only_issue(result).code == "port_type_mismatch"


def test_a_cycle_is_reported_with_its_path() -> None:
    nodes = [
        node("t", "test.table"),
        node("a", "test.join"),
        node("b", "test.add_column", source="price", name="b"),
        node("c", "test.add_column", source="price", name="c"),
    ]
    edges = [
        edge("t", "a", target_port="left"),
        edge("a", "b"),
        edge("b", "c"),
        edge("c", "a", target_port="right"),
    ]
    result = validate(nodes, edges)
    issue = only_issue(result)
    assert issue.code == "cycle"
    assert result.order == []
    path = issue.message.split(": ", 1)[1].split(" -> ")
    assert path[0] == path[-1] and sorted(path[:-1]) == ["a", "b", "c"]
    flows = {(e.source, e.target) for e in edges}
    assert all((x, y) in flows for x, y in itertools.pairwise(path)), path
    assert issue.node_id == path[0]
    assert "remove one of the edges" in issue.hint


def test_a_self_loop_is_reported_as_a_cycle() -> None:
    result = validate(
        [node("t", "test.table"), node("a", "test.join")],
        [edge("t", "a", target_port="left"), edge("a", "a", target_port="right", edge_id="loop")],
    )
    issue = only_issue(result)
    assert (issue.code, issue.node_id) == ("cycle", "a")
    assert "cannot feed itself" in issue.message


def test_duplicate_edge_ids_are_reported() -> None:
    result = validate(
        [node("t", "test.table"), node("a", "test.join")],
        [
            edge("t", "a", target_port="left", edge_id="e1"),
            edge("t", "a", target_port="right", edge_id="e1"),
        ],
    )
    issue = only_issue(result)  # and not also "input 'right' is not connected"
    assert (issue.code, issue.node_id) == ("duplicate_edge_id", "a")
    assert "'e1'" in issue.message
    assert "a" not in result.schemas


@pytest.mark.parametrize("missing_end", ["source", "target"])
def test_an_edge_to_a_missing_node_is_reported(missing_end: str) -> None:
    if missing_end == "source":
        nodes, bad = [node("m", "test.model")], edge("ghost", "m", edge_id="e9")
    else:
        nodes, bad = [node("t", "test.table")], edge("t", "ghost", edge_id="e9")
    issue = only_issue(validate(nodes, [bad]))
    assert issue.code == "edge_to_missing_node"
    assert issue.node_id == nodes[0].id  # reported on the end that exists
    assert f"edge 'e9' {missing_end} 'ghost'" in issue.message
    assert issue.hint


def test_an_edge_from_a_missing_output_port_is_reported_with_the_real_outputs() -> None:
    result = validate(
        [node("t", "test.model"), node("s", "test.frame_sink"), node("x", "test.table")],
        [edge("x", "t"), edge("t", "s", source_port="predictions")],
    )
    issue = only_issue(result)  # and not also "input 'data' of s is not connected"
    assert (issue.code, issue.node_id, issue.port) == ("missing_port", "t", "predictions")
    assert issue.hint == "outputs: model, metrics"


def test_an_edge_into_a_missing_input_port_is_reported_with_the_real_inputs() -> None:
    result = validate(
        [node("t", "test.table"), node("a", "test.join")],
        [
            edge("t", "a", target_port="left"),
            edge("t", "a", target_port="middle"),
            edge("t", "a", target_port="right"),
        ],
    )
    issue = only_issue(result)
    assert (issue.code, issue.node_id, issue.port) == ("missing_port", "a", "middle")
    assert issue.hint == "inputs: left, right"


def test_two_edges_into_one_input_are_reported() -> None:
    result = validate(
        [node("t", "test.table"), node("u", "test.table"), node("m", "test.model")],
        [edge("t", "m"), edge("u", "m")],
    )
    issue = only_issue(result)
    assert (issue.code, issue.node_id, issue.port) == ("input_already_connected", "m", "data")


def test_edges_to_a_node_of_unknown_type_are_not_reported_again() -> None:
    result = validate(
        [node("t", "test.table"), node("p", "plugin.gone")],
        [edge("t", "p", target_port="whatever")],
    )
    assert [i.code for i in result.issues] == ["unknown_node_type"]


# -- columns and cascades -----------------------------------------------------------------------


def test_a_column_missing_from_the_upstream_schema_is_reported_with_a_did_you_mean() -> None:
    result = validate(
        [node("t", "test.table"), node("a", "test.add_column", source="prise", name="p2")],
        [edge("t", "a")],
    )
    issue = only_issue(result)
    assert (issue.code, issue.node_id, issue.param, issue.port) == (
        "missing_column",
        "a",
        "source",
        "data",
    )
    assert "'prise'" in issue.message
    assert issue.hint == "did you mean 'price'?"
    assert "a" not in result.schemas


def test_a_missing_column_without_a_close_match_lists_the_columns() -> None:
    result = validate(
        [node("t", "test.table"), node("a", "test.add_column", source="zzz", name="p2")],
        [edge("t", "a")],
    )
    assert only_issue(result).hint == "pick one of: price, units, region"


def test_an_upstream_error_does_not_cascade_into_downstream_column_errors() -> None:
    nodes = [
        node("t", "test.table", rows=0),  # invalid params: schema unknown
        node("a", "test.add_column", source="not_a_column", name="x"),
        node("b", "test.add_column", source="x_typo", name="y"),
    ]
    result = validate(nodes, [edge("t", "a"), edge("a", "b")])
    issue = only_issue(result)
    assert (issue.code, issue.node_id, issue.param) == ("invalid_param", "t", "rows")
    assert result.schemas == {}


def test_a_column_error_does_not_cascade_further_downstream() -> None:
    nodes = [
        node("t", "test.table"),
        node("a", "test.add_column", source="prise", name="x"),
        node("b", "test.add_column", source="x", name="y"),
    ]
    result = validate(nodes, [edge("t", "a"), edge("a", "b")])
    assert [(i.code, i.node_id) for i in result.issues] == [("missing_column", "a")]


def test_an_unknown_upstream_type_leaves_downstream_schemas_unknown() -> None:
    result = validate(
        [node("p", "plugin.gone"), node("a", "test.add_column", source="q", name="x")],
        [edge("p", "a")],
    )
    assert [i.code for i in result.issues] == ["unknown_node_type"]
    assert "a" not in result.schemas


def test_a_validate_that_raises_becomes_an_issue_not_a_crash() -> None:
    result = validate(
        [node("t", "test.table"), node("c", "test.crashing_validate")], [edge("t", "c")]
    )
    issue = only_issue(result)
    assert (issue.code, issue.node_id) == ("validator_crashed", "c")
    assert "test.crashing_validate" in issue.message and "oops" in issue.message


def test_an_infer_schema_that_raises_becomes_an_issue_not_a_crash() -> None:
    issue = only_issue(validate([node("c", "test.crashing_infer")]))
    assert (issue.code, issue.node_id) == ("schema_inference_failed", "c")
    assert "cannot read the header" in issue.message


def test_issues_are_grouped_per_node_and_print_readably() -> None:
    result = validate([node("m", "test.model", k=0), node("t", "test.tabel")])  # and no input
    assert not result.ok
    assert [i.code for i in result.errors_for("m")] == ["invalid_param", "missing_input"]
    assert str(result.errors_for("t")[0]) == (
        "[unknown_node_type] t: unknown node type 'test.tabel' (fix: did you mean 'test.table'?)"
    )


def test_a_node_saved_by_another_type_version_is_reported_not_misread() -> None:
    from node_library.graph import Workflow
    from node_library.registry import default_registry

    workflow = Workflow.model_validate(
        {
            "slug": "old",
            "name": "Old",
            "nodes": [{"id": "iris", "type": "sources.sample_dataset", "type_version": 7}],
        }
    )
    result = validate_workflow(workflow, default_registry())
    assert [i.code for i in result.errors] == ["node_version_mismatch"]
    assert "upgrade" in result.errors[0].hint
