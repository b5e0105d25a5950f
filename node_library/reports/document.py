"""What a report says, before any layout: a `ReportDocument` built from the report node's inputs
and the lineage of its workflow run (ExecutionContext.workflow).

Each connected input becomes one item, recognised by its value (the port's type says only "json or
something it accepts"):
- a pandas DataFrame (or Series) is a table: its first `max_rows` rows, every value formatted as
  text, with the total row and column counts so the renderers can say what was cut;
- a dict with a `data` list of trace dicts is a Plotly figure (the `plot` type);
- a flat dict of numbers, strings and booleans is a metrics table (the `metrics` type);
- anything else is JSON, shown indented (cut at MAX_JSON_CHARS characters).

Lineage: for each item, the nodes its value was computed from, sources first (topological order),
with the file, object, URL or dataset a source read. Parameters: the params of every node upstream
of the report, in the same order. Param values whose name looks like a credential (token, secret,
password, api key, cookie, ...; inside dicts such as HTTP headers also a bare "key") and the
password and credential-like query values of URLs are replaced by "***"
(node_library.secrets.mask_params): a report is a document people forward.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from node_library.contract import LineageNode, WorkflowInfo
from node_library.secrets import mask_params

MAX_JSON_CHARS = 20_000
MAX_TABLE_COLUMNS = 50  # columns kept from a dataframe; the PDF shows fewer (see pdf.py)
MAX_CELL_CHARS = 200
MAX_PARAM_CHARS = 300
_SOURCE_PARAMS = ("path", "url", "dataset", "connection")


@dataclass(frozen=True)
class MetricsItem:
    heading: str
    rows: tuple[tuple[str, str], ...]  # (metric name, formatted value)


@dataclass(frozen=True)
class TableItem:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total_rows: int
    total_columns: int


@dataclass(frozen=True)
class ChartItem:
    heading: str
    figure: Mapping[str, Any]  # Plotly figure JSON: {"data": [...], "layout": {...}}

    @property
    def title(self) -> str:
        return figure_title(self.figure)


@dataclass(frozen=True)
class JsonItem:
    heading: str
    text: str
    truncated: bool


ReportItem = MetricsItem | TableItem | ChartItem | JsonItem


@dataclass(frozen=True)
class LineageStep:
    node_id: str
    name: str  # the node's label, or its type's display name
    type_name: str
    type_id: str
    source: str  # what a source node read ("file data/sales.csv"); "" for other nodes


@dataclass(frozen=True)
class ItemLineage:
    heading: str  # the item's heading
    port: str
    steps: tuple[LineageStep, ...]  # sources first, the node that produced the item last


@dataclass(frozen=True)
class NodeParameters:
    node_id: str
    name: str
    type_name: str
    type_id: str
    rows: tuple[tuple[str, str], ...]  # (param name, formatted and masked value)


@dataclass(frozen=True)
class ReportDocument:
    title: str
    subtitle: str
    notes: str
    workflow_name: str  # "" outside a workflow run
    generated_at: datetime
    items: tuple[ReportItem, ...]
    lineage: tuple[ItemLineage, ...]
    parameters: tuple[NodeParameters, ...]

    @property
    def lineage_known(self) -> bool:
        return bool(self.lineage)


def build_document(
    *,
    title: str,
    subtitle: str,
    notes: str,
    max_rows: int,
    values: Sequence[tuple[str, Any]],
    workflow: WorkflowInfo,
    node_id: str,
) -> ReportDocument:
    """The report of `values` ((input port, value) in port order) as seen from node `node_id`."""
    own = workflow.lineage.get(node_id)
    sources = dict(own.inputs) if own else {}
    items: list[ReportItem] = []
    lineage: list[ItemLineage] = []
    for number, (port, value) in enumerate(values, start=1):
        heading = _heading(workflow, sources.get(port), number)
        items.append(report_item(heading, value, max_rows))
        source = sources.get(port)
        if source is not None:
            chain = _chain(workflow, source[0])
            lineage.append(ItemLineage(heading, port, tuple(_step(n) for n in chain)))
    upstream = {n.node_id for n in workflow.upstream(node_id)} - {node_id}
    parameters = tuple(
        NodeParameters(
            n.node_id,
            _name(n),
            n.type_name,
            n.type_id,
            tuple((key, format_param(value)) for key, value in mask_params(n.params).items()),
        )
        for n in workflow.lineage.values()
        if n.node_id in upstream
    )
    return ReportDocument(
        title=title.strip(),
        subtitle=subtitle.strip(),
        notes=notes.strip(),
        workflow_name=workflow.name,
        generated_at=workflow.started_at,
        items=tuple(items),
        lineage=tuple(lineage),
        parameters=parameters,
    )


def report_item(heading: str, value: Any, max_rows: int) -> ReportItem:
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        return _table(heading, value, max_rows)
    if is_figure(value):
        return ChartItem(heading, value)
    if isinstance(value, Mapping) and all(_is_scalar(v) for v in value.values()):
        return MetricsItem(
            heading, tuple((str(k), format_value(v, missing="NaN")) for k, v in value.items())
        )
    text = json.dumps(value, indent=2, default=str, ensure_ascii=False)
    truncated = len(text) > MAX_JSON_CHARS
    return JsonItem(heading, text[:MAX_JSON_CHARS], truncated)


def is_figure(value: Any) -> bool:
    data = value.get("data") if isinstance(value, Mapping) else None
    return isinstance(data, list) and all(isinstance(trace, Mapping) for trace in data)


def figure_title(figure: Mapping[str, Any]) -> str:
    title = (figure.get("layout") or {}).get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    return str(title) if title else ""


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | np.generic)


def _table(heading: str, frame: pd.DataFrame, max_rows: int) -> TableItem:
    shown = frame.iloc[:max_rows, :MAX_TABLE_COLUMNS]
    rows = tuple(
        tuple(_cut(format_value(v), MAX_CELL_CHARS) for v in row)
        for row in shown.itertuples(index=False, name=None)
    )
    return TableItem(
        heading,
        tuple(_cut(str(c), MAX_CELL_CHARS) for c in shown.columns),
        rows,
        total_rows=len(frame),
        total_columns=frame.shape[1],
    )


def format_value(value: Any, missing: str = "") -> str:
    """One value as report text: floats with 6 significant digits, missing values as `missing`."""
    if isinstance(value, list | tuple | dict | np.ndarray):
        return json.dumps(value, default=str, ensure_ascii=False)
    if value is None or value is pd.NA or value is pd.NaT:
        return missing
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return missing if math.isnan(value) else f"{value:.6g}"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def format_param(value: Any) -> str:
    if isinstance(value, str):
        return _cut(value, MAX_PARAM_CHARS)
    return _cut(json.dumps(value, default=str, ensure_ascii=False), MAX_PARAM_CHARS)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name(node: LineageNode) -> str:
    return node.label.strip() or node.type_name


def _heading(workflow: WorkflowInfo, source: tuple[str, str] | None, number: int) -> str:
    node = workflow.lineage.get(source[0]) if source else None
    if node is None or source is None:
        return f"Item {number}"
    return f"{_name(node)} ({source[1]})"


def _chain(workflow: WorkflowInfo, node_id: str) -> list[LineageNode]:
    ids = {n.node_id for n in workflow.upstream(node_id)}
    return [n for n in workflow.lineage.values() if n.node_id in ids]


def _step(node: LineageNode) -> LineageStep:
    return LineageStep(node.node_id, _name(node), node.type_name, node.type_id, _source(node))


def _source(node: LineageNode) -> str:
    """What a source node read, from its params; "" for nodes that read other nodes only."""
    if node.inputs:
        return ""
    params = mask_params(node.params)
    if params.get("bucket") and params.get("key"):
        return f"s3://{params['bucket']}/{params['key']}"
    found = [f"{key} {params[key]}" for key in _SOURCE_PARAMS if params.get(key)]
    return _cut("; ".join(str(f) for f in found), MAX_PARAM_CHARS)
