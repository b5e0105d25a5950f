"""Hardening of the GraphQL endpoint: depth, token and alias limits (aliases are counted through
fragment spreads by strawberry's limiter), a nesting limit on JSON input values (variables and
literals), masked internal errors with a correlation id that the server log carries too, a
typed error when the database is down, switchable introspection (and, with it off, no "Did you
mean" suggestions that would spell out the schema's names)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, ListValueNode, ObjectValueNode, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from graphql_api.outages import CODE as OUTAGE_CODE
from graphql_api.outages import is_outage, outage_message

log = logging.getLogger("graphql_api")
MAX_JSON_DEPTH = 64
# graphql-core's suggestions: " Did you mean 'a', 'b' or 'c'?" (names never contain '?')
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


@dataclass(frozen=True)
class Limits:
    max_depth: int = 12
    max_tokens: int = 5_000
    max_aliases: int = 30
    max_page_size: int = 500
    max_body_bytes: int = 2_000_000
    introspection: bool = True
    # how often an open WebSocket re-checks that its token is still valid (app.py)
    principal_recheck_seconds: float = 2.0


def _is_internal(error: GraphQLError) -> bool:
    """Errors we raised on purpose (GraphQLError) are shown; anything else is masked."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskInternalErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_internal)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if is_outage(error.original_error):
            assert error.original_error is not None
            services = getattr(self.execution_context.context, "services", None)
            message = outage_message(error.original_error, services)
            log.warning("%s (at %s)", message, error.path)  # not the SQL nor its parameters
            return GraphQLError(
                message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={"code": OUTAGE_CODE},
            )
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


class HideSuggestions(MaskErrors):
    """With introspection off, validation and coercion errors keep their message but lose the
    "Did you mean ...?" part, which would list field, argument and enum names."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: "Did you mean" in error.message)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            _SUGGESTION.sub("", error.message),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=error.original_error,
            extensions=error.extensions,
        )


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True when lists/objects nest deeper than `limit`; iterative, so any depth is safe."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def nesting_error(where: str) -> GraphQLError:
    return GraphQLError(
        f"{where} nests lists/objects more than {MAX_JSON_DEPTH} levels deep; flatten it",
        extensions={"code": "BAD_USER_INPUT"},
    )


class LiteralDepthRule(ValidationRule):
    """Refuses list/object literals in the query nested deeper than MAX_JSON_DEPTH (a JSON
    argument written inline); graphql-core's visitor is iterative, so this never recurses."""

    depth = 0
    reported = False

    def enter_list_value(self, node: ListValueNode, *_: object) -> None:
        self._enter(node)

    def enter_object_value(self, node: ObjectValueNode, *_: object) -> None:
        self._enter(node)

    def leave_list_value(self, *_: object) -> None:
        self.depth -= 1

    def leave_object_value(self, *_: object) -> None:
        self.depth -= 1

    def _enter(self, node: ListValueNode | ObjectValueNode) -> None:
        self.depth += 1
        if self.depth > MAX_JSON_DEPTH and not self.reported:
            self.reported = True
            error = nesting_error("a value written in the query")
            self.report_error(GraphQLError(error.message, node, extensions=error.extensions))


class LimitVariableDepth(SchemaExtension):
    """Refuses variables nested deeper than MAX_JSON_DEPTH before validation and execution (a
    deep JSON argument would otherwise reach pydantic, json.dumps and the store)."""

    def on_validate(self) -> Iterator[None]:
        variables = self.execution_context.variables or {}
        for name, value in variables.items():
            if json_depth_exceeds(value, MAX_JSON_DEPTH):
                self.execution_context.pre_execution_errors = [nesting_error(f"variable ${name}")]
                break
        yield


def schema_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    """Factories: strawberry builds fresh extensions for each request."""
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=limits.max_depth),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        lambda: AddValidationRules([LiteralDepthRule]),
        LimitVariableDepth,
        MaskInternalErrors,
    ]
    if not limits.introspection:
        extensions += [DisableIntrospection, HideSuggestions]
    return extensions
