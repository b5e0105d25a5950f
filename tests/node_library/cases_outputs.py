"""Contract cases for the output nodes, built on node_cases.sales_frame()."""

from __future__ import annotations

from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase, sales_frame


def _table(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"columns": ["region", "price"], "max_rows": 10}, inputs={"data": sales_frame()}
    )


def _chart(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={
            "kind": "bar",
            "x": "region",
            "y": "price",
            "aggregate": "mean",
            "title": "Mean price per region",
        },
        inputs={"data": sales_frame()},
    )


def _export(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"format": "excel", "file_name": "sales 2026"}, inputs={"data": sales_frame()}
    )


CASES: dict[str, CaseFactory] = {
    "outputs.table": _table,
    "outputs.chart": _chart,
    "outputs.export": _export,
}
