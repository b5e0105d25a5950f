"""GraphQL types of node output previews: table pages with column stats, metrics, plots, JSON
values and files, each with the address of its result and a download URL."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from canvas_assets import (
    ColumnSummary as CoreColumnSummary,
)
from canvas_assets import (
    FileInfo,
    NoCurrentResult,
    NodeOutput,
    PlanError,
    TablePreview,
    ValuePreview,
)
from graphql_api.errors import InvalidInputError, Issue, NotFoundError, UserError
from graphql_api.workflows.types import NodeName


def download_url(slug: str, node_id: str, cache_key: str, port: str) -> str:
    """Where GET /files serves a stored result (the parts are already validated)."""
    return f"/files/{slug}/{node_id}/{cache_key}/{port}"


@strawberry.interface(description="Which stored result a preview shows.")
class OutputPreview:
    node_id: str
    port: str
    cache_key: str = strawberry.field(
        description="Names this exact result; pass it back as cacheKey to see it again later."
    )
    data_type: str
    current: bool = strawberry.field(
        description="True when this is the result the current graph implies (not an earlier one)."
    )
    download_url: str | None = strawberry.field(
        description="GET it with the same Authorization header: files as stored, tables as CSV,"
        " JSON values as JSON (null for models, which are not downloadable)."
    )


@strawberry.type
class ValueCount:
    value: str
    count: int


@strawberry.type(description="One bar of a histogram: the values in [start, end).")
class HistogramBin:
    start: float
    end: float = strawberry.field(description="Exclusive, except for the last bin.")
    count: int


@strawberry.type(
    description="A column's dtype, counts and the stats that fit its dtype, over the whole stored"
    " result (not only the rows a `where` keeps)."
)
class ColumnSummary:
    name: str
    dtype: str
    null_count: int = strawberry.field(description="Missing values (NaN counts as missing).")
    count: int | None = strawberry.field(description="Values that are not missing.")
    distinct_count: int | None = strawberry.field(
        description="Distinct values that are not missing."
    )
    min: float | None = strawberry.field(description="Numbers: smallest finite value.")
    max: float | None = strawberry.field(description="Numbers: largest finite value.")
    mean: float | None = strawberry.field(description="Numbers: mean of the finite values.")
    std: float | None = strawberry.field(description="Numbers: sample standard deviation.")
    p25: float | None = strawberry.field(description="Numbers: first quartile (linear).")
    median: float | None = strawberry.field(description="Numbers: the median.")
    p75: float | None = strawberry.field(description="Numbers: third quartile (linear).")
    histogram: list[HistogramBin] = strawberry.field(
        description="Numbers: equal-width bins from min to max over the finite values."
    )
    top_values: list[ValueCount] = strawberry.field(
        description="Text, categories, booleans and integers: the most frequent values."
    )
    earliest: str | None = strawberry.field(description="Dates: the earliest, ISO 8601.")
    latest: str | None = strawberry.field(description="Dates: the latest, ISO 8601.")

    @classmethod
    def of(cls, column: CoreColumnSummary) -> ColumnSummary:
        return cls(
            name=column.name,
            dtype=column.dtype,
            null_count=column.null_count,
            count=column.count,
            distinct_count=column.distinct_count,
            min=column.min,
            max=column.max,
            mean=column.mean,
            std=column.std,
            p25=column.p25,
            median=column.median,
            p75=column.p75,
            histogram=[
                HistogramBin(start=b.start, end=b.end, count=b.count) for b in column.histogram
            ],
            top_values=[ValueCount(value=v.value, count=v.count) for v in column.top_values],
            earliest=column.earliest,
            latest=column.latest,
        )


@strawberry.type(description="One page of a dataframe or series result, with column stats.")
class DataFramePreview(OutputPreview):
    total_rows: int = strawberry.field(
        description="Rows that meet `where` (every stored row without it)."
    )
    stored_rows: int = strawberry.field(description="Rows in the stored result, before `where`.")
    where: str | None = strawberry.field(description="The condition the rows meet, if any.")
    offset: int
    limit: int
    sort_by: str | None
    descending: bool
    columns: list[ColumnSummary]
    rows: JSON = strawberry.field(
        description="The page as a list of rows, each a list of values in column order;"
        " null for missing values, ISO 8601 strings for dates."
    )
    row_numbers: list[int] = strawberry.field(
        description="Each row's position in the stored table (from 0), also when sorted."
    )


@strawberry.type(description="A metrics result: named numbers.")
class MetricsPreview(OutputPreview):
    values: JSON


@strawberry.type(description="A plot result: a Plotly figure ({data, layout}).")
class PlotPreview(OutputPreview):
    figure: JSON


@strawberry.type(description="A JSON result (and, for models, a description of the model).")
class JsonPreview(OutputPreview):
    value: JSON | None


@strawberry.type(description="A file result: download it from downloadUrl.")
class FilePreview(OutputPreview):
    name: str
    media_type: str
    size_bytes: int


@strawberry.type(
    description="The node has no stored result for its current params and inputs, or (invalid)"
    " no current result at all while it or a node upstream of it has errors."
)
class NoResultError(UserError):
    state: str = strawberry.field(description="stale, missing or invalid")
    reason: str
    earlier_cache_key: str | None = strawberry.field(
        description="The node's last stored result on this port, if any: pass it as cacheKey to"
        " show that earlier result until the node runs again."
    )
    issues: list[Issue] = strawberry.field(
        description="invalid: the node's own errors first, then an upstream_invalid issue per"
        " upstream node whose errors block it"
    )
    blocked_by: list[NodeName] = strawberry.field(
        description="invalid: the upstream nodes whose errors block the node (empty when only"
        " its own errors do)"
    )

    @classmethod
    def of(cls, error: NoCurrentResult) -> NoResultError:
        return cls(
            message=str(error),
            state=error.state,
            reason=error.reason,
            earlier_cache_key=error.earlier_cache_key,
            issues=[],
            blocked_by=[],
        )

    @classmethod
    def invalid(cls, node_id: str, error: PlanError) -> NoResultError:
        """A node that cannot be planned: the error carries its issues (Plan.blocked)."""
        first = error.issues[0] if error.issues else None
        return cls(
            message=f"node {node_id!r} has no current result: {error}",
            state="invalid",
            reason=first.message if first else "the node cannot be planned",
            earlier_cache_key=None,
            issues=[Issue.of(i) for i in error.issues],
            blocked_by=[NodeName(node_id=n.node_id, label=n.label) for n in error.blocked_by],
        )


NodeOutputResult = Annotated[
    DataFramePreview
    | MetricsPreview
    | PlotPreview
    | JsonPreview
    | FilePreview
    | NotFoundError
    | NoResultError
    | InvalidInputError,
    strawberry.union("NodeOutputResult"),
]

Previewed = DataFramePreview | MetricsPreview | PlotPreview | JsonPreview | FilePreview


def preview_of(output: NodeOutput) -> Previewed:
    ref, page = output.ref, output.preview
    common: dict[str, Any] = {
        "node_id": ref.node_id,
        "port": ref.port,
        "cache_key": ref.cache_key,
        "current": output.current,
        "download_url": None
        if isinstance(page, ValuePreview) and page.data_type == "model"
        else download_url(ref.workflow, ref.node_id, ref.cache_key, ref.port),
    }
    if isinstance(page, TablePreview):
        return DataFramePreview(
            **common,
            data_type=page.data_type,
            total_rows=page.total_rows,
            stored_rows=page.stored_rows,
            where=page.where,
            offset=page.offset,
            limit=page.limit,
            sort_by=page.sort_by,
            descending=page.descending,
            columns=[ColumnSummary.of(c) for c in page.columns],
            rows=JSON(page.rows),
            row_numbers=page.row_numbers,
        )
    if isinstance(page, FileInfo):
        return FilePreview(
            **common,
            data_type="file",
            name=page.name,
            media_type=page.media_type,
            size_bytes=page.size_bytes,
        )
    assert isinstance(page, ValuePreview)
    if page.data_type == "metrics":
        return MetricsPreview(**common, data_type="metrics", values=JSON(page.value))
    if page.data_type == "plot":
        return PlotPreview(**common, data_type="plot", figure=JSON(page.value))
    return JsonPreview(**common, data_type=page.data_type, value=JSON(page.value))
