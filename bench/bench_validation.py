"""Benchmark: validation + schema propagation of a 500-node workflow (target < 100 ms).

Not a test. Builds a workflow of chains and branches made of small local node types that do the
schema work real transforms do (column checks with did-you-mean, dtype checks, select, drop, add,
join) on ~20 columns, runs `validate_workflow` repeatedly and prints p50/p95 and the ratio to the
target. Run: `.venv/bin/python bench/bench_validation.py [--nodes 500] [--repeat 20]`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node_library.checks import require_columns, require_numeric
from node_library.contract import Issue, NodeType, Port, PortSchema
from node_library.datatypes import DataType
from node_library.graph import Edge, Node, Position, Workflow
from node_library.registry import NodeRegistry
from node_library.schema import Dtype, TableSchema
from node_library.settings import NodeSettings
from node_library.validation import validate_workflow

TARGET_MS = 100.0
WIDTH = 20  # columns per source table


class SourceParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prefix: str = Field("c", min_length=1, description="Column name prefix.")
    columns: int = Field(WIDTH, ge=1, le=500, description="How many columns.")


class BenchSource(NodeType[SourceParams]):
    type_id = "bench.source"
    display_name = "Source"
    category = "bench"
    description = "A table of numbers and labels."
    Params = SourceParams
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: SourceParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        dtypes = [Dtype.INTEGER, Dtype.FLOAT, Dtype.STRING, Dtype.DATETIME]
        return {
            "data": TableSchema.of(
                **{f"{params.prefix}{i}": dtypes[i % 4] for i in range(params.columns)}
            )
        }


class ComputeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    left: str = Field(description="A numeric column.")
    right: str = Field(description="Another numeric column.")
    output: str = Field(min_length=1, description="Name of the new column.")


class BenchCompute(NodeType[ComputeParams]):
    type_id = "bench.compute"
    display_name = "Compute"
    category = "bench"
    description = "left + right as a new column."
    Params = ComputeParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def validate(
        self, params: ComputeParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        names = [params.left, params.right]
        return [
            *require_columns(inputs.get("data"), names, param="left", port="data"),
            *require_numeric(inputs.get("data"), names, param="left"),
        ]

    def infer_schema(
        self, params: ComputeParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs["data"]
        return {"data": schema.with_column(params.output, Dtype.FLOAT) if schema else None}


class SelectParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: list[str] = Field(description="Columns to keep, in order.")


class BenchSelect(NodeType[SelectParams]):
    type_id = "bench.select"
    display_name = "Select"
    category = "bench"
    description = "Keep some columns."
    Params = SelectParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def validate(
        self, params: SelectParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return require_columns(inputs.get("data"), params.columns, param="columns", port="data")

    def infer_schema(
        self, params: SelectParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs["data"]
        return {"data": schema.select(params.columns) if schema else None}


class DropParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: list[str] = Field(description="Columns to drop.")


class BenchDrop(NodeType[DropParams]):
    type_id = "bench.drop"
    display_name = "Drop"
    category = "bench"
    description = "Drop some columns."
    Params = DropParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def validate(
        self, params: DropParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return require_columns(inputs.get("data"), params.columns, param="columns", port="data")

    def infer_schema(
        self, params: DropParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs["data"]
        return {"data": schema.drop(params.columns) if schema else None}


class JoinParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: str = Field(description="Key column present on both sides.")


class BenchJoin(NodeType[JoinParams]):
    type_id = "bench.join"
    display_name = "Join"
    category = "bench"
    description = "Join two tables on a key."
    Params = JoinParams
    inputs = (Port("left", DataType.DATAFRAME), Port("right", DataType.DATAFRAME))
    outputs = (Port("data", DataType.DATAFRAME),)

    def validate(
        self, params: JoinParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return [
            *require_columns(inputs.get("left"), [params.on], param="on", port="left"),
            *require_columns(inputs.get("right"), [params.on], param="on", port="right"),
        ]

    def infer_schema(
        self, params: JoinParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        left, right = inputs["left"], inputs["right"]
        if left is None or right is None:
            return {"data": None}
        out = left
        for column in right.columns:
            if column.name != params.on:
                name = column.name if column.name not in left else f"{column.name}_right"
                out = out.with_column(name, column.dtype)
        return {"data": out}


class MetricsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: str = Field(description="Target column.")


class BenchMetrics(NodeType[MetricsParams]):
    type_id = "bench.metrics"
    display_name = "Metrics"
    category = "bench"
    description = "Summary metrics of a column."
    Params = MetricsParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("metrics", DataType.METRICS),)

    def validate(
        self, params: MetricsParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        return [
            *require_columns(inputs.get("data"), [params.target], param="target"),
            *require_numeric(inputs.get("data"), [params.target], param="target"),
        ]


NODE_TYPES: list[type[NodeType[Any]]] = [
    BenchSource,
    BenchCompute,
    BenchSelect,
    BenchDrop,
    BenchJoin,
    BenchMetrics,
]


def build_workflow(total: int) -> Workflow:
    """Chains of 20 nodes (source, computes, a drop, a select, a branch to metrics), each chain
    after the first joined to the previous one, until `total` nodes."""
    nodes: list[Node] = []
    edges: list[Edge] = []

    def add(type_id: str, params: dict[str, Any]) -> str:
        node_id = f"n{len(nodes)}"
        nodes.append(
            Node(
                id=node_id, type=type_id, params=params, position=Position(x=len(nodes) * 10.0, y=0)
            )
        )
        return node_id

    def link(
        source: str, target: str, source_port: str = "data", target_port: str = "data"
    ) -> None:
        edges.append(
            Edge(
                id=f"e{len(edges)}",
                source=source,
                source_port=source_port,
                target=target,
                target_port=target_port,
            )
        )

    previous_tail: str | None = None
    chain = 0
    while len(nodes) < total:
        prefix = f"t{chain}_"
        tail = add("bench.source", {"prefix": prefix})
        if previous_tail is not None and len(nodes) + 2 <= total:
            join = add("bench.join", {"on": f"{prefix}0"})
            # the previous chain keeps its own columns; add the key so the join validates
            key = add("bench.compute", {"left": "f0", "right": "f0", "output": f"{prefix}0"})
            link(previous_tail, key)
            link(tail, join, target_port="left")
            link(key, join, target_port="right")
            tail = join
        step = 0
        while step < 16 and len(nodes) < total:
            kind = step % 4
            if kind == 0:
                nxt = add(
                    "bench.compute",
                    {"left": f"{prefix}0", "right": f"{prefix}1", "output": f"f{step}"},
                )
            elif kind == 1:
                nxt = add(
                    "bench.compute",
                    {"left": f"f{step - 1}", "right": f"{prefix}5", "output": f"f{step}"},
                )
            elif kind == 2:
                nxt = (
                    add("bench.drop", {"columns": [f"{prefix}3"]})
                    if step == 2
                    else add("bench.metrics", {"target": f"f{step - 1}"})
                )
            else:
                nxt = add(
                    "bench.compute",
                    {"left": f"f{step - 2}", "right": f"{prefix}4", "output": f"f{step}"},
                )
            link(tail, nxt)
            if kind != 2 or step == 2:
                tail = nxt
            step += 1
        if len(nodes) < total:
            select = add(
                "bench.select", {"columns": [f"{prefix}{i}" for i in (0, 1, 4, 5)] + ["f0", "f1"]}
            )
            link(tail, select)
            tail = select
        previous_tail = tail
        chain += 1
    return Workflow(slug="bench", name="Bench", nodes=nodes, edges=edges)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    registry = NodeRegistry(NODE_TYPES)
    workflow = build_workflow(args.nodes)
    settings = NodeSettings()
    first = validate_workflow(workflow, registry, settings)  # warm-up, and a sanity check
    if not first.ok:
        raise SystemExit("bench workflow is invalid:\n" + "\n".join(map(str, first.errors[:10])))
    known = sum(1 for s in first.schemas.values() for v in s.values() if v is not None)

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        validate_workflow(workflow, registry, settings)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"nodes={len(workflow.nodes)} edges={len(workflow.edges)} "
        f"known output schemas={known} repeat={args.repeat}"
    )
    print(f"validate_workflow p50={p50:.1f} ms p95={p95:.1f} ms")
    print(
        f"ratio to the {TARGET_MS:.0f} ms target: p50 {p50 / TARGET_MS:.2f}x, "
        f"p95 {p95 / TARGET_MS:.2f}x"
    )


if __name__ == "__main__":
    main()
