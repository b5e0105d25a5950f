"""Hardening of the GraphQL endpoint: depth, token and alias limits (aliases are counted through
fragment spreads by strawberry's limiter), masked internal errors with a correlation id that the
server log carries too, and switchable introspection."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

log = logging.getLogger("graphql_api")


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 5_000
    max_aliases: int = 30
    max_page_size: int = 500
    max_body_bytes: int = 2_000_000
    introspection: bool = True


def _is_internal(error: GraphQLError) -> bool:
    """Errors we raised on purpose (GraphQLError) are shown; anything else is masked."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskInternalErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_internal)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        correlation_id = uuid.uuid4().hex[:12]
        log.error(
            "internal error %s at %s", correlation_id, error.path, exc_info=error.original_error
        )
        return GraphQLError(
            f"internal error (correlation id {correlation_id}); the server log has the details",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL", "correlationId": correlation_id},
        )


def schema_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    """Factories: strawberry builds fresh extensions for each request."""
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=limits.max_depth),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        MaskInternalErrors,
    ]
    if not limits.introspection:
        extensions.append(DisableIntrospection)
    return extensions
