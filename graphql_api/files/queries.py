"""The file browser's queries: the folders of the data roots and previews of their files."""

from __future__ import annotations

import asyncio

import strawberry

from canvas_assets import DataFileError, list_data_folder, preview_data_file
from graphql_api.auth import IsViewer
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError
from graphql_api.files.types import (
    DataFilePreviewInfo,
    DataFilePreviewResult,
    DataFolderInfo,
    DataFolderResult,
)


def _invalid(exc: DataFileError) -> InvalidInputError:
    return InvalidInputError(message=str(exc), field=exc.field, hint=exc.hint)


@strawberry.type
class FileQueries:
    @strawberry.field(
        permission_classes=[IsViewer],
        description="The files and folders in `folder` of the data roots ('' for their top),"
        " where file sources read. A folder that is absolute, climbs out with '..' or leads"
        " outside a data root through a symbolic link comes back as InvalidInputError.",
    )
    async def data_files(self, info: Info, folder: str = "") -> DataFolderResult:
        settings = info.context.services.settings
        try:
            # Listing touches the disk: keep it off the event loop.
            listing = await asyncio.to_thread(list_data_folder, folder, settings)
        except DataFileError as exc:
            return _invalid(exc)
        return DataFolderInfo.of(listing)

    @strawberry.field(
        permission_classes=[IsViewer],
        description="The columns (as the source node infers them) and first rows of a data"
        " file, read by the source node that reads its kind, with the params it read with."
        " A path outside the data roots, a missing file or one the node cannot read comes back"
        " as InvalidInputError saying why.",
    )
    async def data_file_preview(
        self, info: Info, path: str, rows: int = 20
    ) -> DataFilePreviewResult:
        services = info.context.services
        try:
            # Reading and checking the file blocks: keep it off the event loop.
            preview = await asyncio.to_thread(
                preview_data_file, path, services.settings, services.registry, rows
            )
        except DataFileError as exc:
            return _invalid(exc)
        return DataFilePreviewInfo.of(preview)
