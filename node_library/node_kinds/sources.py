"""What every source node shares: no inputs, one `data` table out, and no second `validate` at
the start of a run."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

from node_library.contract import NodeType, Port
from node_library.datatypes import DataType

P = TypeVar("P", bound=BaseModel)


class SourceNode(NodeType[P], Generic[P]):
    """Base of the nodes that bring data into the graph (files, databases, APIs, samples)."""

    category = "sources"
    outputs = (Port("data", DataType.DATAFRAME, "Data"),)
    # `validate` opens the file, looks up the connection or checks the URL; the read repeats
    # those checks on its own terms (the path confined as it is opened, every redirect checked)
    validate_before_run = False
