"""Output nodes: tables, charts, reports and exported files.

`NODES` lists the node types of this category; node_library.nodes registers them."""

from __future__ import annotations

from node_library.nodes.outputs.chart import ChartNode
from node_library.nodes.outputs.export import ExportNode
from node_library.nodes.outputs.model_export import ModelExportNode
from node_library.nodes.outputs.report import ReportNode
from node_library.nodes.outputs.table import TableNode

NODES = (
    ChartNode,
    ExportNode,
    ModelExportNode,
    ReportNode,
    TableNode,
)
