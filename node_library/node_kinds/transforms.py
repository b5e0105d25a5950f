"""What the table transforms share: one `data` table in, one `data` table out."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

from node_library.contract import NodeType, Port
from node_library.datatypes import DataType

P = TypeVar("P", bound=BaseModel)


class TransformNode(NodeType[P], Generic[P]):
    """Base of the nodes that turn one table into another (filter, sort, compute, ...). A node
    that keeps the columns as they are declares `passes_through = "data"`."""

    category = "transforms"
    inputs = (Port("data", DataType.DATAFRAME, "Data"),)
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)
