"""GraphQL types of the node registry: what the palette, the node drawings and the properties
form are generated from, the reference of the expression language the form's expression
editor completes and documents, and the names of the server's secrets its secret picker offers."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from node_library.contract import NodeType as CoreNodeType
from node_library.contract import Port as CorePort
from node_library.datatypes import CONNECTION_TABLE, DataType
from node_library.expressions import FUNCTIONS, RESERVED_WORDS, SYNTAX, FunctionSpec, SyntaxSpec
from node_library.settings import NodeSettings


@strawberry.type
class PortSpec:
    name: str
    data_type: str
    label: str
    required: bool
    accepts: list[str]
    description: str

    @classmethod
    def of(cls, port: CorePort) -> PortSpec:
        return cls(
            name=port.name,
            data_type=port.data_type.value,
            label=port.label or port.name,
            required=port.required,
            accepts=[t.value for t in port.accepts],
            description=port.description,
        )


@strawberry.type(description="A node type of the registry.")
class NodeTypeSpec:
    type_id: str
    version: int
    display_name: str
    category: str
    description: str
    tags: list[str]
    deterministic: bool
    inputs: list[PortSpec]
    outputs: list[PortSpec]
    params_schema: JSON = strawberry.field(
        description="JSON schema of the params, with defaults and bounds: drives the form."
    )

    @classmethod
    def of(cls, node_type: CoreNodeType[Any]) -> NodeTypeSpec:
        return cls(
            type_id=node_type.type_id,
            version=node_type.version,
            display_name=node_type.display_name,
            category=node_type.category,
            description=node_type.description,
            tags=list(node_type.tags),
            deterministic=node_type.deterministic,
            inputs=[PortSpec.of(p) for p in node_type.inputs],
            outputs=[PortSpec.of(p) for p in node_type.outputs],
            params_schema=JSON(node_type.Params.model_json_schema()),
        )


@strawberry.type(description="A source type that may feed a target type (beyond identity).")
class ConnectionRule:
    source: str
    target: str


def connection_rules() -> list[ConnectionRule]:
    rules = [ConnectionRule(source=t.value, target=t.value) for t in DataType]
    rules += [ConnectionRule(source=s.value, target=t.value) for s, t in sorted(CONNECTION_TABLE)]
    return rules


@strawberry.type(description="A function of the expression language.")
class ExpressionFunction:
    name: str
    signature: str = strawberry.field(description='How to call it, e.g. "round(x, ndigits=0)".')
    doc: str = strawberry.field(description="One line: what it gives.")
    category: str = strawberry.field(description="missing values, text, dates, math, logic...")
    params: list[str]
    required: int = strawberry.field(description="How many leading params must be given.")
    keywords: list[str] = strawberry.field(description="Params that may be passed by name.")
    literals: list[str] = strawberry.field(
        description="Params that take a literal (text or a number), not a column."
    )

    @classmethod
    def of(cls, spec: FunctionSpec) -> ExpressionFunction:
        return cls(
            name=spec.name,
            signature=spec.signature,
            doc=spec.doc,
            category=spec.category,
            params=list(spec.params),
            required=spec.required,
            keywords=list(spec.keywords),
            literals=list(spec.literals),
        )


@strawberry.type(description="An operator, keyword or literal of the expression language.")
class ExpressionSyntax:
    text: str
    kind: str = strawberry.field(description='"operator" (a symbol), "keyword" or "literal".')
    doc: str
    example: str

    @classmethod
    def of(cls, spec: SyntaxSpec) -> ExpressionSyntax:
        return cls(text=spec.text, kind=spec.kind, doc=spec.doc, example=spec.example)


@strawberry.type(
    description="The safe expression language of filter rows and computed columns: what the "
    'expression editor completes and documents. Columns are bare names, or col("...") for '
    "names that are not identifiers or are reserved words."
)
class ExpressionLanguage:
    functions: list[ExpressionFunction]
    syntax: list[ExpressionSyntax]
    reserved_words: list[str] = strawberry.field(
        description='Words that cannot be bare column names (write col("...") for them).'
    )


def expression_language() -> ExpressionLanguage:
    return ExpressionLanguage(
        functions=[ExpressionFunction.of(f) for f in FUNCTIONS.values()],
        syntax=[ExpressionSyntax.of(s) for s in SYNTAX],
        reserved_words=list(RESERVED_WORDS),
    )


def secret_names(settings: NodeSettings) -> list[str]:
    """The configured secrets' names (already lowercase in NodeSettings), sorted; no values."""
    return sorted(settings.secrets)
