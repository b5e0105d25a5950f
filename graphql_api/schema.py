"""The schema: every domain's queries and mutations combined in one place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import strawberry
from strawberry.extensions import SchemaExtension

from graphql_api.extensions import Limits, schema_extensions
from graphql_api.files.mutations import FileMutations
from graphql_api.files.queries import FileQueries
from graphql_api.node_types.queries import NodeTypeQueries
from graphql_api.outputs.queries import OutputQueries
from graphql_api.runs.mutations import RunMutations
from graphql_api.runs.queries import RunQueries
from graphql_api.runs.subscriptions import RunSubscriptions
from graphql_api.schedules.mutations import ScheduleMutations
from graphql_api.schedules.queries import ScheduleQueries
from graphql_api.workflows.mutations import WorkflowMutations
from graphql_api.workflows.queries import WorkflowQueries
from graphql_api.workflows.subscriptions import WorkflowSubscriptions

SDL_PATH = Path(__file__).with_name("schema.graphql")


@strawberry.type
class Query(
    NodeTypeQueries, WorkflowQueries, RunQueries, OutputQueries, ScheduleQueries, FileQueries
):
    pass


@strawberry.type
class Mutation(WorkflowMutations, RunMutations, FileMutations, ScheduleMutations):
    pass


@strawberry.type
class Subscription(RunSubscriptions, WorkflowSubscriptions):
    pass


def build_schema(
    limits: Limits | None = None, extra: Sequence[Callable[[], SchemaExtension]] = ()
) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*schema_extensions(limits or Limits()), *extra],
    )


def sdl() -> str:
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    SDL_PATH.write_text(sdl())
    print(f"wrote {SDL_PATH}")
