"""GraphQL types of data files: uploads, and the file browser's folders and previews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from canvas_assets import DataFileEntry, DataFilePreview, DataFolder, StoredUpload
from graphql_api.errors import InvalidInputError
from graphql_api.workflows.types import ColumnInfo, column_infos


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
            columns=column_infos(stored.columns),
        )


UploadResult = Annotated[UploadedFile | InvalidInputError, strawberry.union("UploadResult")]


# Sizes are Float: a data file may pass 2 GiB, which GraphQL's 32-bit Int cannot carry (Float is
# exact up to 2^53 bytes).


@strawberry.type(description="A file or folder under the data roots.")
class DataFile:
    name: str
    path: str = strawberry.field(
        description="Relative to the data roots, '/' between folders: what a file source's"
        " `path` param takes (or the `folder` to list, for a folder)."
    )
    is_folder: bool
    size_bytes: float | None = strawberry.field(description="Null for folders.")
    modified: datetime
    kind: str | None = strawberry.field(
        description="What the file is by its name: csv, tsv, parquet, excel, json or jsonl;"
        " null for folders and for files no source reads."
    )
    source_type: str | None = strawberry.field(description="The node type that reads it.")

    @classmethod
    def of(cls, entry: DataFileEntry) -> DataFile:
        return cls(
            name=entry.name,
            path=entry.path,
            is_folder=entry.is_folder,
            size_bytes=entry.size_bytes,
            modified=entry.modified,
            kind=entry.kind.kind if entry.kind else None,
            source_type=entry.kind.source_type if entry.kind else None,
        )


@strawberry.type(
    name="DataFolder", description="One folder of the data roots (merged across the roots)."
)
class DataFolderInfo:
    folder: str = strawberry.field(description="'' for the top of the data roots.")
    parent: str | None = strawberry.field(description="The folder above; null at the top.")
    entries: list[DataFile] = strawberry.field(
        description="Folders first, then files, by name; hidden files and links that lead"
        " outside the data roots are left out."
    )
    total_entries: int = strawberry.field(
        description="Entries in the folder; more than `entries` holds when the list was cut."
    )

    @classmethod
    def of(cls, folder: DataFolder) -> DataFolderInfo:
        return cls(
            folder=folder.folder,
            parent=folder.parent,
            entries=[DataFile.of(e) for e in folder.entries],
            total_entries=folder.total_entries,
        )


@strawberry.type(
    name="DataFilePreview",
    description="The first rows of a data file, read by the node that reads it.",
)
class DataFilePreviewInfo:
    path: str
    name: str
    size_bytes: float
    modified: datetime
    kind: str
    source_type: str
    source_params: JSON = strawberry.field(
        description="The params the preview read with (path, and the sniffed delimiter of a"
        " CSV or `lines` of a JSON file): set them on the node to read what is shown."
    )
    columns: list[ColumnInfo] | None = strawberry.field(
        description="Columns and dtypes as the node infers them (null: known only after a run)."
    )
    rows: JSON = strawberry.field(description="The first rows, lists in column order.")
    note: str | None = strawberry.field(description="Why no rows are shown, when so.")

    @classmethod
    def of(cls, preview: DataFilePreview) -> DataFilePreviewInfo:
        return cls(
            path=preview.path,
            name=preview.name,
            size_bytes=preview.size_bytes,
            modified=preview.modified,
            kind=preview.kind.kind,
            source_type=preview.kind.source_type,
            source_params=JSON(preview.source_params),
            columns=column_infos(preview.columns),
            rows=JSON(preview.rows),
            note=preview.note,
        )


DataFolderResult = Annotated[
    DataFolderInfo | InvalidInputError, strawberry.union("DataFolderResult")
]
DataFilePreviewResult = Annotated[
    DataFilePreviewInfo | InvalidInputError, strawberry.union("DataFilePreviewResult")
]
