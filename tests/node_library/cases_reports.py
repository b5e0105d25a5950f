"""Contract case for the report node: metrics, a chart and a table in one PDF."""

from __future__ import annotations

import numpy as np

from node_library.ml import charts
from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase, sales_frame


def _report(env: CaseEnv) -> NodeCase:
    confusion = np.array([[5, 1], [2, 7]])
    return NodeCase(
        params={"title": "Sales model", "subtitle": "Test set", "format": "pdf"},
        inputs={
            "item1": {"accuracy": 0.8, "f1": 0.75, "rows": 15},
            "item2": charts.confusion_figure(["no", "yes"], confusion, confusion, "Confusion"),
            "item4": sales_frame(),
        },
    )


CASES: dict[str, CaseFactory] = {"outputs.report": _report}
