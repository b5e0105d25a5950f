"""Graph operations: every op's effect, refusals that name the op and change nothing, structural
checks against the registry, and inverses that undo any batch exactly."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from node_library.graph import Edge, Group, Node, Position, Workflow
from node_library.graph_ops import (
    AddEdgeOp,
    AddGroupOp,
    AddNodeOp,
    GraphOp,
    GroupSlot,
    MoveNodesOp,
    OpError,
    RemoveEdgeOp,
    RemoveGroupOp,
    RemoveNodeOp,
    RenameWorkflowOp,
    SetDescriptionOp,
    SetExecutorOp,
    SetLabelOp,
    UpdateGroupOp,
    UpdateParamsOp,
    apply_ops,
    apply_ops_checked,
    dump_ops,
    invert_ops,
    load_ops,
    overlapping_keys,
    parse_ops,
    touched_keys,
)
from node_library.registry import NodeRegistry, default_registry


def edge(edge_id: str, source: str, target: str, port: str = "data") -> Edge:
    return Edge(id=edge_id, source=source, source_port="data", target=target, target_port=port)


@pytest.fixture
def workflow() -> Workflow:
    """src -> flt -> srt, and a chart fed by nothing yet; flt and srt in group g."""
    return Workflow(
        slug="ops_test",
        name="Ops test",
        description="before",
        nodes=[
            Node(id="src", type="sources.sample_dataset", params={"dataset": "iris"}),
            Node(
                id="flt",
                type="transforms.filter_rows",
                params={"expression": "target > 0"},
                position=Position(x=200, y=0),
            ),
            Node(id="srt", type="transforms.sort", position=Position(x=400, y=0)),
            Node(id="chart", type="outputs.chart", label="Chart"),
        ],
        edges=[edge("e1", "src", "flt"), edge("e2", "flt", "srt")],
        groups=[Group(id="g", title="Cleaning", node_ids=["flt", "srt"])],
    )


@pytest.fixture(scope="module")
def registry() -> NodeRegistry:
    return default_registry()


def snapshot(workflow: Workflow) -> str:
    return workflow.model_dump_json()


# -- every op's happy path ---------------------------------------------------------------------


def test_add_node_appends_a_new_node_and_leaves_the_input_untouched(workflow: Workflow) -> None:
    before = snapshot(workflow)
    op = AddNodeOp(node=Node(id="dedup", type="transforms.deduplicate"))
    result = apply_ops(workflow, [op])
    assert [n.id for n in result.nodes] == ["src", "flt", "srt", "chart", "dedup"]
    assert snapshot(workflow) == before
    op.node.params["changed"] = True  # the result does not alias the op
    assert result.nodes[-1].params == {}


def test_add_node_at_an_index_joins_the_listed_groups(workflow: Workflow) -> None:
    op = AddNodeOp(
        node=Node(id="dedup", type="transforms.deduplicate"),
        index=1,
        groups=[GroupSlot(group_id="g", index=1)],
    )
    result = apply_ops(workflow, [op])
    assert [n.id for n in result.nodes] == ["src", "dedup", "flt", "srt", "chart"]
    assert result.groups[0].node_ids == ["flt", "dedup", "srt"]
    assert workflow.groups[0].node_ids == ["flt", "srt"]


def test_remove_node_also_removes_its_edges_and_group_memberships(workflow: Workflow) -> None:
    result = apply_ops(workflow, [RemoveNodeOp(node_id="flt")])
    assert [n.id for n in result.nodes] == ["src", "srt", "chart"]
    assert result.edges == []
    assert result.groups == [Group(id="g", title="Cleaning", node_ids=["srt"])]
    assert len(workflow.edges) == 2


def test_update_params_replaces_the_whole_params_dict(workflow: Workflow) -> None:
    op = UpdateParamsOp(node_id="src", params={"target_column": "label"})
    result = apply_ops(workflow, [op])
    assert result.nodes[0].params == {"target_column": "label"}  # "dataset" is not kept
    assert workflow.nodes[0].params == {"dataset": "iris"}


def test_move_nodes_moves_every_listed_node_and_only_those(workflow: Workflow) -> None:
    op = MoveNodesOp(positions={"src": Position(x=-5, y=7), "chart": Position(x=1, y=2)})
    result = apply_ops(workflow, [op])
    assert {n.id: (n.position.x, n.position.y) for n in result.nodes} == {
        "src": (-5, 7),
        "flt": (200, 0),
        "srt": (400, 0),
        "chart": (1, 2),
    }
    assert workflow.nodes[0].position == Position()


def test_add_edge_connects_an_output_to_a_free_input(workflow: Workflow) -> None:
    result = apply_ops(workflow, [AddEdgeOp(edge=edge("e3", "srt", "chart"))])
    assert [e.id for e in result.edges] == ["e1", "e2", "e3"]
    assert result.incoming("chart") == [edge("e3", "srt", "chart")]


def test_remove_edge_disconnects_and_frees_the_input(workflow: Workflow) -> None:
    result = apply_ops(
        workflow, [RemoveEdgeOp(edge_id="e2"), AddEdgeOp(edge=edge("e9", "src", "srt"))]
    )
    assert [e.id for e in result.edges] == ["e1", "e9"]


def test_set_label_rename_and_description_change_only_their_field(workflow: Workflow) -> None:
    result = apply_ops(
        workflow,
        [
            SetLabelOp(node_id="srt", label="By species"),
            RenameWorkflowOp(name="Iris cleaning"),
            SetDescriptionOp(description="after"),
            SetExecutorOp(executor="celery"),
        ],
    )
    assert result.node("srt") == workflow.nodes[2].model_copy(update={"label": "By species"})
    assert (result.name, result.description, result.slug) == ("Iris cleaning", "after", "ops_test")
    assert result.settings.executor == "celery" and workflow.settings.executor == "local"


def test_add_group_puts_a_titled_frame_around_existing_nodes(workflow: Workflow) -> None:
    op = AddGroupOp(group=Group(id="h", title="Inputs", node_ids=["src", "chart"]))
    result = apply_ops(workflow, [op])
    assert [g.id for g in result.groups] == ["g", "h"]
    assert result.groups[1] == Group(id="h", title="Inputs", node_ids=["src", "chart"])
    assert result.nodes == workflow.nodes and len(workflow.groups) == 1
    op.group.node_ids.append("flt")  # the result does not alias the op
    assert result.groups[1].node_ids == ["src", "chart"]


def test_update_group_changes_only_the_fields_it_names(workflow: Workflow) -> None:
    collapsed = apply_ops(workflow, [UpdateGroupOp(group_id="g", collapsed=True)])
    assert collapsed.groups == [
        Group(id="g", title="Cleaning", node_ids=["flt", "srt"], collapsed=True)
    ]
    renamed = apply_ops(collapsed, [UpdateGroupOp(group_id="g", title="Prep")])
    assert (renamed.groups[0].title, renamed.groups[0].collapsed) == ("Prep", True)
    regrouped = apply_ops(renamed, [UpdateGroupOp(group_id="g", node_ids=["src", "flt"])])
    assert regrouped.groups[0].node_ids == ["src", "flt"]
    assert regrouped.groups[0].title == "Prep"
    assert workflow.groups[0].collapsed is False


def test_remove_group_removes_the_frame_and_keeps_its_nodes(workflow: Workflow) -> None:
    result = apply_ops(workflow, [RemoveGroupOp(group_id="g")])
    assert result.groups == []
    assert result.nodes == workflow.nodes and result.edges == workflow.edges


def test_group_ops_parse_from_json_and_round_trip_through_the_log_format() -> None:
    raw = [
        {"op": "add_group", "group": {"id": "h", "title": "T", "node_ids": ["a"]}},
        {"op": "update_group", "group_id": "h", "collapsed": True},
        {"op": "update_group", "group_id": "h", "title": None, "node_ids": ["a", "b"]},
        {"op": "remove_group", "group_id": "h"},
    ]
    ops = parse_ops(raw)
    assert [type(o).__name__ for o in ops] == [
        "AddGroupOp",
        "UpdateGroupOp",
        "UpdateGroupOp",
        "RemoveGroupOp",
    ]
    assert load_ops(dump_ops(ops)) == ops
    with pytest.raises(OpError, match="op 0"):
        parse_ops([{"op": "update_group", "group_id": "h", "title": "x" * 201}])
    with pytest.raises(OpError) as caught:
        parse_ops([{"op": "regroup", "group_id": "h"}])
    assert "update_group" in caught.value.hint


def test_ops_parse_from_json_by_their_op_field_and_round_trip_through_the_log_format() -> None:
    raw = [
        {"op": "add_node", "node": {"id": "a", "type": "sources.csv"}},
        {"op": "move_nodes", "positions": {"a": {"x": 1, "y": 2}}},
        {"op": "update_params", "node_id": "a", "params": {"path": "x.csv"}},
        {"op": "add_edge", "edge": edge("e", "a", "b").model_dump()},
        {"op": "remove_edge", "edge_id": "e"},
        {"op": "set_label", "node_id": "a", "label": "A"},
        {"op": "remove_node", "node_id": "a"},
        {"op": "rename_workflow", "name": "N"},
        {"op": "set_description", "description": "D"},
        {"op": "set_executor", "executor": "celery"},
    ]
    ops = parse_ops(raw)
    assert [type(o).__name__ for o in ops] == [
        "AddNodeOp",
        "MoveNodesOp",
        "UpdateParamsOp",
        "AddEdgeOp",
        "RemoveEdgeOp",
        "SetLabelOp",
        "RemoveNodeOp",
        "RenameWorkflowOp",
        "SetDescriptionOp",
        "SetExecutorOp",
    ]
    assert load_ops(dump_ops(ops)) == ops
    assert json.loads(dump_ops(ops))[0]["op"] == "add_node"


def test_an_op_that_does_not_parse_is_named_by_its_index() -> None:
    with pytest.raises(OpError) as caught:
        parse_ops([{"op": "remove_edge", "edge_id": "e"}, {"op": "explode", "node_id": "a"}])
    assert (caught.value.index, caught.value.op, caught.value.code) == (1, None, "invalid_op")
    assert "add_node" in caught.value.hint
    with pytest.raises(OpError, match="op 0"):
        parse_ops([{"op": "add_node", "node": {"id": "Bad Id", "type": "x.y"}}])


# -- refusals name the op and change nothing ---------------------------------------------------

REFUSALS: list[tuple[str, list[GraphOp], int, str]] = [
    (
        "duplicate node id",
        [SetLabelOp(node_id="src", label="x"), AddNodeOp(node=Node(id="flt", type="x.y"))],
        1,
        "duplicate_node_id",
    ),
    ("remove a missing node", [RemoveNodeOp(node_id="ghost")], 0, "missing_node"),
    (
        "update a missing node",
        [UpdateParamsOp(node_id="ghost", params={})],
        0,
        "missing_node",
    ),
    (
        "move a missing node",
        [MoveNodesOp(positions={"src": Position(), "ghost": Position()})],
        0,
        "missing_node",
    ),
    (
        "label a node removed earlier in the batch",
        [RemoveNodeOp(node_id="chart"), SetLabelOp(node_id="chart", label="x")],
        1,
        "missing_node",
    ),
    ("remove a missing edge", [RemoveEdgeOp(edge_id="nope")], 0, "missing_edge"),
    (
        "edge from a missing node",
        [AddEdgeOp(edge=edge("e3", "ghost", "chart"))],
        0,
        "edge_to_missing_node",
    ),
    (
        "edge to a missing node",
        [RenameWorkflowOp(name="x"), AddEdgeOp(edge=edge("e3", "srt", "ghost"))],
        1,
        "edge_to_missing_node",
    ),
    (
        "duplicate edge id",
        [AddEdgeOp(edge=edge("e1", "srt", "chart"))],
        0,
        "duplicate_edge_id",
    ),
    (
        "second edge into an input",
        [AddEdgeOp(edge=edge("e3", "srt", "chart")), AddEdgeOp(edge=edge("e4", "src", "chart"))],
        1,
        "input_already_connected",
    ),
    (
        "join a missing group",
        [AddNodeOp(node=Node(id="n", type="x.y"), groups=[GroupSlot(group_id="nope")])],
        0,
        "missing_group",
    ),
    (
        "move to a non-finite position",
        [MoveNodesOp(positions={"src": Position(x=float("nan"))})],
        0,
        "invalid_position",
    ),
    (
        "add a group whose id is taken",
        [AddGroupOp(group=Group(id="g", node_ids=["src"]))],
        0,
        "duplicate_group_id",
    ),
    (
        "add a group with an empty id",
        [AddGroupOp(group=Group(id="", node_ids=["src"]))],
        0,
        "invalid_group_id",
    ),
    (
        "add a group around a missing node",
        [AddGroupOp(group=Group(id="h", node_ids=["src", "ghost"]))],
        0,
        "missing_node",
    ),
    (
        "add a group listing a member twice",
        [AddGroupOp(group=Group(id="h", node_ids=["src", "src"]))],
        0,
        "duplicate_group_member",
    ),
    (
        "add a group with an overlong title",
        [AddGroupOp(group=Group(id="h", title="x" * 201, node_ids=["src"]))],
        0,
        "group_title_too_long",
    ),
    (
        "update a missing group",
        [UpdateGroupOp(group_id="nope", collapsed=True)],
        0,
        "missing_group",
    ),
    (
        "update a group with nothing",
        [UpdateGroupOp(group_id="g")],
        0,
        "empty_update",
    ),
    (
        "set a group's members to a node removed earlier in the batch",
        [RemoveNodeOp(node_id="chart"), UpdateGroupOp(group_id="g", node_ids=["chart"])],
        1,
        "missing_node",
    ),
    (
        "remove a group twice",
        [RemoveGroupOp(group_id="g"), RemoveGroupOp(group_id="g")],
        1,
        "missing_group",
    ),
]


@pytest.mark.parametrize(
    ("ops", "index", "code"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_a_refused_op_is_named_by_index_and_code_and_changes_nothing(
    workflow: Workflow, ops: list[GraphOp], index: int, code: str
) -> None:
    before = snapshot(workflow)
    ops_before = dump_ops(ops)
    with pytest.raises(OpError) as caught:
        apply_ops(workflow, ops)
    assert (caught.value.index, caught.value.code) == (index, code)
    assert caught.value.op is ops[index]
    assert str(caught.value).startswith(f"op {index} ({ops[index].op}): ")
    assert caught.value.hint
    assert snapshot(workflow) == before
    assert dump_ops(ops) == ops_before


def test_a_second_edge_into_an_input_names_the_edge_already_there(workflow: Workflow) -> None:
    with pytest.raises(OpError) as caught:
        apply_ops(workflow, [AddEdgeOp(edge=edge("e3", "src", "srt"))])
    assert "'e2'" in caught.value.message and "remove edge 'e2'" in caught.value.hint


def test_a_duplicate_node_id_hint_suggests_a_free_id(workflow: Workflow) -> None:
    with pytest.raises(OpError) as caught:
        apply_ops(workflow, [AddNodeOp(node=Node(id="src", type="sources.csv"))])
    assert "'src_2'" in caught.value.hint


def test_replacing_an_edge_into_an_input_in_one_batch_is_allowed(workflow: Workflow) -> None:
    result = apply_ops(
        workflow, [RemoveEdgeOp(edge_id="e2"), AddEdgeOp(edge=edge("e2", "src", "srt"))]
    )
    assert result.incoming("srt") == [edge("e2", "src", "srt")]


# -- structural checks against the registry ----------------------------------------------------


def test_checked_apply_refuses_the_edge_that_closes_a_cycle(
    workflow: Workflow, registry: NodeRegistry
) -> None:
    before = snapshot(workflow)
    ops: list[GraphOp] = [
        AddNodeOp(node=Node(id="flt2", type="transforms.filter_rows")),
        AddEdgeOp(edge=edge("e3", "srt", "flt2")),
        RemoveEdgeOp(edge_id="e1"),
        AddEdgeOp(edge=edge("e4", "flt2", "flt")),
    ]
    apply_ops(workflow, ops)  # structurally fine: cycles are the registry-aware check's job
    with pytest.raises(OpError) as caught:
        apply_ops_checked(workflow, ops, registry)
    assert (caught.value.index, caught.value.code) == (3, "cycle")
    assert "flt2 -> flt -> srt -> flt2" in caught.value.message
    assert snapshot(workflow) == before


def test_checked_apply_refuses_an_edge_from_a_node_to_itself(
    workflow: Workflow, registry: NodeRegistry
) -> None:
    ops: list[GraphOp] = [RemoveEdgeOp(edge_id="e1"), AddEdgeOp(edge=edge("loop", "flt", "flt"))]
    with pytest.raises(OpError) as caught:
        apply_ops_checked(workflow, ops, registry)
    assert (caught.value.index, caught.value.code) == (1, "cycle")


def test_checked_apply_accepts_a_cycle_made_and_broken_in_the_same_batch(
    workflow: Workflow, registry: NodeRegistry
) -> None:
    ops: list[GraphOp] = [
        RemoveEdgeOp(edge_id="e1"),
        AddEdgeOp(edge=edge("back", "srt", "flt")),
        RemoveEdgeOp(edge_id="back"),
    ]
    result, _ = apply_ops_checked(workflow, ops, registry)
    assert [e.id for e in result.edges] == ["e2"]


def test_checked_apply_refuses_a_port_type_mismatch(
    workflow: Workflow, registry: NodeRegistry
) -> None:
    ops: list[GraphOp] = [
        AddNodeOp(node=Node(id="srt2", type="transforms.sort")),
        AddEdgeOp(edge=edge("e1b", "src", "chart")),
        mismatch := AddEdgeOp(
            edge=Edge(
                id="e3", source="chart", source_port="plot", target="srt2", target_port="data"
            )
        ),
    ]
    before = snapshot(workflow)
    with pytest.raises(OpError) as caught:
        apply_ops_checked(workflow, ops, registry)
    assert snapshot(workflow) == before
    assert (caught.value.index, caught.value.code) == (2, "port_type_mismatch")
    assert caught.value.op is mismatch
    assert "plot" in caught.value.message and caught.value.node_id == "srt2"


def test_checked_apply_refuses_a_missing_port(workflow: Workflow, registry: NodeRegistry) -> None:
    op = AddEdgeOp(
        edge=Edge(id="e3", source="srt", source_port="rows", target="chart", target_port="data")
    )
    before = snapshot(workflow)
    with pytest.raises(OpError) as caught:
        apply_ops_checked(workflow, [RenameWorkflowOp(name="x"), op], registry)
    assert snapshot(workflow) == before
    assert (caught.value.index, caught.value.code) == (1, "missing_port")
    assert "data" in caught.value.hint  # names the outputs there are


def test_checked_apply_refuses_an_unknown_node_type_with_a_suggestion(
    workflow: Workflow, registry: NodeRegistry
) -> None:
    ops: list[GraphOp] = [
        AddNodeOp(node=Node(id="ok", type="transforms.sort")),
        AddNodeOp(node=Node(id="bad", type="transforms.filter_row")),
    ]
    before = snapshot(workflow)
    with pytest.raises(OpError) as caught:
        apply_ops_checked(workflow, ops, registry)
    assert snapshot(workflow) == before
    assert (caught.value.index, caught.value.code) == (1, "unknown_node_type")
    assert "transforms.filter_rows" in caught.value.hint and caught.value.node_id == "bad"


def test_checked_apply_refuses_a_node_type_version_the_registry_lacks(
    workflow: Workflow, registry: NodeRegistry
) -> None:
    op = AddNodeOp(node=Node(id="future", type="transforms.sort", type_version=99))
    with pytest.raises(OpError) as caught:
        apply_ops_checked(workflow, [op], registry)
    assert caught.value.code == "node_version_mismatch"


def test_checked_apply_keeps_param_and_column_issues_as_validation_for_the_canvas(
    workflow: Workflow, registry: NodeRegistry
) -> None:
    ops: list[GraphOp] = [
        AddNodeOp(node=Node(id="half", type="transforms.filter_rows")),
        AddEdgeOp(edge=edge("e3", "srt", "half")),
        UpdateParamsOp(node_id="srt", params={"by": [{"column": "no_such_column"}]}),
        UpdateParamsOp(node_id="src", params={"dataset": "not_a_dataset"}),
    ]
    result, validation = apply_ops_checked(workflow, ops, registry)
    assert result.node("half") is not None
    codes = {(i.node_id, i.code) for i in validation.errors}
    assert ("src", "invalid_param") in codes
    assert ("half", "missing_expression") in codes


def test_checked_apply_does_not_blame_a_batch_for_problems_it_did_not_make(
    workflow: Workflow, registry: NodeRegistry
) -> None:
    broken = apply_ops(
        workflow,
        [
            AddNodeOp(node=Node(id="legacy", type="plugin.gone")),
            AddEdgeOp(
                edge=Edge(
                    id="bad", source="chart", source_port="plot", target="legacy", target_port="x"
                )
            ),
        ],
    )
    result, validation = apply_ops_checked(
        broken, [MoveNodesOp(positions={"src": Position(x=3, y=3)})], registry
    )
    assert result.node("src") is not None and result.nodes[0].position.x == 3
    assert "unknown_node_type" in {i.code for i in validation.errors}


# -- inverses ----------------------------------------------------------------------------------


def test_the_inverse_of_remove_node_restores_the_node_its_edges_and_its_group_slot(
    workflow: Workflow,
) -> None:
    ops: list[GraphOp] = [RemoveNodeOp(node_id="flt")]
    inverse = invert_ops(workflow, ops)
    assert [o.op for o in inverse] == ["add_node", "add_edge", "add_edge"]
    first = inverse[0]
    assert isinstance(first, AddNodeOp)
    assert first.index == 1 and first.groups == [GroupSlot(group_id="g", index=0)]
    assert apply_ops(apply_ops(workflow, ops), inverse) == workflow


def test_the_inverse_of_a_batch_undoes_it_in_reverse_order(workflow: Workflow) -> None:
    ops: list[GraphOp] = [
        AddNodeOp(node=Node(id="n", type="transforms.sort")),
        UpdateParamsOp(node_id="n", params={"na_position": "first"}),
        MoveNodesOp(positions={"n": Position(x=9, y=9), "src": Position(x=1, y=1)}),
        AddEdgeOp(edge=edge("e3", "srt", "n")),
        RenameWorkflowOp(name="Renamed"),
    ]
    inverse = invert_ops(workflow, ops)
    assert [o.op for o in inverse] == [
        "rename_workflow",
        "remove_edge",
        "move_nodes",
        "update_params",
        "remove_node",
    ]
    assert apply_ops(apply_ops(workflow, ops), inverse) == workflow


def test_the_inverse_of_add_group_removes_it(workflow: Workflow) -> None:
    ops: list[GraphOp] = [AddGroupOp(group=Group(id="h", node_ids=["src"]), index=0)]
    inverse = invert_ops(workflow, ops)
    assert inverse == [RemoveGroupOp(group_id="h")]
    assert apply_ops(workflow, ops).groups[0].id == "h"
    assert apply_ops(apply_ops(workflow, ops), inverse) == workflow


def test_the_inverse_of_update_group_sets_back_exactly_the_fields_it_changed(
    workflow: Workflow,
) -> None:
    ops: list[GraphOp] = [
        UpdateGroupOp(group_id="g", collapsed=True),
        UpdateGroupOp(group_id="g", title="Prep", node_ids=["srt"]),
    ]
    inverse = invert_ops(workflow, ops)
    assert inverse == [
        UpdateGroupOp(group_id="g", title="Cleaning", node_ids=["flt", "srt"]),
        UpdateGroupOp(group_id="g", collapsed=False),
    ]
    assert apply_ops(apply_ops(workflow, ops), inverse) == workflow


def test_the_inverse_of_remove_group_restores_it_at_its_index(workflow: Workflow) -> None:
    two = apply_ops(workflow, [AddGroupOp(group=Group(id="h", title="H", node_ids=["chart"]))])
    ops: list[GraphOp] = [RemoveGroupOp(group_id="g")]
    inverse = invert_ops(two, ops)
    assert inverse == [AddGroupOp(group=two.groups[0], index=0)]
    assert apply_ops(apply_ops(two, ops), inverse) == two


def test_removing_the_last_members_and_their_group_in_one_batch_undoes_in_one_step(
    workflow: Workflow,
) -> None:
    ops: list[GraphOp] = [
        RemoveNodeOp(node_id="flt"),
        RemoveNodeOp(node_id="srt"),
        RemoveGroupOp(group_id="g"),
    ]
    after = apply_ops(workflow, ops)
    assert after.groups == [] and [n.id for n in after.nodes] == ["src", "chart"]
    inverse = invert_ops(workflow, ops)
    assert [o.op for o in inverse][:1] == ["add_group"]
    assert apply_ops(after, inverse) == workflow


def test_inverting_an_invalid_batch_is_refused_like_applying_it(workflow: Workflow) -> None:
    with pytest.raises(OpError) as caught:
        invert_ops(workflow, [RemoveNodeOp(node_id="src"), RemoveNodeOp(node_id="src")])
    assert caught.value.index == 1


class RandomOps:
    """Valid random ops against the current state of a workflow."""

    TYPES = ("transforms.sort", "transforms.filter_rows", "transforms.join", "sources.csv")
    PORTS = ("data", "left", "right")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def value(self) -> Any:
        return self.rng.choice([1, 2.5, "text", None, [1, "a"], {"k": [True]}])

    def op(self, w: Workflow) -> GraphOp:
        rng = self.rng
        kinds = ["add_node", "rename_workflow", "set_description", "set_executor"]
        if w.nodes:
            kinds += ["remove_node", "update_params", "move_nodes", "set_label", "add_edge"] * 2
            kinds += ["add_group"]
        if w.edges:
            kinds += ["remove_edge"] * 2
        if w.groups:
            kinds += ["update_group", "remove_group"]
        kind = rng.choice(kinds)
        node_ids = [n.id for n in w.nodes]
        if kind == "add_group":
            members = rng.sample(node_ids, rng.randint(0, min(3, len(node_ids))))
            return AddGroupOp(
                group=Group(
                    id=self.fresh("g"), title=self.fresh("t"), node_ids=members, collapsed=True
                ),
                index=rng.choice([None, rng.randint(0, len(w.groups) + 1)]),
            )
        if kind == "update_group":
            fields: dict[str, Any] = {}
            while not fields:
                if rng.random() < 0.5:
                    fields["title"] = self.fresh("t")
                if rng.random() < 0.5:
                    fields["collapsed"] = rng.random() < 0.5
                if rng.random() < 0.5 and node_ids:
                    fields["node_ids"] = rng.sample(node_ids, rng.randint(0, len(node_ids)))
            return UpdateGroupOp(group_id=rng.choice(w.groups).id, **fields)
        if kind == "remove_group":
            return RemoveGroupOp(group_id=rng.choice(w.groups).id)
        if kind == "add_node":
            groups = [
                GroupSlot(
                    group_id=g.id,
                    index=rng.choice([None, rng.randint(0, len(g.node_ids))]),
                )
                for g in w.groups
                if rng.random() < 0.4
            ]
            return AddNodeOp(
                node=Node(
                    id=self.fresh("n"),
                    type=rng.choice(self.TYPES),
                    params={"p": self.value()},
                    position=Position(x=rng.uniform(-500, 500), y=rng.uniform(-500, 500)),
                ),
                index=rng.choice([None, rng.randint(0, len(w.nodes) + 2)]),
                groups=groups,
            )
        if kind == "remove_node":
            return RemoveNodeOp(node_id=rng.choice(node_ids))
        if kind == "update_params":
            params = {f"k{i}": self.value() for i in range(rng.randint(0, 3))}
            return UpdateParamsOp(node_id=rng.choice(node_ids), params=params)
        if kind == "move_nodes":
            moved = rng.sample(node_ids, rng.randint(1, min(5, len(node_ids))))
            return MoveNodesOp(
                positions={n: Position(x=rng.uniform(-1e3, 1e3), y=rng.random()) for n in moved}
            )
        if kind == "set_label":
            return SetLabelOp(node_id=rng.choice(node_ids), label=self.fresh("label "))
        if kind == "add_edge":
            taken = {(e.target, e.target_port) for e in w.edges}
            free = [(n, p) for n in node_ids for p in self.PORTS if (n, p) not in taken]
            if free:
                target, port = rng.choice(free)
                return AddEdgeOp(
                    edge=Edge(
                        id=self.fresh("edge"),
                        source=rng.choice(node_ids),
                        source_port="data",
                        target=target,
                        target_port=port,
                    ),
                    index=rng.choice([None, rng.randint(0, len(w.edges) + 1)]),
                )
            return RenameWorkflowOp(name=self.fresh("name "))
        if kind == "remove_edge":
            return RemoveEdgeOp(edge_id=rng.choice(w.edges).id)
        if kind == "rename_workflow":
            return RenameWorkflowOp(name=self.fresh("name "))
        if kind == "set_executor":
            return SetExecutorOp(executor=rng.choice(["local", "celery"]))
        return SetDescriptionOp(description=self.fresh("description "))


def test_applying_the_inverse_after_random_batches_gives_back_the_original(
    workflow: Workflow,
) -> None:
    rng = random.Random(20240611)
    gen = RandomOps(rng)
    start = workflow.model_copy(
        update={"groups": [*workflow.groups, Group(id="h", node_ids=["src", "flt", "chart"])]}
    )
    kinds: set[str] = set()
    for _ in range(400):
        # a random starting point, reached by a few random ops, then the batch under test
        base = start
        for _ in range(rng.randint(0, 6)):
            base = apply_ops(base, [gen.op(base)])
        before = snapshot(base)
        ops: list[GraphOp] = []
        state = base
        for _ in range(rng.randint(1, 10)):
            op = gen.op(state)
            state = apply_ops(state, [op])
            ops.append(op)
            kinds.add(op.op)
        after = apply_ops(base, ops)
        assert after == state  # a batch is the same as its ops one at a time
        inverse = invert_ops(base, ops)
        assert apply_ops(after, inverse) == base, dump_ops(ops)
        assert snapshot(base) == before
    assert len(kinds) == 13  # every op kind was exercised


# -- what group ops touch (for auto-rebase) ----------------------------------------------------


def overlap(mine: list[GraphOp], theirs: list[GraphOp], before: Workflow) -> set[str]:
    return overlapping_keys(touched_keys(mine, before), touched_keys(theirs, before))


def test_different_fields_of_one_group_are_independent_but_its_removal_is_not(
    workflow: Workflow,
) -> None:
    title = UpdateGroupOp(group_id="g", title="Prep")
    collapse = UpdateGroupOp(group_id="g", collapsed=True)
    members = UpdateGroupOp(group_id="g", node_ids=["flt"])
    remove = RemoveGroupOp(group_id="g")
    assert not overlap([title], [collapse], workflow)
    assert not overlap([title], [members], workflow)
    assert overlap([collapse], [collapse], workflow) == {"group:g/collapsed"}
    for op in (title, collapse, members):
        assert overlap([op], [remove], workflow)
        assert overlap([remove], [op], workflow)
    assert not overlap([collapse], [UpdateGroupOp(group_id="other", collapsed=True)], workflow)


def test_group_ops_overlap_the_removal_of_a_member_but_not_its_move(workflow: Workflow) -> None:
    grouped = AddGroupOp(group=Group(id="h", node_ids=["src", "chart"]))
    assert overlap([grouped], [RemoveNodeOp(node_id="chart")], workflow)
    assert overlap(
        [UpdateGroupOp(group_id="g", node_ids=["src"])], [RemoveNodeOp(node_id="src")], workflow
    )
    assert not overlap([grouped], [MoveNodesOp(positions={"src": Position(x=1)})], workflow)
    assert not overlap([grouped], [UpdateParamsOp(node_id="src", params={})], workflow)


def test_adding_a_node_into_a_group_overlaps_that_group_s_removal_and_member_list(
    workflow: Workflow,
) -> None:
    into_g = AddNodeOp(node=Node(id="n", type="transforms.sort"), groups=[GroupSlot(group_id="g")])
    assert overlap([into_g], [RemoveGroupOp(group_id="g")], workflow)
    assert overlap([into_g], [UpdateGroupOp(group_id="g", node_ids=[])], workflow)
    assert not overlap([into_g], [UpdateGroupOp(group_id="g", title="x")], workflow)
    assert not overlap(
        [AddNodeOp(node=Node(id="n", type="x.y"))], [RemoveGroupOp(group_id="g")], workflow
    )
