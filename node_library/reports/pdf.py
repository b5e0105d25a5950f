"""Lay a ReportDocument out as a PDF with reportlab platypus.

Order: title, subtitle, workflow name, generation date (UTC), notes; then "Data lineage" (each
item's chain of nodes, sources first), "Parameters" (params of the nodes upstream of the report)
and "Results": metrics as two-column tables, tables as their first rows and first
PDF_MAX_COLUMNS columns (the cut is said under the table), charts as PNG images drawn by
figures.py (or the sentence saying why a chart could not be drawn), JSON as indented text.

Text is set in DejaVu Sans (shipped with matplotlib) so non-Latin column names and labels print;
every user text goes through `escape` before reportlab's paragraph markup sees it. The canvas is
created with invariant=1: the same document gives the same bytes (the generation date is part
of the document, so fixing it fixes the file).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from node_library.reports.document import (
    ChartItem,
    JsonItem,
    MetricsItem,
    ReportDocument,
    ReportItem,
    TableItem,
)
from node_library.reports.figures import ChartNotRendered, render_png

PDF_MAX_COLUMNS = 8
JSON_LINE_CHARS = 100
FONT, BOLD, MONO = "ReportSans", "ReportSans-Bold", "ReportMono"


def render_pdf(
    document: ReportDocument,
    progress: Callable[[int, int, str], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> bytes:
    """The document as PDF bytes; `progress(done, total, message)` is called once per item and
    `log` hears about each chart that could not be drawn."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    buffer = io.BytesIO()
    margin = 18 * mm
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=document.title,
        author="Visual ML Canvas",
        subject=document.workflow_name,
        creator="Visual ML Canvas report node",
        invariant=1,
    )
    story = _Story(template.width, log)
    story.header(document)
    story.lineage(document)
    story.parameters(document)
    story.results(document.items, progress)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillGray(0.45)
        canvas.drawString(margin, 10 * mm, document.title[:90])
        canvas.drawRightString(A4[0] - margin, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    template.build(story.flowables, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _register_fonts() -> None:
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(MONO, str(fonts / "DejaVuSansMono.ttf")))
    # <b> inside a paragraph picks the bold face of the family
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, BOLD)


def _text(value: str) -> str:
    """User text as paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _named(name: str, type_name: str) -> str:
    """ "<b>label</b>: type" for a labelled node, "<b>type</b>" for one without a label."""
    if name == type_name:
        return f"<b>{_text(name)}</b>"
    return f"<b>{_text(name)}</b>: {_text(type_name)}"


class _Story:
    """The flowables of one report, appended section by section."""

    def __init__(self, width: float, log: Callable[[str], None] | None = None) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

        self.width = width
        self.log = log
        self.flowables: list[Any] = []
        base = getSampleStyleSheet()
        self.styles = {
            "title": ParagraphStyle("t", base["Title"], fontName=BOLD, fontSize=20, leading=24),
            "subtitle": ParagraphStyle(
                "st", base["Normal"], fontName=FONT, fontSize=12, leading=15, alignment=1
            ),
            "h1": ParagraphStyle(
                "h1", base["Heading1"], fontName=BOLD, fontSize=14, spaceBefore=12, keepWithNext=1
            ),
            "h2": ParagraphStyle(
                "h2", base["Heading2"], fontName=BOLD, fontSize=11.5, spaceBefore=10, keepWithNext=1
            ),
            "body": ParagraphStyle("b", base["Normal"], fontName=FONT, fontSize=9, leading=12),
            "muted": ParagraphStyle(
                "m", base["Normal"], fontName=FONT, fontSize=8, leading=10, textColor=colors.grey
            ),
            "cell": ParagraphStyle("c", base["Normal"], fontName=FONT, fontSize=7.5, leading=9),
            "head": ParagraphStyle("hc", base["Normal"], fontName=BOLD, fontSize=7.5, leading=9),
            "warning": ParagraphStyle(
                "w",
                base["Normal"],
                fontName=FONT,
                fontSize=9,
                leading=12,
                textColor=colors.HexColor("#9a3412"),
                backColor=colors.HexColor("#fff7ed"),
                borderPadding=6,
            ),
            "code": ParagraphStyle("code", base["Code"], fontName=MONO, fontSize=7, leading=8.5),
        }

    def paragraph(self, markup: str, style: str = "body") -> None:
        from reportlab.platypus import Paragraph

        self.flowables.append(Paragraph(markup, self.styles[style]))

    def space(self, height: float = 6) -> None:
        from reportlab.platypus import Spacer

        self.flowables.append(Spacer(1, height))

    def header(self, document: ReportDocument) -> None:
        self.paragraph(_text(document.title), "title")
        if document.subtitle:
            self.paragraph(_text(document.subtitle), "subtitle")
        self.space(10)
        when = document.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        facts = [
            ("Workflow", document.workflow_name or "(not run inside a workflow)"),
            ("Generated", when),
            ("Items", str(len(document.items))),
        ]
        self.flowables.append(self._table([], facts, [0.2, 0.8], grid=False))
        if document.notes:
            self.space(8)
            self.paragraph(_text(document.notes))

    def lineage(self, document: ReportDocument) -> None:
        self.paragraph("Data lineage", "h1")
        if not document.lineage_known:
            self.paragraph("Lineage is recorded when the report runs inside a workflow.", "muted")
            return
        for item in document.lineage:
            self.paragraph(f"<b>{_text(item.heading)}</b> (input {escape(item.port)})")
            for number, step in enumerate(item.steps, start=1):
                reads = f" — reads {_text(step.source)}" if step.source else ""
                self.paragraph(
                    f"&nbsp;&nbsp;{number}. {_named(step.name, step.type_name)}"
                    f" ({escape(step.type_id)}, node {escape(step.node_id)}){reads}",
                )
            self.space(4)

    def parameters(self, document: ReportDocument) -> None:
        from reportlab.platypus import KeepTogether, Paragraph

        self.paragraph("Parameters", "h1")
        if not document.parameters:
            self.paragraph("No upstream node parameters were recorded.", "muted")
            return
        for node in document.parameters:
            title = Paragraph(
                f"{_named(node.name, node.type_name)} ({escape(node.type_id)},"
                f" node {escape(node.node_id)})",
                self.styles["body"],
            )
            rows = list(node.rows) or [("(no parameters)", "")]
            table = self._table(["Parameter", "Value"], rows, [0.3, 0.7])
            self.flowables.append(KeepTogether([title, table]))
            self.space(6)

    def results(
        self,
        items: Sequence[ReportItem],
        progress: Callable[[int, int, str], None] | None,
    ) -> None:
        self.paragraph("Results", "h1")
        for number, item in enumerate(items, start=1):
            if progress:
                progress(number - 1, len(items), f"laying out {item.heading}")
            self._item(item)
        if progress:
            progress(len(items), len(items), "report laid out")

    def _item(self, item: ReportItem) -> None:
        from reportlab.platypus import Image, KeepTogether, Paragraph

        heading = Paragraph(_text(item.heading), self.styles["h2"])
        if isinstance(item, MetricsItem):
            table = self._table(["Metric", "Value"], list(item.rows), [0.5, 0.5])
            self.flowables += [heading, table]
        elif isinstance(item, TableItem):
            self._data_table(heading, item)
        elif isinstance(item, ChartItem):
            try:
                chart = render_png(item.figure)
            except ChartNotRendered as exc:
                if self.log:
                    self.log(f"{item.heading}: {exc}")
                self.flowables.append(
                    KeepTogether([heading, Paragraph(_text(str(exc)), self.styles["warning"])])
                )
                return
            scale = min(1.0, self.width / (chart.width_inches * 72))
            image = Image(
                io.BytesIO(chart.png),
                width=chart.width_inches * 72 * scale,
                height=chart.height_inches * 72 * scale,
            )
            self.flowables.append(KeepTogether([heading, image]))
        elif isinstance(item, JsonItem):
            self.flowables.append(heading)
            self._json(item)

    def _data_table(self, heading: Any, item: TableItem) -> None:
        columns = item.columns[:PDF_MAX_COLUMNS]
        rows = [row[:PDF_MAX_COLUMNS] for row in item.rows]
        self.flowables.append(heading)
        if not columns:
            self.paragraph("The table has no columns.", "muted")
            return
        self.flowables.append(self._table(list(columns), rows, [1 / len(columns)] * len(columns)))
        notes = []
        if item.total_rows > len(rows):
            notes.append(f"Showing the first {len(rows):,} of {item.total_rows:,} rows.")
        elif not rows:
            notes.append("The table has no rows.")
        if item.total_columns > len(columns):
            notes.append(
                f"Showing the first {len(columns)} of {item.total_columns:,} columns"
                " (the HTML report shows more)."
            )
        if notes:
            self.space(2)
            self.paragraph(" ".join(notes), "muted")

    def _json(self, item: JsonItem) -> None:
        from reportlab.platypus import Preformatted

        lines = []
        for line in item.text.splitlines():
            while len(line) > JSON_LINE_CHARS:
                lines.append(line[:JSON_LINE_CHARS])
                line = "  " + line[JSON_LINE_CHARS:]
            lines.append(line)
        # Preformatted draws its text as is (no markup), so nothing needs escaping here
        self.flowables.append(Preformatted("\n".join(lines), self.styles["code"]))
        if item.truncated:
            self.paragraph("The value is longer; it was cut here.", "muted")

    def _table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        fractions: Sequence[float],
        *,
        grid: bool = True,
    ) -> Any:
        from reportlab.lib import colors
        from reportlab.platypus import Paragraph, Table, TableStyle

        cell, head = self.styles["cell"], self.styles["head"]
        data = [[Paragraph(_text(h), head) for h in header]] if header else []
        data += [[Paragraph(_text(v), cell) for v in row] for row in rows]
        table = Table(
            data,
            colWidths=[self.width * f for f in fractions],
            repeatRows=1 if header else 0,
            hAlign="LEFT",
        )
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if grid:
            style += [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8ccd2")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f5f6f8")]),
            ]
            if header:
                style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e9ee")))
        table.setStyle(TableStyle(style))
        return table
