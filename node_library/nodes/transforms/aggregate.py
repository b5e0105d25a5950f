"""Group rows and aggregate columns (GROUP BY), returning a flat table: the group columns first,
then one column per aggregation, one row per group (sorted by the group values).

Without group columns the whole table is one group, so the output has one row (none when the input
is empty). Rows whose group value is missing are left out, as in pandas. Category group columns
only yield the groups that occur.

Output types: count and nunique are integers; mean, median and std are floats; sum of integers or
booleans is an integer and sum of floats a float; min and max keep the column's type. mean, median,
std and sum need numeric (or boolean) columns; min and max do not work on category columns, whose
categories have no order here (convert them to string first). count counts non-missing values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from node_library import widgets
from node_library.checks import require_columns, require_numeric
from node_library.contract import ExecutionContext, Issue, NodeError, NodeParams, PortSchema, error
from node_library.node_kinds.transforms import TransformNode
from node_library.schema import Column, Dtype, TableSchema
from node_library.settings import NodeSettings

Function = Literal["sum", "mean", "median", "min", "max", "count", "nunique", "std"]
_NUMERIC_ONLY = ("sum", "mean", "median", "std")


class Aggregation(BaseModel):
    # "as" is a Python keyword: the field is as_ in code and "as" in saved workflows and forms.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    column: str = Field(description="Column to aggregate.", json_schema_extra=widgets.column())
    function: Function = Field("sum", description="How to combine the values of each group.")
    as_: str = Field(
        "",
        alias="as",
        max_length=200,
        description='Name of the output column; empty means "<column>_<function>".',
    )

    @property
    def output_name(self) -> str:
        return self.as_ or f"{self.column}_{self.function}"


class AggregateParams(NodeParams):
    group_by: list[str] = Field(
        default_factory=list,
        description="Columns whose values define the groups. Empty aggregates the whole table.",
        json_schema_extra=widgets.columns(),
    )
    aggregations: list[Aggregation] = Field(
        default_factory=list, description="The aggregated output columns."
    )


def result_dtype(function: str, dtype: Dtype) -> Dtype:
    if function in ("count", "nunique"):
        return Dtype.INTEGER
    if function in ("mean", "median", "std"):
        return Dtype.FLOAT
    if function == "sum":
        return Dtype.FLOAT if dtype is Dtype.FLOAT else Dtype.INTEGER
    return dtype


class AggregateNode(TransformNode[AggregateParams]):
    type_id = "transforms.aggregate"
    display_name = "Aggregate"
    description = "Group rows by columns and compute sums, means, counts and more per group."
    tags = ("group by", "groupby", "summarize", "pivot", "statistics")
    Params = AggregateParams

    def validate(
        self, params: AggregateParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not params.aggregations:
            issues.append(
                error(
                    "missing_aggregation",
                    "no aggregation is defined",
                    "add one, e.g. the sum of a numeric column or the count of any column",
                    param="aggregations",
                )
            )
        names = [*params.group_by, *(a.output_name for a in params.aggregations)]
        clashes = sorted(n for n, count in Counter(names).items() if count > 1)
        if clashes:
            issues.append(
                error(
                    "duplicate_output_column",
                    f"two output columns would be named {clashes[0]!r}",
                    'give the aggregations distinct names with "as"',
                    param="aggregations",
                )
            )
        schema = inputs.get("data")
        if schema is None:
            return issues
        issues += require_columns(schema, params.group_by, param="group_by")
        issues += require_columns(
            schema, dict.fromkeys(a.column for a in params.aggregations), param="aggregations"
        )
        numeric = [a.column for a in params.aggregations if a.function in _NUMERIC_ONLY]
        issues += require_numeric(schema, dict.fromkeys(numeric), param="aggregations")
        for agg in params.aggregations:
            if agg.function in ("min", "max") and schema.dtype_of(agg.column) is Dtype.CATEGORY:
                issues.append(
                    error(
                        "wrong_dtype",
                        f"{agg.function} of category column {agg.column!r}: its categories have "
                        "no order",
                        "convert it to string first, or use count or nunique",
                        param="aggregations",
                    )
                )
        return issues

    def infer_schema(
        self, params: AggregateParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("data")
        if schema is None:
            return {"data": None}
        columns = list(schema.select(params.group_by).columns)
        for agg in params.aggregations:
            source = schema.dtype_of(agg.column) or Dtype.UNKNOWN
            columns.append(Column(name=agg.output_name, dtype=result_dtype(agg.function, source)))
        return {"data": TableSchema(columns=tuple(columns))}

    def compute(
        self, ctx: ExecutionContext, params: AggregateParams, **inputs: Any
    ) -> dict[str, Any]:
        frame: pd.DataFrame = inputs["data"]
        return {"data": aggregate(frame, params)}


def aggregate(frame: pd.DataFrame, params: AggregateParams) -> pd.DataFrame:
    named = {a.output_name: (a.column, a.function) for a in params.aggregations}
    try:
        if params.group_by:
            grouped = frame.groupby(params.group_by, observed=True, sort=True, dropna=True)
            return grouped.agg(**named).reset_index()
        # One constant group keeps groupby's output types (an empty input gives an empty output).
        whole = frame.groupby(np.zeros(len(frame), dtype=np.int8), observed=True)
        return whole.agg(**named).reset_index(drop=True)
    except TypeError as exc:  # a column that mixes types, e.g. numbers and text
        raise NodeError(
            error(
                "aggregation_failed",
                f"the aggregation failed: {exc}",
                "convert the aggregated columns to one type with a Convert types node",
                param="aggregations",
            )
        ) from exc
