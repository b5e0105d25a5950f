from __future__ import annotations

import strawberry

from graphql_api.auth import IsViewer
from graphql_api.context import Info
from graphql_api.node_types.types import (
    ConnectionRule,
    ExpressionLanguage,
    NodeTypeSpec,
    connection_rules,
    expression_language,
)


@strawberry.type
class NodeTypeQueries:
    @strawberry.field(permission_classes=[IsViewer], description="Every installed node type.")
    def node_types(self, info: Info, category: str | None = None) -> list[NodeTypeSpec]:
        registry = info.context.services.registry
        return [NodeTypeSpec.of(t) for t in registry if category is None or t.category == category]

    @strawberry.field(
        permission_classes=[IsViewer],
        description="Which data types connect besides identity; ports may accept more.",
    )
    def connection_rules(self, info: Info) -> list[ConnectionRule]:
        return connection_rules()

    @strawberry.field(
        permission_classes=[IsViewer],
        description="The expression language's functions, operators and reserved words.",
    )
    def expression_language(self) -> ExpressionLanguage:
        return expression_language()
