"""Port data types with their connection table, and table schemas with their pandas dtype map."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from node_library.datatypes import CONNECTION_TABLE, DataType, can_connect, connection_refusal
from node_library.schema import (
    Column,
    Dtype,
    Role,
    TableSchema,
    dtype_of_pandas,
    schema_of_frame,
)

# -- connection table ---------------------------------------------------------------------------


@pytest.mark.parametrize("data_type", list(DataType))
def test_every_data_type_connects_to_itself(data_type: DataType) -> None:
    assert can_connect(data_type, data_type)


def test_metrics_connect_to_json_but_not_the_other_way() -> None:
    assert can_connect(DataType.METRICS, DataType.JSON)
    assert not can_connect(DataType.JSON, DataType.METRICS)


def test_a_series_feeds_a_dataframe_port_only_when_the_port_accepts_it() -> None:
    assert not can_connect(DataType.SERIES, DataType.DATAFRAME)
    assert can_connect(DataType.SERIES, DataType.DATAFRAME, accepts=(DataType.SERIES,))
    assert not can_connect(DataType.DATAFRAME, DataType.SERIES)


def test_the_connection_table_is_the_identities_metrics_to_json_and_model_to_spec() -> None:
    allowed = {(s, t) for s, t in itertools.product(DataType, DataType) if can_connect(s, t)}
    identities = {(d, d) for d in DataType}
    expected = {(DataType.METRICS, DataType.JSON), (DataType.MODEL, DataType.MODEL_SPEC)}
    assert allowed - identities == expected == set(CONNECTION_TABLE)


def test_a_fitted_model_feeds_a_spec_port_but_a_spec_never_feeds_a_model_port() -> None:
    assert can_connect(DataType.MODEL, DataType.MODEL_SPEC)
    assert not can_connect(DataType.MODEL_SPEC, DataType.MODEL)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (DataType.MODEL, DataType.DATAFRAME),
        (DataType.DATAFRAME, DataType.MODEL),
        (DataType.PLOT, DataType.JSON),
        (DataType.FILE, DataType.DATAFRAME),
        (DataType.JSON, DataType.DATAFRAME),
    ],
)
def test_unrelated_types_do_not_connect(source: DataType, target: DataType) -> None:
    assert not can_connect(source, target)


def test_accepts_only_widens_for_the_declared_types() -> None:
    assert not can_connect(DataType.MODEL, DataType.DATAFRAME, accepts=(DataType.SERIES,))


def test_a_refused_connection_explains_itself() -> None:
    text = connection_refusal(DataType.MODEL, DataType.DATAFRAME)
    assert text == (
        "a model output cannot feed a dataframe input; connect a node that produces a dataframe"
    )


def test_data_types_are_their_wire_strings() -> None:
    assert [d.value for d in DataType] == [
        "dataframe",
        "series",
        "model",
        "model_spec",
        "metrics",
        "plot",
        "json",
        "file",
    ]
    assert DataType("series") is DataType.SERIES


# -- pandas dtypes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        (pd.Series([1, 2], dtype="int64"), Dtype.INTEGER),
        (pd.Series([1, None], dtype="Int64"), Dtype.INTEGER),
        (pd.Series([1, 2], dtype="int32"), Dtype.INTEGER),
        (pd.Series([1, 2], dtype="uint8"), Dtype.INTEGER),
        (pd.Series([1.5, 2.0]), Dtype.FLOAT),
        (pd.Series([1.5, None], dtype="Float64"), Dtype.FLOAT),
        (pd.Series([1.5], dtype="float32"), Dtype.FLOAT),
        (pd.Series([True, False]), Dtype.BOOLEAN),
        (pd.Series([True, None], dtype="boolean"), Dtype.BOOLEAN),
        (pd.Series(["a", "b"]), Dtype.STRING),  # pandas 3: the default string dtype ("str")
        (pd.Series(["a", None], dtype="string"), Dtype.STRING),
        (pd.Series(["a", 1], dtype=object), Dtype.STRING),
        (pd.Series(["a", "b"], dtype="category"), Dtype.CATEGORY),
        (pd.Series([1, 2], dtype="category"), Dtype.CATEGORY),
        (pd.Series(pd.to_datetime(["2026-01-01", "2026-01-02"])), Dtype.DATETIME),
        (pd.Series(pd.to_datetime(["2026-01-01"]).astype("datetime64[ns]")), Dtype.DATETIME),
        (pd.Series(pd.to_datetime(["2026-01-01"]).tz_localize("Europe/Paris")), Dtype.DATETIME),
        (pd.Series(pd.to_timedelta([1], unit="s")), Dtype.UNKNOWN),
        (pd.Series([1 + 2j]), Dtype.UNKNOWN),
    ],
    ids=lambda v: str(v.dtype) if isinstance(v, pd.Series) else str(v),
)
def test_pandas_dtypes_map_to_logical_dtypes(series: pd.Series, expected: Dtype) -> None:
    assert dtype_of_pandas(series.dtype) is expected


def test_numpy_dtypes_map_too() -> None:
    assert dtype_of_pandas(np.dtype("int64")) is Dtype.INTEGER
    assert dtype_of_pandas(np.dtype("datetime64[ns]")) is Dtype.DATETIME
    assert dtype_of_pandas(np.dtype("bool")) is Dtype.BOOLEAN


def test_the_schema_of_a_frame_keeps_column_order_and_names_as_strings() -> None:
    frame = pd.DataFrame(
        {
            "id": [1],
            "price": [2.5],
            "region": ["north"],
            "at": pd.to_datetime(["2026-01-01"]),
            7: [True],
        }
    )
    assert schema_of_frame(frame) == TableSchema.of(
        id="integer", price="float", region="string", at="datetime", **{"7": "boolean"}
    )


def test_numeric_dtypes_are_integer_float_and_boolean() -> None:
    assert {d for d in Dtype if d.is_numeric} == {Dtype.INTEGER, Dtype.FLOAT, Dtype.BOOLEAN}


# -- TableSchema helpers ------------------------------------------------------------------------


SCHEMA = TableSchema.of(id="integer", price="float", region="string")


def test_of_builds_columns_in_order() -> None:
    assert SCHEMA.names == ["id", "price", "region"]
    assert SCHEMA.columns[1] == Column(name="price", dtype=Dtype.FLOAT)


def test_of_refuses_an_unknown_dtype() -> None:
    with pytest.raises(ValueError, match="'decimal' is not a valid Dtype"):
        TableSchema.of(x="decimal")


def test_dtype_of_and_membership() -> None:
    assert SCHEMA.dtype_of("price") is Dtype.FLOAT
    assert SCHEMA.dtype_of("nope") is None
    assert "region" in SCHEMA and "Region" not in SCHEMA


def test_select_follows_the_requested_order_and_skips_unknown_names() -> None:
    assert SCHEMA.select(["region", "nope", "id"]).names == ["region", "id"]


def test_drop_keeps_the_remaining_order() -> None:
    assert SCHEMA.drop(["price", "nope"]).names == ["id", "region"]


def test_with_column_adds_at_the_end_or_replaces_in_place() -> None:
    assert SCHEMA.with_column("total", Dtype.FLOAT).names == ["id", "price", "region", "total"]
    replaced = SCHEMA.with_column("price", Dtype.STRING)
    assert replaced.names == SCHEMA.names
    assert replaced.dtype_of("price") is Dtype.STRING


def test_helpers_return_new_schemas_and_schemas_are_immutable() -> None:
    SCHEMA.with_column("total", Dtype.FLOAT)
    SCHEMA.drop(["id"])
    assert SCHEMA.names == ["id", "price", "region"]
    with pytest.raises(ValidationError):
        SCHEMA.columns = ()  # type: ignore[misc]


def test_a_schema_round_trips_through_json_and_hashes() -> None:
    again = TableSchema.model_validate_json(SCHEMA.model_dump_json())
    assert again == SCHEMA
    assert hash(again) == hash(SCHEMA)
    assert SCHEMA.model_dump(mode="json")["columns"][0] == {
        "name": "id",
        "dtype": "integer",
        "role": "feature",
    }


def test_a_schema_saved_before_roles_loads_with_every_column_a_feature() -> None:
    saved = '{"columns": [{"name": "id", "dtype": "integer"}, {"name": "y", "dtype": "float"}]}'
    schema = TableSchema.model_validate_json(saved)
    assert schema == TableSchema.of(id="integer", y="float")
    assert [c.role for c in schema.columns] == [Role.FEATURE, Role.FEATURE]
    assert schema.roles == {}


def test_roles_follow_a_column_through_select_drop_replace_and_rename() -> None:
    schema = SCHEMA.with_roles({"id": Role.ID, "price": Role.TARGET})
    assert schema.roles == {"id": Role.ID, "price": Role.TARGET}
    assert schema.select(["price", "region"]).roles == {"price": Role.TARGET}
    assert schema.drop(["id"]).roles == {"price": Role.TARGET}
    assert schema.with_column("price", Dtype.INTEGER).role_of("price") is Role.TARGET
    assert schema.with_column("total", Dtype.FLOAT).role_of("total") is Role.FEATURE
    renamed = schema.renamed({"price": "label"})
    assert renamed.names == ["id", "label", "region"] and renamed.role_of("label") is Role.TARGET
    assert schema.without_roles() == SCHEMA


def test_an_empty_schema_has_no_columns() -> None:
    assert TableSchema().names == []
    assert "x" not in TableSchema()
