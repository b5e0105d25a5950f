"""Write a ReportDocument as one self-contained HTML file.

Everything is inline: the CSS, and (when the report has a chart) plotly.js from the Python plotly
package's offline bundle, included once, so the file opens without network access. Charts are
interactive (plotly.js draws the figure JSON as the canvas does); metrics, tables, lineage and
parameters are HTML tables and lists.

Escaping: every user text goes through html.escape; figure JSON is embedded in a <script> with
"<", ">" and "&" written as \\u escapes, so a value such as "</script><script>..." in a column or
category name stays data. Sections and their order are those of the PDF (see pdf.py); a table
shows its first rows and up to document.MAX_TABLE_COLUMNS columns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC
from html import escape
from typing import Any

import numpy as np

from node_library.reports.document import (
    ChartItem,
    JsonItem,
    MetricsItem,
    ReportDocument,
    ReportItem,
    TableItem,
)

_CSS = """
:root { color-scheme: light dark; --text: #1f2328; --muted: #656d76; --border: #d0d7de;
  --surface: #ffffff; --surface-2: #f6f8fa; --warn-bg: #fff7ed; --warn-text: #9a3412; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e6edf3; --muted: #8d96a0; --border: #30363d; --surface: #0d1117;
    --surface-2: #161b22; --warn-bg: #3b2300; --warn-text: #f0b072; } }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--text);
  background: var(--surface); max-width: 1080px; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.9rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid var(--border); padding-bottom: 0.3rem;
  margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.5rem; }
.subtitle { font-size: 1.1rem; color: var(--muted); margin-top: 0; }
.muted { color: var(--muted); font-size: 0.9em; }
.notes { white-space: pre-wrap; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.86rem; margin: 0.3rem 0; }
th, td { border: 1px solid var(--border); padding: 0.25rem 0.55rem; text-align: left;
  vertical-align: top; }
th { background: var(--surface-2); }
table.facts td, table.facts th { border: none; padding: 0.1rem 1rem 0.1rem 0; background: none; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
ol.lineage { margin: 0.2rem 0 0.8rem; }
pre { background: var(--surface-2); border: 1px solid var(--border); padding: 0.6rem;
  overflow-x: auto; font-size: 0.8rem; }
.chart { width: 100%; min-height: 420px; }
.warning { background: var(--warn-bg); color: var(--warn-text); padding: 0.5rem 0.8rem; }
@media print { .chart { break-inside: avoid; } body { margin: 0; } }
"""


def render_html(document: ReportDocument) -> str:
    charts = any(isinstance(item, ChartItem) for item in document.items)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Visual ML Canvas report node">',
        f"<title>{escape(document.title)}</title>",
        f"<style>{_CSS}</style>",
    ]
    if charts:
        from plotly.offline import get_plotlyjs

        parts.append(f'<script type="text/javascript">{get_plotlyjs()}</script>')
    parts += ["</head>", "<body>", *_header(document), *_lineage(document)]
    parts += [*_parameters(document), *_results(document.items), "</body>", "</html>", ""]
    return "\n".join(parts)


def _text(value: str) -> str:
    return escape(value, quote=True)


def _header(document: ReportDocument) -> list[str]:
    parts = [f"<h1>{_text(document.title)}</h1>"]
    if document.subtitle:
        parts.append(f'<p class="subtitle">{_text(document.subtitle)}</p>')
    when = document.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = [
        ("Workflow", document.workflow_name or "(not run inside a workflow)"),
        ("Generated", when),
        ("Items", str(len(document.items))),
    ]
    rows = "".join(f"<tr><th>{_text(k)}</th><td>{_text(v)}</td></tr>" for k, v in facts)
    parts.append(f'<table class="facts">{rows}</table>')
    if document.notes:
        parts.append(f'<p class="notes">{_text(document.notes)}</p>')
    return parts


def _named(name: str, type_name: str) -> str:
    if name == type_name:
        return f"<strong>{_text(name)}</strong>"
    return f"<strong>{_text(name)}</strong>: {_text(type_name)}"


def _lineage(document: ReportDocument) -> list[str]:
    parts = ["<h2>Data lineage</h2>"]
    if not document.lineage_known:
        parts.append(
            '<p class="muted">Lineage is recorded when the report runs inside a workflow.</p>'
        )
        return parts
    for item in document.lineage:
        parts.append(
            f'<h3>{_text(item.heading)} <span class="muted">(input {_text(item.port)})</span></h3>'
        )
        steps = []
        for step in item.steps:
            reads = f" — reads <code>{_text(step.source)}</code>" if step.source else ""
            steps.append(
                f"<li>{_named(step.name, step.type_name)}"
                f' <span class="muted">({_text(step.type_id)}, node {_text(step.node_id)})</span>'
                f"{reads}</li>"
            )
        parts.append(f'<ol class="lineage">{"".join(steps)}</ol>')
    return parts


def _parameters(document: ReportDocument) -> list[str]:
    parts = ["<h2>Parameters</h2>"]
    if not document.parameters:
        parts.append('<p class="muted">No upstream node parameters were recorded.</p>')
        return parts
    for node in document.parameters:
        parts.append(
            f'<h3>{_named(node.name, node.type_name)} <span class="muted">'
            f"({_text(node.type_id)}, node {_text(node.node_id)})</span></h3>"
        )
        rows = list(node.rows) or [("(no parameters)", "")]
        parts.append(_table(["Parameter", "Value"], rows))
    return parts


def _results(items: Sequence[ReportItem]) -> list[str]:
    parts = ["<h2>Results</h2>"]
    for number, item in enumerate(items, start=1):
        parts.append(f"<h3>{_text(item.heading)}</h3>")
        if isinstance(item, MetricsItem):
            parts.append(_table(["Metric", "Value"], item.rows, numbers=True))
        elif isinstance(item, TableItem):
            parts += _data_table(item)
        elif isinstance(item, ChartItem):
            parts += _chart(item, f"chart-{number}")
        elif isinstance(item, JsonItem):
            parts.append(f"<pre>{_text(item.text)}</pre>")
            if item.truncated:
                parts.append('<p class="muted">The value is longer; it was cut here.</p>')
    return parts


def _data_table(item: TableItem) -> list[str]:
    parts = [f'<div class="scroll">{_table(item.columns, item.rows, numbers=True)}</div>']
    notes = []
    if item.total_rows > len(item.rows):
        notes.append(f"Showing the first {len(item.rows):,} of {item.total_rows:,} rows.")
    elif not item.rows:
        notes.append("The table has no rows.")
    if item.total_columns > len(item.columns):
        notes.append(f"Showing the first {len(item.columns)} of {item.total_columns:,} columns.")
    if notes:
        parts.append(f'<p class="muted">{_text(" ".join(notes))}</p>')
    return parts


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, numbers: bool = False) -> str:
    head = "".join(f"<th>{_text(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(v, numbers) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: str, numbers: bool) -> str:
    numeric = numbers and _looks_numeric(value)
    return f'<td class="number">{_text(value)}</td>' if numeric else f"<td>{_text(value)}</td>"


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _chart(item: ChartItem, element_id: str) -> list[str]:
    data = script_json(item.figure.get("data") or [])
    layout = script_json(item.figure.get("layout") or {})
    config = script_json({"responsive": True, "displaylogo": False})
    # a figure plotly.js refuses shows the reason in its place instead of an empty box
    draw = (
        f'var el = document.getElementById("{element_id}");'
        " function fail(e) { el.textContent = 'This chart could not be drawn: ' + e; }"
        f" try {{ Plotly.newPlot(el, {data}, {layout}, {config}).catch(fail); }}"
        " catch (e) { fail(e); }"
    )
    return [
        f'<div class="chart" id="{element_id}"></div>',
        f'<script type="text/javascript">(function () {{ {draw} }})();</script>',
    ]


def script_json(value: Any) -> str:
    """`value` as a JavaScript literal that is safe inside a <script> element."""
    text = json.dumps(value, default=_plain, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return str(value)
