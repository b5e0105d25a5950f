"""ExecutionContext.workflow inside real Dagster runs: the workflow's name and the running node's
upstream lineage (labels, types, params, wiring), and the report node reading it into its PDF."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pypdf import PdfReader

from canvas_assets.services import CanvasServices
from canvas_assets.storage.artifacts import ArtifactRef
from node_library.contract import ExecutionContext, NodeType, Port, PortSchema, WorkflowInfo
from node_library.datatypes import DataType
from node_library.graph import load_workflow
from node_library.nodes.outputs.report import ReportNode
from node_library.registry import NodeRegistry
from node_library.settings import NodeSettings
from tests.canvas_assets.conftest import make_services
from tests.canvas_assets.toy_nodes import AddNode, NumbersNode, SplitNode

SEEN: dict[str, WorkflowInfo] = {}


class RecorderParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", description="anything")


class RecorderNode(NodeType[RecorderParams]):
    """Keeps the WorkflowInfo its context offers, so the test can look at it."""

    type_id = "toy.recorder"
    display_name = "Recorder"
    category = "toy"
    description = "Records ctx.workflow."
    Params = RecorderParams
    inputs = (Port("data", DataType.DATAFRAME),)
    outputs = (Port("data", DataType.DATAFRAME),)

    def infer_schema(
        self, params: RecorderParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        return {"data": inputs.get("data")}

    def execute(self, ctx: ExecutionContext, params: RecorderParams, **inputs: Any) -> dict:
        SEEN[ctx.node_id] = ctx.workflow
        return {"data": inputs["data"]}


def _edge(source: str, source_port: str, target: str, target_port: str) -> dict[str, str]:
    return {
        "id": f"{source}-{target}-{target_port}",
        "source": source,
        "source_port": source_port,
        "target": target,
        "target_port": target_port,
    }


WORKFLOW = {
    "slug": "lineage_demo",
    "name": "Lineage demo",
    "nodes": [
        {"id": "numbers", "type": "toy.numbers", "params": {"rows": 4}, "label": "Counting"},
        {"id": "add", "type": "toy.add", "params": {"amount": 3}},
        {"id": "split", "type": "toy.split", "params": {"rows": 2}},
        {"id": "record", "type": "toy.recorder", "params": {"note": "hi"}},
        {"id": "other", "type": "toy.numbers", "params": {"rows": 1}},
        {
            "id": "report",
            "type": "outputs.report",
            "params": {"title": "Lineage demo report", "max_table_rows": 3},
            "label": "Weekly report",
        },
    ],
    "edges": [
        _edge("numbers", "data", "add", "data"),
        _edge("add", "data", "split", "data"),
        _edge("add", "data", "record", "data"),
        _edge("split", "stats", "report", "item1"),
        _edge("record", "data", "report", "item2"),
    ],
}


def _services(tmp_path: Path) -> CanvasServices:
    registry = NodeRegistry([NumbersNode, AddNode, SplitNode, RecorderNode, ReportNode])
    return make_services(tmp_path, registry=registry)


def test_a_running_node_sees_its_workflow_name_and_upstream_lineage(tmp_path: Path) -> None:
    SEEN.clear()
    services = _services(tmp_path)
    try:
        slug = services.store.create(load_workflow(WORKFLOW)).workflow.slug
        before = datetime.now(UTC)
        report = services.run(slug)
        assert report.success, report
    finally:
        services.store.dispose()

    info = SEEN["record"]
    assert (info.name, info.slug) == ("Lineage demo", "lineage_demo")
    assert before <= info.started_at <= datetime.now(UTC)
    # the node itself and its upstream, in topological order; nothing else of the workflow
    assert list(info.lineage) == ["numbers", "add", "record"]
    numbers, add, record = info.lineage.values()
    assert (numbers.label, numbers.type_id, numbers.type_name) == (
        "Counting",
        "toy.numbers",
        "Numbers",
    )
    assert numbers.params == {"rows": 4} and numbers.inputs == {}
    assert add.label == "" and add.params == {"column": "x", "amount": 3, "fail": False}
    assert add.inputs == {"data": ("numbers", "data")}
    assert record.inputs == {"data": ("add", "data")}
    assert [n.node_id for n in info.upstream("record")] == ["record", "add", "numbers"]


def test_the_report_node_prints_the_runs_workflow_and_lineage(tmp_path: Path) -> None:
    services = _services(tmp_path)
    try:
        stored = services.store.create(load_workflow(WORKFLOW))
        assert services.run(stored.workflow.slug).success
        plan = services.plan(services.store.get(stored.workflow.slug))
        ref = ArtifactRef(stored.workflow.slug, "report", plan.nodes["report"].cache_key, "file")
        file = services.artifacts.read(ref)
    finally:
        services.store.dispose()

    assert file.name == "lineage-demo-report.pdf"
    reader = PdfReader(io.BytesIO(file.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Lineage demo report" in text and "Lineage demo" in text
    assert "Split (stats) (input item1)" in text and "Recorder (data) (input item2)" in text
    assert "Counting: Numbers (toy.numbers, node numbers)" in text
    assert "amount" in text and "note" in text
    assert "other" not in text.split("Results")[0]  # not upstream of the report
    assert "Showing the first 3 of 4 rows." in text
