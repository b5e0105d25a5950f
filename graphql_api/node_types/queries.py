from __future__ import annotations

import strawberry

from graphql_api.auth import IsEditor, IsViewer
from graphql_api.context import Info
from graphql_api.node_types.types import (
    ConnectionRule,
    ExpressionLanguage,
    NodeTypeSpec,
    connection_rules,
    expression_language,
    secret_names,
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

    @strawberry.field(
        permission_classes=[IsEditor],
        description="Names of the secrets set on this server (CANVAS_SECRET_<NAME>), lowercase "
        "and sorted, as params that hold a secret name (x-secret-name) use them; never their "
        "values. Editors only: it is what the properties form's secret picker offers.",
    )
    def secret_names(self, info: Info) -> list[str]:
        return secret_names(info.context.services.settings)
