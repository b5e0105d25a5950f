"""Reports: one document (title, workflow, lineage, parameters, results) rendered as PDF or HTML.

- `document.py` turns a report node's inputs and its workflow's lineage into a `ReportDocument`:
  plain, already formatted text and figure dicts, shared by both renderers so the PDF and the HTML
  say the same thing.
- `figures.py` draws a Plotly figure dict as a PNG with matplotlib (the PDF's charts), for the
  trace types our nodes produce; Plotly's own static export (kaleido) needs a Chrome binary.
- `pdf.py` lays the document out with reportlab platypus; `html.py` writes one self-contained HTML
  file with interactive Plotly charts.

reportlab, matplotlib and plotly are imported inside functions: the node registry is imported at
start-up, and start time matters.
"""

from node_library.reports.document import ReportDocument, build_document
from node_library.reports.html import render_html
from node_library.reports.pdf import render_pdf

__all__ = ["ReportDocument", "build_document", "render_html", "render_pdf"]
