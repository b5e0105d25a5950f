"""What every source node shares: no inputs, one `data` table out, and no second `validate` at
the start of a run; and the `roles` param of the sources that let a user declare column roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from node_library import widgets
from node_library.contract import NodeType, Port
from node_library.datatypes import DataType
from node_library.schema import Role


def roles_param() -> Any:
    """The `roles` param of a source that lets a user declare column roles where the data is
    read (declared last: the form shows params in order). `DataFileSourceNode` checks and
    applies it."""
    return Field(
        default_factory=dict,
        description="Column roles, as column -> role: the target a model predicts, an id, or a "
        "column to ignore. Columns not listed are features.",
        json_schema_extra=widgets.column_map(),
    )


def declared_roles(params: BaseModel) -> Mapping[str, Role]:
    """The roles a source's params declare; none for a source without a `roles` param."""
    roles = getattr(params, "roles", None)
    return roles if isinstance(roles, dict) else {}


P = TypeVar("P", bound=BaseModel)


class SourceNode(NodeType[P], Generic[P]):
    """Base of the nodes that bring data into the graph (files, databases, APIs, samples)."""

    category = "sources"
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)
    # `validate` opens the file, looks up the connection or checks the URL; the read repeats
    # those checks on its own terms (the path confined as it is opened, every redirect checked)
    validate_before_run = False
