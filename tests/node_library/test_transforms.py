"""Transform nodes: each result equals the hand-written pandas equivalent, the inferred schema
equals the real one, and bad params come back as issues that name the param and suggest a fix."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
import pytest

from node_library.contract import Issue, NodeError, NodeType, RecordingContext, Severity
from node_library.nodes.transforms.aggregate import AggregateNode
from node_library.nodes.transforms.computed_column import ComputedColumnNode
from node_library.nodes.transforms.convert_types import ConvertTypesNode
from node_library.nodes.transforms.deduplicate import DeduplicateNode
from node_library.nodes.transforms.filter_rows import FilterRowsNode
from node_library.nodes.transforms.join import JoinNode
from node_library.nodes.transforms.missing_values import MissingValuesNode
from node_library.nodes.transforms.sample import SampleNode
from node_library.nodes.transforms.select_columns import SelectColumnsNode
from node_library.nodes.transforms.sort import SortNode
from node_library.schema import Dtype, TableSchema, schema_of_frame
from node_library.settings import NodeSettings
from tests.node_library.cases_transforms import messy_sales, regions_frame
from tests.node_library.node_cases import sales_frame

SETTINGS = NodeSettings()


def run(node: NodeType[Any], params: dict[str, Any], **inputs: pd.DataFrame) -> pd.DataFrame:
    """Validate, infer and execute like the engine; check the inferred schema; return `data`."""
    parsed = node.Params.model_validate(params)
    schemas = {name: schema_of_frame(frame) for name, frame in inputs.items()}
    errors = [i for i in node.validate(parsed, schemas, SETTINGS) if i.severity is Severity.ERROR]
    assert not errors, errors
    inferred = node.infer_schema(parsed, schemas, SETTINGS)
    outputs = node.execute(RecordingContext(settings=SETTINGS), parsed, **inputs)
    result: pd.DataFrame = outputs["data"]
    assert schema_of_frame(result) == inferred["data"], (inferred["data"], result.dtypes)
    return result


def issues(node: NodeType[Any], params: dict[str, Any], **inputs: pd.DataFrame) -> list[Issue]:
    parsed = node.Params.model_validate(params)
    schemas = {name: schema_of_frame(frame) for name, frame in inputs.items()}
    return [i for i in node.validate(parsed, schemas, SETTINGS) if i.severity is Severity.ERROR]


def only(found: list[Issue], code: str) -> Issue:
    matching = [i for i in found if i.code == code]
    assert len(matching) == 1, found
    return matching[0]


# -- filter rows ----------------------------------------------------------------------------


def test_filter_keeps_the_rows_matching_the_condition() -> None:
    sales = sales_frame()
    result = run(FilterRowsNode(), {"expression": 'units > 3 and region == "north"'}, data=sales)
    expected = sales[(sales["units"] > 3) & (sales["region"] == "north")].reset_index(drop=True)
    pd.testing.assert_frame_equal(result, expected)


def test_filter_drops_rows_whose_condition_is_missing() -> None:
    sales = messy_sales()
    result = run(FilterRowsNode(), {"expression": "price > 5"}, data=sales)
    expected = sales[sales["price"] > 5].reset_index(drop=True)
    pd.testing.assert_frame_equal(result, expected)


def test_filter_rejects_an_unknown_column_with_a_suggestion() -> None:
    found = issues(FilterRowsNode(), {"expression": "unit > 3"}, data=sales_frame())
    assert found and found[0].param == "expression"
    assert "units" in found[0].hint + found[0].message


def test_filter_rejects_a_condition_that_is_not_boolean() -> None:
    found = issues(FilterRowsNode(), {"expression": "units * price"}, data=sales_frame())
    assert found and found[0].param == "expression"


def test_filter_without_a_condition_is_an_issue() -> None:
    assert only(issues(FilterRowsNode(), {}, data=sales_frame()), "missing_expression")


# -- select columns -------------------------------------------------------------------------


def test_select_keeps_the_listed_columns_in_order_and_renames() -> None:
    sales = sales_frame()
    params = {"columns": ["price", "region"], "rename": {"price": "unit_price"}}
    result = run(SelectColumnsNode(), params, data=sales)
    expected = sales[["price", "region"]].rename(columns={"price": "unit_price"})
    pd.testing.assert_frame_equal(result, expected)


def test_select_drop_mode_removes_the_listed_columns() -> None:
    sales = sales_frame()
    result = run(SelectColumnsNode(), {"mode": "drop", "columns": ["units"]}, data=sales)
    pd.testing.assert_frame_equal(result, sales.drop(columns=["units"]))


def test_select_with_other_columns_kept_reorders() -> None:
    sales = sales_frame()
    params = {"columns": ["price", "region"], "keep_other_columns": True}
    result = run(SelectColumnsNode(), params, data=sales)
    assert list(result.columns) == ["price", "region", "order_id", "units", "ordered_at"]


def test_select_allows_swapping_two_names() -> None:
    sales = sales_frame()
    result = run(SelectColumnsNode(), {"rename": {"units": "price", "price": "units"}}, data=sales)
    pd.testing.assert_series_equal(result["units"], sales["price"], check_names=False)
    assert list(result.columns) == ["order_id", "region", "price", "units", "ordered_at"]


def test_select_rename_onto_a_kept_column_is_an_issue() -> None:
    issue = only(
        issues(SelectColumnsNode(), {"rename": {"units": "price"}}, data=sales_frame()),
        "rename_collision",
    )
    assert issue.param == "rename"


def test_select_two_renames_to_one_name_is_an_issue() -> None:
    params = {"mode": "drop", "columns": ["region"], "rename": {"units": "n", "price": "n"}}
    assert only(issues(SelectColumnsNode(), params, data=sales_frame()), "rename_collision")


def test_select_rename_onto_a_dropped_column_is_allowed() -> None:
    params = {"mode": "drop", "columns": ["price"], "rename": {"units": "price"}}
    result = run(SelectColumnsNode(), params, data=sales_frame())
    assert list(result.columns) == ["order_id", "region", "price", "ordered_at"]


def test_select_missing_column_suggests_the_closest_name() -> None:
    issue = only(
        issues(SelectColumnsNode(), {"columns": ["regoin"]}, data=sales_frame()),
        "missing_column",
    )
    assert issue.param == "columns" and "region" in issue.hint


# -- computed column ------------------------------------------------------------------------


def test_computed_column_adds_the_expression_result() -> None:
    sales = sales_frame()
    result = run(
        ComputedColumnNode(), {"name": "revenue", "expression": "units * price"}, data=sales
    )
    expected = sales.assign(revenue=sales["units"] * sales["price"])
    pd.testing.assert_frame_equal(result, expected)


def test_computed_column_replaces_a_column_in_place() -> None:
    sales = sales_frame()
    result = run(
        ComputedColumnNode(), {"name": "region", "expression": "upper(region)"}, data=sales
    )
    pd.testing.assert_frame_equal(result, sales.assign(region=sales["region"].str.upper()))


def test_computed_column_reports_an_unknown_column() -> None:
    found = issues(
        ComputedColumnNode(), {"name": "x", "expression": "pricee * 2"}, data=sales_frame()
    )
    assert found and found[0].param == "expression"


# -- convert types --------------------------------------------------------------------------


def test_convert_types_parses_datetimes_and_nullable_integers() -> None:
    sales = messy_sales()
    sales["ordered_at"] = sales["ordered_at"].dt.strftime("%Y-%m-%d")
    params = {"columns": {"ordered_at": "datetime", "units": "integer", "region": "category"}}
    result = run(ConvertTypesNode(), params, data=sales)
    expected = sales.assign(
        ordered_at=pd.to_datetime(sales["ordered_at"]),
        units=sales["units"].astype("Int64"),
        region=sales["region"].astype("category"),
    )
    pd.testing.assert_frame_equal(result, expected)


def test_convert_types_raise_names_the_column_and_a_bad_value() -> None:
    frame = pd.DataFrame({"amount": ["1", "2", "two", " ", None, "x"]})
    node = ConvertTypesNode()
    params = node.Params.model_validate({"columns": {"amount": "float"}})
    with pytest.raises(NodeError) as caught:
        node.execute(RecordingContext(settings=SETTINGS), params, data=frame)
    assert "'amount'" in caught.value.issue.message
    assert "'two'" in caught.value.issue.message and "2 values" in caught.value.issue.message


def test_convert_types_coerce_turns_bad_values_into_missing_values() -> None:
    frame = pd.DataFrame({"amount": ["1", "2.5", "two", None], "n": [1.0, 2.5, 3.0, None]})
    params = {"columns": {"amount": "float", "n": "integer"}, "errors": "coerce"}
    result = run(ConvertTypesNode(), params, data=frame)
    expected = pd.DataFrame(
        {
            "amount": [1.0, 2.5, np.nan, np.nan],
            "n": pd.array([1, None, 3, None], dtype="Int64"),
        }
    )
    pd.testing.assert_frame_equal(result, expected)


def test_convert_types_reads_yes_no_text_as_booleans() -> None:
    frame = pd.DataFrame({"flag": ["yes", "No", "TRUE", "0", None], "bit": [1, 0, 1, 1, 0]})
    result = run(ConvertTypesNode(), {"columns": {"flag": "boolean", "bit": "boolean"}}, data=frame)
    expected = pd.DataFrame(
        {
            "flag": pd.array([True, False, True, False, None], dtype="boolean"),
            "bit": pd.array([True, False, True, True, False], dtype="boolean"),
        }
    )
    pd.testing.assert_frame_equal(result, expected)


def test_convert_types_to_string_keeps_missing_values_missing() -> None:
    frame = pd.DataFrame({"price": [1.5, None]})
    result = run(ConvertTypesNode(), {"columns": {"price": "string"}}, data=frame)
    pd.testing.assert_frame_equal(result, frame.astype("str"))
    assert result["price"].isna().tolist() == [False, True]


def test_convert_types_refuses_datetime_to_integer() -> None:
    issue = only(
        issues(ConvertTypesNode(), {"columns": {"ordered_at": "integer"}}, data=sales_frame()),
        "unsupported_conversion",
    )
    assert issue.param == "columns" and "year()" in issue.hint


def test_convert_types_missing_column_suggests_the_closest_name() -> None:
    issue = only(
        issues(ConvertTypesNode(), {"columns": {"price_": "float"}}, data=sales_frame()),
        "missing_column",
    )
    assert "price" in issue.hint


# -- sort and deduplicate -------------------------------------------------------------------


def test_sort_matches_pandas_sort_values() -> None:
    sales = messy_sales()
    params = {
        "by": [{"column": "region"}, {"column": "price", "descending": True}],
        "na_position": "first",
    }
    result = run(SortNode(), params, data=sales)
    expected = sales.sort_values(
        ["region", "price"],
        ascending=[True, False],
        na_position="first",
        kind="stable",
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(result, expected)


def test_sort_by_an_unknown_column_is_an_issue() -> None:
    issue = only(
        issues(SortNode(), {"by": [{"column": "Price"}]}, data=sales_frame()), "missing_column"
    )
    assert issue.param == "by" and "price" in issue.hint


def test_deduplicate_keeps_the_first_row_of_each_duplicate_group() -> None:
    sales = sales_frame()
    result = run(DeduplicateNode(), {"subset": ["region"]}, data=sales)
    pd.testing.assert_frame_equal(result, sales.drop_duplicates("region", ignore_index=True))


def test_deduplicate_keep_none_removes_every_duplicated_row() -> None:
    frame = pd.DataFrame({"a": [1, 1, 2, 3, 3], "b": ["x", "x", "y", "z", "w"]})
    result = run(DeduplicateNode(), {"keep": "none"}, data=frame)
    pd.testing.assert_frame_equal(result, frame.drop_duplicates(keep=False, ignore_index=True))


# -- missing values -------------------------------------------------------------------------


def test_missing_values_fill_mean_matches_pandas() -> None:
    sales = messy_sales()
    result = run(MissingValuesNode(), {"strategy": "fill_mean", "columns": ["price"]}, data=sales)
    expected = sales.assign(price=sales["price"].fillna(sales["price"].mean()))
    pd.testing.assert_frame_equal(result, expected)


def test_missing_values_fill_median_keeps_integer_columns_integer() -> None:
    frame = pd.DataFrame({"n": pd.array([1, 2, None, 4], dtype="Int64")})
    result = run(MissingValuesNode(), {"strategy": "fill_median"}, data=frame)
    expected = pd.DataFrame({"n": pd.array([1, 2, 2, 4], dtype="Int64")})  # median 2 (2.0)
    pd.testing.assert_frame_equal(result, expected)


def test_missing_values_fill_mean_on_a_text_column_is_an_issue() -> None:
    found = issues(
        MissingValuesNode(), {"strategy": "fill_mean", "columns": ["region"]}, data=messy_sales()
    )
    issue = only(found, "wrong_dtype")
    assert issue.param == "columns" and "region" in issue.message


def test_missing_values_fill_value_fills_only_the_columns_it_fits() -> None:
    sales = messy_sales()
    result = run(MissingValuesNode(), {"strategy": "fill_value", "value": "unknown"}, data=sales)
    pd.testing.assert_frame_equal(result, sales.assign(region=sales["region"].fillna("unknown")))


def test_missing_values_fill_value_adds_a_new_category() -> None:
    frame = pd.DataFrame({"c": pd.Categorical(["a", None, "b"])})
    result = run(MissingValuesNode(), {"strategy": "fill_value", "value": "n/a"}, data=frame)
    assert result["c"].tolist() == ["a", "n/a", "b"]
    assert isinstance(result["c"].dtype, pd.CategoricalDtype)


def test_missing_values_fill_value_of_the_wrong_type_is_an_issue() -> None:
    found = issues(
        MissingValuesNode(),
        {"strategy": "fill_value", "value": "zero", "columns": ["price"]},
        data=messy_sales(),
    )
    assert only(found, "wrong_dtype").param == "value"


def test_missing_values_drop_rows_matches_dropna() -> None:
    sales = messy_sales()
    result = run(
        MissingValuesNode(), {"strategy": "drop_rows", "columns": ["price", "region"]}, data=sales
    )
    pd.testing.assert_frame_equal(
        result, sales.dropna(subset=["price", "region"], ignore_index=True)
    )


def test_missing_values_forward_fill_matches_ffill() -> None:
    sales = messy_sales()
    result = run(MissingValuesNode(), {"strategy": "forward_fill"}, data=sales)
    pd.testing.assert_frame_equal(result, sales.ffill())


def test_missing_values_fill_mode_uses_the_most_frequent_value() -> None:
    frame = pd.DataFrame({"s": ["a", "b", "b", None], "f": [1.0, 1.0, None, 2.0]})
    result = run(MissingValuesNode(), {"strategy": "fill_mode"}, data=frame)
    pd.testing.assert_frame_equal(
        result, pd.DataFrame({"s": ["a", "b", "b", "b"], "f": [1.0, 1.0, 1.0, 2.0]})
    )


# -- join -----------------------------------------------------------------------------------


def _join_keys(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"left": left, "right": right} for left, right in pairs]


def test_join_outer_turns_integer_columns_of_either_side_into_floats() -> None:
    sales, regions = sales_frame(), regions_frame()
    params = {"how": "outer", "keys": _join_keys(("region", "region"))}
    result = run(JoinNode(), params, left=sales, right=regions)
    expected = sales.merge(regions, how="outer", on="region", suffixes=("_left", "_right"))
    expected = expected.astype(
        {"order_id": "float64", "units_right": "float64", "active": "boolean"}
    )
    pd.testing.assert_frame_equal(result, expected)
    assert result["units_left"].dtype == "float64"  # "central" has no sales


def test_join_left_keeps_left_integers_even_when_every_row_matches() -> None:
    sales = sales_frame()
    regions = pd.DataFrame({"region": ["north", "south", "east", "west"], "staff": [1, 2, 3, 4]})
    params = {"how": "left", "keys": _join_keys(("region", "region"))}
    result = run(JoinNode(), params, left=sales, right=regions)
    expected = sales.merge(regions, how="left", on="region").astype({"staff": "float64"})
    pd.testing.assert_frame_equal(result, expected)
    assert result["units"].dtype == "int64"


def test_join_inner_keeps_every_type() -> None:
    sales, regions = sales_frame(), regions_frame()
    params = {"how": "inner", "keys": _join_keys(("region", "region"))}
    result = run(JoinNode(), params, left=sales, right=regions)
    expected = sales.merge(regions, how="inner", on="region", suffixes=("_left", "_right"))
    pd.testing.assert_frame_equal(result, expected)


def test_join_on_several_keys_with_different_names() -> None:
    left = pd.DataFrame({"year": [2025, 2026, 2026], "shop": ["a", "a", "b"], "sales": [1, 2, 3]})
    right = pd.DataFrame({"yr": [2026, 2026, 2027], "store": ["a", "b", "b"], "rent": [5, 6, 7]})
    params = {"how": "right", "keys": _join_keys(("year", "yr"), ("shop", "store"))}
    result = run(JoinNode(), params, left=left, right=right)
    expected = left.merge(right, how="right", left_on=["year", "shop"], right_on=["yr", "store"])
    expected = expected.astype({"year": "float64", "sales": "float64"})
    pd.testing.assert_frame_equal(result, expected)


def test_join_matches_integer_keys_with_float_keys() -> None:
    left = pd.DataFrame({"id": [1, 2, 3], "a": ["x", "y", "z"]})
    right = pd.DataFrame({"id": [2.0, 3.0, 4.0], "b": [0.5, 0.25, 0.125]})
    result = run(JoinNode(), {"keys": _join_keys(("id", "id"))}, left=left, right=right)
    expected = pd.DataFrame({"id": [2.0, 3.0], "a": ["y", "z"], "b": [0.5, 0.25]})
    pd.testing.assert_frame_equal(result, expected)


@pytest.mark.parametrize("how", ["inner", "left", "right", "outer"])
@pytest.mark.parametrize(
    "pairs",
    [
        [("k", "k")],
        [("k", "e")],
        [("k", "k"), ("x", "y")],
        [("x", "k"), ("k", "x")],
    ],
)
def test_join_output_columns_follow_pandas_merge(
    how: Literal["inner", "left", "right", "outer"], pairs: list[tuple[str, str]]
) -> None:
    left = pd.DataFrame({"a": [1, 2], "k": [1, 2], "x": [1, 2], "flag": [True, False]})
    right = pd.DataFrame({"k": [1, 5], "e": [1, 7], "y": [1, 2], "x": [3, 1], "a": [1.5, 2.5]})
    params = {"how": how, "keys": _join_keys(*pairs), "left_suffix": "_l", "right_suffix": "_r"}
    result = run(JoinNode(), params, left=left, right=right)
    expected = left.merge(
        right,
        how=how,
        left_on=[p[0] for p in pairs],
        right_on=[p[1] for p in pairs],
        suffixes=("_l", "_r"),
    )
    assert list(result.columns) == list(expected.columns)
    # The documented difference: booleans that may be missing become nullable booleans.
    expected = expected.astype({"flag": "boolean"})
    pd.testing.assert_frame_equal(result, expected, check_dtype=False)


def test_join_key_type_mismatch_is_an_issue() -> None:
    left = pd.DataFrame({"id": [1, 2]})
    right = pd.DataFrame({"id": ["1", "2"]})
    issue = only(
        issues(JoinNode(), {"keys": _join_keys(("id", "id"))}, left=left, right=right),
        "key_type_mismatch",
    )
    assert issue.param == "keys" and "integer" in issue.message and "string" in issue.message


def test_join_identical_suffixes_are_an_issue() -> None:
    params = {"keys": _join_keys(("region", "region")), "left_suffix": "_x", "right_suffix": "_x"}
    found = issues(JoinNode(), params, left=sales_frame(), right=regions_frame())
    assert only(found, "identical_suffixes").param == "right_suffix"


def test_join_suffixes_that_collide_with_a_column_are_an_issue() -> None:
    left = sales_frame().assign(units_left=1)
    found = issues(
        JoinNode(), {"keys": _join_keys(("region", "region"))}, left=left, right=regions_frame()
    )
    assert "units_left" in only(found, "duplicate_output_column").message


def test_join_unknown_key_names_the_port() -> None:
    found = issues(
        JoinNode(),
        {"keys": _join_keys(("region", "regio"))},
        left=sales_frame(),
        right=regions_frame(),
    )
    issue = only(found, "missing_column")
    assert issue.port == "right" and "region" in issue.hint


# -- aggregate ------------------------------------------------------------------------------


def test_aggregate_matches_pandas_named_aggregation() -> None:
    sales = sales_frame()
    params = {
        "group_by": ["region"],
        "aggregations": [
            {"column": "order_id", "function": "count", "as": "orders"},
            {"column": "price", "function": "mean"},
            {"column": "units", "function": "sum"},
            {"column": "units", "function": "nunique"},
            {"column": "price", "function": "std"},
            {"column": "ordered_at", "function": "min"},
        ],
    }
    result = run(AggregateNode(), params, data=sales)
    expected = (
        sales.groupby("region")
        .agg(
            orders=("order_id", "count"),
            price_mean=("price", "mean"),
            units_sum=("units", "sum"),
            units_nunique=("units", "nunique"),
            price_std=("price", "std"),
            ordered_at_min=("ordered_at", "min"),
        )
        .reset_index()
    )
    pd.testing.assert_frame_equal(result, expected)


def test_aggregate_without_groups_gives_one_row() -> None:
    sales = sales_frame()
    params = {
        "aggregations": [
            {"column": "units", "function": "sum"},
            {"column": "region", "function": "max"},
        ]
    }
    result = run(AggregateNode(), params, data=sales)
    expected = pd.DataFrame(
        {"units_sum": [sales["units"].sum()], "region_max": [sales["region"].max()]}
    )
    pd.testing.assert_frame_equal(result, expected)


def test_aggregate_over_an_empty_table_keeps_the_output_types() -> None:
    params = {"group_by": ["region"], "aggregations": [{"column": "units", "function": "max"}]}
    result = run(AggregateNode(), params, data=sales_frame().head(0))
    assert result.empty


def test_aggregate_mean_of_a_text_column_is_an_issue() -> None:
    params = {"aggregations": [{"column": "region", "function": "mean"}]}
    issue = only(issues(AggregateNode(), params, data=sales_frame()), "wrong_dtype")
    assert issue.param == "aggregations" and "region" in issue.message


def test_aggregate_duplicate_output_names_are_an_issue() -> None:
    params = {
        "group_by": ["region"],
        "aggregations": [{"column": "units", "function": "sum", "as": "region"}],
    }
    assert only(issues(AggregateNode(), params, data=sales_frame()), "duplicate_output_column")


def test_aggregate_infers_types_from_the_function() -> None:
    schema = TableSchema.of(g="string", i="integer", b="boolean", f="float")
    node = AggregateNode()
    params = node.Params.model_validate(
        {
            "group_by": ["g"],
            "aggregations": [
                {"column": "i", "function": "sum"},
                {"column": "b", "function": "sum"},
                {"column": "f", "function": "sum"},
                {"column": "i", "function": "median"},
                {"column": "g", "function": "nunique"},
                {"column": "b", "function": "max"},
            ],
        }
    )
    inferred = node.infer_schema(params, {"data": schema}, SETTINGS)["data"]
    assert inferred == TableSchema.of(
        g="string",
        i_sum="integer",
        b_sum="integer",
        f_sum="float",
        i_median="float",
        g_nunique="integer",
        b_max="boolean",
    )


# -- sample ---------------------------------------------------------------------------------


def test_sample_is_reproducible_for_a_seed() -> None:
    sales = sales_frame()
    first = run(SampleNode(), {"mode": "random_n", "n": 10, "seed": 7}, data=sales)
    again = run(SampleNode(), {"mode": "random_n", "n": 10, "seed": 7}, data=sales)
    other = run(SampleNode(), {"mode": "random_n", "n": 10, "seed": 8}, data=sales)
    pd.testing.assert_frame_equal(first, again)
    assert first["order_id"].tolist() != other["order_id"].tolist()


def test_sample_random_rows_keep_their_input_order() -> None:
    sales = sales_frame()
    result = run(SampleNode(), {"mode": "random_fraction", "fraction": 0.25}, data=sales)
    assert len(result) == 10 and result["order_id"].is_monotonic_increasing
    expected = sales[sales["order_id"].isin(result["order_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(result, expected)


def test_sample_first_n_matches_head() -> None:
    sales = sales_frame()
    pd.testing.assert_frame_equal(
        run(SampleNode(), {"mode": "first_n", "n": 3}, data=sales), sales.head(3)
    )


def test_sample_stratified_keeps_each_group_in_proportion() -> None:
    sales = sales_frame(rows=400)
    sales["region"] = np.where(sales["order_id"] <= 20, "rare", sales["region"])
    params = {"mode": "stratified", "stratify_column": "region", "fraction": 0.1, "seed": 3}
    result = run(SampleNode(), params, data=sales)
    expected_counts = (sales["region"].value_counts() * 0.1).round().astype(int)
    pd.testing.assert_series_equal(
        result["region"].value_counts().sort_index(), expected_counts.sort_index()
    )


def test_sample_time_window_includes_start_and_excludes_end() -> None:
    sales = sales_frame()
    params = {
        "mode": "time_window",
        "time_column": "ordered_at",
        "start": "2026-01-05",
        "end": "2026-01-10",
    }
    result = run(SampleNode(), params, data=sales)
    times = sales["ordered_at"]
    expected = sales[(times >= "2026-01-05") & (times < "2026-01-10")].reset_index(drop=True)
    pd.testing.assert_frame_equal(result, expected)
    assert len(result) == 5


def test_sample_time_window_needs_a_datetime_column() -> None:
    params = {"mode": "time_window", "time_column": "region", "start": "2026-01-05"}
    issue = only(issues(SampleNode(), params, data=sales_frame()), "wrong_dtype")
    assert issue.param == "time_column"


def test_sample_time_window_rejects_an_unreadable_bound() -> None:
    params = {"mode": "time_window", "time_column": "ordered_at", "start": "last tuesday"}
    assert only(issues(SampleNode(), params, data=sales_frame()), "invalid_datetime").param == (
        "start"
    )


def test_sample_stratified_by_an_unknown_column_suggests_one() -> None:
    params = {"mode": "stratified", "stratify_column": "regions"}
    assert "region" in only(issues(SampleNode(), params, data=sales_frame()), "missing_column").hint


def test_nodes_infer_nothing_from_an_unknown_input() -> None:
    cases: list[tuple[NodeType[Any], dict[str, Any]]] = [
        (SelectColumnsNode(), {"columns": ["a"]}),
        (ConvertTypesNode(), {"columns": {"a": "integer"}}),
        (AggregateNode(), {"aggregations": [{"column": "a", "function": "sum"}]}),
        (JoinNode(), {"keys": [{"left": "a", "right": "a"}]}),
    ]
    for node, params in cases:
        parsed = node.Params.model_validate(params)
        assert set(node.infer_schema(parsed, {}, SETTINGS).values()) == {None}
        assert all(i.code != "missing_column" for i in node.validate(parsed, {}, SETTINGS))


def test_logical_types_of_converted_columns() -> None:
    node = ConvertTypesNode()
    params = node.Params.model_validate({"columns": {"ordered_at": "string", "units": "float"}})
    inferred = node.infer_schema(params, {"data": schema_of_frame(sales_frame())}, SETTINGS)
    schema = inferred["data"]
    assert schema is not None
    assert schema.dtype_of("ordered_at") is Dtype.STRING
    assert schema.dtype_of("units") is Dtype.FLOAT
