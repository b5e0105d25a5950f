"""Table transforms: rows filtered, sorted, deduplicated or sampled; columns selected, computed
or converted; missing values filled; tables joined and aggregated; column roles set.

`NODES` lists the node types of this category; node_library.nodes registers them."""

from __future__ import annotations

from node_library.nodes.transforms.aggregate import AggregateNode
from node_library.nodes.transforms.computed_column import ComputedColumnNode
from node_library.nodes.transforms.convert_types import ConvertTypesNode
from node_library.nodes.transforms.deduplicate import DeduplicateNode
from node_library.nodes.transforms.filter_rows import FilterRowsNode
from node_library.nodes.transforms.join import JoinNode
from node_library.nodes.transforms.missing_values import MissingValuesNode
from node_library.nodes.transforms.sample import SampleNode
from node_library.nodes.transforms.select_columns import SelectColumnsNode
from node_library.nodes.transforms.set_roles import SetRolesNode
from node_library.nodes.transforms.sort import SortNode

NODES = (
    AggregateNode,
    ComputedColumnNode,
    ConvertTypesNode,
    DeduplicateNode,
    FilterRowsNode,
    JoinNode,
    MissingValuesNode,
    SampleNode,
    SelectColumnsNode,
    SetRolesNode,
    SortNode,
)
