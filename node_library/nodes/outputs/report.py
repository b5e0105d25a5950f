"""Report: a PDF or a self-contained HTML file with metrics, tables, charts and JSON values, the
workflow's name, the generation date (UTC), each item's data lineage and the parameters of the
nodes upstream of it. Layout and rendering live in node_library.reports.

Inputs `item1` .. `item6` are optional and appear in the report in that order. Each is a `json`
port that also accepts dataframe, plot and metrics outputs (metrics already connect to json
through the connection table; the others are declared in `accepts`), so any result can go in any
slot; the value itself says how it is shown (see reports/document.py). At least one must be
connected.

The file is named after the title (letters and digits, dashes between words). The generation date
is the time the node ran, so two runs give different bytes; everything else is repeatable, which
is why the node stays `deterministic` (like a file's modification time, the date is not the
content). Lineage and parameters come from ExecutionContext.workflow, filled by the engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from node_library import widgets
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeError,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    error,
)
from node_library.datatypes import DataType
from node_library.settings import NodeSettings
from node_library.values import FileValue

ReportFormat = Literal["pdf", "html"]
ITEM_PORTS = tuple(f"item{i}" for i in range(1, 7))
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
_NOT_A_NAME = re.compile(r"[^A-Za-z0-9]+")


class ReportParams(NodeParams):
    title: str = Field(
        "Model report",
        max_length=200,
        description="Title on the first page; also names the file.",
    )
    subtitle: str = Field("", max_length=300, description="Line under the title.")
    notes: str = Field(
        "",
        max_length=5_000,
        description="Free text shown under the title (context, conclusions, caveats).",
        json_schema_extra=widgets.multiline(),
    )
    format: ReportFormat = Field(
        "pdf",
        description="pdf: a printable document with charts as images; html: one file with"
        " interactive charts that opens without network access.",
    )
    max_table_rows: int = Field(
        20, ge=1, le=1_000, description="Most rows shown of each table input (the first ones)."
    )


class ReportNode(NodeType[ReportParams]):
    type_id = "outputs.report"
    display_name = "Report"
    category = "outputs"
    description = "Combine metrics, charts and tables into a PDF or HTML report with lineage."
    tags = ("report", "pdf", "html", "document", "summary", "export", "lineage")
    Params = ReportParams
    inputs = tuple(
        Port(
            name,
            DataType.JSON,
            f"Item {number}",
            required=False,
            accepts=(DataType.METRICS, DataType.PLOT, DataType.DATAFRAME),
            description="Metrics, a chart, a table or a JSON value, shown in input order.",
        )
        for number, name in enumerate(ITEM_PORTS, start=1)
    )
    outputs = (Port("file", DataType.FILE, "Report file"),)

    def validate(
        self, params: ReportParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues = []
        if not params.title.strip():
            issues.append(
                error("missing_param", "the report has no title", "enter a title", param="title")
            )
        if not any(port in inputs for port in ITEM_PORTS):
            issues.append(_no_items())
        return issues

    def compute(self, ctx: ExecutionContext, params: ReportParams, **inputs: Any) -> dict[str, Any]:
        values = [(port, inputs[port]) for port in ITEM_PORTS if inputs.get(port) is not None]
        if not values:
            raise NodeError(_no_items())
        return {"file": build_report(ctx, params, values)}


def build_report(
    ctx: ExecutionContext, params: ReportParams, values: list[tuple[str, Any]]
) -> FileValue:
    from node_library.reports import build_document, render_html, render_pdf

    document = build_document(
        title=params.title,
        subtitle=params.subtitle,
        notes=params.notes,
        max_rows=params.max_table_rows,
        values=values,
        workflow=ctx.workflow,
        node_id=ctx.node_id,
    )
    if params.format == "pdf":
        content = render_pdf(document, ctx.progress, ctx.log)
    else:
        content = render_html(document).encode("utf-8")
    return FileValue(file_name(params), content, MEDIA_TYPES[params.format])


def file_name(params: ReportParams) -> str:
    stem = _NOT_A_NAME.sub("-", params.title).strip("-").lower()[:80] or "report"
    return f"{stem}.{params.format}"


def _no_items() -> Issue:
    return error(
        "no_report_items",
        f"the report has nothing to show: none of its inputs {', '.join(ITEM_PORTS)} is connected",
        "connect a metrics, chart, table or JSON output to item1",
        port="item1",
    )
