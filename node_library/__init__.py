"""Pure-Python core of Visual ML Canvas: data types, the node contract, the registry, the graph
document, validation with schema propagation, safe expressions and the built-in nodes.

This package must never import dagster or strawberry (a test enforces it): it is the part that the
compiler, the API, the CLI and third-party node packages all share.
"""

from node_library.contract import (
    ExecutionContext,
    Issue,
    NodeType,
    Port,
    RecordingContext,
    Severity,
)
from node_library.datatypes import DataType, can_connect
from node_library.graph import Edge, Group, Node, Workflow, load_workflow
from node_library.registry import NodeRegistry, default_registry
from node_library.schema import Column, TableSchema
from node_library.settings import NodeSettings
from node_library.validation import ValidationResult, validate_workflow

__all__ = [
    "Column",
    "DataType",
    "Edge",
    "ExecutionContext",
    "Group",
    "Issue",
    "Node",
    "NodeRegistry",
    "NodeSettings",
    "NodeType",
    "Port",
    "RecordingContext",
    "Severity",
    "TableSchema",
    "ValidationResult",
    "Workflow",
    "can_connect",
    "default_registry",
    "load_workflow",
    "validate_workflow",
]
