from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from canvas_assets import (
    MAX_PREVIEW_ROWS,
    NoCurrentResult,
    NotFound,
    OutputNotFound,
    PlanError,
    PreviewError,
    node_output,
)
from graphql_api.auth import IsViewer
from graphql_api.context import Info
from graphql_api.errors import InvalidInputError, NotFoundError
from graphql_api.outputs.types import NodeOutputResult, NoResultError, preview_of


@strawberry.type
class OutputQueries:
    @strawberry.field(
        permission_classes=[IsViewer],
        description="A node's result: the one its current params and inputs imply, or an"
        " earlier one by cacheKey. Tables come as a page of rows (at most"
        f" {MAX_PREVIEW_ROWS}), sortable and filterable by a condition, with column stats.",
    )
    async def node_output(
        self,
        info: Info,
        workflow_id: strawberry.ID,
        node_id: str,
        port: str | None = None,
        cache_key: str | None = None,
        offset: int = 0,
        limit: int = 100,
        sort_by: str | None = None,
        descending: bool = False,
        where: Annotated[
            str | None,
            strawberry.argument(
                description="Tables: keep the rows for which this condition is true, in the"
                ' filter node\'s expression language (`units > 3 and region == "west"`), before'
                " sorting and paging; totalRows then counts those rows. A bad condition comes"
                " back as InvalidInputError with field `where`, its position and a fix."
            ),
        ] = None,
    ) -> NodeOutputResult:
        services = info.context.services
        try:
            # Reading Parquet and computing stats blocks: keep it off the event loop.
            output = await asyncio.to_thread(
                node_output,
                services,
                str(workflow_id),
                node_id,
                port=port,
                cache_key=cache_key,
                offset=offset,
                limit=limit,
                sort_by=sort_by,
                descending=descending,
                where=where,
            )
        except (NotFound, OutputNotFound) as exc:
            return NotFoundError(message=str(exc))
        except NoCurrentResult as exc:
            return NoResultError.of(exc)
        except PreviewError as exc:
            return InvalidInputError(
                message=str(exc), field=exc.field, hint=exc.hint, position=exc.position
            )
        except PlanError as exc:  # the node or its upstream has errors (not another node)
            return NoResultError.invalid(node_id, exc)
        return preview_of(output)
