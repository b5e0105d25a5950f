"""Small node types for engine tests: they count their executions so tests can assert exactly
which nodes ran."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from node_library.contract import ExecutionContext, Issue, NodeError, NodeType, Port, PortSchema
from node_library.datatypes import DataType
from node_library.registry import NodeRegistry
from node_library.schema import Dtype, TableSchema
from node_library.settings import NodeSettings

EXECUTIONS: Counter[str] = Counter()


class NumbersParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: int = Field(5, ge=0, le=1_000_000, description="rows")


class NumbersNode(NodeType[NumbersParams]):
    type_id = "toy.numbers"
    display_name = "Numbers"
    category = "toy"
    description = "0..rows-1 in column x."
    Params = NumbersParams
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: NumbersParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": TableSchema.of(x=Dtype.INTEGER)}

    def execute(
        self, ctx: ExecutionContext, params: NumbersParams, **inputs: Any
    ) -> dict[str, Any]:
        EXECUTIONS[ctx.node_id] += 1
        return {"data": pd.DataFrame({"x": range(params.rows)})}


class FileParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(description="file under the first data root")


class TextFileNode(NodeType[FileParams]):
    """A source whose data changes outside the graph: fingerprinted by content hash."""

    type_id = "toy.text_file"
    display_name = "Text file"
    category = "toy"
    description = "Lines of a text file."
    Params = FileParams
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: FileParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": TableSchema.of(line=Dtype.STRING)}

    def fingerprint(self, params: FileParams, settings: NodeSettings) -> str | None:
        return hashlib.sha256((settings.data_roots[0] / params.path).read_bytes()).hexdigest()

    def execute(self, ctx: ExecutionContext, params: FileParams, **inputs: Any) -> dict[str, Any]:
        EXECUTIONS[ctx.node_id] += 1
        text = (ctx.settings.data_roots[0] / params.path).read_text()
        return {"data": pd.DataFrame({"line": text.splitlines()})}


class AddParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: str = Field("x", description="column to add to")
    amount: int = Field(1, description="amount added")
    fail: bool = Field(False, description="raise a NodeError instead")


class AddNode(NodeType[AddParams]):
    type_id = "toy.add"
    display_name = "Add"
    category = "toy"
    description = "Adds a constant to a column."
    Params = AddParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def validate(
        self, params: AddParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        from node_library.checks import require_columns

        return require_columns(inputs.get("data"), [params.column], param="column")

    def infer_schema(
        self, params: AddParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": inputs.get("data")}

    def execute(self, ctx: ExecutionContext, params: AddParams, **inputs: Any) -> dict[str, Any]:
        EXECUTIONS[ctx.node_id] += 1
        if params.fail:
            raise NodeError(
                Issue(
                    code="toy_failure",
                    message="asked to fail",
                    param="fail",
                    hint="set fail to false",
                )
            )
        frame = inputs["data"].copy()
        frame[params.column] = frame[params.column] + params.amount
        return {"data": frame}


class SplitNode(NodeType[NumbersParams]):
    """Two outputs: becomes a multi-asset keyed by port."""

    type_id = "toy.split"
    display_name = "Split"
    category = "toy"
    description = "First rows and the rest."
    Params = NumbersParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("head", DataType.DATAFRAME), Port("stats", DataType.METRICS))

    def execute(
        self, ctx: ExecutionContext, params: NumbersParams, **inputs: Any
    ) -> dict[str, Any]:
        EXECUTIONS[ctx.node_id] += 1
        frame = inputs["data"]
        return {"head": frame.head(params.rows), "stats": {"rows": len(frame)}}


class SleepParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Field(1.0, ge=0, le=600, description="how long to work")
    steps: int = Field(10, ge=1, le=1000, description="progress steps")


class SleepNode(NodeType[SleepParams]):
    """Passes its input through after `seconds` of (sleeping) work, reporting progress: the
    engine's tests use it for parallel branches, cancel and killed workers."""

    type_id = "toy.sleep"
    display_name = "Sleep"
    category = "toy"
    description = "Waits, then passes the data through."
    Params = SleepParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: SleepParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": inputs.get("data")}

    def execute(self, ctx: ExecutionContext, params: SleepParams, **inputs: Any) -> dict[str, Any]:
        EXECUTIONS[ctx.node_id] += 1
        for step in range(params.steps):
            time.sleep(params.seconds / params.steps)
            ctx.progress(step + 1, params.steps, "sleeping")
        return {"data": inputs["data"]}


class SlowSchemaNode(NodeType[SleepParams]):
    """A source whose schema takes `seconds` to infer, like a large file read for its header:
    the API's tests use it to prove such work stays off the event loop."""

    type_id = "toy.slow_schema"
    display_name = "Slow schema"
    category = "toy"
    description = "Numbers whose schema is slow to infer."
    Params = SleepParams
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: SleepParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        time.sleep(params.seconds)
        return {"data": TableSchema.of(x=Dtype.INTEGER)}

    def execute(self, ctx: ExecutionContext, params: SleepParams, **inputs: Any) -> dict[str, Any]:
        return {"data": pd.DataFrame({"x": [1, 2, 3]})}


NODES = [NumbersNode, TextFileNode, AddNode, SplitNode, SleepNode, SlowSchemaNode]
# CANVAS_NODE_MODULES entry that adds these to a process's registry (the engine's, in tests)
NODE_MODULE = "tests.canvas_assets.toy_nodes:NODES"


def toy_registry() -> NodeRegistry:
    return NodeRegistry(NODES)


def chain_workflow(slug: str = "toy_chain") -> dict[str, Any]:
    """numbers -> add_one -> add_ten -> split, plus an independent numbers node."""
    return {
        "slug": slug,
        "name": "Toy chain",
        "nodes": [
            {"id": "numbers", "type": "toy.numbers", "params": {"rows": 5}},
            {"id": "add_one", "type": "toy.add", "params": {"amount": 1}},
            {"id": "add_ten", "type": "toy.add", "params": {"amount": 10}},
            {"id": "split", "type": "toy.split", "params": {"rows": 2}},
            {"id": "other", "type": "toy.numbers", "params": {"rows": 3}},
        ],
        "edges": [
            {
                "id": "e1",
                "source": "numbers",
                "source_port": "data",
                "target": "add_one",
                "target_port": "data",
            },
            {
                "id": "e2",
                "source": "add_one",
                "source_port": "data",
                "target": "add_ten",
                "target_port": "data",
            },
            {
                "id": "e3",
                "source": "add_ten",
                "source_port": "data",
                "target": "split",
                "target_port": "data",
            },
        ],
    }
