"""GraphQL types of the node registry: what the palette, the node drawings and the properties
form are generated from."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from node_library.contract import NodeType as CoreNodeType
from node_library.contract import Port as CorePort
from node_library.datatypes import CONNECTION_TABLE, DataType


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
