"""GraphQL types of uploaded data files."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from canvas_assets import StoredUpload
from graphql_api.errors import InvalidInputError
from graphql_api.workflows.types import ColumnInfo


@strawberry.type(description="A data file stored under the first data root, ready for a source.")
class UploadedFile:
    path: str = strawberry.field(
        description="Relative to the data root: what the source node's `path` param takes."
    )
    name: str = strawberry.field(description="The stored (server-generated) file name.")
    original_name: str
    size_bytes: int
    format: str = strawberry.field(
        description="What the content is: csv, tsv, json, jsonl, parquet or xlsx."
    )
    source_type: str = strawberry.field(description="The node type that reads it.")
    source_params: JSON = strawberry.field(
        description="Params for that node, path included: add the node with them as they are."
    )
    columns: list[ColumnInfo] | None = strawberry.field(
        description="Columns as the source node will read them (null: known only after a run)."
    )

    @classmethod
    def of(cls, stored: StoredUpload) -> UploadedFile:
        return cls(
            path=stored.path,
            name=stored.name,
            original_name=stored.original_name,
            size_bytes=stored.size_bytes,
            format=stored.format,
            source_type=stored.source_type,
            source_params=JSON(stored.source_params),
            columns=None
            if stored.columns is None
            else [ColumnInfo(name=c.name, dtype=c.dtype.value) for c in stored.columns],
        )


UploadResult = Annotated[UploadedFile | InvalidInputError, strawberry.union("UploadResult")]
