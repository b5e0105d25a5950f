"""Split date/time columns into numeric parts a model can use: year, quarter, month, day, weekday
(Monday = 0), hour, minute, second, day of year, ISO week, and is_weekend.

Each part becomes a column `<column>_<part>` (e.g. `ordered_at_month`), placed right after its
source column; `keep_original` off (the default) removes the source column, since models cannot
take dates. Parts are integers (nullable Int64 when the column has missing times; still integers
in the schema), is_weekend is boolean. Timezone-aware columns give parts in their own timezone.

Nothing is learnt from the data, so there is no fitted model: the node has the feature nodes'
`train` / `apply_to` inputs and `train` / `applied` outputs and treats both frames the same way
(`applied` is an empty frame with the train output's columns when `apply_to` is not connected).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import Field

from node_library import widgets
from node_library.checks import require_columns
from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeParams,
    NodeType,
    Port,
    PortSchema,
    error,
    raise_first_error,
)
from node_library.datatypes import DataType
from node_library.roles import left_alone
from node_library.schema import Column, Dtype, Role, TableSchema, schema_of_frame
from node_library.settings import NodeSettings

Part = Literal[
    "year",
    "quarter",
    "month",
    "day",
    "weekday",
    "hour",
    "minute",
    "second",
    "dayofyear",
    "week",
    "is_weekend",
]


DEFAULT_PARTS: tuple[Part, ...] = ("year", "month", "day", "weekday")


class DatetimePartsParams(NodeParams):
    columns: list[str] = Field(
        default_factory=list,
        description="Date/time columns to split. Empty means every date/time column.",
        json_schema_extra=widgets.columns("train"),
    )
    parts: list[Part] = Field(
        default_factory=lambda: list(DEFAULT_PARTS),
        min_length=1,
        description="Which parts to extract, in output order.",
    )
    keep_original: bool = Field(False, description="Keep the source date/time columns too.")


def part_dtype(part: str) -> Dtype:
    return Dtype.BOOLEAN if part == "is_weekend" else Dtype.INTEGER


def _parts_of(params: DatetimePartsParams) -> list[str]:
    return list(dict.fromkeys(params.parts))


def parts_schema(
    schema: TableSchema, features: list[str], params: DatetimePartsParams
) -> TableSchema:
    columns: list[Column] = []
    for column in schema.columns:
        if column.name not in features or params.keep_original:
            columns.append(column)
        if column.name in features:
            columns += [
                Column(name=f"{column.name}_{part}", dtype=part_dtype(part))
                for part in _parts_of(params)
            ]
    return TableSchema(columns=tuple(columns))


def _extract(times: pd.Series, part: str) -> pd.Series:
    values = times.dt
    gaps = bool(times.isna().any())
    result: pd.Series
    if part == "is_weekend":
        result = (values.day_of_week >= 5).astype("boolean" if gaps else bool)
        return result
    accessor = {"weekday": "day_of_week", "dayofyear": "day_of_year"}.get(part, part)
    raw = values.isocalendar().week if part == "week" else getattr(values, accessor)
    result = raw.astype("Int64" if gaps else "int64")
    return result


def add_datetime_parts(
    frame: pd.DataFrame, features: list[str], params: DatetimePartsParams
) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for name in frame.columns:
        series = frame[name]
        if name not in features or params.keep_original:
            data[str(name)] = series
        if name in features:
            for part in _parts_of(params):
                data[f"{name}_{part}"] = _extract(series, part)
    return pd.DataFrame(data, index=frame.index)


class DatetimePartsNode(NodeType[DatetimePartsParams]):
    type_id = "features.datetime_parts"
    display_name = "Date/time parts"
    category = "features"
    description = "Split date/time columns into year, month, day, weekday, hour and more."
    tags = ("datetime", "date", "time", "year", "month", "weekday", "calendar")
    Params = DatetimePartsParams
    inputs = (
        Port("train", DataType.DATAFRAME, "Train"),
        Port(
            "apply_to",
            DataType.DATAFRAME,
            "Apply to",
            required=False,
            description="Other rows (e.g. the test split) given the same parts.",
        ),
    )
    outputs = (
        Port("train", DataType.DATAFRAME, "Train"),
        Port("applied", DataType.DATAFRAME, "Applied"),
    )

    def features(self, params: DatetimePartsParams, schema: TableSchema) -> list[str]:
        if params.columns:
            wanted = set(params.columns)
            return [c.name for c in schema.columns if c.name in wanted]
        return [c.name for c in schema.columns if c.dtype is Dtype.DATETIME]

    def resolve_params(
        self,
        params: DatetimePartsParams,
        inputs: Mapping[str, PortSchema],
        roles: Mapping[str, Mapping[str, Role]],
    ) -> DatetimePartsParams:
        """With `columns` empty, a date/time column whose role is target, id or ignore keeps its
        values: the columns become the explicit list of the other date/time columns."""
        schema = inputs.get("train")
        if params.columns or schema is None:
            return params
        skip = set(left_alone(roles.get("train", {})))
        chosen = self.features(params, schema)
        if not skip & set(chosen):
            return params
        return params.model_copy(update={"columns": [c for c in chosen if c not in skip]})

    def changes_column(
        self, params: DatetimePartsParams, column: str, inputs: Mapping[str, PortSchema] | None
    ) -> str | None:
        schema = None if inputs is None else inputs.get("train")
        if params.columns:
            listed = column in params.columns
        else:
            listed = schema is not None and column in self.features(params, schema)
        return f"remove {column!r} from its columns" if listed else None

    def validate(
        self, params: DatetimePartsParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> list[Issue]:
        issues: list[Issue] = []
        for port in ("train", "apply_to"):
            schema = inputs.get(port)
            if schema is None:
                continue
            issues += require_columns(
                schema, dict.fromkeys(params.columns), param="columns", port=port
            )
            for name in dict.fromkeys(params.columns):
                dtype = schema.dtype_of(name)
                if dtype not in (None, Dtype.DATETIME, Dtype.UNKNOWN):
                    issues.append(
                        error(
                            "wrong_dtype",
                            f"column {name!r} of {port} is {dtype.value}, not a date/time",
                            "convert it with a Convert types node (target datetime) first",
                            param="columns",
                            port=port,
                        )
                    )
            if port == "train" and not issues and not self.features(params, schema):
                issues.append(
                    error(
                        "no_columns",
                        "the train input has no date/time columns",
                        "convert a text column to datetime first, or list the columns",
                        param="columns",
                    )
                )
            elif port == "train" and not issues and not params.columns:
                # resolve_params listed the others: these are all target, id or ignored
                found = self.features(params, schema)
                if all(schema.role_of(f) is not Role.FEATURE for f in found):
                    issues.append(
                        error(
                            "no_columns",
                            "the only date/time columns are target, id or ignored columns: "
                            + ", ".join(map(repr, found)),
                            "list them in columns to split them all the same",
                            param="columns",
                        )
                    )
            if port == "train" and not issues:
                names = set(schema.names)
                for feature in self.features(params, schema):
                    for part in _parts_of(params):
                        new = f"{feature}_{part}"
                        if new in names:
                            issues.append(
                                error(
                                    "output_collision",
                                    f"the output column {new!r} already exists",
                                    "rename or drop the existing column first",
                                    param="parts",
                                )
                            )
        return issues

    def infer_schema(
        self, params: DatetimePartsParams, inputs: Mapping[str, PortSchema], settings: NodeSettings
    ) -> dict[str, PortSchema]:
        schema = inputs.get("train")
        if schema is None:
            return {"train": None, "applied": None}
        features = self.features(params, schema)
        train = parts_schema(schema, features, params)
        if "apply_to" not in inputs:
            return {"train": train, "applied": train}
        applied = inputs["apply_to"]
        return {
            "train": train,
            "applied": None if applied is None else parts_schema(applied, features, params),
        }

    def compute(
        self, ctx: ExecutionContext, params: DatetimePartsParams, **inputs: Any
    ) -> dict[str, Any]:
        train: pd.DataFrame = inputs["train"]
        apply_to: pd.DataFrame | None = inputs.get("apply_to")
        train_schema = schema_of_frame(train)
        features = self.features(params, train_schema)
        if apply_to is not None:
            absent = [f for f in features if f not in apply_to.columns]
            if absent:
                raise_first_error(
                    [
                        error(
                            "missing_column",
                            f"apply_to lacks the date/time column(s) {', '.join(absent)}",
                            "connect a frame with the same columns as train",
                            port="apply_to",
                        )
                    ]
                )
        train_out = add_datetime_parts(train, features, params)
        applied = (
            train_out.iloc[0:0]
            if apply_to is None
            else add_datetime_parts(apply_to, features, params)
        )
        return {"train": train_out, "applied": applied}
