from __future__ import annotations

import asyncio

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from canvas_assets import DEFAULT_UPLOAD_FOLDER, UploadRefused, store_upload
from graphql_api.auth import IsEditor
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError
from graphql_api.files.types import UploadedFile, UploadResult


@strawberry.type
class FileMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Store a data file (CSV, TSV, JSON, JSON Lines, Parquet or Excel .xlsx,"
        " recognized by its content) under the first data root, in `folder`, with a"
        " server-generated name. Send it as a GraphQL multipart request (fields operations, map"
        " and the file) with the header `Apollo-Require-Preflight: true` (or"
        " `GraphQL-Require-Preflight: 1`), which keeps other web pages from posting forms here.",
    )
    async def upload_data_file(
        self, info: Info, file: Upload, folder: str = DEFAULT_UPLOAD_FOLDER
    ) -> UploadResult:
        if not isinstance(file, UploadFile):
            return InvalidInputError(
                message="file must be an uploaded file part, not a value",
                field="file",
                hint="send a GraphQL multipart request (operations, map and the file part)",
            )
        services = info.context.services
        try:
            # Copying and checking a file of up to the upload cap blocks: keep it off the loop.
            stored = await asyncio.to_thread(
                store_upload,
                file.file,
                file.filename,
                folder,
                services.settings,
                services.registry,
            )
        except UploadRefused as exc:
            return InvalidInputError(message=str(exc), field=exc.field, hint=exc.hint)
        finally:
            await file.close()
        return UploadedFile.of(stored)
