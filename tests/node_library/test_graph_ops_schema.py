"""The checked-in JSON Schema of graph ops, which the canvas's TypeScript op types are generated
from (canvas_frontend/src/api/graphOpsCodegen.test.ts checks that step)."""

from __future__ import annotations

import json

from node_library.graph import Edge, Group, Node, Position
from node_library.graph_ops import (
    AddEdgeOp,
    AddGroupOp,
    AddNodeOp,
    GroupSlot,
    MoveNodesOp,
    UpdateGroupOp,
    dump_ops,
    parse_ops,
)
from node_library.graph_ops.models import OP_NAMES
from node_library.graph_ops.schema import SCHEMA_PATH, ops_json_schema, schema_text


def test_the_checked_in_schema_matches_the_op_models() -> None:
    assert SCHEMA_PATH.read_text() == schema_text(), (
        f"{SCHEMA_PATH.name} is stale: run `npm run codegen:ops` in canvas_frontend"
        " (or `.venv/bin/python -m node_library.graph_ops.schema --write`, then the npm script)"
    )


def test_the_schema_names_every_op_and_requires_its_tag() -> None:
    schema = ops_json_schema()
    ops = [schema["$defs"][ref["$ref"].rsplit("/", 1)[1]] for ref in schema["oneOf"]]
    assert [op["properties"]["op"]["const"] for op in ops] == list(OP_NAMES)
    assert all(op["required"][0] == "op" for op in ops)


def test_the_ops_the_server_writes_have_every_field_the_schema_requires() -> None:
    # The schema requires whole nodes, edges, groups and positions: dump_ops always writes them.
    schema = ops_json_schema()
    defs = schema["$defs"]
    batch = [
        AddNodeOp(node=Node(id="a", type="t"), groups=[GroupSlot(group_id="g")]),
        AddEdgeOp(edge=Edge(id="e", source="a", source_port="o", target="b", target_port="i")),
        AddGroupOp(group=Group(id="g")),
        MoveNodesOp(positions={"a": Position()}),
        UpdateGroupOp(group_id="g", title="T"),
    ]
    written = json.loads(dump_ops(batch))

    def check(value: object, definition: dict[str, object]) -> None:
        assert isinstance(value, dict)
        required = definition.get("required", [])
        assert isinstance(required, list)
        assert set(required) <= set(value), f"{definition['title']}: missing {required}"

    for op in written:
        check(op, defs[type(parse_ops([op])[0]).__name__])
    check(written[0]["node"], defs["Node"])
    check(written[0]["node"]["position"], defs["Position"])
    check(written[1]["edge"], defs["Edge"])
    check(written[2]["group"], defs["Group"])
