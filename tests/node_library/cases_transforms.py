"""Contract cases for the transform nodes, built on node_cases.sales_frame(). They exercise the
dtype paths that are easy to get wrong: an outer join whose integer columns become float, an
aggregate with count and mean, conversions to datetime and to nullable integer."""

from __future__ import annotations

import pandas as pd

from tests.node_library.node_cases import CaseEnv, CaseFactory, NodeCase, sales_frame


def regions_frame() -> pd.DataFrame:
    """Right side of the join cases: "central" matches nothing in sales, "east" is absent here."""
    return pd.DataFrame(
        {
            "region": ["north", "south", "west", "central"],
            "manager": ["ann", "bob", "cy", "dee"],
            "units": [10, 20, 30, 40],
            "active": [True, False, True, True],
        }
    )


def messy_sales() -> pd.DataFrame:
    """sales_frame() with gaps: missing prices and regions, units as float with missing values."""
    frame = sales_frame()
    gaps = frame.index % 5 == 0
    return frame.assign(
        price=frame["price"].mask(frame.index % 3 == 0),
        region=frame["region"].mask(gaps),
        units=frame["units"].astype("float64").mask(gaps),
    )


def _filter(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"expression": 'units > 3 and region == "north"'}, inputs={"data": sales_frame()}
    )


def _select(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={
            "mode": "select",
            "columns": ["price", "region", "order_id"],
            "rename": {"price": "unit_price"},
        },
        inputs={"data": sales_frame()},
    )


def _computed(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"name": "revenue", "expression": "units * price"}, inputs={"data": sales_frame()}
    )


def _convert(env: CaseEnv) -> NodeCase:
    frame = messy_sales()
    frame["ordered_at"] = frame["ordered_at"].dt.strftime("%Y-%m-%d")
    return NodeCase(
        params={
            "columns": {
                "ordered_at": "datetime",
                "units": "integer",
                "region": "category",
                "order_id": "string",
            }
        },
        inputs={"data": frame},
    )


def _sort(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"by": [{"column": "region"}, {"column": "price", "descending": True}]},
        inputs={"data": sales_frame()},
    )


def _deduplicate(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"subset": ["region", "units"], "keep": "first"}, inputs={"data": sales_frame()}
    )


def _missing(env: CaseEnv) -> NodeCase:
    return NodeCase(params={"strategy": "fill_median"}, inputs={"data": messy_sales()})


def _join(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"how": "outer", "keys": [{"left": "region", "right": "region"}]},
        inputs={"left": sales_frame(), "right": regions_frame()},
    )


def _aggregate(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={
            "group_by": ["region"],
            "aggregations": [
                {"column": "order_id", "function": "count", "as": "orders"},
                {"column": "price", "function": "mean"},
                {"column": "units", "function": "sum"},
                {"column": "ordered_at", "function": "max", "as": "last_order"},
            ],
        },
        inputs={"data": sales_frame()},
    )


def _sample(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"mode": "stratified", "stratify_column": "region", "fraction": 0.5, "seed": 1},
        inputs={"data": sales_frame()},
    )


def _set_roles(env: CaseEnv) -> NodeCase:
    return NodeCase(
        params={"roles": {"units": "target", "order_id": "id", "ordered_at": "ignore"}},
        inputs={"data": sales_frame()},
    )


CASES: dict[str, CaseFactory] = {
    "transforms.filter_rows": _filter,
    "transforms.select_columns": _select,
    "transforms.computed_column": _computed,
    "transforms.convert_types": _convert,
    "transforms.sort": _sort,
    "transforms.deduplicate": _deduplicate,
    "transforms.missing_values": _missing,
    "transforms.join": _join,
    "transforms.aggregate": _aggregate,
    "transforms.sample": _sample,
    "transforms.set_roles": _set_roles,
}
