"""The node contract's call path: `execute` validates the real inputs before `compute` (a source
may skip that), `passes_through` gives the input's schema, `NodeParams` refuses unknown params."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    RecordingContext,
    Severity,
    error,
)
from node_library.datatypes import DataType
from node_library.schema import TableSchema, schema_of_frame
from node_library.settings import NodeSettings


class KeepParams(NodeParams):
    column: str = "a"


class KeepNode(NodeType[KeepParams]):
    """Refuses a missing column; records what `validate` saw and whether `compute` ran."""

    type_id = "test.keep"
    display_name = "Keep"
    category = "test"
    description = "Keeps its input."
    Params = KeepParams
    inputs = (Port("data", DataType.DATAFRAME), Port("model", DataType.MODEL, required=False))
    outputs = (Port("data", DataType.DATAFRAME),)
    passes_through = "data"

    def __init__(self) -> None:
        self.seen: list[dict[str, PortSchema]] = []
        self.computed = False

    def validate(
        self, params: KeepParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        self.seen.append(dict(inputs))
        schema = inputs.get("data")
        warning = error("just_saying", "a warning").model_copy(
            update={"severity": Severity.WARNING}
        )
        if schema is not None and params.column not in schema:
            return [warning, error("missing_column", f"no column {params.column!r}")]
        return [warning]

    def compute(self, ctx: ExecutionContext, params: KeepParams, **inputs: Any) -> dict[str, Any]:
        self.computed = True
        return {"data": inputs["data"]}


def test_execute_validates_the_schemas_of_the_real_inputs_before_compute() -> None:
    node, frame = KeepNode(), pd.DataFrame({"a": [1], "b": ["x"]})
    out = node.execute(RecordingContext(), KeepParams(), data=frame, model=object())
    assert out["data"] is frame and node.computed
    assert node.seen == [{"data": schema_of_frame(frame), "model": None}]


def test_execute_stops_at_the_first_error_and_never_computes() -> None:
    node = KeepNode()
    with pytest.raises(NodeError) as caught:
        node.execute(RecordingContext(), KeepParams(column="z"), data=pd.DataFrame({"a": [1]}))
    assert caught.value.issue.code == "missing_column" and not node.computed


def test_an_input_that_is_none_is_validated_as_not_connected() -> None:
    node = KeepNode()
    node.execute(RecordingContext(), KeepParams(), data=pd.DataFrame({"a": [1]}), model=None)
    assert set(node.seen[0]) == {"data"}


def test_a_node_may_go_straight_to_compute() -> None:
    class Source(KeepNode):
        validate_before_run = False

    node = Source()
    node.execute(RecordingContext(), KeepParams(column="z"), data=pd.DataFrame({"a": [1]}))
    assert node.computed and node.seen == []


def test_passes_through_gives_every_output_the_input_schema() -> None:
    schema = TableSchema.of(a="integer")
    inferred = KeepNode().infer_schema(KeepParams(), {"data": schema}, NodeSettings())
    assert inferred == {"data": schema}
    assert KeepNode().infer_schema(KeepParams(), {}, NodeSettings()) == {"data": None}


def test_node_params_refuse_a_param_the_node_does_not_declare() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        KeepParams.model_validate({"column": "a", "colum": "b"})
